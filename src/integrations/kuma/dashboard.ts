// The dashboard of the Kuma data plane proxies' Envoy metrics. Not exported from the package.
import { Duration } from 'cdk8s';
import { INBOUND_MATCHER, OUTBOUND_MATCHER } from './envoy-clusters';
import { uidFor } from '../../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit } from '../../model/dashboard';

/**
 * Traffic, errors and latency of the proxies scraped by `jobName`, from Envoy's own stats (as
 * Kuma exposes them: Envoy's names with `envoy_` in front, times in milliseconds), per mesh
 * and service (the `mesh` and `service` labels the discovery sets).
 */
export function kumaDashboard(jobName: string, scrapeInterval?: Duration): Dashboard {
  const proxies = `job="${jobName}",mesh=~"$mesh",service=~"$service"`;
  // Inbound from the `localhost_<port>` clusters; outbound from the others, without the proxy's
  // own (control plane, admin API, access log sink, the scrapes of its metrics).
  const inbound = `${proxies},${INBOUND_MATCHER}`;
  const outbound = `${proxies},${OUTBOUND_MATCHER}`;
  const rate = (metric: string, matchers: string) => `rate(${metric}{${matchers}}[$__rate_interval])`;
  const byService = (expr: string) => `sum by (mesh, service) (${expr})`;
  const legend = '{{mesh}}/{{service}}';
  return new Dashboard({
    uid: uidFor('kuma-dataplanes', jobName),
    title: `Kuma data plane proxies (${jobName})`,
    description: `Traffic through the Kuma data plane proxies scraped by job ${jobName}, from their Envoy metrics.`,
    tags: ['kuma', 'envoy'],
    minInterval: scrapeInterval,
    variables: [
      DashboardVariable.labelValues({ name: 'mesh', label: 'mesh', selector: `up{job="${jobName}"}` }),
      DashboardVariable.labelValues({ name: 'service', label: 'service', selector: `up{job="${jobName}",mesh=~"$mesh"}` }),
    ],
    rows: [
      new DashboardRow({
        title: 'Proxies',
        panels: [
          DashboardPanel.stat({ title: 'Proxies scraped', queries: [{ expr: `sum(up{${proxies}})` }] }),
          DashboardPanel.stat({
            title: 'Proxies down',
            description: 'Proxies whose metrics could not be scraped (with mTLS on, check the traffic permissions).',
            queries: [{ expr: `count(up{${proxies}} == 0) or vector(0)` }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
          DashboardPanel.stat({
            title: 'Disconnected from the control plane',
            description: 'Proxies whose xDS connection to the control plane is down: they keep their last configuration.',
            queries: [{ expr: `count(envoy_control_plane_connected_state{${proxies}} == 0) or vector(0)` }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Incoming requests',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Requests',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: byService(rate('envoy_cluster_upstream_rq_total', inbound)), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Error ratio',
            description: 'The share of responses with a 5xx status.',
            unit: GrafanaUnit.PERCENT_UNIT,
            queries: [{
              // Envoy creates the counter of a status class on its first response: 0 until then.
              expr: `(${byService(rate('envoy_cluster_upstream_rq_xx', `${inbound},envoy_response_code_class="5"`))}`
                + ` or ${byService(rate('envoy_cluster_upstream_rq_total', inbound))} * 0)`
                + ` / ${byService(rate('envoy_cluster_upstream_rq_total', inbound))}`,
              legend,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Latency (99th percentile)',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [{
              expr: `histogram_quantile(0.99, sum by (le, mesh, service) (${rate('envoy_cluster_upstream_rq_time_bucket', inbound)}))`,
              legend,
            }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Outgoing traffic',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Upstream requests',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: byService(rate('envoy_cluster_upstream_rq_total', outbound)), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Upstream failures',
            description: 'Connection failures, timeouts and retries towards other services.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: byService(rate('envoy_cluster_upstream_cx_connect_fail', outbound)), legend: `${legend} connect failures` },
              { expr: byService(rate('envoy_cluster_upstream_rq_timeout', outbound)), legend: `${legend} timeouts` },
              { expr: byService(rate('envoy_cluster_upstream_rq_retry', outbound)), legend: `${legend} retries` },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Active connections',
            queries: [{ expr: byService(`envoy_cluster_upstream_cx_active{${outbound}}`), legend }],
          }),
          DashboardPanel.timeSeries({
            title: 'Bytes',
            unit: GrafanaUnit.BYTES_PER_SECOND,
            queries: [
              { expr: byService(rate('envoy_cluster_upstream_cx_rx_bytes_total', outbound)), legend: `${legend} received` },
              { expr: byService(rate('envoy_cluster_upstream_cx_tx_bytes_total', outbound)), legend: `${legend} sent` },
            ],
          }),
        ],
      }),
    ],
  });
}
