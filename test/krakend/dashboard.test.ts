// The KrakenD dashboard's queries in a real Prometheus, over what a KrakenD 2.12.1 gateway serves
// (helpers.ts krakendExposition, derived from krakend-otel v0.13.0 and the OpenTelemetry
// Prometheus exporter v0.47.0): the stack's own scrape job scrapes a stand-in gateway whose
// histograms grow by GATEWAY_TRAFFIC at each scrape, and every panel must show the figures
// computed from that traffic, for both of KrakenD's metric naming conventions.
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { GATEWAY_TRAFFIC, GatewayRequest, histogramQuantile, krakendExposition, TIME_BUCKETS } from './helpers';
import { PrometheusStack } from '../../src';
import { KrakendConfig, KrakendGateways, KrakendMetrics, KrakendSemanticConvention, KrakendTelemetry } from '../../src/integrations/krakend';
import { findObject, QuerySample, startMetricsServer, startPrometheus } from '../harness';
import { newChart, synthAndCheck } from '../util';

/** Sums `value` of the traffic by `key`, per scrape. */
function perScrape(
  key: (r: GatewayRequest) => string,
  filter: (r: GatewayRequest) => boolean = () => true,
  value: (r: GatewayRequest) => number = (r) => r.perScrape,
) {
  const out: Record<string, number> = {};
  for (const r of GATEWAY_TRAFFIC.filter(filter)) out[key(r)] = (out[key(r)] ?? 0) + value(r);
  return out;
}
/** The p-quantile of `seconds` per group, as histogram_quantile computes it from the buckets. */
function quantiles(q: number, key: (r: GatewayRequest) => string, seconds: (r: GatewayRequest) => number) {
  const groups: Record<string, Array<[number, number]>> = {};
  for (const r of GATEWAY_TRAFFIC) (groups[key(r)] ??= []).push([seconds(r), r.perScrape]);
  return Object.fromEntries(Object.entries(groups).map(([k, obs]) => [k, histogramQuantile(q, obs, TIME_BUCKETS)]));
}
const total = GATEWAY_TRAFFIC.reduce((a, r) => a + r.perScrape, 0);
const failed = (r: GatewayRequest) => r.backend.status === 0 || r.backend.status >= 400;
const endpointOf = (r: GatewayRequest) => `${r.method} ${r.route}`;
const backendOf = (r: GatewayRequest) => `${r.route} → ${r.backend.method} ${r.backend.route}`;

/** Series as `legend -> value`, the legend's `{{label}}` filled in as Grafana does. */
function byLegend(series: QuerySample[], legend: string | undefined): Record<string, number> {
  return Object.fromEntries(series.map((s) => [
    (legend ?? '').replace(/\{\{(\w+)\}\}/g, (_, l) => s.metric[l] ?? ''),
    Number(s.value![1]),
  ]));
}

/** Each value within 5% of the expected one (rates are extrapolated over a 5 s window). */
function expectNear(actual: Record<string, number>, expected: Record<string, number>, what: string) {
  expect({ what, keys: Object.keys(actual).sort() }).toEqual({ what, keys: Object.keys(expected).sort() });
  for (const [k, v] of Object.entries(expected)) {
    const a = actual[k];
    expect({ what, k, ok: Math.abs(a - v) <= Math.abs(v) * 0.05 + 1e-9, a, v }).toEqual({ what, k, ok: true, a, v });
  }
}

describe.each([
  ['the original names (KrakenD\'s default)', '' as const],
  ['semantic convention 1.27, set in the user\'s krakend.json', '1.27' as const],
])('every panel over the metrics of a gateway with %s', (_name, convention) => {
  test('shows the figures of the traffic, in a real Prometheus', async () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const gateway = new KrakendMetrics(chart, 'gateways', {
      stack,
      gateways: KrakendGateways.external({ targets: ['krakend1'] }),
      scrapeInterval: Duration.seconds(1),
      config: KrakendConfig.fromObject({
        version: 3,
        extra_config: convention === '' ? {} : { 'telemetry/opentelemetry': { layers: { global: { semantic_convention: convention } } } },
      }),
    });
    const config = YAML.parse(findObject(synthAndCheck(chart).objects, 'ConfigMap').data['prometheus.yml']);

    let scrapes = 0;
    const server = await startMetricsServer(() => krakendExposition(++scrapes, convention));
    try {
      // The stack's job, scraping the stand-in gateway instead of krakend1:9091.
      const job = config.scrape_configs.find((j: any) => j.job_name === 'krakend');
      expect(job.static_configs).toEqual([{ targets: ['krakend1:9091'] }]);
      job.static_configs[0].targets = [server.address];
      const prometheus = await startPrometheus(YAML.stringify(config));
      try {
        await prometheus.waitFor(async () => scrapes >= 8, 40_000, 'eight scrapes');
        // As Grafana sends them: the variables at "All" unless given, rates over 5 scrapes.
        const run = async (expr: string, vars: Record<string, string> = {}) => (await prometheus.query(expr
          .replace(/\$__rate_interval/g, '5s')
          .replace(/\$(\w+)/g, (_, v) => vars[v] ?? '.+'))).result;
        const panel = async (title: string, i = 0, vars: Record<string, string> = {}) => {
          const q = gateway.dashboard.queries.filter((x) => x.panelTitle === title)[i];
          expect({ title, i, found: q !== undefined }).toEqual({ title, i, found: true });
          return byLegend(await run(q.expr, vars), q.legend);
        };

        for (const q of gateway.dashboard.queries) {
          expect({ panel: q.panelTitle, empty: (await run(q.expr)).length === 0 }).toEqual({ panel: q.panelTitle, empty: false });
        }

        expect(await panel('Gateways up')).toEqual({ '': 1 });
        expectNear(await panel('Requests'), { '': total }, 'Requests');
        expectNear(await panel('5xx ratio'), { '': GATEWAY_TRAFFIC.filter((r) => r.status >= 500).reduce((a, r) => a + r.perScrape, 0) / total }, '5xx ratio');
        expectNear(await panel('Latency (p95)'), { '': quantiles(0.95, () => '', (r) => r.seconds)[''] }, 'Latency (p95)');

        expectNear(await panel('Requests by endpoint'), perScrape(endpointOf), 'Requests by endpoint');
        expectNear(await panel('Status codes'), perScrape((r) => String(r.status)), 'Status codes');
        const routes = perScrape((r) => r.route);
        const fiveXx = perScrape((r) => r.route, (r) => r.status >= 500);
        expectNear(await panel('5xx ratio by endpoint'), Object.fromEntries(Object.entries(routes).map(([k, n]) => [k, (fiveXx[k] ?? 0) / n])), '5xx ratio by endpoint');
        for (const [i, q] of [0.5, 0.95, 0.99].entries()) {
          expectNear(await panel('Latency', i), { [`p${Math.round(q * 100)}`]: quantiles(q, () => '', (r) => r.seconds)[''] }, `Latency p${q}`);
        }
        expectNear(await panel('Latency by endpoint (p95)'), quantiles(0.95, endpointOf, (r) => r.seconds), 'Latency by endpoint (p95)');
        const bytes = perScrape((r) => r.route, undefined, (r) => r.perScrape * r.bytes);
        expectNear(await panel('Response size by endpoint'), Object.fromEntries(Object.entries(routes).map(([k, n]) => [k, bytes[k] / n])), 'Response size');

        expectNear(await panel('Proxy latency by endpoint (p95)'), quantiles(0.95, endpointOf, (r) => r.proxySeconds), 'Proxy latency');
        expectNear(await panel('Proxy errors by endpoint'), perScrape(endpointOf, failed), 'Proxy errors');
        expectNear(await panel('Incomplete responses by endpoint'), perScrape(endpointOf, failed), 'Incomplete responses');

        expectNear(await panel('Backend latency (p95)'), quantiles(0.95, backendOf, (r) => r.backend.seconds), 'Backend latency');
        expectNear(await panel('Backend errors'), perScrape(backendOf, failed), 'Backend errors');

        expectNear(await panel('Backend requests by host and status'), perScrape((r) => `${r.backend.host} ${r.backend.status}`), 'Backend requests');
        expectNear(await panel('Backend host latency (p95)'), quantiles(0.95, (r) => r.backend.host, (r) => r.backend.clientSeconds), 'Backend host latency');
        expectNear(await panel('Backend requests without response'), perScrape((r) => r.backend.host, (r) => r.backend.status === 0), 'Without response');

        // The endpoint variable filters every layer: `http_route` on the server and proxy
        // metrics, `krakend_endpoint_route` on the backend ones.
        const orders = { endpoint: '/orders' };
        expectNear(await panel('Requests', 0, orders), { '': perScrape((r) => r.route)['/orders'] }, 'Requests of /orders');
        expectNear(await panel('Proxy errors by endpoint', 0, orders), { 'POST /orders': 1 }, 'Proxy errors of /orders');
        expectNear(await panel('Backend requests by host and status', 0, orders), { 'orders 201': 3, 'orders 0': 1 }, 'Backend requests of /orders');
        // The variables' own queries (label_values) find the gateway and both endpoints.
        expect((await run('count by (instance) (up{job="krakend"})')).map((s) => s.metric.instance)).toEqual([server.address]);
        const endpointVariable = `${convention === '' ? 'http_server_duration' : 'http_server_request_duration_seconds'}_count`;
        expect((await run(`count by (http_route) (${endpointVariable}{job="krakend"})`)).map((s) => s.metric.http_route).sort()).toEqual(['/orders', '/users/:id']);

        // The other convention's dashboard would show nothing on this gateway.
        const other = new KrakendMetrics(newChart(), 'other', {
          gateways: KrakendGateways.external({ targets: ['krakend1'] }),
          telemetry: new KrakendTelemetry({ globalLayer: { semanticConvention: convention === '' ? KrakendSemanticConvention.V1_27 : KrakendSemanticConvention.ORIGINAL } }),
        });
        expect(await run(other.dashboard.queries.find((q) => q.panelTitle === 'Requests')!.expr)).toEqual([]);
      } finally {
        await prometheus.stop();
      }
    } finally {
      await server.stop();
    }
  }, 90_000);
});
