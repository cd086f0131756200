// Helpers of the KrakenD tests.
import { findObject } from '../harness';

export { expectError } from '../util';

/** The parsed krakend.json of the one gateway ConfigMap of a synthesized chart. */
export function gatewayConfig(objects: any[]): any {
  const cm = findObject(objects.filter((o) => o.kind === 'ConfigMap' && o.data?.['krakend.json'] !== undefined), 'ConfigMap');
  return JSON.parse(cm.data['krakend.json']);
}

// ---------------------------------------------------------------------------------------------
// What a KrakenD 2.12.1 gateway serves on its Prometheus exporter.
//
// KrakenD CE v2.12.1 pins krakend/krakend-otel v0.13.0 and go.opentelemetry.io/otel/exporters/prometheus
// v0.47.0 (krakend/krakend-ce v2.12.1 go.mod). From those sources:
// - names: the instrument name with '.' and '-' as '_', then the unit suffix ('s' -> _seconds,
//   'By' -> _bytes; no unit, no suffix), then _total for counters
//   (open-telemetry/opentelemetry-go exporters/prometheus/v0.47.0 exporters/prometheus/exporter.go
//   getName, sanitizeName, unitSuffixes);
// - labels: the attributes with '.' as '_', plus otel_scope_name/otel_scope_version of the meter,
//   "io.krakend.krakend-otel" without a version (krakend-otel v0.13.0 state/state.go); plus
//   target_info from the resource (service.name, service.version) and otel_scope_info (exporter.go);
// - server (global layer), krakend-otel v0.13.0 http/server/metrics.go: http.server.duration and
//   http.server.response.size (no unit), or with semantic_convention "1.27"
//   http.server.request.duration (s) and http.server.response.body.size (By); attributes
//   http.request.method, url.scheme, http.route, http.response.status_code;
// - proxy and backend stages, lura/proxy.go and lura/proxy_meter.go: krakend.proxy.duration
//   {http.request.method, http.route} and krakend.backend.duration {http.request.method,
//   http.route (the backend's URL pattern), krakend.endpoint.route, krakend.endpoint.method},
//   both with error, canceled and complete; no unit whatever the convention;
// - round trip, lura/backend.go and http/client/transport_metrics.go: http.client.duration (or
//   http.client.request.duration, s, with "1.27") and the started/failed counters (original
//   convention only, unless detailed_connection), with the backend's attributes plus clientname
//   (the URL pattern), server.address (the URL's host name), server.port (80 when the URL has a
//   port: requestServerAndPort only overwrites it when parsing fails) and
//   http.response.status_code (0 when no response came);
// - routes as luraproject/lura v2.12.1 config/config.go and config/uri.go rewrite them
//   (`/users/{id}` -> `/users/:id`), normalized by krakend-otel config/path_pattern.go;
// - buckets: krakend-otel v0.13.0 config/histogram_buckets.go.
// ---------------------------------------------------------------------------------------------

/** krakend-otel v0.13.0 config/histogram_buckets.go TimeBucketsOpt. */
export const TIME_BUCKETS = [0.01, 0.02, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.35, 0.5, 0.75, 1, 1.5, 2, 3.5, 5, 10];
/** krakend-otel v0.13.0 config/histogram_buckets.go SizeBucketsOpt. */
export const SIZE_BUCKETS = [128, 256, 512, 1024, 4096, 8192, 16384, 32768, 65536, 262144, 524288, 1048576, 4194304, 16777216, 67108864];

/** What happens to one kind of request, and how many of them arrive per scrape. */
export interface GatewayRequest {
  readonly perScrape: number;
  readonly method: string;
  /** The endpoint as lura rewrites it, such as `/users/:id`. */
  readonly route: string;
  readonly status: number;
  readonly seconds: number;
  readonly bytes: number;
  readonly backend: {
    readonly method: string;
    /** The URL pattern as lura rewrites it, such as `/u/:id`. */
    readonly route: string;
    /** The backend's host name, as `server.address` reports it. */
    readonly host: string;
    /** 0 when no response came (connection refused). */
    readonly status: number;
    readonly seconds: number;
    readonly clientSeconds: number;
  };
  /** The proxy stage's time. */
  readonly proxySeconds: number;
}

/**
 * The traffic of the stand-in gateway, per scrape: an endpoint with one backend
 * (`GET /users/{id}` -> `http://users:8000/u/{id}`), 9 answered and 1 failing with a backend 500;
 * and `POST /orders` -> `http://orders:8080/orders`, 3 answered and 1 whose backend refused the
 * connection. KrakenD answers 500 when the only backend of an endpoint fails.
 */
export const GATEWAY_TRAFFIC: GatewayRequest[] = [
  {
    perScrape: 9,
    method: 'GET',
    route: '/users/:id',
    status: 200,
    seconds: 0.04,
    bytes: 300,
    proxySeconds: 0.035,
    backend: { method: 'GET', route: '/u/:id', host: 'users', status: 200, seconds: 0.03, clientSeconds: 0.025 },
  },
  {
    perScrape: 1,
    method: 'GET',
    route: '/users/:id',
    status: 500,
    seconds: 0.04,
    bytes: 0,
    proxySeconds: 0.035,
    backend: { method: 'GET', route: '/u/:id', host: 'users', status: 500, seconds: 0.03, clientSeconds: 0.025 },
  },
  {
    perScrape: 3,
    method: 'POST',
    route: '/orders',
    status: 200,
    seconds: 0.28,
    bytes: 1000,
    proxySeconds: 0.27,
    backend: { method: 'POST', route: '/orders', host: 'orders', status: 201, seconds: 0.26, clientSeconds: 0.22 },
  },
  {
    perScrape: 1,
    method: 'POST',
    route: '/orders',
    status: 500,
    seconds: 0.28,
    bytes: 0,
    proxySeconds: 0.27,
    backend: { method: 'POST', route: '/orders', host: 'orders', status: 0, seconds: 0.26, clientSeconds: 0.005 },
  },
];

type Labels = Record<string, string>;

/**
 * A float as client_golang writes it (prometheus/common expfmt text_create.go writeFloat:
 * strconv 'g', shortest), so that `le="1.048576e+06"` is what Prometheus reads, as from KrakenD.
 */
function goFloat(v: number): string {
  if (v === 0) return '0';
  const [mantissa, exp] = v.toExponential().split('e').map((x, i) => (i === 0 ? x : Number(x))) as [string, number];
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}
/** The meter's scope, on every series (exporter.go getAttrs). */
const SCOPE: Labels = { otel_scope_name: 'io.krakend.krakend-otel', otel_scope_version: '' };

/** Series of one metric family: a histogram (observations) or a counter. */
class Family {
  private readonly series = new Map<string, { labels: Labels; observations: number[]; total: number }>();
  constructor(readonly name: string, readonly type: 'histogram' | 'counter', readonly bounds: number[] = []) {}
  add(labels: Labels, value: number, times: number): void {
    const all = { ...labels, ...SCOPE };
    const key = JSON.stringify(Object.entries(all).sort());
    const s = this.series.get(key) ?? { labels: all, observations: [], total: 0 };
    for (let i = 0; i < times; i++) s.observations.push(value);
    s.total += times;
    this.series.set(key, s);
  }
  render(): string[] {
    const lines = [`# TYPE ${this.name} ${this.type}`];
    const fmt = (l: Labels) => Object.entries(l).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',');
    for (const { labels, observations, total } of this.series.values()) {
      if (this.type === 'counter') {
        lines.push(`${this.name}{${fmt(labels)}} ${total}`);
        continue;
      }
      // client_golang writes the labels sorted by name, then `le` (expfmt writeNameAndLabelPairs).
      for (const le of this.bounds) lines.push(`${this.name}_bucket{${fmt(labels)},le="${goFloat(le)}"} ${observations.filter((o) => o <= le).length}`);
      lines.push(`${this.name}_bucket{${fmt(labels)},le="+Inf"} ${observations.length}`);
      lines.push(`${this.name}_sum{${fmt(labels)}} ${goFloat(+observations.reduce((a, b) => a + b, 0).toFixed(6))}`, `${this.name}_count{${fmt(labels)}} ${observations.length}`);
    }
    return lines;
  }
}

/**
 * The `/metrics` body of a KrakenD 2.12.1 gateway with the default layers after `scrapes`
 * scrapes of `GATEWAY_TRAFFIC` (the SDK's histograms and counters are cumulative).
 *
 * @param semanticConvention `layers.global.semantic_convention`: '' or '1.27'
 */
export function krakendExposition(scrapes: number, semanticConvention: '' | '1.27' = ''): string {
  const v127 = semanticConvention === '1.27';
  const server = new Family(v127 ? 'http_server_request_duration_seconds' : 'http_server_duration', 'histogram', TIME_BUCKETS);
  const size = new Family(v127 ? 'http_server_response_body_size_bytes' : 'http_server_response_size', 'histogram', SIZE_BUCKETS);
  const proxy = new Family('krakend_proxy_duration', 'histogram', TIME_BUCKETS);
  const backend = new Family('krakend_backend_duration', 'histogram', TIME_BUCKETS);
  const client = new Family(v127 ? 'http_client_request_duration_seconds' : 'http_client_duration', 'histogram', TIME_BUCKETS);
  const started = new Family('http_client_request_started_count_total', 'counter');
  const failed = new Family('http_client_request_failed_count_total', 'counter');
  for (const r of GATEWAY_TRAFFIC) {
    const n = r.perScrape * scrapes;
    const failedBackend = r.backend.status === 0 || r.backend.status >= 400;
    const serverLabels = { http_request_method: r.method, url_scheme: 'http', http_route: r.route, http_response_status_code: String(r.status) };
    server.add(serverLabels, r.seconds, n);
    size.add(serverLabels, r.bytes, n);
    const outcome = { error: String(failedBackend), canceled: 'false', complete: String(!failedBackend) };
    proxy.add({ http_request_method: r.method, http_route: r.route, ...outcome }, r.proxySeconds, n);
    const stage = {
      http_request_method: r.backend.method,
      http_route: r.backend.route,
      krakend_endpoint_route: r.route,
      krakend_endpoint_method: r.method,
    };
    backend.add({ ...stage, ...outcome }, r.backend.seconds, n);
    const roundTrip = { ...stage, clientname: r.backend.route, server_address: r.backend.host, server_port: '80', http_response_status_code: String(r.backend.status) };
    client.add(roundTrip, r.backend.clientSeconds, n);
    if (!v127) {
      started.add(roundTrip, 0, n);
      if (r.backend.status === 0) failed.add(roundTrip, 0, n);
    }
  }
  return [
    '# HELP target_info Target metadata',
    '# TYPE target_info gauge',
    'target_info{service_name="krakend_prometheus_service",service_version="2.12.1"} 1',
    '# HELP otel_scope_info Instrumentation Scope metadata',
    '# TYPE otel_scope_info gauge',
    'otel_scope_info{otel_scope_name="io.krakend.krakend-otel",otel_scope_version=""} 1',
    ...[server, size, proxy, backend, client, ...(v127 ? [] : [started, failed])].flatMap((f) => f.render()),
    '',
  ].join('\n');
}

/**
 * Prometheus's `histogram_quantile` over observations (value, weight), with `bounds` as the
 * buckets: the bucket holding the rank, interpolated linearly (0 as the lower bound of the first).
 */
export function histogramQuantile(q: number, observations: Array<[number, number]>, bounds: number[]): number {
  const total = observations.reduce((a, [, w]) => a + w, 0);
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const inBucket = observations.filter(([v]) => v <= bounds[i] && (i === 0 || v > bounds[i - 1])).reduce((a, [, w]) => a + w, 0);
    if (below + inBucket >= rank && inBucket > 0) {
      const lower = i === 0 ? 0 : bounds[i - 1];
      return lower + (bounds[i] - lower) * (rank - below) / inBucket;
    }
    below += inBucket;
  }
  return bounds[bounds.length - 1];
}
