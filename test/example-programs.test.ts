// The README's samples come from whole programs under examples/ (a main.ts as a user writes it:
// imports, an App, a Chart, app.synth()). Each runs here as it stands, and what it writes goes
// through the real validators (runExampleProgram).
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { findObjects } from './harness';
import { runExampleProgram } from './util';

const root = path.join(__dirname, '..');

/** The examples that are whole programs: a main.ts that makes its own App and Chart. */
const programs = fs.readdirSync(path.join(root, 'examples'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, 'examples', e.name, 'main.ts')))
  .map((e) => e.name)
  .filter((name) => /new Chart\(/.test(fs.readFileSync(path.join(root, 'examples', name, 'main.ts'), 'utf8')));

test('the README programs are here', () => {
  expect(programs).toEqual(expect.arrayContaining(['quick-start', 'prometheus-server', 'weave-net']));
});

test.each(programs.map((p) => [p]))('examples/%s/main.ts writes valid manifests and configurations', (name) => {
  expect(runExampleProgram(name).objects.length).toBeGreaterThan(0);
});

test('examples/prometheus-server/main.ts has every job, rule group and remote write its README samples add', () => {
  const { objects } = runExampleProgram('prometheus-server');
  const [cm] = findObjects(objects, 'ConfigMap').filter((c) => c.data?.['prometheus.yml'] !== undefined);
  const config = YAML.parse(cm.data['prometheus.yml']);
  expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'edge-hosts', 'shop']);
  expect(config.remote_write.map((w: any) => w.url)).toEqual(['https://mimir.example.com/api/v1/push']);
  expect(config.alerting.alertmanagers).toHaveLength(1);
  expect(YAML.parse(cm.data['rules.yml']).groups.map((g: any) => g.name)).toEqual(['availability']);
});
