// Grafana's provisioning files: the Prometheus data source (logging in behind the stack's web
// auth), the data sources integrations add, and the dashboard provider. Not exported.
import { checkUrl } from '../core/formats';
import { grafanaDuration } from '../core/uid';
import { toYaml } from '../core/yaml';
import { GrafanaDatasourceSpec, PrometheusConnection } from '../stack/integration';

/** Where the dashboard ConfigMaps are mounted. */
export const DASHBOARDS_DIR = '/etc/grafana/dashboards';
/** Where the password (and CA) of Prometheus's web auth are mounted, from the stack's web auth Secret. */
export const PROMETHEUS_AUTH_DIR = '/etc/grafana/prometheus-web';

/** An integration's data source as provisioned: its spec without the plugin and owner fields. */
export type ExtraDatasource = Pick<GrafanaDatasourceSpec, 'name' | 'type' | 'uid' | 'url' | 'jsonData'>;

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

/** What the provisioning files hold besides the stack's connection. */
export interface ProvisioningOptions {
  /** The uid of the Prometheus data source. */
  readonly datasourceUid: string;
  readonly extraDatasources: ExtraDatasource[];
  /** The folder of the dashboards. */
  readonly folder: string;
  /** The URL the Prometheus data source queries instead of the stack's. */
  readonly queryUrl?: string;
}

/** The data source and dashboard provider files. */
export function provisioningFiles(connection: PrometheusConnection, options: ProvisioningOptions): { [file: string]: string } {
  const version = connection.version;
  // Behind the stack's web auth, the data source logs in with the password file Grafana expands
  // at provisioning ($__file{}: grafana/grafana pkg/services/provisioning/values/values.go
  // `interpolateValue`; the fields as grafana/grafana-plugin-sdk-go v0.296.3
  // backend/http_settings.go reads them), so no secret is in the ConfigMap.
  // A store's query endpoint has its own authentication, not the stack's.
  const webAuth = options.queryUrl === undefined ? connection.webAuth : undefined;
  const authFile = (c: { secretKey?: string }) => `$__file{${PROMETHEUS_AUTH_DIR}/${c.secretKey}}`;
  const login = webAuth ? {
    basicAuth: true,
    basicAuthUser: webAuth.username,
    secureJsonData: {
      basicAuthPassword: authFile(webAuth._password),
      ...webAuth._ca ? { tlsCACert: authFile(webAuth._ca) } : {},
    },
  } : {};
  const tlsJsonData = webAuth?._ca ? { tlsAuthWithCACert: true, serverName: new URL(connection.url).hostname } : {};
  const datasources = {
    apiVersion: 1,
    datasources: [{
      name: 'Prometheus',
      type: 'prometheus',
      uid: options.datasourceUid,
      access: 'proxy',
      url: options.queryUrl ?? connection.url,
      isDefault: true,
      editable: false,
      ...login,
      jsonData: {
        ...tlsJsonData,
        httpMethod: 'POST',
        // $__rate_interval is at least four scrape intervals; Grafana must know the interval.
        timeInterval: grafanaDuration(connection.scrapeInterval),
        prometheusType: 'Prometheus',
        ...version ? { prometheusVersion: version } : {},
      },
    }, ...options.extraDatasources.map((d) => ({ ...d, access: 'proxy', editable: false }))],
  };
  const dashboards = {
    apiVersion: 1,
    providers: [{
      name: 'cdk8s-prometheus-monitoring',
      orgId: 1,
      folder: options.folder,
      type: 'file',
      // The dashboards are code: a dashboard removed from the app is removed from Grafana, and
      // edits in the UI are refused.
      disableDeletion: false,
      allowUiUpdates: false,
      updateIntervalSeconds: 30,
      options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
    }],
  };
  return { 'datasources.yaml': toYaml(datasources), 'dashboards.yaml': toYaml(dashboards) };
}

/**
 * Checks `queryUrl`, and says when Grafana would read a sharded stack's Service, which answers
 * from one shard at a time.
 */
export function queryProblems(path: string, queryUrl: string | undefined, connection: PrometheusConnection): string[] {
  if (queryUrl !== undefined) {
    checkUrl(path, 'queryUrl', queryUrl);
    return [];
  }
  if ((connection.shards ?? 1) <= 1) return [];
  return [`reads ${connection.url}, a Service over ${connection.shards} shards that each hold part of the series: a query `
    + 'through it answers from one shard, so dashboards show part of the data. Query the store the shards remote-write to '
    + '(Mimir, Cortex, Thanos Query) instead: set queryUrl to its query endpoint.'];
}
