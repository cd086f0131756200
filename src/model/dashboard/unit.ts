import { checkNonEmpty } from '../../core/formats';

/**
 * The unit of a panel's values, which Grafana uses to format them (`1.5 s`, `20%`, `3 MiB`).
 */
export class GrafanaUnit {
  /** A plain number, with SI-style abbreviations (`1.2K`). */
  public static readonly SHORT = new GrafanaUnit('short');
  /** No unit, no abbreviation. */
  public static readonly NONE = new GrafanaUnit('none');
  /** A percentage given as 0-100. */
  public static readonly PERCENT = new GrafanaUnit('percent');
  /** A percentage given as a ratio, 0.0-1.0. */
  public static readonly PERCENT_UNIT = new GrafanaUnit('percentunit');
  /** Seconds. */
  public static readonly SECONDS = new GrafanaUnit('s');
  /** Milliseconds. */
  public static readonly MILLISECONDS = new GrafanaUnit('ms');
  /** Bytes, in binary multiples (KiB, MiB). */
  public static readonly BYTES = new GrafanaUnit('bytes');
  /** Bytes per second. */
  public static readonly BYTES_PER_SECOND = new GrafanaUnit('Bps');
  /** Requests per second. */
  public static readonly REQUESTS_PER_SECOND = new GrafanaUnit('reqps');
  /** Operations per second. */
  public static readonly OPS_PER_SECOND = new GrafanaUnit('ops');

  /**
   * Any unit id Grafana knows, such as `decbytes` or `pps`.
   */
  public static custom(id: string): GrafanaUnit {
    checkNonEmpty('GrafanaUnit.custom', 'id', id);
    return new GrafanaUnit(id);
  }

  /** The unit id in the dashboard JSON. */
  public readonly id: string;

  private constructor(id: string) {
    this.id = id;
  }
}
