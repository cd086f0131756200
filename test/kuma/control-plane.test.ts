// The control plane's own metrics (`scrapeControlPlane`): every replica of the kuma-control-plane
// Service on its diagnostics port, scraped by a real Prometheus over kuma-cp's exposition.
import * as YAML from 'yaml';
import { KumaMetricsMesh } from '../../src/integrations/kuma';
import { startMetricsServer, startPrometheus } from '../harness';
import { jobNamed, newChart, onlyConfig } from '../util';
import { meshPrometheus, synthKuma } from './helpers';

/**
 * A kuma-cp replica's /metrics on :5680, in the Prometheus text format its registry serves.
 * from kumahq/kuma v2.12.14 pkg/util/xds/stats_callbacks.go (NewStatsCallbacks with dsType "xds":
 * xds_streams_active, xds_responses_sent{type_url}), pkg/metrics/store/counter.go
 * (resources_count{resource_type,tenant}) and pkg/diagnostics/server.go (served at /metrics,
 * port 5680: pkg/config/diagnostics/config.go).
 */
const KUMA_CP_METRICS = [
  '# HELP xds_streams_active Number of active connections between a server and a client',
  '# TYPE xds_streams_active gauge',
  'xds_streams_active 3',
  '# HELP xds_responses_sent Number of responses sent by the server to a client',
  '# TYPE xds_responses_sent counter',
  'xds_responses_sent{type_url="type.googleapis.com/envoy.config.cluster.v3.Cluster"} 12',
  '# TYPE resources_count gauge',
  'resources_count{resource_type="Dataplane",tenant=""} 3',
  '',
].join('\n');

/**
 * A target as Prometheus's endpointslice discovery yields it for the kuma-control-plane Service.
 * The port names from kumahq/kuma v2.12.14 deployments/charts/kuma/templates/cp-service.yaml.
 */
function endpointSliceTarget(address: string, portName: string, pod: string): { targets: string[]; labels: Record<string, string> } {
  return {
    targets: [address],
    labels: {
      __meta_kubernetes_namespace: 'kuma-system',
      __meta_kubernetes_service_name: 'kuma-control-plane',
      __meta_kubernetes_endpointslice_port_name: portName,
      __meta_kubernetes_pod_name: pod,
    },
  };
}

function controlPlaneJob() {
  const chart = newChart();
  const mesh = new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart), scrapeControlPlane: true });
  const out = synthKuma(chart);
  return { mesh, out, job: jobNamed(onlyConfig(out), 'kuma-control-plane') };
}

test('the job reads the EndpointSlices of kuma-control-plane in kuma-system, with a Role there', () => {
  const { job, out } = controlPlaneJob();
  expect(job.kubernetes_sd_configs).toEqual([{
    role: 'endpointslice',
    namespaces: { names: ['kuma-system'] },
    selectors: [{ role: 'endpointslice', label: 'kubernetes.io/service-name=kuma-control-plane' }],
  }]);
  const role = out.objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'kuma-system');
  expect(role.rules.map((r: any) => r.resources).flat()).toEqual(expect.arrayContaining(['endpointslices']));
});

test('off by default; two meshes on one stack share one job', () => {
  const chart = newChart();
  const stack = meshPrometheus(chart);
  new KumaMetricsMesh(chart, 'a', { meshName: 'a', stack, scrapeControlPlane: true });
  new KumaMetricsMesh(chart, 'b', { meshName: 'b', stack, scrapeControlPlane: true });
  expect(onlyConfig(synthKuma(chart)).scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'kuma-dataplanes', 'kuma-control-plane']);
  const plain = newChart();
  new KumaMetricsMesh(plain, 'kuma', { stack: meshPrometheus(plain) });
  expect(onlyConfig(synthKuma(plain)).scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'kuma-dataplanes']);
});

test('fails without a stack', () => {
  expect(() => new KumaMetricsMesh(newChart(), 'kuma', { scrapeControlPlane: true }))
    .toThrow("test/kuma: 'scrapeControlPlane' configures the job added to 'stack', so it needs a 'stack', got undefined");
});

test('in a real Prometheus: each replica\'s diagnostics port is scraped, with pod and namespace; the API port is not', async () => {
  const { job } = controlPlaneJob();
  const cp = await startMetricsServer(KUMA_CP_METRICS);
  try {
    const { kubernetes_sd_configs: _, ...rest } = job;
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: [{
        ...rest,
        scrape_interval: '1s',
        static_configs: [
          endpointSliceTarget(cp.address, 'diagnostics', 'kuma-control-plane-7c9d8-abcde'),
          endpointSliceTarget('127.0.0.2:5681', 'http-api-server', 'kuma-control-plane-7c9d8-abcde'),
        ],
      }],
    };
    const prometheus = await startPrometheus(YAML.stringify(config));
    try {
      const series = await prometheus.waitFor(async () => {
        const r = (await prometheus.query('xds_streams_active')).result;
        return r.length > 0 ? r : undefined;
      }, 30_000, 'a scrape of kuma-cp');
      expect(series).toEqual([{
        metric: { __name__: 'xds_streams_active', job: 'kuma-control-plane', instance: cp.address, namespace: 'kuma-system', pod: 'kuma-control-plane-7c9d8-abcde' },
        value: [expect.any(Number), '3'],
      }]);
      const { active } = await prometheus.targets();
      expect(active.map((t) => t.scrapeUrl)).toEqual([`http://${cp.address}/metrics`]);
      expect((await prometheus.query('sum by (resource_type) (resources_count{job="kuma-control-plane"})')).result[0].value![1]).toBe('3');
    } finally {
      await prometheus.stop();
    }
  } finally {
    await cp.stop();
  }
}, 60_000);
