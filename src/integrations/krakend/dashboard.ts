// The dashboard of the KrakenD gateways of one scrape job. Not exported from the package.
import { Duration } from 'cdk8s';
import { uidFor } from '../../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit, PanelQuery } from '../../model/dashboard';

/**
 * The HTTP metrics of KrakenD's OpenTelemetry integration (krakend-otel v0.13.0, in KrakenD
 * 2.12.1) as its Prometheus exporter names them, for each `layers.global.semantic_convention`:
 * the original names carry no unit (`http/server/metrics.go`, `http/client/transport_metrics.go`),
 * those of 1.27 have the unit `s` or `By`, which the exporter turns into a suffix.
 */
const HTTP_METRICS: { [convention: string]: { server: string; serverSize: string; client: string } } = {
  '': { server: 'http_server_duration', serverSize: 'http_server_response_size', client: 'http_client_duration' },
  '1.27': {
    server: 'http_server_request_duration_seconds',
    serverSize: 'http_server_response_body_size_bytes',
    client: 'http_client_request_duration_seconds',
  },
};

/**
 * What operators look at first for the gateways scraped by job `jobName`, per gateway
 * (`$instance`) and endpoint (`$endpoint`): the requests clients make (global layer), the proxy
 * stage of each endpoint (merging, fan-out), the backend stage of each backend, and the HTTP
 * requests to each backend host (round trip).
 *
 * The labels are those KrakenD sets: `http_route` is the endpoint on the server and proxy
 * metrics, and the backend's URL pattern on the backend ones, where `krakend_endpoint_route`
 * is the endpoint; only the round-trip metrics (`http_client_*`) carry the backend host
 * (`server_address`), and they record a request that got no response with status code 0.
 *
 * @param semanticConvention the gateway's `layers.global.semantic_convention` ('' or '1.27')
 */
export function krakendDashboard(jobName: string, scrapeInterval: Duration, semanticConvention: string): Dashboard {
  const names = HTTP_METRICS[semanticConvention];
  const job = `job="${jobName.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const gateways = `${job},instance=~"$instance"`;
  // The endpoint is `http_route` on the server and proxy metrics, `krakend_endpoint_route` on the backend ones.
  const endpoint = `${gateways},http_route=~"$endpoint"`;
  const backend = `${gateways},krakend_endpoint_route=~"$endpoint"`;
  const rate = (metric: string, selector: string) => `rate(${metric}{${selector}}[$__rate_interval])`;
  const sum = (by: string[], expr: string) => `sum${by.length > 0 ? ` by (${by.join(', ')})` : ''} (${expr})`;
  const quantile = (q: number, histogram: string, selector: string, by: string[]) =>
    `histogram_quantile(${q}, ${sum(['le', ...by], rate(`${histogram}_bucket`, selector))})`;
  const server = (suffix: string) => `${names.server}_${suffix}`;
  const fiveXx = `${endpoint},http_response_status_code=~"5.."`;
  const route = '{{http_request_method}} {{http_route}}';
  const backendRoute = '{{krakend_endpoint_route}} → {{http_request_method}} {{http_route}}';
  const backendBy = ['krakend_endpoint_route', 'http_request_method', 'http_route'];

  const series = (p: { title: string; description: string; unit: GrafanaUnit; queries: PanelQuery[]; stacked?: boolean }) =>
    DashboardPanel.timeSeries(p);
  const stat = (p: { title: string; description: string; unit: GrafanaUnit; expr: string; thresholds?: Array<{ value: number; color: string }> }) =>
    DashboardPanel.stat({ title: p.title, description: p.description, unit: p.unit, thresholds: p.thresholds, queries: [{ expr: p.expr }] });

  return new Dashboard({
    uid: uidFor('krakend', jobName, { readable: true }),
    title: `KrakenD (${jobName})`,
    description: `KrakenD gateways scraped by job ${jobName}.`,
    tags: ['krakend'],
    minInterval: scrapeInterval,
    variables: [
      DashboardVariable.labelValues({ name: 'instance', label: 'instance', selector: `up{${job}}`, title: 'gateway' }),
      DashboardVariable.labelValues({ name: 'endpoint', label: 'http_route', selector: `${server('count')}{${gateways}}` }),
    ],
    rows: [
      new DashboardRow({
        title: 'Overview',
        panels: [
          stat({
            title: 'Gateways up',
            description: 'Gateways whose /metrics answered the last scrape.',
            unit: GrafanaUnit.SHORT,
            expr: `sum(up{${gateways}})`,
          }),
          stat({
            title: 'Requests',
            description: 'Requests per second the gateways answer.',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            expr: sum([], rate(server('count'), endpoint)),
          }),
          stat({
            title: '5xx ratio',
            description: 'The share of responses to clients with a 5xx status code.',
            unit: GrafanaUnit.PERCENT_UNIT,
            expr: `(${sum([], rate(server('count'), fiveXx))} or vector(0)) / ${sum([], rate(server('count'), endpoint))}`,
            thresholds: [{ value: 0.01, color: 'orange' }, { value: 0.05, color: 'red' }],
          }),
          stat({
            title: 'Latency (p95)',
            description: '95th percentile of the response time to clients.',
            unit: GrafanaUnit.SECONDS,
            expr: quantile(0.95, names.server, endpoint, []),
          }),
        ],
      }),
      new DashboardRow({
        title: 'Clients (global layer)',
        panels: [
          series({
            title: 'Requests by endpoint',
            description: 'Requests per second, by endpoint and method.',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: sum(['http_request_method', 'http_route'], rate(server('count'), endpoint)), legend: route }],
          }),
          series({
            title: 'Status codes',
            description: 'Responses per second to clients, by HTTP status code.',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            stacked: true,
            queries: [{ expr: sum(['http_response_status_code'], rate(server('count'), endpoint)), legend: '{{http_response_status_code}}' }],
          }),
          series({
            title: '5xx ratio by endpoint',
            description: 'The share of responses with a 5xx status code, by endpoint (0 for an endpoint without 5xx).',
            unit: GrafanaUnit.PERCENT_UNIT,
            queries: [{
              expr: `(${sum(['http_route'], rate(server('count'), fiveXx))} or ${sum(['http_route'], rate(server('count'), endpoint))} * 0)`
                + ` / ${sum(['http_route'], rate(server('count'), endpoint))}`,
              legend: '{{http_route}}',
            }],
          }),
          series({
            title: 'Latency',
            description: 'Response time to clients: median, 95th and 99th percentiles.',
            unit: GrafanaUnit.SECONDS,
            queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, names.server, endpoint, []), legend: `p${Math.round(q * 100)}` })),
          }),
          series({
            title: 'Latency by endpoint (p95)',
            description: '95th percentile of the response time, by endpoint and method.',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: quantile(0.95, names.server, endpoint, ['http_request_method', 'http_route']), legend: route }],
          }),
          series({
            title: 'Response size by endpoint',
            description: 'Average size of the responses to clients, by endpoint.',
            unit: GrafanaUnit.BYTES,
            queries: [{
              expr: `${sum(['http_route'], rate(`${names.serverSize}_sum`, endpoint))} / ${sum(['http_route'], rate(`${names.serverSize}_count`, endpoint))}`,
              legend: '{{http_route}}',
            }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Proxy stage',
        panels: [
          series({
            title: 'Proxy latency by endpoint (p95)',
            description: '95th percentile of the proxy stage of each endpoint: calling its backends, merging and transforming their responses.',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: quantile(0.95, 'krakend_proxy_duration', endpoint, ['http_request_method', 'http_route']), legend: route }],
          }),
          series({
            title: 'Proxy errors by endpoint',
            description: 'Proxy stages per second that ended in an error (a backend failed), by endpoint.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [{ expr: sum(['http_request_method', 'http_route'], rate('krakend_proxy_duration_count', `${endpoint},error="true"`)), legend: route }],
          }),
          series({
            title: 'Incomplete responses by endpoint',
            description: 'Responses per second that lack the data of at least one backend (complete="false"), by endpoint.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [{ expr: sum(['http_request_method', 'http_route'], rate('krakend_proxy_duration_count', `${endpoint},complete="false"`)), legend: route }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Backends',
        panels: [
          series({
            title: 'Backend latency (p95)',
            description: '95th percentile of the backend stage, by endpoint and backend URL pattern (the request and its manipulation).',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: quantile(0.95, 'krakend_backend_duration', backend, backendBy), legend: backendRoute }],
          }),
          series({
            title: 'Backend errors',
            description: 'Backend stages per second that ended in an error, by endpoint and backend URL pattern.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [{ expr: sum(backendBy, rate('krakend_backend_duration_count', `${backend},error="true"`)), legend: backendRoute }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Backend hosts (round trip)',
        panels: [
          series({
            title: 'Backend requests by host and status',
            description: 'HTTP requests per second to each backend host, by status code (0: no response).',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{
              expr: sum(['server_address', 'http_response_status_code'], rate(`${names.client}_count`, backend)),
              legend: '{{server_address}} {{http_response_status_code}}',
            }],
          }),
          series({
            title: 'Backend host latency (p95)',
            description: '95th percentile of the HTTP round trip to each backend host, until the response headers.',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: quantile(0.95, names.client, backend, ['server_address']), legend: '{{server_address}}' }],
          }),
          series({
            title: 'Backend requests without response',
            description: 'Requests per second that got no HTTP response (connection refused, DNS failure, timeout, cancellation), by backend host.',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: sum(['server_address'], rate(`${names.client}_count`, `${backend},http_response_status_code="0"`)), legend: '{{server_address}}' }],
          }),
        ],
      }),
    ],
  });
}
