// The dashboard of one service of a Kuma mesh. Not exported from the package.
import { Duration } from 'cdk8s';
import { INBOUND_MATCHER, OUTBOUND_MATCHER } from './envoy-clusters';
import { uidFor } from '../../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit } from '../../model/dashboard';

/**
 * One service (the `service` label: the Kuma service of the proxies, as the discovery sets it)
 * of one mesh, picked in the dashboard: its proxies, the requests it receives (the inbound
 * `localhost_<port>` clusters of its proxies) with their 5xx ratio, p50 and p99 latency and
 * status classes, and its upstream dependencies, one series per destination (the outbound
 * clusters of its proxies, per `envoy_cluster_name`).
 */
export function kumaServiceDashboard(jobName: string, scrapeInterval?: Duration): Dashboard {
  // One mesh and one service: the figures are the service's, not a sum over several.
  const proxies = `job="${jobName}",mesh="$mesh",service="$service"`;
  const inbound = `${proxies},${INBOUND_MATCHER}`;
  const outbound = `${proxies},${OUTBOUND_MATCHER}`;
  const rate = (metric: string, matchers: string) => `rate(${metric}{${matchers}}[$__rate_interval])`;
  const countOrZero = (expr: string) => `count(${expr}) or vector(0)`;
  const inSum = (metric: string, extra = '') => `sum(${rate(metric, `${inbound}${extra}`)})`;
  const byDestination = (metric: string) => `sum by (envoy_cluster_name) (${rate(metric, outbound)})`;
  const destination = '{{envoy_cluster_name}}';
  const quantile = (q: number, matchers: string, by: string) =>
    `histogram_quantile(${q}, sum by (${by}) (${rate('envoy_cluster_upstream_rq_time_bucket', matchers)}))`;
  return new Dashboard({
    uid: uidFor('kuma-service', jobName),
    title: `Kuma service (${jobName})`,
    description: `One service of the proxies scraped by job ${jobName}: its proxies, the requests it receives, and the services it calls.`,
    tags: ['kuma', 'envoy'],
    minInterval: scrapeInterval,
    variables: [
      DashboardVariable.labelValues({ name: 'mesh', label: 'mesh', selector: `up{job="${jobName}"}`, multi: false }),
      DashboardVariable.labelValues({ name: 'service', label: 'service', selector: `up{job="${jobName}",mesh="$mesh"}`, multi: false }),
    ],
    rows: [
      new DashboardRow({
        title: 'Proxies',
        panels: [
          DashboardPanel.stat({
            title: 'Proxies online',
            description: 'The service\'s proxies scraped whose Envoy is live (not draining).',
            queries: [{ expr: countOrZero(`(up{${proxies}} == 1) unless (envoy_server_live{${proxies}} == 0)`) }],
          }),
          DashboardPanel.stat({
            title: 'Proxies offline',
            description: 'The service\'s proxies whose metrics could not be scraped, or whose Envoy is draining.',
            queries: [{ expr: countOrZero(`(up{${proxies}} == 0) or (envoy_server_live{${proxies}} == 0)`) }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
          DashboardPanel.stat({
            title: 'Proxies',
            description: 'Each proxy of the service: 1 scraped, 0 not.',
            width: 12,
            queries: [{ expr: `max by (dataplane) (up{${proxies}})`, legend: '{{dataplane}}' }],
            baseColor: 'red',
            thresholds: [{ value: 1, color: 'green' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Incoming requests',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Requests',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: inSum('envoy_cluster_upstream_rq_total'), legend: 'requests' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Error ratio',
            description: 'The share of responses with a 5xx status.',
            unit: GrafanaUnit.PERCENT_UNIT,
            queries: [{
              // Envoy creates the counter of a status class on its first response: 0 until then.
              expr: `(${inSum('envoy_cluster_upstream_rq_xx', ',envoy_response_code_class="5"')} or ${inSum('envoy_cluster_upstream_rq_total')} * 0)`
                + ` / ${inSum('envoy_cluster_upstream_rq_total')}`,
              legend: '5xx',
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Latency',
            description: 'From the request passed to the application to its whole response, as the service\'s proxies measure it.',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [
              { expr: quantile(0.5, inbound, 'le'), legend: 'p50' },
              { expr: quantile(0.99, inbound, 'le'), legend: 'p99' },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Responses by status class',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            stacked: true,
            queries: [{
              expr: `sum by (envoy_response_code_class) (${rate('envoy_cluster_upstream_rq_xx', inbound)})`,
              legend: '{{envoy_response_code_class}}xx',
            }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Upstream dependencies',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Upstream requests',
            description: 'The requests the service sends to each service it calls.',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: byDestination('envoy_cluster_upstream_rq_total'), legend: destination }],
          }),
          DashboardPanel.timeSeries({
            title: 'Upstream error ratio',
            description: 'The share of each called service\'s responses with a 5xx status.',
            unit: GrafanaUnit.PERCENT_UNIT,
            queries: [{
              expr: `(sum by (envoy_cluster_name) (${rate('envoy_cluster_upstream_rq_xx', `${outbound},envoy_response_code_class="5"`)})`
                + ` or ${byDestination('envoy_cluster_upstream_rq_total')} * 0) / ${byDestination('envoy_cluster_upstream_rq_total')}`,
              legend: destination,
            }],
          }),
          DashboardPanel.timeSeries({
            title: 'Upstream latency (99th percentile)',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [{ expr: quantile(0.99, outbound, 'le, envoy_cluster_name'), legend: destination }],
          }),
          DashboardPanel.timeSeries({
            title: 'Upstream failures',
            description: 'Connection failures, timeouts and retries towards each called service.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: byDestination('envoy_cluster_upstream_cx_connect_fail'), legend: `${destination} connect failures` },
              { expr: byDestination('envoy_cluster_upstream_rq_timeout'), legend: `${destination} timeouts` },
              { expr: byDestination('envoy_cluster_upstream_rq_retry'), legend: `${destination} retries` },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Upstream active connections',
            queries: [{ expr: `sum by (envoy_cluster_name) (envoy_cluster_upstream_cx_active{${outbound}})`, legend: destination }],
          }),
        ],
      }),
    ],
  });
}
