// A Kuma data plane proxy's /metrics, as kuma-dp 2.12.14 serves it: Envoy's stats in Envoy's
// Prometheus format, passed through kuma-dp's mutator. Built from a traffic model, so that the
// tests compute each panel's expected figure from the same model.
//
// Where each part comes from (Kuma 2.12.14 pins Envoy 1.35.12, kumahq/kuma v2.12.14 mk/dev.mk):
// - Stat names. envoyproxy/envoy envoy/upstream/upstream.h: ALL_CLUSTER_TRAFFIC_STATS (counters
//   upstream_rq_total, upstream_cx_total, upstream_cx_connect_fail, upstream_cx_connect_timeout,
//   upstream_cx_destroy_local_with_active_rq, upstream_cx_destroy_remote_with_active_rq,
//   upstream_cx_rx_bytes_total, upstream_cx_tx_bytes_total, upstream_cx_overflow,
//   upstream_rq_timeout, upstream_rq_rx_reset, upstream_rq_tx_reset, upstream_rq_retry,
//   upstream_rq_retry_overflow, upstream_rq_pending_overflow, upstream_rq_pending_failure_eject;
//   gauge upstream_cx_active; histogram upstream_cx_connect_ms) and ALL_CLUSTER_ENDPOINT_STATS
//   (gauges membership_healthy, membership_total); source/common/http/codes.cc (the router's
//   upstream_rq_<code>, upstream_rq_<class>xx and the upstream_rq_time histogram);
//   source/common/upstream/outlier_detection_impl.h (outlier_detection.ejections_active gauge);
//   envoy/config/grpc_mux.h ALL_CONTROL_PLANE_STATS (control_plane.connected_state gauge).
// - Tags. source/common/config/well_known_names.cc: `cluster.<name>.` becomes the tag
//   envoy.cluster_name, `_rq_<d>xx` envoy.response_code_class and `_rq_<ddd>`
//   envoy.response_code (extracted in that order, the response tags first).
// - Format. source/server/admin/prometheus_stats.cc: the name `envoy_` + the tag-extracted stat
//   name with every other character than [a-zA-Z0-9_] replaced by `_` (so are tag names:
//   envoy_cluster_name), one `# TYPE` line per name, histograms as `_bucket{...,le=}`, `_sum` and
//   `_count` over Envoy's default buckets (source/common/stats/histogram_impl.h; the same bounds as
//   kumahq/kuma v2.12.14 app/kuma-dp/pkg/dataplane/metrics/testdata/histogram.in).
// - kuma-dp. app/kuma-dp/pkg/dataplane/metrics/merge.go (`MergeClustersForPrometheus`, applied in
//   app/kuma-dp/cmd/run.go) re-encodes the families with expfmt and adds
//   kuma_io_mesh_traffic="true" to the series of every cluster but the bootstrap ones
//   (ads_cluster, access_log_sink: pkg/xds/bootstrap/template_v3.go), kuma_envoy_admin and
//   kuma_metrics_hijacker; server.go joins them without blank lines.
// - TLS. envoyproxy/envoy source/common/tls/stats.h ALL_SSL_STATS: a cluster with a TLS transport
//   socket (every mesh cluster when the mesh has mTLS) gets all these counters under
//   `cluster.<name>.ssl.` at once, a cluster without TLS none (kumahq/kuma v2.12.14
//   app/kuma-dp/pkg/dataplane/metrics/profiles.go keeps envoy_cluster_ssl_handshake for dashboards).
// - HTTP connection managers. envoyproxy/envoy source/common/http/conn_manager_config.h
//   ALL_HTTP_CONN_MAN_STATS under `http.<stat_prefix>.` (tag envoy.http_conn_manager_prefix):
//   counters downstream_rq_total, downstream_rq_<1-5>xx (all five from the start, as struct
//   members), downstream_cx_total, downstream_cx_rx_bytes_total, downstream_cx_tx_bytes_total; gauge
//   downstream_cx_active; histogram downstream_rq_time (ms). kuma-dp's merge.go marks every prefix
//   but admin, kuma_envoy_admin and kuma_metrics_prometheus with kuma_io_mesh_traffic="true".
//   A builtin gateway's prefix is its service, sanitized (pkg/plugins/runtime/gateway/
//   filter_chain_generator.go, pkg/util/xds/metric_sanitizer.go); the metrics listener's is
//   kuma_metrics_prometheus (pkg/xds/generator/prometheus_endpoint_generator.go).
// - Listeners. envoyproxy/envoy envoy/server/listener_manager.h ALL_LISTENER_STATS under
//   `listener.<address>.` (tag envoy.listener_address: `<ip>_<port>` for a listener without
//   stat_prefix, as Kuma's gateway listeners are, pkg/plugins/runtime/gateway/listener_generator.go):
//   downstream_cx_total, downstream_cx_active, downstream_cx_overflow (refused over the
//   connection limit, which a MeshGateway listener sets through the runtime key
//   envoy.resource_limits.listener.<name>.connection_limit, pkg/plugins/runtime/gateway/generator.go).
// - Cluster names. pkg/xds/envoy/names/resource_names.go, after Envoy's ':' -> '_'
//   (source/common/stats/utility.cc sanitizeStatsName): localhost_<port> for each inbound,
//   kuma_envoy_admin, kuma_readiness, kuma_metrics_hijacker; outbound clusters are named after the
//   service (`<name>_<namespace>_svc_<port>`).

/** Envoy's default histogram bucket bounds (milliseconds for the _ms and _time histograms). */
export const ENVOY_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/** What one cluster sees per scrape interval (counters grow by these), and its gauges. */
export interface ClusterTraffic {
  /** Responses by HTTP status code, per interval. */
  readonly responses?: { [code: number]: number };
  /** Every request's time, ms (upstream_rq_time); the share of requests per value. */
  readonly requestTimeMs?: Array<[number, number]>;
  readonly connections?: number;
  readonly connectMs?: number;
  readonly connectFail?: number;
  readonly connectTimeout?: number;
  readonly destroyRemoteWithActiveRq?: number;
  readonly destroyLocalWithActiveRq?: number;
  readonly rxBytes?: number;
  readonly txBytes?: number;
  readonly rqTimeout?: number;
  readonly rqRxReset?: number;
  readonly rqTxReset?: number;
  readonly pendingFailureEject?: number;
  readonly retries?: number;
  readonly cxOverflow?: number;
  readonly pendingOverflow?: number;
  readonly retryOverflow?: number;
  /** TLS (the cluster has a TLS transport socket), per interval. */
  readonly tls?: TlsTraffic;
  /** Gauges. */
  readonly activeConnections?: number;
  readonly membershipHealthy?: number;
  readonly membershipTotal?: number;
  readonly ejectionsActive?: number;
}

/** A TLS context's counters, per interval (Envoy's SslStats). */
export interface TlsTraffic {
  readonly handshakes?: number;
  readonly connectionErrors?: number;
  readonly failVerifyError?: number;
  readonly failVerifySan?: number;
}

/** What an HTTP connection manager sees per scrape interval, and its gauge. */
export interface HttpTraffic {
  /** Responses by HTTP status code, per interval. */
  readonly responses?: { [code: number]: number };
  /** Every request's time, ms (downstream_rq_time); the share of requests per value. */
  readonly requestTimeMs?: Array<[number, number]>;
  readonly connections?: number;
  readonly rxBytes?: number;
  readonly txBytes?: number;
  readonly activeConnections?: number;
}

/** What a listener sees per scrape interval, and its gauge. */
export interface ListenerTraffic {
  readonly connections?: number;
  readonly overflow?: number;
  readonly activeConnections?: number;
}

/** The proxy's stats besides its clusters'. */
export interface ProxyStats {
  /** HTTP connection managers by stat prefix. */
  readonly http?: { [prefix: string]: HttpTraffic };
  /** Listeners by address (`<ip>_<port>`). */
  readonly listeners?: { [address: string]: ListenerTraffic };
  /** server.live: false while Envoy drains. @default true */
  readonly live?: boolean;
  /** control_plane.connected_state. @default true */
  readonly connected?: boolean;
}

/** The clusters kuma-dp leaves without kuma_io_mesh_traffic (merge.go isMeshCluster). */
const NOT_MESH_TRAFFIC = new Set(['ads_cluster', 'access_log_sink', 'kuma_envoy_admin', 'kuma_metrics_hijacker']);

/** The HTTP prefixes kuma-dp leaves without kuma_io_mesh_traffic (merge.go isMeshOrExternalHttpPrefix). */
const NOT_MESH_HTTP = new Set(['admin', 'kuma_envoy_admin', 'kuma_metrics_prometheus']);

/** The TLS counters of Envoy's SslStats, in their order, and what the model gives each. */
const SSL_STATS: Array<[string, keyof TlsTraffic | undefined]> = [
  ['connection_error', 'connectionErrors'], ['handshake', 'handshakes'], ['session_reused', undefined],
  ['no_certificate', undefined], ['fail_verify_no_cert', undefined], ['fail_verify_error', 'failVerifyError'],
  ['fail_verify_san', 'failVerifySan'], ['fail_verify_cert_hash', undefined], ['ocsp_staple_failed', undefined],
  ['ocsp_staple_omitted', undefined], ['ocsp_staple_responses', undefined], ['ocsp_staple_requests', undefined],
  ['was_key_usage_invalid', undefined],
];

/**
 * The proxy's exposition after `scrape` intervals of `traffic` (cluster name -> traffic) and of
 * the proxy's other stats.
 */
export function kumaDpMetrics(traffic: { [cluster: string]: ClusterTraffic }, scrape: number, proxy: ProxyStats = {}): string {
  const families = new Map<string, { type: string; lines: string[] }>();
  const add = (name: string, type: string, line: string) => {
    if (!families.has(name)) families.set(name, { type, lines: [] });
    families.get(name)!.lines.push(line);
  };
  const fmt = (v: number) => goFloat(v);
  const histogram = (name: string, labels: string, observations: Array<[number, number]>) => {
    const count = observations.reduce((n, [, c]) => n + c, 0);
    for (const le of ENVOY_BUCKETS) {
      const below = observations.filter(([v]) => v <= le).reduce((n, [, c]) => n + c, 0);
      add(name, 'histogram', `${name}_bucket{${labels},le="${goFloat(le)}"} ${fmt(below)}`);
    }
    add(name, 'histogram', `${name}_bucket{${labels},le="+Inf"} ${fmt(count)}`);
    add(name, 'histogram', `${name}_sum{${labels}} ${fmt(observations.reduce((s, [v, c]) => s + v * c, 0))}`);
    add(name, 'histogram', `${name}_count{${labels}} ${fmt(count)}`);
  };
  const requestCount = (responses?: { [code: number]: number }) => Object.values(responses ?? {}).reduce((n, c) => n + c, 0);
  for (const [cluster, t] of Object.entries(traffic)) {
    const tags = (extra: string[] = []) => {
      const all = [...extra, `envoy_cluster_name="${cluster}"`];
      if (!NOT_MESH_TRAFFIC.has(cluster)) all.push('kuma_io_mesh_traffic="true"');
      return `{${all.join(',')}}`;
    };
    const counter = (stat: string, perScrape: number | undefined, extra?: string[]) =>
      add(`envoy_cluster_${stat}`, 'counter', `envoy_cluster_${stat}${tags(extra)} ${fmt((perScrape ?? 0) * scrape)}`);
    const gauge = (stat: string, value: number | undefined) =>
      add(`envoy_cluster_${stat}`, 'gauge', `envoy_cluster_${stat}${tags()} ${fmt(value ?? 0)}`);
    const clusterHistogram = (stat: string, observations: Array<[number, number]>) =>
      histogram(`envoy_cluster_${stat}`, tags().slice(1, -1), observations);

    const responses = Object.entries(t.responses ?? {}).map(([code, n]) => [Number(code), n] as const);
    const requests = requestCount(t.responses);
    counter('upstream_rq_total', requests);
    for (const [code, n] of responses) counter('upstream_rq', n, [`envoy_response_code="${code}"`]);
    const classes = new Map<number, number>();
    for (const [code, n] of responses) classes.set(Math.floor(code / 100), (classes.get(Math.floor(code / 100)) ?? 0) + n);
    for (const [cls, n] of classes) counter('upstream_rq_xx', n, [`envoy_response_code_class="${cls}"`]);
    counter('upstream_cx_total', t.connections);
    counter('upstream_cx_connect_fail', t.connectFail);
    counter('upstream_cx_connect_timeout', t.connectTimeout);
    counter('upstream_cx_destroy_remote_with_active_rq', t.destroyRemoteWithActiveRq);
    counter('upstream_cx_destroy_local_with_active_rq', t.destroyLocalWithActiveRq);
    counter('upstream_cx_rx_bytes_total', t.rxBytes);
    counter('upstream_cx_tx_bytes_total', t.txBytes);
    counter('upstream_cx_overflow', t.cxOverflow);
    counter('upstream_rq_timeout', t.rqTimeout);
    counter('upstream_rq_rx_reset', t.rqRxReset);
    counter('upstream_rq_tx_reset', t.rqTxReset);
    counter('upstream_rq_pending_failure_eject', t.pendingFailureEject);
    counter('upstream_rq_pending_overflow', t.pendingOverflow);
    counter('upstream_rq_retry', t.retries);
    counter('upstream_rq_retry_overflow', t.retryOverflow);
    gauge('upstream_cx_active', t.activeConnections);
    gauge('membership_healthy', t.membershipHealthy ?? 1);
    gauge('membership_total', t.membershipTotal ?? 1);
    gauge('outlier_detection_ejections_active', t.ejectionsActive);
    if (t.tls) for (const [stat, field] of SSL_STATS) counter(`ssl_${stat}`, field && t.tls[field]);
    clusterHistogram('upstream_rq_time', (t.requestTimeMs ?? []).map(([ms, share]) => [ms, share * requests * scrape]));
    clusterHistogram('upstream_cx_connect_ms', t.connectMs === undefined ? [] : [[t.connectMs, (t.connections ?? 0) * scrape]]);
  }
  for (const [prefix, t] of Object.entries(proxy.http ?? {})) {
    const labels = (extra: string[] = []) => [...extra, `envoy_http_conn_manager_prefix="${prefix}"`,
      ...(NOT_MESH_HTTP.has(prefix) ? [] : ['kuma_io_mesh_traffic="true"'])].join(',');
    const counter = (stat: string, perScrape: number | undefined, extra?: string[]) =>
      add(`envoy_http_${stat}`, 'counter', `envoy_http_${stat}{${labels(extra)}} ${fmt((perScrape ?? 0) * scrape)}`);
    const requests = requestCount(t.responses);
    counter('downstream_rq_total', requests);
    for (const cls of [1, 2, 3, 4, 5]) {
      const n = Object.entries(t.responses ?? {}).filter(([code]) => Math.floor(Number(code) / 100) === cls).reduce((a, [, c]) => a + c, 0);
      counter('downstream_rq_xx', n, [`envoy_response_code_class="${cls}"`]);
    }
    counter('downstream_cx_total', t.connections);
    counter('downstream_cx_rx_bytes_total', t.rxBytes);
    counter('downstream_cx_tx_bytes_total', t.txBytes);
    add('envoy_http_downstream_cx_active', 'gauge', `envoy_http_downstream_cx_active{${labels()}} ${fmt(t.activeConnections ?? 0)}`);
    histogram('envoy_http_downstream_rq_time', labels(), (t.requestTimeMs ?? []).map(([ms, share]) => [ms, share * requests * scrape]));
  }
  for (const [address, t] of Object.entries(proxy.listeners ?? {})) {
    const labels = `envoy_listener_address="${address}"`;
    add('envoy_listener_downstream_cx_total', 'counter', `envoy_listener_downstream_cx_total{${labels}} ${fmt((t.connections ?? 0) * scrape)}`);
    add('envoy_listener_downstream_cx_overflow', 'counter', `envoy_listener_downstream_cx_overflow{${labels}} ${fmt((t.overflow ?? 0) * scrape)}`);
    add('envoy_listener_downstream_cx_active', 'gauge', `envoy_listener_downstream_cx_active{${labels}} ${fmt(t.activeConnections ?? 0)}`);
  }
  add('envoy_control_plane_connected_state', 'gauge', `envoy_control_plane_connected_state ${proxy.connected === false ? 0 : 1}`);
  add('envoy_server_live', 'gauge', `envoy_server_live ${proxy.live === false ? 0 : 1}`);
  const out: string[] = [];
  for (const [name, f] of families) out.push(`# TYPE ${name} ${f.type}`, ...f.lines);
  return `${out.join('\n')}\n`;
}

/**
 * A float as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it, which expfmt uses: the shortest
 * digits, in e-notation when the exponent is below -4 or at least 6 (`1.8e+06`).
 */
export function goFloat(v: number): string {
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [mantissa, e] = v.toExponential().split('e');
    return `${mantissa}e${e[0]}${e.slice(1).padStart(2, '0')}`;
  }
  return String(v);
}
