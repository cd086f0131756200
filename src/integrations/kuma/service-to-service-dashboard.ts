// The dashboard of the traffic between the services of a Kuma mesh. Not exported from the package.
import { Duration } from 'cdk8s';
import { OUTBOUND_MATCHER } from './envoy-clusters';
import { uidFor } from '../../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit } from '../../model/dashboard';

/**
 * What each source service sends to each destination, seen from the source's proxies: the
 * Envoy stats of their outbound clusters (one per destination service), per `service` (the
 * proxies' Kuma service) and `envoy_cluster_name` (the destination). Requests, status codes and
 * latency for HTTP; connections, bytes and failures for every protocol; and the circuit
 * breakers, retries and healthy endpoints that Kuma's resilience policies set.
 */
export function kumaServiceToServiceDashboard(jobName: string, scrapeInterval?: Duration): Dashboard {
  const edges = `job="${jobName}",mesh=~"$mesh",service=~"$source",${OUTBOUND_MATCHER},envoy_cluster_name=~"$destination"`;
  const by = 'service, envoy_cluster_name';
  const legend = '{{service}} → {{envoy_cluster_name}}';
  const rate = (metric: string, extra = '') => `sum by (${by}) (rate(${metric}{${edges}${extra}}[$__rate_interval]))`;
  const gauge = (metric: string) => `sum by (${by}) (${metric}{${edges}})`;
  const quantile = (q: number, metric: string) =>
    `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}{${edges}}[$__rate_interval])))`;
  return new Dashboard({
    uid: uidFor('kuma-service-to-service', jobName),
    title: `Kuma service to service (${jobName})`,
    description: `Traffic from each service to each other service of the meshes scraped by job ${jobName}, from the Envoy metrics of the source's proxies.`,
    tags: ['kuma', 'envoy'],
    minInterval: scrapeInterval,
    variables: [
      DashboardVariable.labelValues({ name: 'mesh', label: 'mesh', selector: `up{job="${jobName}"}` }),
      DashboardVariable.labelValues({ name: 'source', label: 'service', title: 'source service', selector: `up{job="${jobName}",mesh=~"$mesh"}` }),
      DashboardVariable.labelValues({
        name: 'destination',
        label: 'envoy_cluster_name',
        title: 'destination',
        selector: `envoy_cluster_upstream_cx_total{job="${jobName}",mesh=~"$mesh",service=~"$source",${OUTBOUND_MATCHER}}`,
      }),
    ],
    rows: [
      new DashboardRow({
        title: 'HTTP requests',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Requests',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: rate('envoy_cluster_upstream_rq_total'), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Error ratio',
            description: 'The share of responses with a 5xx status.',
            unit: GrafanaUnit.PERCENT_UNIT,
            // Envoy creates the counter of a status class on its first response: 0 until then.
            queries: [{
              expr: `(${rate('envoy_cluster_upstream_rq_xx', ',envoy_response_code_class="5"')} or ${rate('envoy_cluster_upstream_rq_total')} * 0)`
                + ` / ${rate('envoy_cluster_upstream_rq_total')}`,
              legend,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Responses by status class',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            stacked: true,
            queries: [{
              expr: `sum by (${by}, envoy_response_code_class) (rate(envoy_cluster_upstream_rq_xx{${edges}}[$__rate_interval]))`,
              legend: `${legend} {{envoy_response_code_class}}xx`,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Latency',
            description: 'From the request sent to the whole response received, as the source\'s proxy measures it.',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [
              { expr: quantile(0.5, 'envoy_cluster_upstream_rq_time_bucket'), legend: `${legend} p50` },
              { expr: quantile(0.99, 'envoy_cluster_upstream_rq_time_bucket'), legend: `${legend} p99` },
            ],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Connections',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Active connections',
            queries: [{ expr: gauge('envoy_cluster_upstream_cx_active'), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Bytes',
            unit: GrafanaUnit.BYTES_PER_SECOND,
            queries: [
              { expr: rate('envoy_cluster_upstream_cx_tx_bytes_total'), legend: `${legend} sent` },
              { expr: rate('envoy_cluster_upstream_cx_rx_bytes_total'), legend: `${legend} received` },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Connection time (99th percentile)',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [{ expr: quantile(0.99, 'envoy_cluster_upstream_cx_connect_ms_bucket'), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Connection failures',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: rate('envoy_cluster_upstream_cx_connect_fail'), legend: `${legend} connect failed` },
              { expr: rate('envoy_cluster_upstream_cx_connect_timeout'), legend: `${legend} connect timed out` },
              { expr: rate('envoy_cluster_upstream_cx_destroy_remote_with_active_rq'), legend: `${legend} closed by the destination mid-request` },
              { expr: rate('envoy_cluster_upstream_cx_destroy_local_with_active_rq'), legend: `${legend} closed by the proxy mid-request` },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Request failures',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: rate('envoy_cluster_upstream_rq_timeout'), legend: `${legend} timed out` },
              { expr: rate('envoy_cluster_upstream_rq_rx_reset'), legend: `${legend} reset by the destination` },
              { expr: rate('envoy_cluster_upstream_rq_tx_reset'), legend: `${legend} reset by the proxy` },
              { expr: rate('envoy_cluster_upstream_rq_pending_failure_eject'), legend: `${legend} failed while pending` },
            ],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Resilience',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Circuit breaker overflows',
            description: 'Connections, pending requests and retries refused because a MeshCircuitBreaker threshold was reached.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: rate('envoy_cluster_upstream_cx_overflow'), legend: `${legend} connections` },
              { expr: rate('envoy_cluster_upstream_rq_pending_overflow'), legend: `${legend} pending requests` },
              { expr: rate('envoy_cluster_upstream_rq_retry_overflow'), legend: `${legend} retries` },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Retries',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [{ expr: rate('envoy_cluster_upstream_rq_retry'), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Healthy endpoints',
            description: 'The share of the destination\'s endpoints that health checks pass and outlier detection has not ejected.',
            unit: GrafanaUnit.PERCENT_UNIT,
            min: 0,
            max: 1,
            queries: [{ expr: `${gauge('envoy_cluster_membership_healthy')} / ${gauge('envoy_cluster_membership_total')}`, legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Ejected endpoints',
            description: 'Endpoints that outlier detection has ejected from the load balancing.',
            queries: [{ expr: gauge('envoy_cluster_outlier_detection_ejections_active'), legend }],
          }),
        ],
      }),
    ],
  });
}
