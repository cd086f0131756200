// Kuma's Grafana data source in the stack's Grafana. Not exported from the package.
import { GrafanaDatasourceSpec } from '../../stack/integration';

/**
 * The release of kumahq/kuma-grafana-datasource that `kumactl install observability` of Kuma
 * 2.12.14 installs (app/kumactl/data/install/k8s/metrics/grafana/grafana.yaml, init-plugins).
 */
const PLUGIN_ID = 'kumahq-kuma-datasource';
const PLUGIN_VERSION = '0.1.1';
const PLUGIN_URL = `https://github.com/kumahq/kuma-grafana-datasource/releases/download/v${PLUGIN_VERSION}/${PLUGIN_ID}-${PLUGIN_VERSION}.zip`;
/** The control plane's HTTP API server (kuma-cp `apiServer.http.port`). */
const API_SERVER_PORT = 5681;

/**
 * Kuma's data source plugin (unsigned, so Grafana is told to load it) and a data source for the
 * control plane in `controlPlaneNamespaceName`: its API server for meshes, zones and services, and the
 * stack's Prometheus for the mesh graph's traffic.
 *
 * The plugin (v0.1.1 src/datasource.ts) sends its PromQL to
 * `/api/datasources/proxy/${prometheusDataSourceId}/api/v1/query`. Grafana serves that path for
 * a numeric id, which provisioning cannot choose (kumactl wrote "1", right only when Prometheus is
 * the first data source ever created), and as `/api/datasources/proxy/uid/<uid>/...` for a uid
 * (grafana pkg/api/api.go): so the setting is `uid/<the Prometheus data source's uid>`.
 */
export function kumaDatasource(controlPlaneNamespaceName: string): GrafanaDatasourceSpec {
  const defaultNamespace = controlPlaneNamespaceName === 'kuma-system';
  return {
    name: defaultNamespace ? 'Kuma' : `Kuma (${controlPlaneNamespaceName})`,
    type: PLUGIN_ID,
    uid: defaultNamespace ? 'kuma' : `kuma-${controlPlaneNamespaceName}`.slice(0, 40),
    url: `http://kuma-control-plane.${controlPlaneNamespaceName}.svc:${API_SERVER_PORT}`,
    jsonData: { prometheusDataSourceId: 'uid/${PROMETHEUS_DATASOURCE_UID}' },
    pluginUrl: PLUGIN_URL,
    pluginVersion: PLUGIN_VERSION,
    pluginUnsigned: true,
    ownerProp: 'kumaDatasource',
  };
}
