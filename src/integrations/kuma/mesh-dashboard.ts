// The dashboard of a Kuma mesh as a whole. Not exported from the package.
import { Duration } from 'cdk8s';
import { INBOUND_MATCHER, OUTBOUND_MATCHER } from './envoy-clusters';
import { uidFor } from '../../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit } from '../../model/dashboard';

/** How many services the "top services" panels show per mesh. */
const TOP = 10;

/**
 * Each mesh of the proxies scraped by `jobName` at a glance, per `mesh`: its proxies (online,
 * offline, disconnected from the control plane); the requests every service receives (from
 * the inbound `localhost_<port>` clusters), their 5xx ratio and latency across all services;
 * the services with the most requests, 5xx responses and latency; the resilience figures of
 * the outbound clusters; and mTLS: how many outbound connections were TLS handshakes (Envoy's
 * `cluster.<name>.ssl.*` stats exist only for a cluster with a TLS transport socket, which Kuma
 * gives every mesh cluster when the mesh has mTLS on) and the TLS failures.
 */
export function kumaMeshDashboard(jobName: string, scrapeInterval?: Duration): Dashboard {
  const proxies = `job="${jobName}",mesh=~"$mesh"`;
  const inbound = `${proxies},${INBOUND_MATCHER}`;
  const outbound = `${proxies},${OUTBOUND_MATCHER}`;
  const rate = (metric: string, matchers: string) => `rate(${metric}{${matchers}}[$__rate_interval])`;
  const byMesh = (expr: string) => `sum by (mesh) (${expr})`;
  // 0 for each mesh that has proxies: what a count of none is.
  const zero = `${byMesh(`up{${proxies}}`)} * 0`;
  const countOrZero = (expr: string) => `count by (mesh) (${expr}) or ${zero}`;
  const legend = '{{mesh}}';
  const services = (expr: string) => `topk by (mesh) (${TOP}, ${expr})`;
  const serviceLegend = '{{mesh}}/{{service}}';
  return new Dashboard({
    uid: uidFor('kuma-mesh', jobName),
    title: `Kuma mesh (${jobName})`,
    description: `Each mesh of the proxies scraped by job ${jobName}: proxies, traffic across all services, the busiest services, resilience and mTLS.`,
    tags: ['kuma', 'envoy'],
    minInterval: scrapeInterval,
    variables: [DashboardVariable.labelValues({ name: 'mesh', label: 'mesh', selector: `up{job="${jobName}"}` })],
    rows: [
      new DashboardRow({
        title: 'Proxies',
        panels: [
          DashboardPanel.stat({
            title: 'Proxies online',
            description: 'Proxies scraped whose Envoy is live (not draining).',
            queries: [{ expr: countOrZero(`(up{${proxies}} == 1) unless (envoy_server_live{${proxies}} == 0)`), legend }],
          }),
          DashboardPanel.stat({
            title: 'Proxies offline',
            description: 'Proxies the control plane knows whose metrics could not be scraped (with mTLS on, check the traffic permissions), or whose Envoy is draining.',
            queries: [{ expr: countOrZero(`(up{${proxies}} == 0) or (envoy_server_live{${proxies}} == 0)`), legend }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
          DashboardPanel.stat({
            title: 'Disconnected from the control plane',
            description: 'Proxies whose xDS connection to the control plane is down: they keep their last configuration.',
            queries: [{ expr: countOrZero(`envoy_control_plane_connected_state{${proxies}} == 0`), legend }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Traffic across all services',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Requests',
            description: 'The requests the services of the mesh receive, from their proxies\' inbound clusters.',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: byMesh(rate('envoy_cluster_upstream_rq_total', inbound)), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Error ratio',
            description: 'The share of responses with a 5xx status.',
            unit: GrafanaUnit.PERCENT_UNIT,
            queries: [{
              // Envoy creates the counter of a status class on its first response: 0 until then.
              expr: `(${byMesh(rate('envoy_cluster_upstream_rq_xx', `${inbound},envoy_response_code_class="5"`))}`
                + ` or ${byMesh(rate('envoy_cluster_upstream_rq_total', inbound))} * 0)`
                + ` / ${byMesh(rate('envoy_cluster_upstream_rq_total', inbound))}`,
              legend,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Latency',
            description: 'Over every request of every service of the mesh, as their proxies measure it.',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [0.5, 0.99].map((q) => ({
              expr: `histogram_quantile(${q}, sum by (le, mesh) (${rate('envoy_cluster_upstream_rq_time_bucket', inbound)}))`,
              legend: `{{mesh}} p${q * 100}`,
            })),
          }),
          DashboardPanel.timeSeries({
            title: 'Bytes',
            description: 'What the proxies send to and receive from the services they call.',
            unit: GrafanaUnit.BYTES_PER_SECOND,
            queries: [
              { expr: byMesh(rate('envoy_cluster_upstream_cx_tx_bytes_total', outbound)), legend: `${legend} sent` },
              { expr: byMesh(rate('envoy_cluster_upstream_cx_rx_bytes_total', outbound)), legend: `${legend} received` },
            ],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Top services',
        panels: [
          DashboardPanel.timeSeries({
            title: `Top ${TOP} services by requests`,
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            width: 8,
            queries: [{ expr: services(`sum by (mesh, service) (${rate('envoy_cluster_upstream_rq_total', inbound)})`), legend: serviceLegend }],
          }),
          DashboardPanel.timeSeries({
            title: `Top ${TOP} services by 5xx responses`,
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            width: 8,
            queries: [{
              expr: services(`sum by (mesh, service) (${rate('envoy_cluster_upstream_rq_xx', `${inbound},envoy_response_code_class="5"`)})`),
              legend: serviceLegend,
            }],
          }),
          DashboardPanel.timeSeries({
            title: `Top ${TOP} services by latency (99th percentile)`,
            unit: GrafanaUnit.MILLISECONDS,
            width: 8,
            queries: [{
              expr: services(`histogram_quantile(0.99, sum by (le, mesh, service) (${rate('envoy_cluster_upstream_rq_time_bucket', inbound)}))`),
              legend: serviceLegend,
            }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Resilience',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Circuit breaker overflows',
            description: 'Connections, pending requests and retries towards other services refused because a circuit breaker threshold was reached.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: byMesh(rate('envoy_cluster_upstream_cx_overflow', outbound)), legend: `${legend} connections` },
              { expr: byMesh(rate('envoy_cluster_upstream_rq_pending_overflow', outbound)), legend: `${legend} pending requests` },
              { expr: byMesh(rate('envoy_cluster_upstream_rq_retry_overflow', outbound)), legend: `${legend} retries` },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Healthy endpoints',
            description: 'The share of the endpoints the proxies call that health checks pass and outlier detection has not ejected.',
            unit: GrafanaUnit.PERCENT_UNIT,
            min: 0,
            max: 1,
            queries: [{ expr: `${byMesh(`envoy_cluster_membership_healthy{${outbound}}`)} / ${byMesh(`envoy_cluster_membership_total{${outbound}}`)}`, legend }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'mTLS',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Outbound connections with mTLS',
            description: 'The share of the connections to other services that were TLS handshakes: 1 in a mesh with mTLS on, 0 with mTLS off.',
            unit: GrafanaUnit.PERCENT_UNIT,
            min: 0,
            max: 1,
            queries: [{
              // A cluster without TLS has no ssl stats at all.
              expr: `(${byMesh(rate('envoy_cluster_ssl_handshake', outbound))} or ${byMesh(rate('envoy_cluster_upstream_cx_total', outbound))} * 0)`
                + ` / ${byMesh(rate('envoy_cluster_upstream_cx_total', outbound))}`,
              legend,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'TLS failures',
            description: 'Outbound TLS connections that failed: the handshake, or the destination\'s certificate not issued by the mesh\'s CA, or not for the expected service (SAN).',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: byMesh(rate('envoy_cluster_ssl_connection_error', outbound)), legend: `${legend} handshake errors` },
              { expr: byMesh(rate('envoy_cluster_ssl_fail_verify_error', outbound)), legend: `${legend} certificate not trusted` },
              { expr: byMesh(rate('envoy_cluster_ssl_fail_verify_san', outbound)), legend: `${legend} wrong identity (SAN)` },
            ],
          }),
        ],
      }),
    ],
  });
}
