// The Kuma dashboard's queries over Envoy metrics in the format a Kuma data plane proxy serves:
// a real Prometheus scrapes a stand-in proxy whose counters grow, and every panel must show the
// right traffic: inbound from the `localhost_<port>` clusters only, outbound from the other
// clusters without the proxy's own (control plane, admin API, access log sink).
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { GrafanaAdminCredentials, KumaMetricsMesh, PrometheusStack } from '../../src';
import { startMetricsServer, startPrometheus } from '../harness';
import { newChart } from '../util';

/** One scrape of a proxy that, per scrape, receives 10 requests (1 a 5xx) and sends 4 to a backend. */
function envoyMetrics(scrape: number): string {
  const clusters = { 'localhost_8080': 10, 'backend_kuma-demo_svc_80': 4, 'ads_cluster': 1000, 'kuma_envoy_admin': 500, 'access_log_sink': 300 };
  const lines: string[] = ['envoy_control_plane_connected_state 1'];
  for (const [cluster, perScrape] of Object.entries(clusters)) {
    const c = `envoy_cluster_name="${cluster}"`;
    const total = perScrape * scrape;
    lines.push(
      `envoy_cluster_upstream_rq_total{${c}} ${total}`,
      `envoy_cluster_upstream_rq_xx{${c},envoy_response_code_class="2"} ${total - scrape}`,
      `envoy_cluster_upstream_rq_xx{${c},envoy_response_code_class="5"} ${scrape}`,
      `envoy_cluster_upstream_cx_active{${c}} ${cluster === 'backend_kuma-demo_svc_80' ? 3 : 7}`,
      `envoy_cluster_upstream_cx_connect_fail{${c}} ${scrape}`,
      `envoy_cluster_upstream_rq_timeout{${c}} ${scrape}`,
      `envoy_cluster_upstream_rq_retry{${c}} ${scrape}`,
      `envoy_cluster_upstream_cx_rx_bytes_total{${c}} ${1000 * scrape}`,
      `envoy_cluster_upstream_cx_tx_bytes_total{${c}} ${500 * scrape}`,
      ...[['5', 0.5], ['25', 0.8], ['100', 1], ['+Inf', 1]].map(([le, share]) =>
        `envoy_cluster_upstream_rq_time_bucket{${c},le="${le}"} ${Math.round(total * Number(share))}`),
      `envoy_cluster_upstream_rq_time_count{${c}} ${total}`,
      `envoy_cluster_upstream_rq_time_sum{${c}} ${20 * total}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

test('every panel of the Kuma dashboard shows the proxy\'s own traffic, in a real Prometheus', async () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
  new KumaMetricsMesh(chart, 'kuma', { stack });
  const grafana = stack.addGrafana({ adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const dashboard = grafana.dashboards.find((d) => d.title === 'Kuma data plane proxies (kuma-dataplanes)')!;
  expect(dashboard).toBeDefined();

  let scrapes = 0;
  const proxy = await startMetricsServer(() => envoyMetrics(++scrapes));
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
      // As Grafana sends them: variables at "All", rates over 5 seconds (5 scrapes).
      const run = async (expr: string) => (await prometheus.query(expr.replace(/\$__rate_interval/g, '5s').replace(/\$\w+/g, '.+'))).result;
      const value = async (panel: string, i = 0) => {
        const q = dashboard.queries.filter((x) => x.panelTitle === panel)[i];
        const series = await run(q.expr);
        expect({ panel, series: series.length }).toEqual({ panel, series: 1 });
        return Number(series[0].value![1]);
      };
      for (const q of dashboard.queries) {
        expect({ panel: q.panelTitle, empty: (await run(q.expr)).length === 0 }).toEqual({ panel: q.panelTitle, empty: false });
      }
      // Rates are per second with one scrape a second: 10 inbound requests, 4 outbound.
      expect(await value('Requests')).toBeCloseTo(10, -1);
      expect(await value('Error ratio')).toBeCloseTo(0.1, 2);
      expect(await value('Upstream requests')).toBeCloseTo(4, 0);
      expect(await value('Upstream failures')).toBeCloseTo(1, 0);
      expect(await value('Active connections')).toBe(3);
      expect(await value('Bytes')).toBeCloseTo(1000, -2);
      expect(await value('Proxies scraped')).toBe(1);
      expect(await value('Disconnected from the control plane')).toBe(0);
      const p99 = await value('Latency (99th percentile)');
      expect(p99).toBeGreaterThan(25);
      expect(p99).toBeLessThanOrEqual(100);
    } finally {
      await prometheus.stop();
    }
  } finally {
    await proxy.stop();
  }
}, 60_000);

test('two meshes\' jobs give two Kuma dashboards with distinct uids and titles', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { scrapeInterval: Duration.seconds(15) });
  new KumaMetricsMesh(chart, 'a', { stack, meshName: 'a', jobName: 'kuma-a' });
  new KumaMetricsMesh(chart, 'b', { stack, meshName: 'b', jobName: 'kuma-b' });
  const grafana = stack.addGrafana({ adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const kuma = grafana.dashboards.filter((d) => d.title.startsWith('Kuma'));
  expect(kuma.map((d) => d.title)).toEqual(['Kuma data plane proxies (kuma-a)', 'Kuma data plane proxies (kuma-b)']);
  expect(new Set(kuma.map((d) => d.uid)).size).toBe(2);
});
