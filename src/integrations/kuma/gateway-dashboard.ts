// The dashboard of Kuma's builtin gateways. Not exported from the package.
import { Duration } from 'cdk8s';
import { MESH_HTTP_MATCHER, OUTBOUND_MATCHER } from './envoy-clusters';
import { uidFor } from '../../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit } from '../../model/dashboard';

/**
 * The builtin gateways (MeshGateway) of the proxies scraped by `jobName`, per mesh and gateway.
 *
 * A builtin gateway proxy is a Dataplane with `networking.gateway.type: BUILTIN`; Kuma labels its
 * metrics with `kuma_io_mesh_gateway`, the name of the MeshGateway that selects it (kumahq/kuma
 * pkg/mads/util.go `DataplaneLabels`: a target label of the legacy metrics backend, and with
 * MeshMetric a label kuma-dp adds to every series). Its HTTP and HTTPS listeners share one HTTP
 * connection manager prefix, the gateway's service (pkg/plugins/runtime/gateway), whose
 * `envoy_http_downstream_*` stats count what clients send; its clusters, one per destination
 * service, count what it forwards. A listener's `resources.connectionLimit` refuses connections
 * over the limit, which Envoy counts in the listener's `downstream_cx_overflow`. TCP listeners
 * (MeshTCPRoute) are not shown: their stats are the TCP proxy's, not the HTTP ones.
 */
export function kumaGatewayDashboard(jobName: string, scrapeInterval?: Duration): Dashboard {
  const gateways = `job="${jobName}",mesh=~"$mesh",kuma_io_mesh_gateway=~"$gateway"`;
  const http = `${gateways},${MESH_HTTP_MATCHER}`;
  const outbound = `${gateways},${OUTBOUND_MATCHER}`;
  const rate = (metric: string, matchers: string) => `rate(${metric}{${matchers}}[$__rate_interval])`;
  const by = 'mesh, kuma_io_mesh_gateway';
  const legend = '{{mesh}}/{{kuma_io_mesh_gateway}}';
  const perGateway = (expr: string) => `sum by (${by}) (${expr})`;
  const upBy = `${by}, envoy_cluster_name`;
  const upLegend = `${legend} → {{envoy_cluster_name}}`;
  const perDestination = (expr: string) => `sum by (${upBy}) (${expr})`;
  const quantile = (q: number, bucket: string, matchers: string, groups: string) =>
    `histogram_quantile(${q}, sum by (le, ${groups}) (${rate(bucket, matchers)}))`;
  return new Dashboard({
    uid: uidFor('kuma-gateway', jobName),
    title: `Kuma gateways (${jobName})`,
    description: `The builtin gateways (MeshGateway) of the proxies scraped by job ${jobName}: what clients send them and what they forward to the mesh.`,
    tags: ['kuma', 'envoy'],
    minInterval: scrapeInterval,
    variables: [
      DashboardVariable.labelValues({ name: 'mesh', label: 'mesh', selector: `envoy_server_live{job="${jobName}",kuma_io_mesh_gateway!=""}` }),
      DashboardVariable.labelValues({
        name: 'gateway',
        label: 'kuma_io_mesh_gateway',
        title: 'gateway',
        selector: `envoy_server_live{job="${jobName}",mesh=~"$mesh",kuma_io_mesh_gateway!=""}`,
      }),
    ],
    rows: [
      new DashboardRow({
        title: 'Instances',
        panels: [
          DashboardPanel.stat({
            title: 'Instances',
            description: 'The gateway\'s proxies whose Envoy is live (not draining).',
            queries: [{ expr: perGateway(`envoy_server_live{${gateways}}`), legend }],
          }),
          DashboardPanel.stat({
            title: 'Disconnected from the control plane',
            description: 'Gateway proxies whose xDS connection to the control plane is down: they keep their last configuration.',
            queries: [{
              expr: `count by (${by}) (envoy_control_plane_connected_state{${gateways}} == 0) or ${perGateway(`envoy_server_live{${gateways}}`)} * 0`,
              legend,
            }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'From clients',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Requests',
            description: 'The requests clients send to the gateway\'s HTTP and HTTPS listeners.',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: perGateway(rate('envoy_http_downstream_rq_total', http)), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Error ratio',
            description: 'The share of the gateway\'s responses with a 5xx status, its own (no healthy destination, timeouts) included.',
            unit: GrafanaUnit.PERCENT_UNIT,
            queries: [{
              // The connection manager has its five status-class counters from the start (unlike a cluster's).
              expr: `${perGateway(rate('envoy_http_downstream_rq_xx', `${http},envoy_response_code_class="5"`))} / ${perGateway(rate('envoy_http_downstream_rq_total', http))}`,
              legend,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Responses by status class',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            stacked: true,
            queries: [{
              expr: `sum by (${by}, envoy_response_code_class) (${rate('envoy_http_downstream_rq_xx', http)})`,
              legend: `${legend} {{envoy_response_code_class}}xx`,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Latency',
            description: 'From the request\'s first byte to the response\'s last, as the gateway\'s clients see it.',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [0.5, 0.99].map((q) => ({
              expr: quantile(q, 'envoy_http_downstream_rq_time_bucket', http, by),
              legend: `${legend} p${q * 100}`,
            })),
          }),
          DashboardPanel.timeSeries({
            title: 'Active connections',
            queries: [{ expr: perGateway(`envoy_http_downstream_cx_active{${http}}`), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Bytes',
            unit: GrafanaUnit.BYTES_PER_SECOND,
            queries: [
              { expr: perGateway(rate('envoy_http_downstream_cx_rx_bytes_total', http)), legend: `${legend} received` },
              { expr: perGateway(rate('envoy_http_downstream_cx_tx_bytes_total', http)), legend: `${legend} sent` },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Connections over the limit',
            description: 'Connections refused because a listener reached its connection limit (the MeshGateway listener\'s resources.connectionLimit).',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [{ expr: perGateway(rate('envoy_listener_downstream_cx_overflow', gateways)), legend }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'To the mesh',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Upstream requests',
            description: 'The requests the gateway forwards to each service.',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: perDestination(rate('envoy_cluster_upstream_rq_total', outbound)), legend: upLegend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Upstream error ratio',
            description: 'The share of each service\'s responses to the gateway with a 5xx status.',
            unit: GrafanaUnit.PERCENT_UNIT,
            queries: [{
              // Envoy creates the counter of a status class on its first response: 0 until then.
              expr: `(${perDestination(rate('envoy_cluster_upstream_rq_xx', `${outbound},envoy_response_code_class="5"`))}`
                + ` or ${perDestination(rate('envoy_cluster_upstream_rq_total', outbound))} * 0)`
                + ` / ${perDestination(rate('envoy_cluster_upstream_rq_total', outbound))}`,
              legend: upLegend,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Upstream latency (99th percentile)',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [{ expr: quantile(0.99, 'envoy_cluster_upstream_rq_time_bucket', outbound, upBy), legend: upLegend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Upstream failures',
            description: 'Connection failures, timeouts and retries towards each service.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: perDestination(rate('envoy_cluster_upstream_cx_connect_fail', outbound)), legend: `${upLegend} connect failures` },
              { expr: perDestination(rate('envoy_cluster_upstream_rq_timeout', outbound)), legend: `${upLegend} timeouts` },
              { expr: perDestination(rate('envoy_cluster_upstream_rq_retry', outbound)), legend: `${upLegend} retries` },
            ],
          }),
        ],
      }),
    ],
  });
}
