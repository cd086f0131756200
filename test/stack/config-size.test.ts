// A ConfigMap the API server would refuse ("Too long", over 1 MiB) fails at synthesis with the
// size of each file and the way out.
import { Testing } from 'cdk8s';
import { AlertingRule, PrometheusStack, RuleGroup, ScrapeJob, ServiceDiscovery } from '../../src';
import { expectError, newChart, synthAndCheck, warningsBesidesWebAuth } from '../util';

/** One static job per app, as a naive generator would write them (about 200 bytes each). */
const appJob = (i: number) => new ScrapeJob({
  jobName: `app-${i}`,
  discovery: [ServiceDiscovery.staticTargets({
    targets: [`app-${i}.apps.svc.cluster.local:8080`],
    labels: { team: `team-${i % 50}`, owner: `owner-${i % 50}@example.com`, cost_center: `cc-${i % 7}-shared-platform` },
  })],
});

test('thousands of apps as static jobs exceed 1 MiB: the error gives the sizes and points at discovery-based jobs', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prom');
  for (let i = 0; i < 6_000; i++) stack.addScrapeJob(appJob(i));
  expectError(() => Testing.synth(chart), "test/prom: 'config' must fit in a ConfigMap (at most 1048576 bytes",
    '"Too long"', 'prometheus.yml ', ' bytes', 'kubernetes_sd');
});

test('huge externalLabels are reported the same way', () => {
  const chart = newChart();
  new PrometheusStack(chart, 'prom', { externalLabels: { note: 'x'.repeat(1_100_000) } });
  expectError(() => Testing.synth(chart), "'config' must fit in a ConfigMap", 'prometheus.yml', 'externalLabels');
});

test('rules that make the ConfigMap too big point at a ruler', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prom');
  for (let g = 0; g < 40; g++) {
    stack.addRuleGroup(new RuleGroup({
      name: `group-${g}`,
      rules: Array.from({ length: 50 }, (_, r) => new AlertingRule({
        alert: `Alert${g}x${r}`, expr: `up{job="app-${r}"} == 0`, annotations: { description: `${'The app is down. '.repeat(40)}{{ $labels.instance }}` },
      })),
    }));
  }
  expectError(() => Testing.synth(chart), "'config' must fit in a ConfigMap", 'rules.yml', 'Thanos ruler');
});

test('a ConfigMap over what client-side apply can annotate warns, and stays valid for promtool and the strict validator', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prom');
  for (let i = 0; i < 1_500; i++) stack.addScrapeJob(appJob(i));
  const cm = synthAndCheck(chart).objects.find((o) => o.kind === 'ConfigMap');
  expect(Buffer.byteLength(cm.data['prometheus.yml'])).toBeLessThan(1024 * 1024);
  expect(warningsBesidesWebAuth(chart)).toEqual([expect.stringContaining('kubectl apply --server-side')]);
});

test('an ordinary stack has no size warning', () => {
  const chart = newChart();
  new PrometheusStack(chart, 'prom');
  Testing.synth(chart);
  expect(warningsBesidesWebAuth(chart)).toEqual([]);
});
