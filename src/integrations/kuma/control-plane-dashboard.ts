// The dashboard of the Kuma control plane's own metrics. Not exported from the package.
import { Duration } from 'cdk8s';
import { CONTROL_PLANE_JOB } from './control-plane';
import { Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit } from '../../model/dashboard';

/**
 * The control plane replicas scraped by the `kuma-control-plane` job, per `pod`: who leads, the
 * resources in the store, the xDS configuration it generates and delivers to the proxies, its
 * API server and MADS (which Prometheus discovers the proxies through), its store, and the Go
 * process. The metrics are kuma-cp 2.12's (kumahq/kuma pkg/metrics, pkg/xds/metrics,
 * pkg/util/xds/stats_callbacks.go, pkg/api-server/server.go, pkg/mads/server/server.go).
 */
export function kumaControlPlaneDashboard(scrapeInterval?: Duration): Dashboard {
  const job = `job="${CONTROL_PLANE_JOB}"`;
  const cp = `${job},pod=~"$pod"`;
  const rate = (metric: string, matchers = '') => `rate(${metric}{${cp}${matchers}}[$__rate_interval])`;
  const p99 = (metric: string, by: string) => `histogram_quantile(0.99, sum by (le, ${by}) (${rate(`${metric}_bucket`)}))`;
  return new Dashboard({
    uid: 'kuma-control-plane',
    title: 'Kuma control plane',
    description: `The Kuma control plane replicas scraped by job ${CONTROL_PLANE_JOB}: leadership, resources, xDS, API server, MADS and store.`,
    tags: ['kuma'],
    minInterval: scrapeInterval,
    variables: [DashboardVariable.labelValues({ name: 'pod', label: 'pod', title: 'replica', selector: `up{${job}}` })],
    rows: [
      new DashboardRow({
        title: 'Replicas',
        panels: [
          DashboardPanel.stat({ title: 'Replicas up', queries: [{ expr: `sum(up{${cp}})` }] }),
          DashboardPanel.stat({
            title: 'Replicas down',
            queries: [{ expr: `count(up{${cp}} == 0) or vector(0)` }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
          DashboardPanel.stat({
            title: 'Leaders',
            description: 'One replica leads and runs the components that must run once (resource counts, insights, the VIP allocator); 0 or 2 is wrong.',
            queries: [{ expr: `sum(leader{${job}})` }],
            baseColor: 'red',
            thresholds: [{ value: 1, color: 'green' }, { value: 2, color: 'red' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Replicas by version',
            queries: [{ expr: `count by (version) (cp_info{${cp}})`, legend: '{{version}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Resources',
            description: 'Resources in the store by type, as the leader counts them every minute.',
            queries: [{ expr: `max by (resource_type) (resources_count{${job}})`, legend: '{{resource_type}}' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Proxy configuration (xDS)',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Connected proxies',
            queries: [{ expr: `sum by (pod) (xds_streams_active{${cp}})`, legend: '{{pod}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Configuration exchange',
            description: 'Responses sent to the proxies, and the proxies\' answers: accepted (ACK) or rejected (NACK).',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: `sum(${rate('xds_responses_sent')})`, legend: 'sent' },
              { expr: `sum(${rate('xds_requests_received', ',confirmation="ACK"')})`, legend: 'accepted' },
              { expr: `sum(${rate('xds_requests_received', ',confirmation="NACK"')})`, legend: 'rejected' },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Configuration generations',
            description: 'Each proxy\'s configuration is regenerated periodically: changed, generated, or skipped when nothing changed; errors failed.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [
              { expr: `sum by (result) (${rate('xds_generation_count')})`, legend: '{{result}}' },
              { expr: `sum(${rate('xds_generation_errors')})`, legend: 'errors' },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'Generation time (99th percentile)',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [{ expr: `max by (pod, proxy_type) (xds_generation{${cp},quantile="0.99"})`, legend: '{{pod}} {{proxy_type}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Delivery time (99th percentile)',
            description: 'From a configuration ready to the proxy\'s answer.',
            unit: GrafanaUnit.MILLISECONDS,
            queries: [{ expr: `max by (pod) (xds_delivery{${cp},quantile="0.99"})`, legend: '{{pod}}' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'API server and MADS',
        panels: [
          DashboardPanel.timeSeries({
            title: 'API server requests',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: `sum by (code) (${rate('api_server_http_request_duration_seconds_count')})`, legend: '{{code}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'API server latency (99th percentile)',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: p99('api_server_http_request_duration_seconds', 'handler'), legend: '{{handler}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'MADS requests',
            description: 'Prometheus\'s discovery of the proxies (kuma_sd_configs).',
            unit: GrafanaUnit.REQUESTS_PER_SECOND,
            queries: [{ expr: `sum by (code) (${rate('mads_server_http_request_duration_seconds_count')})`, legend: '{{code}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'MADS latency (99th percentile)',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: p99('mads_server_http_request_duration_seconds', 'handler'), legend: '{{handler}}' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Store',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Store latency (99th percentile)',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: p99('store', 'operation'), legend: '{{operation}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Store conflicts',
            description: 'Updates that lost a race with another writer and were retried.',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [{ expr: `sum by (resource_type) (${rate('store_conflicts')})`, legend: '{{resource_type}}' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Process',
        panels: [
          DashboardPanel.timeSeries({
            title: 'CPU (cores)',
            queries: [{ expr: `sum by (pod) (${rate('process_cpu_seconds_total')})`, legend: '{{pod}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Resident memory',
            unit: GrafanaUnit.BYTES,
            queries: [{ expr: `sum by (pod) (process_resident_memory_bytes{${cp}})`, legend: '{{pod}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Goroutines',
            queries: [{ expr: `sum by (pod) (go_goroutines{${cp}})`, legend: '{{pod}}' }],
          }),
        ],
      }),
    ],
  });
}
