// The dashboard of the applications a stack scrapes through their Services. Not exported.
import { uidFor } from '../../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit } from '../../model/dashboard';

/**
 * Scrape health of the applications scraped through EndpointSlices (AppServiceMonitor): their
 * targets carry `namespace`, `endpoint` and `job` (the Service name), as ServiceMonitor
 * targets do.
 */
export function applicationsDashboard(stackPath: string): Dashboard {
  const apps = 'namespace=~"$namespace",job=~"$job",endpoint!=""';
  const by = 'namespace, job';
  return new Dashboard({
    uid: uidFor('applications', stackPath),
    title: 'Applications',
    description: 'Whether each monitored application is scraped, and what its scrapes cost.',
    tags: ['applications'],
    variables: [
      DashboardVariable.labelValues({ name: 'namespace', label: 'namespace', selector: 'up{endpoint!=""}' }),
      DashboardVariable.labelValues({ name: 'job', label: 'job', selector: 'up{namespace=~"$namespace",endpoint!=""}', title: 'application' }),
    ],
    rows: [
      new DashboardRow({
        title: 'Targets',
        panels: [
          DashboardPanel.stat({ title: 'Targets up', queries: [{ expr: `sum(up{${apps}})` }] }),
          DashboardPanel.stat({
            title: 'Targets down',
            queries: [{ expr: `count(up{${apps}} == 0) or vector(0)` }],
            thresholds: [{ value: 1, color: 'red' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Up',
            description: 'The share of each application\'s targets whose last scrape succeeded.',
            unit: GrafanaUnit.PERCENT_UNIT,
            min: 0,
            max: 1,
            queries: [{ expr: `avg by (${by}) (up{${apps}})`, legend: '{{namespace}}/{{job}}' }],
          }),
        ],
      }),
      new DashboardRow({
        title: 'Scrapes',
        panels: [
          DashboardPanel.timeSeries({
            title: 'Scrape duration',
            unit: GrafanaUnit.SECONDS,
            queries: [{ expr: `max by (${by}) (scrape_duration_seconds{${apps}})`, legend: '{{namespace}}/{{job}}' }],
          }),
          DashboardPanel.timeSeries({
            title: 'Samples per scrape',
            description: 'Samples scraped, and kept after metric relabelling.',
            queries: [
              { expr: `sum by (${by}) (scrape_samples_scraped{${apps}})`, legend: '{{namespace}}/{{job}} scraped' },
              { expr: `sum by (${by}) (scrape_samples_post_metric_relabeling{${apps}})`, legend: '{{namespace}}/{{job}} kept' },
            ],
          }),
          DashboardPanel.timeSeries({
            title: 'New series per scrape',
            description: 'Series seen for the first time; a high steady value means a label with unbounded values.',
            queries: [{ expr: `sum by (${by}) (scrape_series_added{${apps}})`, legend: '{{namespace}}/{{job}}' }],
          }),
        ],
      }),
    ],
  });
}
