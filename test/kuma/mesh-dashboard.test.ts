// The Kuma mesh dashboard over the proxies of two meshes as kuma-dp 2.12.14 serves their metrics
// (envoy-exposition.ts), scraped by a real Prometheus through the library's kuma_sd relabelling
// (mads.ts): `default` has mTLS on (every outbound mesh cluster does TLS), a draining proxy, one
// disconnected from the control plane and one Prometheus cannot reach; `legacy` has mTLS off.
// Every panel must show one series per mesh (per mesh and service for the top services) with
// the figures of the traffic model, and nothing of the proxies' own clusters.
import { Grafana, GrafanaAdminCredentials, KumaMetricsMesh, PrometheusStack } from '../../src';
import { jobNamed, newChart, onlyConfig } from '../util';
import {
  classOf, expectNear, expectNoEmptyPanel, ModelProxy, panelSeries, requestLatency, requestsOf, sumOf, withScrapedProxies,
} from './dashboard-queries';
import { ClusterTraffic } from './envoy-exposition';
import { synthKuma } from './helpers';

/** The proxy's own clusters, which no panel may count (see src/kuma/envoy-clusters.ts). */
const OWN: { [cluster: string]: ClusterTraffic } = {
  ads_cluster: {
    responses: { 200: 50, 503: 5 },
    requestTimeMs: [[900, 1]],
    connections: 1,
    txBytes: 700,
    cxOverflow: 1,
    tls: { handshakes: 1, connectionErrors: 3 },
  },
  kuma_envoy_admin: { responses: { 500: 5 }, requestTimeMs: [[2000, 1]], rxBytes: 100 },
  kuma_metrics_hijacker: { responses: { 200: 1 }, requestTimeMs: [[5000, 1]], connections: 3, membershipHealthy: 0, membershipTotal: 5 },
};

/** A proxy of `mesh` for `service`, as Kubernetes names it. */
function proxy(mesh: string, service: string, pod: string, clusters: { [cluster: string]: ClusterTraffic },
  extra: Partial<ModelProxy> = {}): ModelProxy {
  const namespace = service.split('_')[1];
  return {
    mesh,
    service,
    dataplane: `${pod}.${namespace}`,
    tags: { 'kuma.io/service': service, 'k8s.kuma.io/namespace': namespace },
    kubernetes: { name: pod, namespace },
    clusters: { ...clusters, ...OWN },
    ...extra,
  };
}

/** Per second (one scrape a second). */
const PROXIES: ModelProxy[] = [
  proxy('default', 'web_kuma-demo_svc_80', 'web-1', {
    'localhost_8080': { responses: { 200: 9, 503: 1 }, requestTimeMs: [[3, 0.9], [40, 0.1]] },
    'backend_kuma-demo_svc_3001': {
      responses: { 200: 12 },
      connections: 4,
      txBytes: 800,
      rxBytes: 1600,
      cxOverflow: 1,
      pendingOverflow: 2,
      membershipHealthy: 3,
      membershipTotal: 4,
      tls: { handshakes: 4, connectionErrors: 1, failVerifySan: 2 },
    },
  }),
  proxy('default', 'backend_kuma-demo_svc_3001', 'backend-1', {
    'localhost_3001': { responses: { 200: 5, 404: 1 }, requestTimeMs: [[8, 0.5], [300, 0.5]] },
    'postgres_kuma-demo_svc_5432': { connections: 2, txBytes: 300, rxBytes: 900, retryOverflow: 1, membershipHealthy: 1, membershipTotal: 1, tls: { handshakes: 2, failVerifyError: 1 } },
  }),
  // Draining: scraped, but offline.
  proxy('default', 'backend_kuma-demo_svc_3001', 'backend-2', {
    localhost_3001: { responses: { 200: 4, 500: 2 }, requestTimeMs: [[8, 1]] },
  }, { stats: { live: false } }),
  // Lost its xDS stream: still online.
  proxy('default', 'web_kuma-demo_svc_80', 'web-2', {
    localhost_8080: { responses: { 200: 3 }, requestTimeMs: [[3, 1]] },
  }, { stats: { connected: false } }),
  // Prometheus cannot scrape it.
  proxy('default', 'web_kuma-demo_svc_80', 'web-3', {}, { unreachable: true }),
  // mTLS off: no TLS stats at all.
  proxy('legacy', 'shop_legacy_svc_80', 'shop-1', {
    localhost_8080: { responses: { 200: 6, 502: 2 }, requestTimeMs: [[25, 1]] },
    db_legacy_svc_5432: { connections: 3, txBytes: 120, rxBytes: 240, membershipHealthy: 1, membershipTotal: 2 },
  }),
];

const MESHES = ['default', 'legacy'];
const scraped = (mesh: string) => PROXIES.filter((p) => p.mesh === mesh && !p.unreachable);
const isInbound = (cluster: string) => /^localhost_\d+$/.test(cluster);
const isOutbound = (cluster: string) => !isInbound(cluster) && !(cluster in OWN);
/** Every inbound (or outbound) cluster of a set of proxies. */
const clusters = (proxies: ModelProxy[], which: (cluster: string) => boolean) =>
  proxies.flatMap((p) => Object.entries(p.clusters).filter(([c]) => which(c)).map(([, t]) => t));
const sum = sumOf;
const latency = requestLatency;

/** Per panel, per query: the figure of a mesh, from the model. */
const PER_MESH: { [panel: string]: Array<(mesh: string) => number> } = {
  'Proxies online': [(m) => scraped(m).filter((p) => p.stats?.live !== false).length],
  'Proxies offline': [(m) => PROXIES.filter((p) => p.mesh === m && (p.unreachable || p.stats?.live === false)).length],
  'Disconnected from the control plane': [(m) => scraped(m).filter((p) => p.stats?.connected === false).length],
  'Requests': [(m) => sum(clusters(scraped(m), isInbound), (t) => requestsOf(t.responses))],
  'Error ratio': [(m) => sum(clusters(scraped(m), isInbound), (t) => classOf(t.responses, 5)) / sum(clusters(scraped(m), isInbound), (t) => requestsOf(t.responses))],
  'Latency': [(m) => latency(0.5, clusters(scraped(m), isInbound)), (m) => latency(0.99, clusters(scraped(m), isInbound))],
  'Bytes': [(m) => sum(clusters(scraped(m), isOutbound), (t) => t.txBytes ?? 0), (m) => sum(clusters(scraped(m), isOutbound), (t) => t.rxBytes ?? 0)],
  'Circuit breaker overflows': [
    (m) => sum(clusters(scraped(m), isOutbound), (t) => t.cxOverflow ?? 0),
    (m) => sum(clusters(scraped(m), isOutbound), (t) => t.pendingOverflow ?? 0),
    (m) => sum(clusters(scraped(m), isOutbound), (t) => t.retryOverflow ?? 0),
  ],
  'Healthy endpoints': [(m) => sum(clusters(scraped(m), isOutbound), (t) => t.membershipHealthy ?? 1) / sum(clusters(scraped(m), isOutbound), (t) => t.membershipTotal ?? 1)],
  'Outbound connections with mTLS': [(m) => sum(clusters(scraped(m), isOutbound), (t) => t.tls?.handshakes ?? 0) / sum(clusters(scraped(m), isOutbound), (t) => t.connections ?? 0)],
};

/** The TLS failures, by query: only the meshes whose clusters do TLS have the counters. */
const TLS_FAILURES: Array<(t: ClusterTraffic) => number> = [
  (t) => t.tls?.connectionErrors ?? 0, (t) => t.tls?.failVerifyError ?? 0, (t) => t.tls?.failVerifySan ?? 0,
];

/** The services of a mesh and their inbound clusters. */
const services = (mesh: string) => {
  const out = new Map<string, ClusterTraffic[]>();
  for (const p of scraped(mesh)) out.set(p.service, [...(out.get(p.service) ?? []), ...clusters([p], isInbound)]);
  return out;
};

test('every panel of the Kuma mesh dashboard shows each mesh\'s figures, in a real Prometheus', async () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
  new KumaMetricsMesh(chart, 'kuma', { stack });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const dashboard = grafana.dashboards.find((d) => d.title === 'Kuma mesh (kuma-dataplanes)')!;
  expect(dashboard).toBeDefined();
  const top = ['Top 10 services by requests', 'Top 10 services by 5xx responses', 'Top 10 services by latency (99th percentile)'];
  // Every panel is checked below.
  expect(new Set(dashboard.queries.map((q) => q.panelTitle))).toEqual(new Set([...Object.keys(PER_MESH), 'TLS failures', ...top]));
  const job = jobNamed(onlyConfig(synthKuma(chart)), 'kuma-dataplanes');

  await withScrapedProxies(job, PROXIES, async (prometheus) => {
    await expectNoEmptyPanel(prometheus, dashboard);
    for (const [panel, figures] of Object.entries(PER_MESH)) {
      const series = await panelSeries(prometheus, dashboard, panel);
      expect({ panel, queries: series.length }).toEqual({ panel, queries: figures.length });
      series.forEach((result, i) => {
        expect({ panel, query: i, meshes: result.map((s) => s.metric.mesh).sort() }).toEqual({ panel, query: i, meshes: MESHES });
        for (const mesh of MESHES) {
          const sample = result.find((s) => s.metric.mesh === mesh)!;
          expectNear({ panel, query: i, mesh }, Number(sample.value![1]), figures[i](mesh), 0.15);
        }
      });
    }

    // TLS failures: the meshes with mTLS only.
    const failures = await panelSeries(prometheus, dashboard, 'TLS failures');
    failures.forEach((result, i) => {
      expect({ query: i, meshes: result.map((s) => s.metric.mesh) }).toEqual({ query: i, meshes: ['default'] });
      expectNear({ panel: 'TLS failures', query: i }, Number(result[0].value![1]), sum(clusters(scraped('default'), isOutbound), TLS_FAILURES[i]));
    });

    // The top services: each service of each mesh (fewer than 10), and for 5xx only those with any.
    const [byRequests] = await panelSeries(prometheus, dashboard, top[0]);
    const [by5xx] = await panelSeries(prometheus, dashboard, top[1]);
    const [byLatency] = await panelSeries(prometheus, dashboard, top[2]);
    for (const mesh of MESHES) {
      for (const [service, inbound] of services(mesh)) {
        const find = (result: typeof byRequests) => result.find((s) => s.metric.mesh === mesh && s.metric.service === service);
        expectNear({ top: 'requests', mesh, service }, Number(find(byRequests)!.value![1]), sum(inbound, (t) => requestsOf(t.responses)));
        expectNear({ top: 'latency', mesh, service }, Number(find(byLatency)!.value![1]), latency(0.99, inbound));
        const errors = sum(inbound, (t) => classOf(t.responses, 5));
        expect({ mesh, service, listed: find(by5xx) !== undefined }).toEqual({ mesh, service, listed: errors > 0 });
        if (errors > 0) expectNear({ top: '5xx', mesh, service }, Number(find(by5xx)!.value![1]), errors);
      }
    }
    const servicesCount = MESHES.reduce((n, m) => n + services(m).size, 0);
    expect(byRequests).toHaveLength(servicesCount);
    expect(byLatency).toHaveLength(servicesCount);
  });
}, 90_000);
