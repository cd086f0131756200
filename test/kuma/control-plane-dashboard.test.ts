// The Kuma control plane dashboard over two kuma-cp replicas' /metrics, in the text format their
// Prometheus registry (client_golang v1.23.2, kumahq/kuma v2.12.14 go.mod) serves: every panel
// must show the figures of the model each replica's counters grow by.
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { Grafana, GrafanaAdminCredentials, KumaMetricsMesh, PrometheusStack } from '../../src';
import { startMetricsServer, startPrometheus } from '../harness';
import { newChart } from '../util';
import { expectNear, expectNoEmptyPanel, histogramQuantile, panelSeries } from './dashboard-queries';

/** What a replica does per second, and its gauges. */
interface Replica {
  readonly pod: string;
  readonly leader: boolean;
  readonly version: string;
  readonly proxies: number;
  /** xDS per second: responses sent, ACKs and NACKs received, generations by result, errors. */
  readonly sent: number;
  readonly acks: number;
  readonly nacks: number;
  readonly generations: { [result: string]: number };
  readonly generationErrors: number;
  /** Summary quantiles, ms. */
  readonly generationP99: number;
  readonly deliveryP99: number;
  /** API server and MADS requests per second, [code, handler, seconds each]. */
  readonly api: Array<[string, string, number]>;
  readonly mads: Array<[string, string, number]>;
  readonly storeGets: Array<[string, number]>;
  readonly conflicts: number;
  readonly cpuPerSecond: number;
  readonly residentBytes: number;
  readonly goroutines: number;
}

const REPLICAS: Replica[] = [{
  pod: 'kuma-control-plane-6d9f7c8b5-abcde',
  leader: true,
  version: '2.12.14',
  proxies: 7,
  sent: 12,
  acks: 10,
  nacks: 1,
  generations: { changed: 2, skip: 5 },
  generationErrors: 1,
  generationP99: 42,
  deliveryP99: 180,
  api: [['200', '/meshes', 0.02], ['200', '/meshes/{mesh}/service-insights', 0.3], ['404', '/meshes/{mesh}', 0.004]],
  mads: [['200', '/v3/discovery:monitoringassignments', 0.03]],
  storeGets: [['Mesh', 0.002]],
  conflicts: 1,
  cpuPerSecond: 0.25,
  residentBytes: 180e6,
  goroutines: 420,
}, {
  pod: 'kuma-control-plane-6d9f7c8b5-fghij',
  leader: false,
  version: '2.12.14',
  proxies: 5,
  sent: 8,
  acks: 8,
  nacks: 0,
  generations: { changed: 1, skip: 4 },
  generationErrors: 0,
  generationP99: 30,
  deliveryP99: 90,
  api: [['200', '/meshes', 0.04]],
  mads: [['200', '/v3/discovery:monitoringassignments', 0.06]],
  storeGets: [['Mesh', 0.02]],
  conflicts: 0,
  cpuPerSecond: 0.1,
  residentBytes: 150e6,
  goroutines: 300,
}];

/** prometheus.DefBuckets (client_golang), the buckets of the go-http-metrics and store histograms. */
const DEF_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CLUSTER_TYPE = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
/** Resources the leader counted; a replica that never led has no resources_count. */
const RESOURCES = { Dataplane: 12, Mesh: 1, MeshTrafficPermission: 3 };

/**
 * A replica's /metrics after `n` seconds. Names, labels and types from kumahq/kuma v2.12.14:
 * pkg/metrics/components/cp_info.go (cp_info with the build labels of pkg/version/version.go
 * `AsMap` and instance_id, cluster_id; leader), pkg/metrics/store/counter.go (resources_count
 * {resource_type,tenant}, the leader's), pkg/util/xds/stats_callbacks.go with dsType "xds"
 * (xds_streams_active, xds_responses_sent{type_url}, xds_requests_received{type_url,confirmation,
 * error_type} with error types no_error/other, xds_delivery summary in ms), pkg/xds/metrics/
 * metrics.go (xds_generation{proxy_type,result} summary in ms, results of pkg/xds/sync/
 * dataplane_watchdog.go; xds_generation_errors), pkg/api-server/server.go and
 * pkg/mads/server/server.go (slok/go-http-metrics v0.13.0 metrics/prometheus/prometheus.go with
 * prefixes api_server and mads_server: <prefix>_http_request_duration_seconds{service,handler,
 * method,code} over DefBuckets; the handler is the route, pkg/util/prometheus; MADS serves
 * /v3/discovery:monitoringassignments, pkg/mads/v1/service/http.go), pkg/metrics/store/store.go
 * (store{operation,resource_type} histogram in seconds, store_conflicts{resource_type}), and
 * client_golang's Go and process collectors. Summaries carry DefaultObjectives' quantiles
 * (pkg/metrics/defaults.go). Label pairs are sorted by name, as client_golang writes them.
 */
function kumaCpMetrics(r: Replica, n: number): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const histogram = (name: string, series: Array<[string, number, number]>) => {
    // [labels, observations per second, seconds each]
    for (const [labels, perSecond, seconds] of series) {
      for (const le of DEF_BUCKETS) lines.push(`${name}_bucket{${labels},le="${le}"} ${seconds <= le ? perSecond * n : 0}`);
      lines.push(`${name}_bucket{${labels},le="+Inf"} ${perSecond * n}`, `${name}_sum{${labels}} ${perSecond * n * seconds}`, `${name}_count{${labels}} ${perSecond * n}`);
    }
  };
  family('cp_info', 'gauge', 'Static information about the CP instance');
  lines.push(`cp_info{build_date="2025-10-01T00:00:00Z",cluster_id="3a1f5f26-9a55-4bd0-bd6d-2c0f63d0d6a1",git_commit="4e2b9d1",git_tag="${r.version}",instance_id="${r.pod}-1a2b",product="Kuma",version="${r.version}"} 1`);
  family('leader', 'gauge', '1 indicates that this instance is leader');
  lines.push(`leader ${r.leader ? 1 : 0}`);
  if (r.leader) {
    lines.push('# TYPE resources_count gauge');
    for (const [type, count] of Object.entries(RESOURCES)) lines.push(`resources_count{resource_type="${type}",tenant=""} ${count}`);
  }
  family('xds_streams_active', 'gauge', 'Number of active connections between a server and a client');
  lines.push(`xds_streams_active ${r.proxies}`);
  family('xds_responses_sent', 'counter', 'Number of responses sent by the server to a client');
  lines.push(`xds_responses_sent{type_url="${CLUSTER_TYPE}"} ${r.sent * n}`);
  family('xds_requests_received', 'counter', 'Number of confirmations requests from a client');
  lines.push(`xds_requests_received{confirmation="ACK",error_type="no_error",type_url="${CLUSTER_TYPE}"} ${r.acks * n}`);
  if (r.nacks > 0) lines.push(`xds_requests_received{confirmation="NACK",error_type="other",type_url="${CLUSTER_TYPE}"} ${r.nacks * n}`);
  family('xds_delivery', 'summary', 'Summary of config delivery including a response (ACK/NACK) from the client');
  lines.push(`xds_delivery{quantile="0.5"} ${r.deliveryP99 / 3}`, `xds_delivery{quantile="0.9"} ${r.deliveryP99 / 2}`, `xds_delivery{quantile="0.99"} ${r.deliveryP99}`,
    `xds_delivery_sum ${r.acks * n * 20}`, `xds_delivery_count ${r.acks * n}`);
  family('xds_generation', 'summary', 'Summary of XDS Snapshot generation');
  for (const [result, perSecond] of Object.entries(r.generations)) {
    const l = `proxy_type="dataplane",result="${result}"`;
    const p99 = result === 'changed' ? r.generationP99 : r.generationP99 / 2;
    lines.push(`xds_generation{${l},quantile="0.5"} ${p99 / 4}`, `xds_generation{${l},quantile="0.9"} ${p99 / 2}`, `xds_generation{${l},quantile="0.99"} ${p99}`,
      `xds_generation_sum{${l}} ${perSecond * n * 5}`, `xds_generation_count{${l}} ${perSecond * n}`);
  }
  family('xds_generation_errors', 'counter', 'Counter of errors during XDS generation');
  lines.push(`xds_generation_errors ${r.generationErrors * n}`);
  family('api_server_http_request_duration_seconds', 'histogram', 'The latency of the HTTP requests.');
  histogram('api_server_http_request_duration_seconds', r.api.map(([code, handler, s]) => [`code="${code}",handler="${handler}",method="GET",service=""`, 1, s]));
  family('mads_server_http_request_duration_seconds', 'histogram', 'The latency of the HTTP requests.');
  histogram('mads_server_http_request_duration_seconds', r.mads.map(([code, handler, s]) => [`code="${code}",handler="${handler}",method="POST",service=""`, 1, s]));
  family('store', 'histogram', 'Summary of Store operations');
  histogram('store', r.storeGets.map(([type, s]) => [`operation="get",resource_type="${type}"`, 10, s]));
  family('store_conflicts', 'counter', 'Counter of store conflicts while update');
  lines.push(`store_conflicts{resource_type="Dataplane"} ${r.conflicts * n}`);
  family('go_goroutines', 'gauge', 'Number of goroutines that currently exist.');
  lines.push(`go_goroutines ${r.goroutines}`);
  family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.');
  lines.push(`process_cpu_seconds_total ${r.cpuPerSecond * n}`);
  family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.');
  lines.push(`process_resident_memory_bytes ${r.residentBytes}`);
  return `${lines.join('\n')}\n`;
}

const byPod = (series: Array<{ metric: Record<string, string>; value?: [number, string] }>) =>
  Object.fromEntries(series.map((s) => [s.metric.pod, Number(s.value![1])]));
const sum = (f: (r: Replica) => number) => REPLICAS.reduce((a, r) => a + f(r), 0);
/** histogram_quantile(0.99) over requests of fixed durations, each at its rate. */
const p99 = (requests: Array<[number, number]>) =>
  histogramQuantile(0.99, [...DEF_BUCKETS, Infinity].map((le) => [le, requests.filter(([s]) => s <= le).reduce((a, [, n]) => a + n, 0)]));

test('every panel of the Kuma control plane dashboard shows the replicas\' figures, in a real Prometheus', async () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
  new KumaMetricsMesh(chart, 'kuma', { stack, scrapeControlPlane: true });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin')) });
  const dashboard = grafana.dashboards.find((d) => d.title === 'Kuma control plane')!;
  expect(dashboard).toBeDefined();

  const scrapes = REPLICAS.map(() => 0);
  const servers = await Promise.all(REPLICAS.map((r, i) => startMetricsServer(() => kumaCpMetrics(r, ++scrapes[i]))));
  try {
    // The job with the labels its endpointslice relabelling gives (test/kuma/control-plane.test.ts).
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: [{
        job_name: 'kuma-control-plane',
        static_configs: REPLICAS.map((r, i) => ({ targets: [servers[i].address], labels: { namespace: 'kuma-system', pod: r.pod } })),
      }],
    };
    const prometheus = await startPrometheus(YAML.stringify(config));
    try {
      await prometheus.waitFor(async () => scrapes.every((n) => n >= 6), 30_000, 'six scrapes of each replica');
      await expectNoEmptyPanel(prometheus, dashboard);
      const panel = (title: string) => panelSeries(prometheus, dashboard, title);
      const one = async (title: string) => (await panel(title)).map((s) => {
        expect({ title, series: s.length }).toEqual({ title, series: 1 });
        return Number(s[0].value![1]);
      });

      expect(await one('Replicas up')).toEqual([2]);
      expect(await one('Replicas down')).toEqual([0]);
      expect(await one('Leaders')).toEqual([1]);
      const [versions] = await panel('Replicas by version');
      expect(versions.map((s) => [s.metric.version, Number(s.value![1])])).toEqual([['2.12.14', 2]]);
      const [resources] = await panel('Resources');
      expect(Object.fromEntries(resources.map((s) => [s.metric.resource_type, Number(s.value![1])]))).toEqual(RESOURCES);

      const [connected] = await panel('Connected proxies');
      expect(byPod(connected)).toEqual(Object.fromEntries(REPLICAS.map((r) => [r.pod, r.proxies])));
      const [sent, accepted, rejected] = await one('Configuration exchange');
      expectNear('sent', sent, sum((r) => r.sent));
      expectNear('accepted', accepted, sum((r) => r.acks));
      expectNear('rejected', rejected, sum((r) => r.nacks));
      const [generations, errors] = await panel('Configuration generations');
      for (const s of generations) expectNear(s.metric, Number(s.value![1]), sum((r) => r.generations[s.metric.result] ?? 0));
      expect(generations.map((s) => s.metric.result).sort()).toEqual(['changed', 'skip']);
      expectNear('generation errors', Number(errors[0].value![1]), sum((r) => r.generationErrors));
      const [generationTime] = await panel('Generation time (99th percentile)');
      expect(byPod(generationTime)).toEqual(Object.fromEntries(REPLICAS.map((r) => [r.pod, r.generationP99])));
      const [delivery] = await panel('Delivery time (99th percentile)');
      expect(byPod(delivery)).toEqual(Object.fromEntries(REPLICAS.map((r) => [r.pod, r.deliveryP99])));

      const [apiRequests] = await panel('API server requests');
      for (const s of apiRequests) {
        expectNear(s.metric, Number(s.value![1]), sum((r) => r.api.filter(([code]) => code === s.metric.code).length));
      }
      expect(apiRequests.map((s) => s.metric.code).sort()).toEqual(['200', '404']);
      const [apiLatency] = await panel('API server latency (99th percentile)');
      for (const s of apiLatency) {
        const handler = s.metric.handler;
        const requests = REPLICAS.flatMap((r) => r.api.filter(([, h]) => h === handler).map(([, , sec]) => [sec, 1] as [number, number]));
        expectNear(s.metric, Number(s.value![1]), p99(requests), 0.01);
      }
      expect(apiLatency.length).toBe(3);
      const [mads] = await one('MADS requests');
      expectNear('MADS requests', mads, REPLICAS.length);
      const [madsLatency] = await one('MADS latency (99th percentile)');
      expectNear('MADS latency', madsLatency, p99(REPLICAS.flatMap((r) => r.mads.map(([, , s]) => [s, 1] as [number, number]))), 0.01);

      const [storeLatency] = await one('Store latency (99th percentile)');
      expectNear('store latency', storeLatency, p99(REPLICAS.flatMap((r) => r.storeGets.map(([, s]) => [s, 10] as [number, number]))), 0.01);
      const [conflicts] = await one('Store conflicts');
      expectNear('store conflicts', conflicts, sum((r) => r.conflicts));

      const [cpu] = await panel('CPU (cores)');
      for (const r of REPLICAS) expectNear(r.pod, byPod(cpu)[r.pod], r.cpuPerSecond);
      const [memory] = await panel('Resident memory');
      expect(byPod(memory)).toEqual(Object.fromEntries(REPLICAS.map((r) => [r.pod, r.residentBytes])));
      const [goroutines] = await panel('Goroutines');
      expect(byPod(goroutines)).toEqual(Object.fromEntries(REPLICAS.map((r) => [r.pod, r.goroutines])));
    } finally {
      await prometheus.stop();
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}, 60_000);

test('the control plane dashboard comes with scrapeControlPlane only, once per stack', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  new KumaMetricsMesh(chart, 'a', { stack, meshName: 'a', jobName: 'kuma-a' });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin')) });
  expect(grafana.dashboards.some((d) => d.title === 'Kuma control plane')).toBe(false);
  new KumaMetricsMesh(chart, 'b', { stack, meshName: 'b', jobName: 'kuma-b', scrapeControlPlane: true });
  new KumaMetricsMesh(chart, 'c', { stack, meshName: 'c', jobName: 'kuma-c', scrapeControlPlane: true });
  expect(grafana.dashboards.filter((d) => d.title === 'Kuma control plane').map((d) => d.uid)).toEqual(['kuma-control-plane']);
});
