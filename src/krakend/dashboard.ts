// The dashboard of the KrakenD gateways of one scrape job. Not exported from the package.
import { createHash } from 'crypto';
import { Duration } from 'cdk8s';
import { Dashboard, DashboardPanel, DashboardRow, GrafanaUnit, PanelQuery } from '../grafana/dashboard';

/**
 * Requests, status codes, latency and backend latency of the gateways scraped by job
 * `jobName`. The metric names are those of KrakenD's OpenTelemetry integration with the
 * default semantic convention (`http_server_duration_*`, `krakend_backend_duration_*`).
 */
export function krakendDashboard(jobName: string, scrapeInterval: Duration): Dashboard {
  const job = `job="${jobName.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const rate = (metric: string, matchers = '') => `rate(${metric}{${job}${matchers}}[$__rate_interval])`;
  const quantile = (q: number, metric: string, by: string[]) =>
    `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${rate(metric)}))`;

  const panel = (p: { title: string; description: string; unit: GrafanaUnit; queries: PanelQuery[] }) => DashboardPanel.timeSeries(p);
  const panels = [
    panel({
      title: 'Requests',
      description: 'Requests per second the gateways answer, by endpoint (global layer).',
      unit: GrafanaUnit.REQUESTS_PER_SECOND,
      queries: [{ expr: `sum by (http_route) (${rate('http_server_duration_count')})`, legend: '{{http_route}}' }],
    }),
    panel({
      title: 'Status codes',
      description: 'Responses per second to clients, by HTTP status code.',
      unit: GrafanaUnit.REQUESTS_PER_SECOND,
      queries: [{ expr: `sum by (http_response_status_code) (${rate('http_server_duration_count')})`, legend: '{{http_response_status_code}}' }],
    }),
    panel({
      title: 'Error ratio',
      description: 'The share of responses with a 5xx status code.',
      unit: GrafanaUnit.PERCENT_UNIT,
      queries: [{
        expr: `(sum(${rate('http_server_duration_count', ',http_response_status_code=~"5.."')}) or vector(0)) / sum(${rate('http_server_duration_count')})`,
        legend: '5xx ratio',
      }],
    }),
    panel({
      title: 'Latency',
      description: 'Response time to clients: median, 95th and 99th percentiles.',
      unit: GrafanaUnit.SECONDS,
      queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, 'http_server_duration_bucket', []), legend: `p${Math.round(q * 100)}` })),
    }),
    panel({
      title: 'Latency by endpoint',
      description: '95th percentile of the response time, by endpoint.',
      unit: GrafanaUnit.SECONDS,
      queries: [{ expr: quantile(0.95, 'http_server_duration_bucket', ['http_route']), legend: '{{http_route}}' }],
    }),
    panel({
      title: 'Backend latency',
      description: '95th percentile of the time each backend takes (backend layer), by backend host.',
      unit: GrafanaUnit.SECONDS,
      queries: [{ expr: quantile(0.95, 'krakend_backend_duration_bucket', ['server_address']), legend: '{{server_address}}' }],
    }),
    panel({
      title: 'Backend errors',
      description: 'Failed backend requests per second, by backend host.',
      unit: GrafanaUnit.REQUESTS_PER_SECOND,
      queries: [{ expr: `sum by (server_address) (${rate('krakend_backend_duration_count', ',error="true"')})`, legend: '{{server_address}}' }],
    }),
  ];
  const slug = jobName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  let uid = `krakend-${slug}`;
  if (uid.length > 40) uid = `${uid.slice(0, 31).replace(/-+$/, '')}-${createHash('sha256').update(jobName).digest('hex').slice(0, 8)}`;
  return new Dashboard({
    uid,
    title: `KrakenD (${jobName})`,
    description: `KrakenD gateways scraped by job ${jobName}.`,
    tags: ['krakend'],
    minInterval: scrapeInterval,
    rows: [
      new DashboardRow({ title: 'Clients', panels: panels.slice(0, 5) }),
      new DashboardRow({ title: 'Backends', panels: panels.slice(5) }),
    ],
  });
}
