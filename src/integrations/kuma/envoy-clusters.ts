// Which Envoy clusters of a Kuma data plane proxy carry what traffic. Not exported from the package.
//
// Envoy writes a cluster's stats under `cluster.<name>.`, with ':' in the name replaced by '_'
// (envoyproxy/envoy source/common/stats/utility.cc `sanitizeStatsName`), and the Prometheus
// output carries the name as the `envoy_cluster_name` label. Kuma 2.12.14 names the clusters
// (pkg/xds/envoy/names/resource_names.go, with the default, non-unified naming):
// - each inbound `localhost:<port>`, so `localhost_<port>`;
// - each outbound after the service it reaches (`backend_kuma-demo_svc_3001`; kuma-dp merges the
//   `-<16 hex>` splits back into it, app/kuma-dp/pkg/dataplane/metrics/merge.go);
// - the proxy's own: `ads_cluster` and `access_log_sink` (pkg/xds/bootstrap/template_v3.go),
//   `kuma:envoy:admin` and `kuma:readiness` (pkg/xds/generator/admin_proxy_generator.go),
//   `kuma:metrics:hijacker`, which every scrape of the proxy goes through
//   (pkg/xds/generator/prometheus_endpoint_generator.go), and internal clusters whose name starts
//   with `_`, such as MeshMetric's `_kuma:metrics:hijacker` (pkg/plugins/policies/meshmetric).

/** The inbound clusters: the proxy's own application. */
export const INBOUND_CLUSTERS = 'localhost_[0-9]+';

/** The clusters of the proxy itself, neither inbound nor towards another service. */
export const PROXY_CLUSTERS = 'ads_cluster|access_log_sink|kuma_envoy_admin|kuma_readiness|kuma_metrics_hijacker|_.*';

/** A matcher for the outbound clusters: the services this proxy calls. */
export const OUTBOUND_MATCHER = `envoy_cluster_name!~"${INBOUND_CLUSTERS}|${PROXY_CLUSTERS}"`;

/** A matcher for the inbound clusters. */
export const INBOUND_MATCHER = `envoy_cluster_name=~"${INBOUND_CLUSTERS}"`;

// The HTTP connection managers of a proxy write their stats under `http.<stat_prefix>.`, which
// Envoy's Prometheus output carries as `envoy_http_conn_manager_prefix`
// (source/common/config/well_known_names.cc). Kuma names the prefix after the traffic (a builtin
// gateway's is its service, sanitized: pkg/plugins/runtime/gateway/filter_chain_generator.go,
// pkg/util/xds/metric_sanitizer.go); the proxy's own are Envoy's `admin`, `kuma_envoy_admin` and
// `kuma_metrics_prometheus`, the ones kuma-dp leaves out of the mesh's traffic
// (app/kuma-dp/pkg/dataplane/metrics/merge.go `isMeshOrExternalHttpPrefix`). Matching on the
// prefix rather than on kuma-dp's `kuma_io_mesh_traffic` label works with MeshMetric too, whose
// exposition has no such label.

/** A matcher for the HTTP connection managers of the proxy's traffic, not of its own endpoints. */
export const MESH_HTTP_MATCHER = 'envoy_http_conn_manager_prefix!~"admin|kuma_envoy_admin|kuma_metrics_prometheus"';
