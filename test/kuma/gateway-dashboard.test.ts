// The Kuma gateway dashboard over builtin gateway proxies as kuma-dp 2.12.14 serves their metrics
// (envoy-exposition.ts), scraped by a real Prometheus through the library's kuma_sd relabelling,
// which carries the `kuma_io_mesh_gateway` label MADS gives a builtin gateway (mads.ts).
// Two gateways in `default` (one with two instances, one of them disconnected from the control
// plane), a gateway of the same name in `staging`, and a sidecar proxy whose HTTP and cluster
// stats must not show. Every panel must show one series per gateway (per gateway and destination
// for the upstream panels) with the figures of the traffic model, without the proxies' own HTTP
// connection managers (the metrics and admin endpoints) and clusters.
import { Grafana, GrafanaAdminCredentials, KumaMetricsMesh, PrometheusStack } from '../../src';
import { jobNamed, newChart, onlyConfig } from '../util';
import {
  classOf, expectNear, expectNoEmptyPanel, ModelProxy, panelSeries, requestLatency, requestsOf, sumOf, withScrapedProxies,
} from './dashboard-queries';
import { ClusterTraffic, HttpTraffic, ListenerTraffic, ProxyStats } from './envoy-exposition';
import { synthKuma } from './helpers';

const OWN: { [cluster: string]: ClusterTraffic } = {
  ads_cluster: { responses: { 200: 50 }, requestTimeMs: [[900, 1]], connectFail: 2 },
  kuma_envoy_admin: { responses: { 500: 5 }, retries: 4 },
  kuma_metrics_hijacker: { responses: { 200: 1 }, rqTimeout: 3 },
};

/** The proxy's own HTTP connection managers, busy too: Prometheus's scrapes, the admin API. */
const OWN_HTTP: { [prefix: string]: HttpTraffic } = {
  kuma_metrics_prometheus: { responses: { 200: 1 }, requestTimeMs: [[30, 1]], connections: 1, activeConnections: 1, rxBytes: 100, txBytes: 90000 },
  admin: { responses: { 503: 2 }, activeConnections: 1 },
};

/**
 * A builtin gateway proxy: the Dataplane's service tag names its HTTP connection manager
 * (sanitized: only [a-zA-Z0-9_-] stay, kumahq/kuma v2.12.14 pkg/util/xds/metric_sanitizer.go).
 */
function gatewayProxy(mesh: string, gateway: string, pod: string, http: HttpTraffic, clusters: { [cluster: string]: ClusterTraffic },
  listener: ListenerTraffic, extra: ProxyStats = {}): ModelProxy {
  const service = `${gateway}_kuma-demo_svc`;
  return {
    mesh,
    service,
    dataplane: `${pod}.kuma-demo`,
    tags: { 'kuma.io/service': service },
    kubernetes: { name: pod, namespace: 'kuma-demo' },
    meshGateway: gateway,
    clusters: { ...clusters, ...OWN },
    stats: {
      http: { [service.replace(/[^a-zA-Z0-9_-]/g, '_')]: http, ...OWN_HTTP },
      // the gateway's listener, and the metrics listener that Prometheus's scrapes reach
      listeners: { '10.0.0.5_8080': listener, '0.0.0.0_5670': { connections: 1, activeConnections: 1 } },
      ...extra,
    },
  };
}

/** Per second (one scrape a second). */
const PROXIES: ModelProxy[] = [
  gatewayProxy('default', 'edge-gateway', 'edge-gateway-1',
    {
      responses: { 200: 30, 404: 5, 503: 5 },
      requestTimeMs: [[5, 0.8], [80, 0.15], [1200, 0.05]],
      connections: 4,
      activeConnections: 6,
      rxBytes: 4000,
      txBytes: 16000,
    },
    {
      'backend_kuma-demo_svc_3001': { responses: { 200: 30, 503: 3 }, requestTimeMs: [[4, 0.9], [60, 0.1]], connections: 2, connectFail: 1, retries: 2 },
      'web_kuma-demo_svc_80': { responses: { 200: 2 }, requestTimeMs: [[20, 1]], connections: 1, rqTimeout: 1 },
    },
    { connections: 4, overflow: 2, activeConnections: 6 }),
  gatewayProxy('default', 'edge-gateway', 'edge-gateway-2',
    { responses: { 200: 10 }, requestTimeMs: [[5, 1]], connections: 1, activeConnections: 2, rxBytes: 1000, txBytes: 3000 },
    { 'backend_kuma-demo_svc_3001': { responses: { 200: 10 }, requestTimeMs: [[4, 1]], connections: 1 } },
    { connections: 1, activeConnections: 2 },
    { connected: false }),
  gatewayProxy('default', 'internal-gateway', 'internal-gateway-1',
    { responses: { 200: 8, 502: 2 }, requestTimeMs: [[15, 1]], connections: 2, activeConnections: 1, rxBytes: 500, txBytes: 700 },
    { 'payments_kuma-demo_svc_8080': { responses: { 200: 8 }, requestTimeMs: [[12, 1]], connections: 2 } },
    { connections: 2, overflow: 1, activeConnections: 1 }),
  gatewayProxy('staging', 'edge-gateway', 'edge-gateway-s1',
    { responses: { 200: 3, 500: 1 }, requestTimeMs: [[40, 1]], connections: 1, activeConnections: 1, rxBytes: 100, txBytes: 200 },
    { 'backend_kuma-demo_svc_3001': { responses: { 200: 3, 500: 1 }, requestTimeMs: [[35, 1]], connections: 1 } },
    { connections: 1 }),
  // A sidecar: its HTTP connection manager and clusters are not a gateway's.
  {
    mesh: 'default',
    service: 'web_kuma-demo_svc_80',
    dataplane: 'web-1.kuma-demo',
    tags: { 'kuma.io/service': 'web_kuma-demo_svc_80' },
    kubernetes: { name: 'web-1', namespace: 'kuma-demo' },
    clusters: { 'localhost_8080': { responses: { 200: 2 } }, 'backend_kuma-demo_svc_3001': { responses: { 500: 9 }, connections: 9 }, ...OWN },
    stats: { http: { localhost_8080: { responses: { 500: 9 }, requestTimeMs: [[3000, 1]], activeConnections: 9 }, ...OWN_HTTP } },
  },
];

const gateways = PROXIES.filter((p) => p.meshGateway !== undefined);
const keyOf = (mesh: string, gateway: string) => `${mesh}/${gateway}`;
const GATEWAYS = [...new Set(gateways.map((p) => keyOf(p.mesh, p.meshGateway!)))].sort();
const instances = (key: string) => gateways.filter((p) => keyOf(p.mesh, p.meshGateway!) === key);
/** The gateway's HTTP connection manager traffic, per instance. */
const http = (key: string) => instances(key).map((p) => p.stats!.http![p.service]);
const sum = sumOf;
const latency = requestLatency;

/** Per panel, per query: the figure of a gateway, from the model. */
const PER_GATEWAY: { [panel: string]: Array<(key: string) => number> } = {
  'Instances': [(k) => instances(k).filter((p) => p.stats?.live !== false).length],
  'Disconnected from the control plane': [(k) => instances(k).filter((p) => p.stats?.connected === false).length],
  'Requests': [(k) => sum(http(k), (t) => requestsOf(t.responses))],
  'Error ratio': [(k) => sum(http(k), (t) => classOf(t.responses, 5)) / sum(http(k), (t) => requestsOf(t.responses))],
  'Latency': [(k) => latency(0.5, http(k)), (k) => latency(0.99, http(k))],
  'Active connections': [(k) => sum(http(k), (t) => t.activeConnections ?? 0)],
  'Bytes': [(k) => sum(http(k), (t) => t.rxBytes ?? 0), (k) => sum(http(k), (t) => t.txBytes ?? 0)],
  'Connections over the limit': [(k) => sum(instances(k), (p) => sum(Object.values(p.stats!.listeners!), (l) => l.overflow ?? 0))],
};

/** Each gateway's destinations and their clusters (one per instance that calls it). */
const destinations = (key: string) => {
  const out = new Map<string, ClusterTraffic[]>();
  for (const p of instances(key)) {
    for (const [cluster, t] of Object.entries(p.clusters)) if (!(cluster in OWN)) out.set(cluster, [...(out.get(cluster) ?? []), t]);
  }
  return out;
};
const EDGES = GATEWAYS.flatMap((key) => [...destinations(key)].map(([cluster, ts]) => ({ key, cluster, ts })));

const PER_DESTINATION: { [panel: string]: Array<(ts: ClusterTraffic[]) => number> } = {
  'Upstream requests': [(ts) => sum(ts, (t) => requestsOf(t.responses))],
  'Upstream error ratio': [(ts) => sum(ts, (t) => classOf(t.responses, 5)) / sum(ts, (t) => requestsOf(t.responses))],
  'Upstream latency (99th percentile)': [(ts) => latency(0.99, ts)],
  'Upstream failures': [(ts) => sum(ts, (t) => t.connectFail ?? 0), (ts) => sum(ts, (t) => t.rqTimeout ?? 0), (ts) => sum(ts, (t) => t.retries ?? 0)],
};

test('every panel of the Kuma gateway dashboard shows each builtin gateway\'s figures, in a real Prometheus', async () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
  new KumaMetricsMesh(chart, 'kuma', { stack });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const dashboard = grafana.dashboards.find((d) => d.title === 'Kuma gateways (kuma-dataplanes)')!;
  expect(dashboard).toBeDefined();
  // Every panel is checked below.
  expect(new Set(dashboard.queries.map((q) => q.panelTitle)))
    .toEqual(new Set([...Object.keys(PER_GATEWAY), 'Responses by status class', ...Object.keys(PER_DESTINATION)]));
  const job = jobNamed(onlyConfig(synthKuma(chart)), 'kuma-dataplanes');

  await withScrapedProxies(job, PROXIES, async (prometheus) => {
    await expectNoEmptyPanel(prometheus, dashboard);
    const gatewayOf = (s: { metric: Record<string, string> }) => keyOf(s.metric.mesh, s.metric.kuma_io_mesh_gateway);
    for (const [panel, figures] of Object.entries(PER_GATEWAY)) {
      const series = await panelSeries(prometheus, dashboard, panel);
      expect({ panel, queries: series.length }).toEqual({ panel, queries: figures.length });
      series.forEach((result, i) => {
        expect({ panel, query: i, gateways: result.map(gatewayOf).sort() }).toEqual({ panel, query: i, gateways: GATEWAYS });
        for (const key of GATEWAYS) {
          expectNear({ panel, query: i, gateway: key }, Number(result.find((s) => gatewayOf(s) === key)!.value![1]), figures[i](key), 0.15);
        }
      });
    }

    // Every status class of every gateway: Envoy's connection manager has the five counters from the start.
    const [classes] = await panelSeries(prometheus, dashboard, 'Responses by status class');
    expect(classes.map((s) => `${gatewayOf(s)} ${s.metric.envoy_response_code_class}xx`).sort())
      .toEqual(GATEWAYS.flatMap((key) => [1, 2, 3, 4, 5].map((c) => `${key} ${c}xx`)));
    for (const s of classes) {
      expectNear(s.metric, Number(s.value![1]), sum(http(gatewayOf(s)), (t) => classOf(t.responses, Number(s.metric.envoy_response_code_class))));
    }

    const edgeOf = (s: { metric: Record<string, string> }) => `${gatewayOf(s)} -> ${s.metric.envoy_cluster_name}`;
    for (const [panel, figures] of Object.entries(PER_DESTINATION)) {
      const series = await panelSeries(prometheus, dashboard, panel);
      expect({ panel, queries: series.length }).toEqual({ panel, queries: figures.length });
      series.forEach((result, i) => {
        expect({ panel, query: i, edges: result.map(edgeOf).sort() }).toEqual({ panel, query: i, edges: EDGES.map((e) => `${e.key} -> ${e.cluster}`).sort() });
        for (const e of EDGES) {
          const sample = result.find((s) => edgeOf(s) === `${e.key} -> ${e.cluster}`)!;
          expectNear({ panel, query: i, edge: `${e.key} -> ${e.cluster}` }, Number(sample.value![1]), figures[i](e.ts), 0.15);
        }
      });
    }
  });
}, 90_000);
