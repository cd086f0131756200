// The README shows only real code and real messages: each TypeScript block is an excerpt of a
// file under examples/ (which other tests synthesize), and each error line is what the code throws.
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import {
  Dashboard, DashboardPanel, DashboardRow, GrafanaAdminCredentials, PrometheusStack, Relabel, RemoteWrite, ScrapeJob, ServiceDiscovery,
} from '../src';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

function blocks(lang: string): string[] {
  const re = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  return [...readme.matchAll(re)].map((m) => m[1]);
}

function exampleFiles(dir = path.join(root, 'examples')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' ? [] : exampleFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

test.each(blocks('ts').map((b, i) => [i, b]))('TypeScript block %i is an excerpt of an example', (_, block) => {
  const wanted = lines(block as string).join('\n');
  const sources = exampleFiles().map((f) => lines(fs.readFileSync(f, 'utf8')).join('\n'));
  expect(sources.some((s) => s.includes(wanted))).toBe(true);
});

test('the README has TypeScript examples', () => {
  expect(blocks('ts').length).toBeGreaterThanOrEqual(5);
});

test('every error message in the README is what the code throws', () => {
  const thrown = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('did not throw');
  };
  const produced = [
    thrown(() => new PrometheusStack(new Chart(Testing.app(), 'test'), 'prometheus', { nodePort: 20000 })),
    thrown(() => Relabel.keep({ sourceLabels: ['a'], regex: '(?<=a)b' })),
    thrown(() => Relabel.replace({ sourceLabels: ['a'], regex: '(.+)', targetLabel: 'b', replacement: '$1_suffix' })),
    thrown(() => new ScrapeJob({
      jobName: 'weave',
      scrapeInterval: Duration.seconds(15),
      scrapeTimeout: Duration.seconds(20),
      discovery: [ServiceDiscovery.staticTargets({ targets: ['localhost:6782'] })],
    })),
    thrown(() => new RemoteWrite({ url: 'mimir.example.com/api/v1/push' })),
    thrown(() => new Dashboard({
      uid: 'checkout',
      title: 'Checkout',
      rows: [new DashboardRow({ title: 'Traffic', panels: [DashboardPanel.timeSeries({ title: 'Requests', queries: [{ expr: 'sum(rate(http_requests_total[5m])' }] })] })],
    })),
    thrown(() => {
      const chart = new Chart(Testing.app(), 'test');
      new PrometheusStack(chart, 'prometheus', {
        grafana: {
          adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin'),
          settings: { 'security.admin_password': 'hunter2' },
        },
      });
    }),
    thrown(() => {
      const chart = new Chart(Testing.app(), 'test');
      const stack = new PrometheusStack(chart, 'prometheus');
      const grafana = stack.addGrafana({ adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
      const dashboard = () => new Dashboard({ uid: 'checkout', title: 'Checkout' });
      grafana.addDashboard(dashboard());
      grafana.addDashboard(dashboard());
    }),
  ];
  const errorsBlock = blocks('text')[0];
  expect(lines(errorsBlock)).toEqual(produced);
});
