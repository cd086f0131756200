// The README's samples come from whole programs under examples/ (a main.ts as a user writes it:
// imports, an App, a Chart, app.synth()). Each runs here as it stands, and what it writes goes
// through the real validators (runExampleProgram).
import * as YAML from 'yaml';
import { findObjects } from './harness';
import { examplePrograms, runExampleProgram } from './util';

const programs = examplePrograms();

test('the README programs are here', () => {
  expect(programs.filter((p) => p.file === 'main.ts').map((p) => p.example))
    .toEqual(expect.arrayContaining(['quick-start', 'prometheus-server', 'weave-net']));
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
