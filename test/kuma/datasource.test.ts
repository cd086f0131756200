// `kumaDatasource`: Kuma's Grafana data source in the stack's Grafana, as `kumactl install
// observability` provisioned it (kumahq/kuma v2.12.14 app/kumactl/data/install/k8s/metrics/
// grafana/grafana.yaml: the plugin kumahq-kuma-datasource 0.1.1 from its GitHub release, loaded
// unsigned; the data source at the control plane API, app/kumactl/cmd/install/context/
// install_observability_context.go KumaCpApiAddress "http://kuma-control-plane.kuma-system:5681").
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { Grafana, GrafanaAdminCredentials, GrafanaOptions, GrafanaPlugin, KumaMetricsMesh, PrometheusStack } from '../../src';
import { findObject } from '../harness';
import { expectError, newChart } from '../util';
import { synthKuma } from './helpers';

const PLUGIN_URL = 'https://github.com/kumahq/kuma-grafana-datasource/releases/download/v0.1.1/kumahq-kuma-datasource-0.1.1.zip';

function grafanaOf(stack: PrometheusStack, options: Partial<GrafanaOptions> = {}) {
  return new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(kplus.Secret.fromSecretName(stack, 'Admin', 'grafana-admin')), ...options });
}
const datasources = (objects: any[]) =>
  YAML.parse(findObject(objects, 'ConfigMap', /grafana-provisioning/).data['datasources.yaml']).datasources;
const env = (objects: any[]) => Object.fromEntries(
  findObject(objects, 'Deployment', /grafana/).spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));

test('the stack\'s Grafana gets the Kuma data source and its unsigned plugin, whether added before or after the mesh', () => {
  for (const grafanaFirst of [true, false]) {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
    if (grafanaFirst) grafanaOf(stack);
    new KumaMetricsMesh(chart, 'kuma', { stack, kumaDatasource: true });
    if (!grafanaFirst) grafanaOf(stack);
    const { objects } = synthKuma(chart);
    const kuma = datasources(objects).find((d: any) => d.type === 'kumahq-kuma-datasource');
    expect(kuma).toEqual({
      name: 'Kuma',
      type: 'kumahq-kuma-datasource',
      uid: 'kuma',
      url: 'http://kuma-control-plane.kuma-system.svc:5681',
      access: 'proxy',
      editable: false,
      jsonData: { prometheusDataSourceId: 'uid/prometheus' },
    });
    expect(env(objects).GF_PLUGINS_PREINSTALL_SYNC).toBe(`kumahq-kuma-datasource@0.1.1@${PLUGIN_URL}`);
    expect(env(objects).GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe('kumahq-kuma-datasource');
    expect(env(objects).GF_PLUGINS_PREINSTALL_DISABLED).toBeUndefined();
  }
});

test('the plugin reaches the stack\'s Prometheus through Grafana\'s uid proxy route, whatever its uid', () => {
  // kuma-grafana-datasource v0.1.1 src/datasource.ts sends its PromQL to this path; Grafana serves
  // /api/datasources/proxy/uid/:uid/* by uid, and /api/datasources/proxy/:id/* only for a number
  // (grafana pkg/api/api.go), which provisioning cannot choose.
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  const grafana = grafanaOf(stack, { datasourceUid: 'prom-main' });
  new KumaMetricsMesh(chart, 'kuma', { stack, kumaDatasource: true });
  const kuma = datasources(synthKuma(chart).objects).find((d: any) => d.uid === 'kuma');
  const path = `/api/datasources/proxy/${kuma.jsonData.prometheusDataSourceId}/api/v1/query`;
  expect(path).toBe(`/api/datasources/proxy/uid/${grafana.datasourceUid}/api/v1/query`);
  expect(datasources(synthKuma(chart).objects).map((d: any) => d.uid)).toEqual(['prom-main', 'kuma']);
});

test('one data source per control plane: two meshes of one share it, another namespace gets its own', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  grafanaOf(stack);
  new KumaMetricsMesh(chart, 'a', { stack, meshName: 'a', jobName: 'kuma-a', kumaDatasource: true });
  new KumaMetricsMesh(chart, 'b', { stack, meshName: 'b', jobName: 'kuma-b', kumaDatasource: true });
  new KumaMetricsMesh(chart, 'c', { stack, meshName: 'c', jobName: 'kuma-c', kumaDatasource: true, controlPlaneNamespaceName: 'kuma-edge' });
  const { objects } = synthKuma(chart);
  expect(datasources(objects).filter((d: any) => d.type === 'kumahq-kuma-datasource').map((d: any) => [d.uid, d.name, d.url])).toEqual([
    ['kuma', 'Kuma', 'http://kuma-control-plane.kuma-system.svc:5681'],
    ['kuma-kuma-edge', 'Kuma (kuma-edge)', 'http://kuma-control-plane.kuma-edge.svc:5681'],
  ]);
  expect(env(objects).GF_PLUGINS_PREINSTALL_SYNC).toBe(`kumahq-kuma-datasource@0.1.1@${PLUGIN_URL}`);
});

test('a plugin the user pinned wins over the mesh\'s', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  const own = PLUGIN_URL.replace(/0\.1\.1/g, '0.1.0');
  grafanaOf(stack, { plugins: [GrafanaPlugin.fromUrl('kumahq-kuma-datasource', '0.1.0', own, true)] });
  new KumaMetricsMesh(chart, 'kuma', { stack, kumaDatasource: true });
  expect(env(synthKuma(chart).objects).GF_PLUGINS_PREINSTALL_SYNC).toBe(`kumahq-kuma-datasource@0.1.0@${own}`);
});

test('without kumaDatasource, Grafana has neither the data source nor the plugin', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  grafanaOf(stack);
  new KumaMetricsMesh(chart, 'kuma', { stack });
  const { objects } = synthKuma(chart);
  expect(datasources(objects).map((d: any) => d.type)).toEqual(['prometheus']);
  expect(env(objects).GF_PLUGINS_PREINSTALL_DISABLED).toBe('true');
});

test('fails: kumaDatasource without a stack, or a Prometheus data source whose uid is the Kuma one\'s', () => {
  expectError(() => new KumaMetricsMesh(newChart(), 'kuma', { kumaDatasource: true }),
    'test/kuma: \'kumaDatasource\' provisions the data source in the Grafana of \'stack\', so it needs a \'stack\', got true. Pass the stack whose Grafana shows the mesh');
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  grafanaOf(stack, { datasourceUid: 'kuma' });
  expectError(() => new KumaMetricsMesh(chart, 'kuma', { stack, kumaDatasource: true }),
    'test/kuma: \'kumaDatasource\' adds the data source \'Kuma\' with uid \'kuma\', which the Prometheus data source of test/prometheus/Grafana has, got true. Give the Prometheus data source another datasourceUid');
});
