// The panels of the KrakenD dashboard for one scrape job. Not exported from the package.
import { createHash } from 'crypto';
import { KrakendDashboard, KrakendDashboardPanel } from './dashboard';

/** The dashboard of the gateways scraped by job `jobName`. */
export function krakendDashboard(jobName: string): KrakendDashboard {
  const job = `job="${jobName.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const rate = (metric: string, matchers = '') => `rate(${metric}{${job}${matchers}}[$__rate_interval])`;
  const quantile = (q: number, metric: string, by: string[]) =>
    `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${rate(metric)}))`;

  const panels: KrakendDashboardPanel[] = [
    {
      title: 'Requests',
      description: 'Requests per second the gateways answer, by endpoint (global layer).',
      unit: 'reqps',
      queries: [{ expr: `sum by (http_route) (${rate('http_server_duration_count')})`, legend: '{{http_route}}' }],
    },
    {
      title: 'Status codes',
      description: 'Responses per second to clients, by HTTP status code.',
      unit: 'reqps',
      queries: [{ expr: `sum by (http_response_status_code) (${rate('http_server_duration_count')})`, legend: '{{http_response_status_code}}' }],
    },
    {
      title: 'Error ratio',
      description: 'The share of responses with a 5xx status code.',
      unit: 'percentunit',
      queries: [{
        expr: `(sum(${rate('http_server_duration_count', ',http_response_status_code=~"5.."')}) or vector(0)) / sum(${rate('http_server_duration_count')})`,
        legend: '5xx ratio',
      }],
    },
    {
      title: 'Latency',
      description: 'Response time to clients: median, 95th and 99th percentiles.',
      unit: 's',
      queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, 'http_server_duration_bucket', []), legend: `p${Math.round(q * 100)}` })),
    },
    {
      title: 'Latency by endpoint',
      description: '95th percentile of the response time, by endpoint.',
      unit: 's',
      queries: [{ expr: quantile(0.95, 'http_server_duration_bucket', ['http_route']), legend: '{{http_route}}' }],
    },
    {
      title: 'Backend latency',
      description: '95th percentile of the time each backend takes (backend layer), by backend host.',
      unit: 's',
      queries: [{ expr: quantile(0.95, 'krakend_backend_duration_bucket', ['server_address']), legend: '{{server_address}}' }],
    },
    {
      title: 'Backend errors',
      description: 'Failed backend requests per second, by backend host.',
      unit: 'reqps',
      queries: [{ expr: `sum by (server_address) (${rate('krakend_backend_duration_count', ',error="true"')})`, legend: '{{server_address}}' }],
    },
  ];
  const slug = jobName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  let uid = `krakend-${slug}`;
  if (uid.length > 40) uid = `${uid.slice(0, 31).replace(/-+$/, '')}-${createHash('sha256').update(jobName).digest('hex').slice(0, 8)}`;
  return { uid, title: `KrakenD (${jobName})`, panels };
}
