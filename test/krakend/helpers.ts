// Helpers of the KrakenD tests.
import { findObject } from '../harness';

export { expectError } from '../util';

/** The parsed krakend.json of the one gateway ConfigMap of a synthesized chart. */
export function gatewayConfig(objects: any[]): any {
  const cm = findObject(objects.filter((o) => o.kind === 'ConfigMap' && o.data?.['krakend.json'] !== undefined), 'ConfigMap');
  return JSON.parse(cm.data['krakend.json']);
}

/**
 * A `/metrics` body like a KrakenD gateway serves it with the OpenTelemetry Prometheus
 * exporter: the global layer's `http_server_duration` and the backend layer's
 * `krakend_backend_duration` histograms, with their attributes as labels.
 */
export function krakendMetricsBody(): string {
  const histogram = (name: string, series: Array<{ labels: Record<string, string>; count: number; sum: number }>) => {
    const lines = [`# HELP ${name} Duration in seconds.`, `# TYPE ${name} histogram`];
    for (const s of series) {
      const l = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      for (const le of ['0.05', '0.1', '0.5', '1', '+Inf']) {
        const share = le === '+Inf' ? 1 : Math.min(1, Number(le) * 2);
        lines.push(`${name}_bucket{${l},le="${le}"} ${Math.round(s.count * share)}`);
      }
      lines.push(`${name}_sum{${l}} ${s.sum}`, `${name}_count{${l}} ${s.count}`);
    }
    return lines.join('\n');
  };
  return [
    histogram('http_server_duration', [
      { labels: { http_request_method: 'GET', http_response_status_code: '200', http_route: '/users/{id}' }, count: 120, sum: 6 },
      { labels: { http_request_method: 'GET', http_response_status_code: '500', http_route: '/users/{id}' }, count: 3, sum: 0.9 },
    ]),
    histogram('krakend_backend_duration', [
      { labels: { canceled: 'false', complete: 'true', error: 'false', http_route: '/u/{id}', krakend_endpoint: '/users/{id}', server_address: 'users:8000' }, count: 120, sum: 4 },
      { labels: { canceled: 'false', complete: 'false', error: 'true', http_route: '/u/{id}', krakend_endpoint: '/users/{id}', server_address: 'users:8000' }, count: 3, sum: 0.6 },
    ]),
    '# HELP target_info Target metadata',
    '# TYPE target_info gauge',
    'target_info{service_name="krakend_prometheus_service"} 1',
    '',
  ].join('\n');
}
