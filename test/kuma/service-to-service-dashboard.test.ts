// The Kuma service-to-service dashboard over two proxies' metrics as kuma-dp 2.12.14 serves them
// (envoy-exposition.ts): web calls backend (HTTP) and redis (TCP), backend calls postgres. Every
// panel must show one series per source -> destination edge, and no series for the proxies'
// inbound or own clusters, with the figures of the traffic model.
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { Grafana, GrafanaAdminCredentials, KumaMetricsMesh, PrometheusStack } from '../../src';
import { QuerySample, startMetricsServer, startPrometheus } from '../harness';
import { newChart } from '../util';
import { expectNear, expectNoEmptyPanel, histogramQuantile, panelSeries } from './dashboard-queries';
import { ClusterTraffic, ENVOY_BUCKETS, kumaDpMetrics } from './envoy-exposition';

/** The proxy's own clusters, which no panel may show (see src/kuma/envoy-clusters.ts). */
const OWN: { [cluster: string]: ClusterTraffic } = {
  ads_cluster: { responses: { 200: 50 }, connections: 1, activeConnections: 1, rxBytes: 5000, connectFail: 2, connectMs: 3 },
  access_log_sink: { connections: 1, activeConnections: 1, txBytes: 300, cxOverflow: 1 },
  kuma_envoy_admin: { responses: { 200: 5 }, activeConnections: 2, retries: 4 },
  kuma_readiness: { responses: { 200: 1 }, connections: 1 },
  kuma_metrics_hijacker: { responses: { 200: 1 }, connections: 1, activeConnections: 1, rqTimeout: 2 },
  _kuma_metrics_hijacker: { responses: { 200: 1 }, connections: 1 },
};

/** Per second (one scrape a second), by source service and cluster. */
const PROXIES: { [service: string]: { [cluster: string]: ClusterTraffic } } = {
  'web_kuma-demo_svc_80': {
    'localhost_8080': { responses: { 200: 10 }, requestTimeMs: [[3, 1]], connections: 3, activeConnections: 7 },
    'backend_kuma-demo_svc_3001': {
      responses: { 200: 16, 404: 2, 503: 2 },
      requestTimeMs: [[3, 0.6], [40, 0.35], [700, 0.05]],
      connections: 2,
      connectMs: 2,
      activeConnections: 3,
      rxBytes: 1000,
      txBytes: 500,
      connectFail: 1,
      connectTimeout: 1,
      destroyRemoteWithActiveRq: 2,
      destroyLocalWithActiveRq: 1,
      rqTimeout: 1,
      rqRxReset: 2,
      rqTxReset: 1,
      pendingFailureEject: 1,
      retries: 3,
      cxOverflow: 1,
      pendingOverflow: 2,
      retryOverflow: 1,
      membershipHealthy: 3,
      membershipTotal: 4,
      ejectionsActive: 1,
    },
    // TCP: connections and bytes, no HTTP requests
    'redis_kuma-demo_svc_6379': { connections: 1, connectMs: 20, activeConnections: 2, rxBytes: 64, txBytes: 32, membershipHealthy: 1, membershipTotal: 1 },
    ...OWN,
  },
  'backend_kuma-demo_svc_3001': {
    'localhost_3001': { responses: { 200: 16, 404: 2, 503: 2 }, requestTimeMs: [[3, 1]], activeConnections: 3 },
    'postgres_kuma-demo_svc_5432': { connections: 4, connectMs: 7, activeConnections: 5, rxBytes: 2048, txBytes: 4096, membershipHealthy: 2, membershipTotal: 2 },
    ...OWN,
  },
};

/** The outbound edges, source -> destination cluster: what the panels must show, no more. */
const EDGES: Array<[string, string, ClusterTraffic]> = [
  ['web_kuma-demo_svc_80', 'backend_kuma-demo_svc_3001', PROXIES['web_kuma-demo_svc_80']['backend_kuma-demo_svc_3001']],
  ['web_kuma-demo_svc_80', 'redis_kuma-demo_svc_6379', PROXIES['web_kuma-demo_svc_80']['redis_kuma-demo_svc_6379']],
  ['backend_kuma-demo_svc_3001', 'postgres_kuma-demo_svc_5432', PROXIES['backend_kuma-demo_svc_3001']['postgres_kuma-demo_svc_5432']],
];

const requests = (t: ClusterTraffic) => Object.values(t.responses ?? {}).reduce((a, b) => a + b, 0);
const byClass = (t: ClusterTraffic, cls: number) =>
  Object.entries(t.responses ?? {}).filter(([code]) => Math.floor(Number(code) / 100) === cls).reduce((a, [, n]) => a + n, 0);
/** Cumulative buckets of observations `[value, share]`, as the bucket rates stand to each other. */
const buckets = (obs: Array<[number, number]>): Array<[number, number]> =>
  [...ENVOY_BUCKETS, Infinity].map((le) => [le, obs.filter(([v]) => v <= le).reduce((n, [, share]) => n + share, 0)]);

/** Per panel, per query: the figure of an edge, from the model. */
const EXPECTED: { [panel: string]: Array<(t: ClusterTraffic) => number> } = {
  'Requests': [requests],
  'Error ratio': [(t) => requests(t) === 0 ? NaN : byClass(t, 5) / requests(t)],
  'Latency': [
    (t) => histogramQuantile(0.5, buckets(t.requestTimeMs ?? [])),
    (t) => histogramQuantile(0.99, buckets(t.requestTimeMs ?? [])),
  ],
  'Active connections': [(t) => t.activeConnections ?? 0],
  'Bytes': [(t) => t.txBytes ?? 0, (t) => t.rxBytes ?? 0],
  'Connection time (99th percentile)': [(t) => histogramQuantile(0.99, buckets(t.connectMs === undefined ? [] : [[t.connectMs, 1]]))],
  'Connection failures': [
    (t) => t.connectFail ?? 0, (t) => t.connectTimeout ?? 0, (t) => t.destroyRemoteWithActiveRq ?? 0, (t) => t.destroyLocalWithActiveRq ?? 0,
  ],
  'Request failures': [(t) => t.rqTimeout ?? 0, (t) => t.rqRxReset ?? 0, (t) => t.rqTxReset ?? 0, (t) => t.pendingFailureEject ?? 0],
  'Circuit breaker overflows': [(t) => t.cxOverflow ?? 0, (t) => t.pendingOverflow ?? 0, (t) => t.retryOverflow ?? 0],
  'Retries': [(t) => t.retries ?? 0],
  'Healthy endpoints': [(t) => (t.membershipHealthy ?? 1) / (t.membershipTotal ?? 1)],
  'Ejected endpoints': [(t) => t.ejectionsActive ?? 0],
};

const edgeOf = (s: QuerySample) => `${s.metric.service} -> ${s.metric.envoy_cluster_name}`;

test('every panel of the Kuma service-to-service dashboard shows each edge\'s traffic, in a real Prometheus', async () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
  new KumaMetricsMesh(chart, 'kuma', { stack });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin')) });
  const dashboard = grafana.dashboards.find((d) => d.title === 'Kuma service to service (kuma-dataplanes)')!;
  expect(dashboard).toBeDefined();
  // Every panel is checked below.
  expect(new Set(dashboard.queries.map((q) => q.panelTitle))).toEqual(new Set([...Object.keys(EXPECTED), 'Responses by status class']));

  const scrapes: { [service: string]: number } = {};
  const proxies = await Promise.all(Object.entries(PROXIES).map(([service, traffic]) =>
    startMetricsServer(() => kumaDpMetrics(traffic, scrapes[service] = (scrapes[service] ?? 0) + 1))));
  try {
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: [{
        job_name: 'kuma-dataplanes',
        // as kuma_sd's relabelling labels each proxy
        static_configs: Object.keys(PROXIES).map((service, i) => ({
          targets: [proxies[i].address], labels: { mesh: 'default', service },
        })),
      }],
    };
    const prometheus = await startPrometheus(YAML.stringify(config));
    try {
      await prometheus.waitFor(async () => Object.keys(PROXIES).every((s) => (scrapes[s] ?? 0) >= 6), 30_000, 'six scrapes of each proxy');
      await expectNoEmptyPanel(prometheus, dashboard);
      const edges = EDGES.map(([source, destination]) => `${source} -> ${destination}`).sort();
      for (const [panel, figures] of Object.entries(EXPECTED)) {
        const series = await panelSeries(prometheus, dashboard, panel);
        expect({ panel, queries: series.length }).toEqual({ panel, queries: figures.length });
        series.forEach((result, i) => {
          expect({ panel, query: i, edges: result.map(edgeOf).sort() }).toEqual({ panel, query: i, edges });
          for (const [source, destination, traffic] of EDGES) {
            const sample = result.find((s) => edgeOf(s) === `${source} -> ${destination}`)!;
            expectNear({ panel, query: i, source, destination }, Number(sample.value![1]), figures[i](traffic), 0.15);
          }
        });
      }
      // Responses by status class: one series per edge and class that has responses.
      const [classes] = await panelSeries(prometheus, dashboard, 'Responses by status class');
      const backend = EDGES[0][2];
      expect(classes.map((s) => `${edgeOf(s)} ${s.metric.envoy_response_code_class}xx`).sort()).toEqual(
        [2, 4, 5].map((c) => `${EDGES[0][0]} -> ${EDGES[0][1]} ${c}xx`));
      for (const s of classes) expectNear(s.metric, Number(s.value![1]), byClass(backend, Number(s.metric.envoy_response_code_class)));
    } finally {
      await prometheus.stop();
    }
  } finally {
    await Promise.all(proxies.map((p) => p.stop()));
  }
}, 60_000);
