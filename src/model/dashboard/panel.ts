import { Duration } from 'cdk8s';
import { GRID_WIDTH, PanelContext, checkWholeSeconds } from './render';
import { GrafanaUnit } from './unit';
import { checkArray, checkBoolean, checkDuration, checkInstance, checkNumber, checkString, checkStruct, fail, requireProp } from '../../core/checks';
import { checkNonEmpty } from '../../core/formats';
import { grafanaDuration } from '../../core/uid';

/**
 * One PromQL query of a panel.
 */
export interface PanelQuery {
  /**
   * The PromQL expression. Grafana's interval variables (`$__rate_interval`, `$__interval`,
   * `$__range`) may stand where a range goes, and dashboard variables (`$job`) inside quoted
   * label values.
   */
  readonly expr: string;
  /**
   * The name of each series, with `{{label}}` placeholders (Grafana's `legendFormat`).
   *
   * @default - the series' labels
   */
  readonly legend?: string;
  /**
   * Evaluate at the end of the time range only, instead of over it.
   *
   * @default - true for stat panels, false for time series panels
   */
  readonly instant?: boolean;
}

/**
 * A threshold: from `value` up, values are shown in `color`.
 */
export interface PanelThreshold {
  /** Where the threshold starts. */
  readonly value: number;
  /** A color name Grafana knows (`green`, `orange`, `red`) or a hex color (`#ff0000`). */
  readonly color: string;
}

/**
 * Properties shared by every panel.
 */
export interface PanelProps {
  /** The title of the panel, unique within its dashboard. */
  readonly title: string;
  /**
   * What the panel shows and how to read it (the panel's info tooltip).
   *
   * @default - none
   */
  readonly description?: string;
  /** The queries, one set of series each. */
  readonly queries: PanelQuery[];
  /**
   * The unit of the values.
   *
   * @default GrafanaUnit.SHORT
   */
  readonly unit?: GrafanaUnit;
  /**
   * Color steps above the base color, in increasing order of `value`.
   *
   * @default - the base color only
   */
  readonly thresholds?: PanelThreshold[];
  /**
   * The color of values below the first threshold.
   *
   * @default 'green'
   */
  readonly baseColor?: string;
  /**
   * The lowest value of the axis or gauge.
   *
   * @default - from the data
   */
  readonly min?: number;
  /**
   * The highest value of the axis or gauge.
   *
   * @default - from the data
   */
  readonly max?: number;
  /**
   * The width on Grafana's 24-unit grid.
   *
   * @default - 12 for time series, 6 for stat panels
   */
  readonly width?: number;
  /**
   * The height in grid units (one unit is about 30 pixels).
   *
   * @default - 8 for time series, 4 for stat panels
   */
  readonly height?: number;
  /**
   * The scrape interval of the series the panel shows, when it is not the data source's (the
   * stack's): Grafana's `$__rate_interval` is at least four of it, so that rates always span
   * enough samples.
   *
   * @default - the dashboard's `minInterval`
   */
  readonly minInterval?: Duration;
}

/**
 * Properties of a time series panel.
 */
export interface TimeSeriesPanelProps extends PanelProps {
  /**
   * Stack the series on top of each other (for parts of a whole, such as requests by status).
   *
   * @default false
   */
  readonly stacked?: boolean;
}

/**
 * Properties of a stat panel, which shows the last value of each series in large type.
 */
export interface StatPanelProps extends PanelProps {
  /**
   * Color the background by threshold instead of the value's text.
   *
   * @default false
   */
  readonly colorBackground?: boolean;
}

/**
 * A panel of a dashboard: a time series or a stat panel over PromQL queries.
 */
export class DashboardPanel {
  /** A graph of series over the time range. */
  public static timeSeries(props: TimeSeriesPanelProps): DashboardPanel {
    checkBoolean('DashboardPanel.timeSeries', 'stacked', props?.stacked);
    return new DashboardPanel('timeseries', props, { width: 12, height: 8 }, (defaults, options) => {
      defaults.custom = {
        drawStyle: 'line',
        lineWidth: 1,
        fillOpacity: props.stacked ? 40 : 10,
        showPoints: 'never',
        spanNulls: false,
        stacking: { mode: props.stacked ? 'normal' : 'none', group: 'A' },
      };
      options.legend = { displayMode: 'list', placement: 'bottom', showLegend: true };
      options.tooltip = { mode: 'multi', sort: 'desc' };
    });
  }

  /** The last value of each series, large, colored by threshold. */
  public static stat(props: StatPanelProps): DashboardPanel {
    checkBoolean('DashboardPanel.stat', 'colorBackground', props?.colorBackground);
    return new DashboardPanel('stat', props, { width: 6, height: 4, instant: true }, (_defaults, options) => {
      options.reduceOptions = { calcs: ['lastNotNull'], fields: '', values: false };
      options.colorMode = props.colorBackground ? 'background' : 'value';
      // A sparkline needs a range query.
      options.graphMode = props.queries.every((q) => q.instant ?? true) ? 'none' : 'area';
      options.justifyMode = 'auto';
      options.orientation = 'auto';
      options.textMode = 'auto';
    });
  }

  /** The panel title. */
  public readonly title: string;
  /** The panel's queries. */
  public readonly queries: PanelQuery[];
  /** The width on the 24-unit grid. */
  public readonly width: number;
  /** The height in grid units. */
  public readonly height: number;

  private readonly type: string;
  private readonly props: PanelProps;
  private readonly instantByDefault: boolean;
  private readonly style: (defaults: { [key: string]: unknown }, options: { [key: string]: unknown }) => void;

  private constructor(
    type: string, props: PanelProps, defaults: { width: number; height: number; instant?: boolean },
    style: (defaults: { [key: string]: unknown }, options: { [key: string]: unknown }) => void) {
    checkStruct('DashboardPanel', 'props', props, true);
    checkNonEmpty('DashboardPanel', 'title', props.title);
    const where = `Panel '${props.title}'`;
    checkArray(where, 'queries', requireProp(where, 'queries', props.queries), (w, p, q: PanelQuery) => {
      checkStruct(w, p, q, true);
      checkString(w, `${p}.expr`, requireProp(w, `${p}.expr`, q.expr));
      checkString(w, `${p}.legend`, q.legend);
      checkBoolean(w, `${p}.instant`, q.instant);
    });
    for (const prop of ['width', 'height', 'min', 'max'] as const) checkNumber(where, prop, props[prop]);
    checkString(where, 'description', props.description);
    checkString(where, 'baseColor', props.baseColor);
    checkInstance(where, 'unit', props.unit, GrafanaUnit, 'Use a GrafanaUnit constant, such as GrafanaUnit.SECONDS, or GrafanaUnit.custom(id)');
    checkDuration(where, 'minInterval', props.minInterval);
    checkArray(where, 'thresholds', props.thresholds, (w, p, t: PanelThreshold) => checkNumber(w, `${p}.value`, checkStruct(w, p, t, true).value));
    if (props.queries.length === 0) fail(where, 'queries', 'must have at least one query', []);
    if (props.queries.length > 26) fail(where, 'queries', 'must have at most 26 queries (refIds A to Z)', props.queries.length);
    this.width = props.width ?? defaults.width;
    this.height = props.height ?? defaults.height;
    if (!Number.isInteger(this.width) || this.width < 1 || this.width > GRID_WIDTH) {
      fail(where, 'width', `must be a whole number from 1 to ${GRID_WIDTH} (the grid is ${GRID_WIDTH} units wide)`, this.width);
    }
    if (!Number.isInteger(this.height) || this.height < 1) fail(where, 'height', 'must be a positive whole number', this.height);
    checkWholeSeconds(where, 'minInterval', props.minInterval);
    if (props.min !== undefined && props.max !== undefined && props.min >= props.max) {
      fail(where, 'max', `must be greater than min (${props.min})`, props.max);
    }
    (props.thresholds ?? []).forEach((t, i, all) => {
      checkNonEmpty(where, `thresholds[${i}].color`, t.color);
      if (i > 0 && t.value <= all[i - 1].value) {
        fail(where, `thresholds[${i}].value`, `must be greater than the previous threshold (${all[i - 1].value})`, t.value);
      }
    });
    this.type = type;
    this.props = props;
    this.title = props.title;
    this.queries = props.queries.map((q) => ({ ...q }));
    this.instantByDefault = defaults.instant ?? false;
    this.style = style;
  }

  /** @internal */
  public _isInstant(query: PanelQuery): boolean {
    return query.instant ?? this.instantByDefault;
  }

  /**
   * The panel's Grafana JSON.
   *
   * @internal
   */
  public _render(context: PanelContext): { [key: string]: unknown } {
    const p = this.props;
    const defaults: { [key: string]: unknown } = {
      unit: (p.unit ?? GrafanaUnit.SHORT).id,
      min: p.min,
      max: p.max,
      color: { mode: this.type === 'stat' ? 'thresholds' : 'palette-classic' },
      thresholds: {
        mode: 'absolute',
        steps: [{ color: p.baseColor ?? 'green', value: null }, ...(p.thresholds ?? []).map((t) => ({ color: t.color, value: t.value }))],
      },
    };
    const options: { [key: string]: unknown } = {};
    this.style(defaults, options);
    return {
      id: context.id,
      type: this.type,
      title: p.title,
      description: p.description,
      datasource: context.datasource,
      gridPos: context.gridPos,
      interval: (p.minInterval ?? context.minInterval) && grafanaDuration((p.minInterval ?? context.minInterval)!),
      fieldConfig: { defaults, overrides: [] },
      options,
      targets: this.queries.map((q, i) => {
        const instant = this._isInstant(q);
        return {
          refId: String.fromCharCode(65 + i),
          datasource: context.datasource,
          editorMode: 'code',
          expr: q.expr,
          legendFormat: q.legend ?? '__auto',
          instant,
          range: !instant,
        };
      }),
    };
  }
}
