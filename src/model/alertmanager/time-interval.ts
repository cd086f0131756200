import { checkArray, checkEnum, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkNonEmpty, compact } from '../../core/formats';

/** A day of the week, as Alertmanager names it. */
export enum Weekday {
  /** Monday. */
  MONDAY = 'monday',
  /** Tuesday. */
  TUESDAY = 'tuesday',
  /** Wednesday. */
  WEDNESDAY = 'wednesday',
  /** Thursday. */
  THURSDAY = 'thursday',
  /** Friday. */
  FRIDAY = 'friday',
  /** Saturday. */
  SATURDAY = 'saturday',
  /** Sunday. */
  SUNDAY = 'sunday',
}

/**
 * A span of the day, `startTime` inclusive to `endTime` exclusive.
 */
export interface TimeOfDayRange {
  /** The start, `HH:MM` in 24-hour time, such as `'09:00'`. */
  readonly startTime: string;
  /** The end, `HH:MM` after the start; `'24:00'` is the end of the day. */
  readonly endTime: string;
}

/**
 * When a time interval is active: every field given must hold (an omitted field always holds).
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#time_interval-0
 */
export interface TimePeriod {
  /**
   * The times of day.
   *
   * @default - all day
   */
  readonly times?: TimeOfDayRange[];
  /**
   * The days of the week.
   *
   * @default - every day
   */
  readonly weekdays?: Weekday[];
  /**
   * Days of the month: `'1'`, `'1:5'`, or from the end, `'-1'` (the last day), `'-3:-1'`.
   *
   * @default - every day of the month
   */
  readonly daysOfMonth?: string[];
  /**
   * Months by name or number, single or as a range: `'december'`, `'1:3'`, `'june:august'`.
   *
   * @default - every month
   */
  readonly months?: string[];
  /**
   * Years, single or as a range: `'2026'`, `'2026:2027'`.
   *
   * @default - every year
   */
  readonly years?: string[];
  /**
   * The time zone of the times, an IANA name such as `'Europe/Berlin'` (the image needs its
   * time zone database; the official image has it).
   *
   * @default 'UTC'
   */
  readonly location?: string;
}

/**
 * Properties of a `TimeInterval`.
 */
export interface TimeIntervalProps {
  /** The name that routes refer to in `muteTimeIntervals` and `activeTimeIntervals`. */
  readonly name: string;
  /** The periods; the interval is active when any of them is. */
  readonly periods: TimePeriod[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * A named time interval (`time_intervals`), for routes that mute or send only at those times.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#time_interval
 */
export class TimeInterval {
  /** The name. */
  public readonly name: string;
  private readonly rendered: { [key: string]: unknown };

  constructor(props: TimeIntervalProps) {
    checkStruct('TimeInterval', 'props', props, true);
    checkNonEmpty('TimeInterval', 'name', props.name);
    const where = `TimeInterval '${props.name}'`;
    checkArray(where, 'periods', requireProp(where, 'periods', props.periods), (w, p, period: TimePeriod) => {
      checkStruct(w, p, period, true);
      checkArray(w, `${p}.times`, period.times, (w2, p2, t) => checkStruct(w2, p2, t, true));
      checkArray(w, `${p}.weekdays`, period.weekdays);
      for (const list of ['daysOfMonth', 'months', 'years'] as const) checkStringArray(w, `${p}.${list}`, period[list]);
    });
    if (props.periods.length === 0) fail(where, 'periods', 'must have at least one period', []);
    this.name = props.name;
    this.rendered = {
      name: props.name,
      time_intervals: props.periods.map((p, i) => renderPeriod(where, `periods[${i}]`, p)),
    };
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    return this.rendered;
  }
}

function renderPeriod(where: string, prop: string, p: TimePeriod): { [key: string]: unknown } {
  const times = (p.times ?? []).map((t, i) => {
    const at = `${prop}.times[${i}]`;
    const start = minutes(where, `${at}.startTime`, t.startTime);
    const end = minutes(where, `${at}.endTime`, t.endTime);
    if (start >= end) fail(where, `${at}.endTime`, `must be after startTime ${t.startTime}`, t.endTime);
    return { start_time: t.startTime, end_time: t.endTime };
  });
  const weekdays = p.weekdays ?? [];
  weekdays.forEach((d, i) => {
    checkEnum(where, `${prop}.weekdays[${i}]`, requireProp(where, `${prop}.weekdays[${i}]`, d), Weekday, 'Weekday');
  });
  (p.daysOfMonth ?? []).forEach((d, i) => {
    const [begin, end] = range(where, `${prop}.daysOfMonth[${i}]`, d, (s) => /^-?\d+$/.test(s) ? Number(s) : undefined);
    for (const n of [begin, end]) {
      if (n === 0 || n < -31 || n > 31) fail(where, `${prop}.daysOfMonth[${i}]`, 'must be days in 1..31 or -31..-1', d);
    }
    if (begin < 0 && end > 0) fail(where, `${prop}.daysOfMonth[${i}]`, 'must end on a negative day when it starts on one', d);
    // Alertmanager refuses a range that is empty in every month (taking 28 days for negative days).
    if ((begin < 0 ? 28 + begin : begin) > (end < 0 ? 28 + end : end)) {
      fail(where, `${prop}.daysOfMonth[${i}]`, 'must not end before it starts', d);
    }
  });
  (p.months ?? []).forEach((m, i) => {
    range(where, `${prop}.months[${i}]`, m, (s) => {
      const byName = MONTHS.indexOf(s.toLowerCase());
      if (byName >= 0) return byName + 1;
      return /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 12 ? Number(s) : undefined;
    }, 'a month name (january) or number (1-12)');
  });
  (p.years ?? []).forEach((y, i) => {
    range(where, `${prop}.years[${i}]`, y, (s) => /^\d+$/.test(s) ? Number(s) : undefined, 'a year such as 2026');
  });
  if (p.location !== undefined && p.location !== 'UTC' && p.location !== 'Local') {
    try {
      new Intl.DateTimeFormat('en', { timeZone: p.location });
    } catch {
      fail(where, `${prop}.location`, 'must be an IANA time zone name', p.location, 'Write for example Europe/Berlin or UTC');
    }
  }
  return compact({
    times,
    weekdays,
    days_of_month: p.daysOfMonth,
    months: p.months,
    years: p.years,
    location: p.location,
  });
}

/** `HH:MM` (00:00 to 24:00) in minutes, as Alertmanager's `timeinterval` package reads it. */
function minutes(where: string, prop: string, time: string): number {
  if (!/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/.test(time)) {
    fail(where, prop, 'must be a time of day HH:MM from 00:00 to 24:00', time);
  }
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

/** `a` or `a:b` with `a <= b` after `parse`; the bounds. */
function range(where: string, prop: string, text: string, parse: (s: string) => number | undefined,
  what = 'a number'): [number, number] {
  const parts = String(text).split(':');
  const bounds = parts.map(parse);
  if (parts.length > 2 || bounds.some((b) => b === undefined)) {
    fail(where, prop, `must be ${what}, or a range of two joined by ':'`, text);
  }
  const [begin, end] = [bounds[0]!, bounds[bounds.length - 1]!];
  if (begin > end && begin > 0 === end > 0) fail(where, prop, 'must not end before it starts', text);
  return [begin, end];
}
