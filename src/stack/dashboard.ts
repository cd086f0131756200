// The dashboard of a PrometheusStack's own server. Not exported from the package.
import type { PrometheusStack } from './prometheus-stack';
import { uidFor } from '../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, GrafanaUnit } from '../model/dashboard';

/** Prometheus's health: targets, TSDB, rules, remote write and resources (its self-scrape job). */
export function prometheusDashboard(stack: PrometheusStack): Dashboard {
  const self = 'job="prometheus"';
  const rate = (metric: string, matchers = self) => `rate(${metric}{${matchers}}[$__rate_interval])`;
  return new Dashboard({
    uid: uidFor('prometheus', stack.node.path),
    title: `Prometheus (${stack.namespaceName}/${stack.serviceName})`,
    description: 'The Prometheus server itself: targets, storage, rules and remote write.',
    tags: ['prometheus'],
    rows: [
      new DashboardRow({
        title: 'Targets',
        panels: [
          DashboardPanel.stat({ title: 'Targets up', queries: [{ expr: 'sum(up)' }] }),
          DashboardPanel.stat({
            title: 'Targets down',
            description: 'Targets whose last scrape failed.',
            queries: [{ expr: 'count(up == 0) or vector(0)' }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
          DashboardPanel.stat({ title: 'Series in memory', queries: [{ expr: `sum(prometheus_tsdb_head_series{${self}})` }] }),
          DashboardPanel.stat({
            title: 'Samples appended',
            unit: GrafanaUnit.custom('cps'),
            queries: [{ expr: `sum(${rate('prometheus_tsdb_head_samples_appended_total')})` }],
          }),
          DashboardPanel.timeSeries({
            title: 'Targets down by job',
            queries: [{ expr: 'count by (job) (up == 0)', legend: '{{job}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Scrape duration by job',
            description: 'The slowest target of each job; near the scrape timeout, scrapes start failing.',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: 'max by (job) (scrape_duration_seconds)', legend: '{{job}}' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Rules and remote write',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Rule evaluation failures',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [{ expr: `sum by (rule_group) (${rate('prometheus_rule_evaluation_failures_total')})`, legend: '{{rule_group}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Rule group duration',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: `max by (rule_group) (prometheus_rule_group_last_duration_seconds{${self}})`, legend: '{{rule_group}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Remote write: failed samples',
            unit: GrafanaUnit.OPS_PER_SECOND,
            queries: [{ expr: `sum by (remote_name) (${rate('prometheus_remote_storage_samples_failed_total')})`, legend: '{{remote_name}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Remote write: pending samples',
            queries: [{ expr: `sum by (remote_name) (prometheus_remote_storage_samples_pending{${self}})`, legend: '{{remote_name}}' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Resources',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Memory',
            unit: GrafanaUnit.BYTES,
            queries: [{ expr: `process_resident_memory_bytes{${self}}`, legend: 'resident' }],
          }),
          DashboardPanel.timeSeries({
            title: 'CPU',
            unit: GrafanaUnit.custom('cores'),
            queries: [{ expr: rate('process_cpu_seconds_total'), legend: 'cores' }],
          }),
        ],
      }),
    ],
  });
}
