// What an integration adds to the stack's Grafana besides dashboards. Not exported from the package.
import { GrafanaDatasourceSpec } from '../stack/integration';

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

/** The text in a data source's `jsonData` that stands for the Prometheus data source's uid. */
const PROMETHEUS_UID_PLACEHOLDER = '${PROMETHEUS_DATASOURCE_UID}';

/** An integration's data source as Grafana provisions it, with the Prometheus data source's uid filled in. */
export function renderDatasource(spec: GrafanaDatasourceSpec, prometheusUid: string): ExtraDatasource {
  const fill = (value: unknown): unknown => typeof value === 'string' ? value.split(PROMETHEUS_UID_PLACEHOLDER).join(prometheusUid)
    : Array.isArray(value) ? value.map(fill)
      : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]))
        : value;
  return {
    name: spec.name,
    type: spec.type,
    uid: spec.uid,
    url: spec.url,
    ...spec.jsonData ? { jsonData: fill(spec.jsonData) as { [key: string]: unknown } } : {},
  };
}
