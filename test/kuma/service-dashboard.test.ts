// The Kuma service dashboard over several services' proxies as kuma-dp 2.12.14 serves their
// metrics (envoy-exposition.ts), scraped by a real Prometheus through the library's kuma_sd
// relabelling (mads.ts). With backend picked, every panel must show backend's figures only: its
// three proxies (one of them unreachable), the requests its proxies receive, and one series per
// service it calls; not the requests of web, which calls it, nor of a service of the same name
// in another mesh, nor the proxies' own clusters.
import { Grafana, GrafanaAdminCredentials, KumaMetricsMesh, PrometheusStack } from '../../src';
import { jobNamed, newChart, onlyConfig } from '../util';
import {
  classOf, expectNear, expectNoEmptyPanel, ModelProxy, panelSeries, panelValues, Picked, requestLatency, requestsOf, sumOf, withScrapedProxies,
} from './dashboard-queries';
import { ClusterTraffic } from './envoy-exposition';
import { synthKuma } from './helpers';

const OWN: { [cluster: string]: ClusterTraffic } = {
  ads_cluster: { responses: { 200: 50 }, requestTimeMs: [[900, 1]], connectFail: 2, activeConnections: 1 },
  kuma_envoy_admin: { responses: { 500: 5 }, retries: 4 },
  kuma_metrics_hijacker: { responses: { 200: 1 }, rqTimeout: 3, activeConnections: 1 },
};

const BACKEND = 'backend_kuma-demo_svc_3001';
const PICKED: Picked = { mesh: 'default', service: BACKEND };

function proxy(mesh: string, service: string, pod: string, clusters: { [cluster: string]: ClusterTraffic },
  extra: Partial<ModelProxy> = {}): ModelProxy {
  return {
    mesh,
    service,
    dataplane: `${pod}.kuma-demo`,
    tags: { 'kuma.io/service': service },
    kubernetes: { name: pod, namespace: 'kuma-demo' },
    clusters: { ...clusters, ...OWN },
    ...extra,
  };
}

/** Per second (one scrape a second): web calls backend, backend calls postgres and redis. */
const PROXIES: ModelProxy[] = [
  proxy('default', 'web_kuma-demo_svc_80', 'web-1', {
    localhost_8080: { responses: { 200: 30, 500: 10 }, requestTimeMs: [[1000, 1]] },
    [BACKEND]: { responses: { 200: 20, 503: 4 }, requestTimeMs: [[60, 1]], connections: 5, connectFail: 1 },
  }),
  proxy('default', BACKEND, 'backend-1', {
    'localhost_3001': { responses: { 200: 14, 404: 2, 503: 4 }, requestTimeMs: [[3, 0.5], [40, 0.45], [700, 0.05]] },
    'postgres_kuma-demo_svc_5432': { responses: { 200: 6 }, requestTimeMs: [[4, 1]], connections: 2, connectFail: 1, rqTimeout: 1, retries: 2, activeConnections: 3 },
    'redis_kuma-demo_svc_6379': { connections: 1, activeConnections: 2, rqTimeout: 0 },
  }),
  proxy('default', BACKEND, 'backend-2', {
    'localhost_3001': { responses: { 200: 4 }, requestTimeMs: [[3, 1]] },
    'postgres_kuma-demo_svc_5432': { responses: { 200: 2, 503: 2 }, requestTimeMs: [[200, 1]], connections: 1, activeConnections: 1 },
  }),
  proxy('default', BACKEND, 'backend-3', {}, { unreachable: true }),
  // A service of the same name in another mesh.
  proxy('staging', BACKEND, 'backend-9', {
    'localhost_3001': { responses: { 500: 7 }, requestTimeMs: [[5000, 1]] },
    'postgres_kuma-demo_svc_5432': { responses: { 500: 9 }, connections: 9, activeConnections: 9 },
  }),
];

const picked = PROXIES.filter((p) => p.mesh === PICKED.mesh && p.service === PICKED.service);
const reachable = picked.filter((p) => !p.unreachable);
const inbound = reachable.flatMap((p) => Object.entries(p.clusters).filter(([c]) => /^localhost_/.test(c)).map(([, t]) => t));
/** The clusters of each service backend calls. */
const DESTINATIONS = new Map<string, ClusterTraffic[]>();
for (const p of reachable) {
  for (const [cluster, t] of Object.entries(p.clusters)) {
    if (!/^localhost_/.test(cluster) && !(cluster in OWN)) DESTINATIONS.set(cluster, [...(DESTINATIONS.get(cluster) ?? []), t]);
  }
}
const sum = sumOf;
const latency = requestLatency;

/** Per upstream panel, per query: the figure of a destination. */
const PER_DESTINATION: { [panel: string]: Array<(ts: ClusterTraffic[]) => number> } = {
  'Upstream requests': [(ts) => sum(ts, (t) => requestsOf(t.responses))],
  'Upstream error ratio': [(ts) => (sum(ts, (t) => requestsOf(t.responses)) === 0 ? NaN : sum(ts, (t) => classOf(t.responses, 5)) / sum(ts, (t) => requestsOf(t.responses)))],
  'Upstream latency (99th percentile)': [(ts) => latency(0.99, ts)],
  'Upstream failures': [(ts) => sum(ts, (t) => t.connectFail ?? 0), (ts) => sum(ts, (t) => t.rqTimeout ?? 0), (ts) => sum(ts, (t) => t.retries ?? 0)],
  'Upstream active connections': [(ts) => sum(ts, (t) => t.activeConnections ?? 0)],
};

test('every panel of the Kuma service dashboard shows the picked service\'s figures, in a real Prometheus', async () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
  new KumaMetricsMesh(chart, 'kuma', { stack });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const dashboard = grafana.dashboards.find((d) => d.title === 'Kuma service (kuma-dataplanes)')!;
  expect(dashboard).toBeDefined();
  const single = ['Proxies online', 'Proxies offline', 'Requests', 'Error ratio', 'Latency'];
  // Every panel is checked below.
  expect(new Set(dashboard.queries.map((q) => q.panelTitle)))
    .toEqual(new Set([...single, 'Proxies', 'Responses by status class', ...Object.keys(PER_DESTINATION)]));
  // One mesh and one service at a time.
  const variables = dashboard.toJson('prometheus').templating.list;
  expect(variables.map((v: any) => [v.name, v.multi, v.includeAll])).toEqual([['mesh', false, false], ['service', false, false]]);
  const job = jobNamed(onlyConfig(synthKuma(chart)), 'kuma-dataplanes');

  await withScrapedProxies(job, PROXIES, async (prometheus) => {
    await expectNoEmptyPanel(prometheus, dashboard, PICKED);
    const value = (panel: string) => panelValues(prometheus, dashboard, panel, PICKED);
    expect(await value('Proxies online')).toEqual([reachable.length]);
    expect(await value('Proxies offline')).toEqual([picked.length - reachable.length]);
    const [each] = await panelSeries(prometheus, dashboard, 'Proxies', PICKED);
    expect(Object.fromEntries(each.map((s) => [s.metric.dataplane, Number(s.value![1])])))
      .toEqual(Object.fromEntries(picked.map((p) => [p.dataplane, p.unreachable ? 0 : 1])));

    const requests = sum(inbound, (t) => requestsOf(t.responses));
    expectNear('Requests', (await value('Requests'))[0], requests);
    expectNear('Error ratio', (await value('Error ratio'))[0], sum(inbound, (t) => classOf(t.responses, 5)) / requests, 0.01);
    const [p50, p99] = await value('Latency');
    expectNear('p50', p50, latency(0.5, inbound), 0.01);
    expectNear('p99', p99, latency(0.99, inbound), 0.01);
    const [classes] = await panelSeries(prometheus, dashboard, 'Responses by status class', PICKED);
    const expectedClasses = [1, 2, 3, 4, 5].filter((c) => sum(inbound, (t) => classOf(t.responses, c)) > 0);
    expect(classes.map((s) => Number(s.metric.envoy_response_code_class)).sort()).toEqual(expectedClasses);
    for (const s of classes) {
      expectNear(s.metric, Number(s.value![1]), sum(inbound, (t) => classOf(t.responses, Number(s.metric.envoy_response_code_class))));
    }

    for (const [panel, figures] of Object.entries(PER_DESTINATION)) {
      const series = await panelSeries(prometheus, dashboard, panel, PICKED);
      expect({ panel, queries: series.length }).toEqual({ panel, queries: figures.length });
      series.forEach((result, i) => {
        expect({ panel, query: i, destinations: result.map((s) => s.metric.envoy_cluster_name).sort() })
          .toEqual({ panel, query: i, destinations: [...DESTINATIONS.keys()].sort() });
        for (const [destination, ts] of DESTINATIONS) {
          const sample = result.find((s) => s.metric.envoy_cluster_name === destination)!;
          expectNear({ panel, query: i, destination }, Number(sample.value![1]), figures[i](ts), 0.15);
        }
      });
    }
  });
}, 90_000);
