// The Applications dashboard's queries in a real Prometheus, over targets labelled the way the
// stack's EndpointSlice jobs label an AppServiceMonitor's targets (namespace, endpoint, job = the
// Service): every panel shows the applications' scrape health, and nothing of other jobs.
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { AppServiceMonitor, Grafana, GrafanaAdminCredentials, PodSelection, PrometheusStack } from '../../src';
import { startMetricsServer, startPrometheus } from '../harness';
import { newChart } from '../util';

test('every panel of the Applications dashboard shows the applications\' scrapes, in a real Prometheus', async () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
  const app = new kplus.Deployment(chart, 'checkout', { metadata: { namespace: 'shop' }, containers: [{ image: 'checkout:1.0.0', portNumber: 8080 }] });
  const monitor = new AppServiceMonitor(chart, 'checkout-metrics', { pods: PodSelection.fromPods(app), metricsPort: 9102, stack });
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const dashboard = grafana.dashboards.find((d) => d.title === 'Applications')!;
  expect(dashboard).toBeDefined();

  const metrics = await startMetricsServer('http_requests_total{code="200"} 10\nhttp_requests_total{code="500"} 1\nprocess_open_fds 12\n');
  try {
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: [
        // The application's target, with the labels its job gives it; and an unreachable replica.
        {
          job_name: monitor.serviceName,
          static_configs: [
            { targets: [metrics.address], labels: { namespace: 'shop', endpoint: monitor.portName, pod: 'checkout-1' } },
            { targets: ['127.0.0.1:1'], labels: { namespace: 'shop', endpoint: monitor.portName, pod: 'checkout-2' } },
          ],
        },
        // Another job, not an application's (no endpoint label): not on this dashboard.
        { job_name: 'node', static_configs: [{ targets: [metrics.address], labels: { namespace: 'shop' } }] },
      ],
    };
    const prometheus = await startPrometheus(YAML.stringify(config));
    try {
      const run = async (expr: string) => (await prometheus.query(expr.replace(/\$\w+/g, '.+'))).result;
      await prometheus.waitFor(async () => (await run('up')).length === 3, 30_000, 'the first scrapes');
      const figures: Record<string, Array<[string, string]>> = {};
      for (const q of dashboard.queries) {
        figures[`${q.panelTitle}/${q.legend ?? ''}`] = (await run(q.expr)).map((s) => [s.metric.job ?? '', s.value![1]]);
      }
      const job = monitor.serviceName;
      expect(figures).toMatchObject({
        'Targets up/': [['', '1']],
        'Targets down/': [['', '1']],
        'Up/{{namespace}}/{{job}}': [[job, '0.5']],
        'Samples per scrape/{{namespace}}/{{job}} scraped': [[job, '3']],
        'Samples per scrape/{{namespace}}/{{job}} kept': [[job, '3']],
      });
      expect(figures['Scrape duration/{{namespace}}/{{job}}'].map(([j]) => j)).toEqual([job]);
      expect(figures['New series per scrape/{{namespace}}/{{job}}'].map(([j]) => j)).toEqual([job]);
      // The variables offer the application's namespace and Service only.
      const values = async (label: string, selector: string) =>
        (await run(`group by (${label}) (${selector})`)).map((s) => s.metric[label]);
      const [namespaceVar, jobVar] = dashboard.toJson('prometheus').templating.list;
      expect(await values('namespace', /label_values\((.+), namespace\)/.exec(namespaceVar.query.query)![1])).toEqual(['shop']);
      expect(await values('job', /label_values\((.+), job\)/.exec(jobVar.query.query)![1])).toEqual([job]);
    } finally {
      await prometheus.stop();
    }
  } finally {
    await metrics.stop();
  }
}, 60_000);
