// What an integration adds to the stack's Grafana besides dashboards. Not exported from the package.

/**
 * A data source an integration provisions next to the stack's Prometheus (Grafana's
 * provisioning format: `datasources[]` of `provisioning/datasources/*.yaml`).
 */
export interface ExtraDatasource {
  /** The name shown in Grafana. */
  readonly name: string;
  /** The data source plugin's id, such as `kumahq-kuma-datasource`. */
  readonly type: string;
  /** A stable uid; must differ from the Prometheus data source's. */
  readonly uid: string;
  /** The URL the plugin talks to. */
  readonly url: string;
  /** The plugin's own settings. */
  readonly jsonData?: { [key: string]: unknown };
}
