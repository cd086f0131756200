// The Kuma dashboard's queries over a data plane proxy's metrics as kuma-dp serves them (see
// envoy-exposition.ts for where every name comes from): a real Prometheus scrapes a stand-in
// proxy whose counters grow, and every panel must show the right traffic: inbound from the
// `localhost_<port>` clusters only, outbound from the services the proxy calls, without the
// proxy's own clusters (control plane, admin API, readiness, access log sink, and the scrapes
// of its own metrics through kuma_metrics_hijacker).
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { Grafana, GrafanaAdminCredentials, KumaMetricsMesh, PrometheusStack } from '../../src';
import { startMetricsServer, startPrometheus } from '../harness';
import { newChart } from '../util';
import { expectNear, expectNoEmptyPanel, histogramQuantile, panelValues } from './dashboard-queries';
import { ClusterTraffic, ENVOY_BUCKETS, kumaDpMetrics } from './envoy-exposition';

/** Per second (one scrape a second): the proxy of `web` receives 10 requests and calls backend. */
const WEB: { [cluster: string]: ClusterTraffic } = {
  // the inbound of web's port 8080: 10 requests, one 503; 90% take 3 ms, 10% 40 ms
  'localhost_8080': { responses: { 200: 9, 503: 1 }, requestTimeMs: [[3, 0.9], [40, 0.1]], activeConnections: 7, rxBytes: 9000 },
  // the service web calls
  'backend_kuma-demo_svc_3001': {
    responses: { 200: 4 },
    requestTimeMs: [[8, 1]],
    connections: 2,
    connectMs: 2,
    connectFail: 1,
    rqTimeout: 1,
    retries: 1,
    activeConnections: 3,
    rxBytes: 1000,
    txBytes: 500,
  },
  // the proxy's own clusters, busy too
  'ads_cluster': { responses: { 200: 50 }, activeConnections: 1, rxBytes: 5000, txBytes: 200, connectFail: 2 },
  'access_log_sink': { connections: 1, activeConnections: 1, txBytes: 300, connectFail: 3 },
  'kuma_envoy_admin': { responses: { 200: 5 }, activeConnections: 2, rxBytes: 700, retries: 4 },
  'kuma_readiness': { responses: { 200: 1 }, activeConnections: 1 },
  'kuma_metrics_hijacker': { responses: { 200: 1 }, activeConnections: 1, rxBytes: 20000, rqTimeout: 2 },
};

/** Cumulative buckets of a cluster's request times, as Prometheus sees their rates. */
function requestTimeBuckets(t: ClusterTraffic): Array<[number, number]> {
  const obs = t.requestTimeMs ?? [];
  return [...ENVOY_BUCKETS, Infinity].map((le) => [le, obs.filter(([ms]) => ms <= le).reduce((n, [, share]) => n + share, 0)]);
}

test('every panel of the Kuma dashboard shows the proxy\'s own traffic, in a real Prometheus', async () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
  new KumaMetricsMesh(chart, 'kuma', { stack });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const dashboard = grafana.dashboards.find((d) => d.title === 'Kuma data plane proxies (kuma-dataplanes)')!;
  expect(dashboard).toBeDefined();

  let scrapes = 0;
  const proxy = await startMetricsServer(() => kumaDpMetrics(WEB, ++scrapes));
  try {
    // The dashboard's job, with the labels kuma_sd's relabelling gives: mesh and service.
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: [{
        job_name: 'kuma-dataplanes',
        static_configs: [{ targets: [proxy.address], labels: { mesh: 'default', service: 'web_kuma-demo_svc_80' } }],
      }],
    };
    const prometheus = await startPrometheus(YAML.stringify(config));
    try {
      await prometheus.waitFor(async () => scrapes >= 6, 30_000, 'six scrapes');
      await expectNoEmptyPanel(prometheus, dashboard);
      const value = async (panel: string) => panelValues(prometheus, dashboard, panel);
      const inbound = WEB.localhost_8080;
      const backend = WEB['backend_kuma-demo_svc_3001'];
      expectNear('Requests', (await value('Requests'))[0], 10);
      expectNear('Error ratio', (await value('Error ratio'))[0], inbound.responses![503] / 10, 0.01);
      expectNear('Latency (99th percentile)', (await value('Latency (99th percentile)'))[0], histogramQuantile(0.99, requestTimeBuckets(inbound)), 0.01);
      expectNear('Upstream requests', (await value('Upstream requests'))[0], backend.responses![200]);
      const [connectFail, timeouts, retries] = await value('Upstream failures');
      expectNear('connect failures', connectFail, backend.connectFail!);
      expectNear('timeouts', timeouts, backend.rqTimeout!);
      expectNear('retries', retries, backend.retries!);
      expect(await value('Active connections')).toEqual([backend.activeConnections]);
      const [received, sent] = await value('Bytes');
      expectNear('bytes received', received, backend.rxBytes!);
      expectNear('bytes sent', sent, backend.txBytes!);
      expect(await value('Proxies scraped')).toEqual([1]);
      expect(await value('Proxies down')).toEqual([0]);
      expect(await value('Disconnected from the control plane')).toEqual([0]);
    } finally {
      await prometheus.stop();
    }
  } finally {
    await proxy.stop();
  }
}, 60_000);

test('two meshes\' jobs give two sets of Kuma dashboards with distinct uids and titles', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { scrapeInterval: Duration.seconds(15) });
  new KumaMetricsMesh(chart, 'a', { stack, meshName: 'a', jobName: 'kuma-a' });
  new KumaMetricsMesh(chart, 'b', { stack, meshName: 'b', jobName: 'kuma-b' });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const kuma = grafana.dashboards.filter((d) => d.title.startsWith('Kuma'));
  const perJob = (job: string) => [
    `Kuma data plane proxies (${job})`, `Kuma mesh (${job})`, `Kuma service (${job})`, `Kuma service to service (${job})`, `Kuma gateways (${job})`,
  ];
  expect(kuma.map((d) => d.title)).toEqual([...perJob('kuma-a'), ...perJob('kuma-b')]);
  expect(new Set(kuma.map((d) => d.uid)).size).toBe(10);
});
