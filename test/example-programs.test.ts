// The README's samples come from whole programs under examples/ (a main.ts as a user writes it:
// imports, an App, a Chart, app.synth()). Each runs here as it stands, and what it writes goes
// through the real validators (runExampleProgram).
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { findObjects } from './harness';
import { examplePrograms, runExampleProgram } from './util';

const programs = examplePrograms();

test('the README programs are here', () => {
  expect(programs.filter((p) => p.file === 'main.ts').map((p) => p.example))
    .toEqual(expect.arrayContaining(['quick-start', 'prometheus-server', 'weave-net']));
});

test('a variant another test is running beside an example is not an example', () => {
  // runExampleProgram({ replace }) writes examples/<name>/.variant-<pid>-<file> and removes it
  // afterwards; a test in another worker that lists the examples meanwhile must not pick it up.
  const dir = path.join(__dirname, '..', 'examples', 'quick-start');
  const variant = path.join(dir, '.variant-0-main.ts');
  fs.copyFileSync(path.join(dir, 'main.ts'), variant);
  try {
    expect(examplePrograms().filter((p) => p.example === 'quick-start').map((p) => p.file)).toEqual(['main.ts']);
  } finally {
    fs.rmSync(variant, { force: true });
  }
});

test.each(programs.map((p) => [`${p.example}/${p.file}`, p]))('examples/%s writes valid manifests and configurations', (_name, p) => {
  expect(runExampleProgram(p.example, { file: p.file }).objects.length).toBeGreaterThan(0);
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
