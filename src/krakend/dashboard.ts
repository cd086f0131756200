/**
 * One PromQL query of a dashboard panel.
 */
export interface KrakendDashboardQuery {
  /**
   * The PromQL expression. Rates use Grafana's `$__rate_interval`; replace it with a range such
   * as `5m` to run the query elsewhere.
   */
  readonly expr: string;
  /** The legend of each series (Grafana's `legendFormat`, such as `{{http_route}}`). */
  readonly legend: string;
}

/**
 * One panel of the KrakenD dashboard.
 */
export interface KrakendDashboardPanel {
  /** The panel title. */
  readonly title: string;
  /** What the panel shows and how to read it. */
  readonly description: string;
  /** The Grafana unit of the values (`reqps`, `s`, `percentunit`). */
  readonly unit: string;
  /** The queries, one series set each. */
  readonly queries: KrakendDashboardQuery[];
}

/**
 * A dashboard of a KrakenD gateway's main metrics: requests, status codes, latency and backend
 * latency, as queries over the series of one scrape job.
 *
 * The metric names are those of KrakenD's OpenTelemetry integration with the default
 * semantic convention (`http_server_duration_*`, `krakend_backend_duration_*`), as in
 * KrakenD's own Grafana dashboard.
 *
 * @see https://www.krakend.io/docs/telemetry/grafana/
 */
export interface KrakendDashboard {
  /** A stable identifier (Grafana's dashboard `uid`, at most 40 characters). */
  readonly uid: string;
  /** The dashboard title. */
  readonly title: string;
  /** The panels, in reading order. */
  readonly panels: KrakendDashboardPanel[];
}
