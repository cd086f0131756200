// The README's samples come from whole programs under examples/ (a main.ts as a user writes it:
// imports, an App, a Chart, app.synth()). Each runs here as it stands, writing into a temporary
// directory through CDK8S_OUTDIR, and what it writes goes through the real validators.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { checkConfig, findObjects, makeTempDir, removeTempDir, validateManifests } from './harness';

const root = path.join(__dirname, '..');

/** The examples that are whole programs: a main.ts that makes its own App and Chart. */
const programs = fs.readdirSync(path.join(root, 'examples'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => path.join('examples', e.name, 'main.ts'))
  .filter((f) => fs.existsSync(path.join(root, f)) && /new Chart\(/.test(fs.readFileSync(path.join(root, f), 'utf8')));

/** Runs a program in this process and returns the objects of every manifest it wrote. */
function runProgram(file: string): any[] {
  const outdir = makeTempDir('example-program-');
  const before = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    jest.isolateModules(() => require(path.join(root, file)));
    const manifests = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'));
    expect(manifests).not.toEqual([]);
    return manifests.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8'))
      .map((d) => d.toJS()).filter((o) => o !== null));
  } finally {
    if (before === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = before;
    removeTempDir(outdir);
  }
}

test('the README programs are here', () => {
  expect(programs).toEqual(expect.arrayContaining(['examples/quick-start/main.ts', 'examples/prometheus-server/main.ts']));
});

test.each(programs.map((p) => [p]))('%s writes valid manifests and configurations', (file) => {
  const objects = runProgram(file);
  validateManifests(objects);
  for (const cm of findObjects(objects, 'ConfigMap')) {
    const data: { [file: string]: string } = cm.data ?? {};
    if (data['prometheus.yml'] === undefined) continue;
    const rulesYaml: { [file: string]: string } = {};
    for (const rules of YAML.parse(data['prometheus.yml']).rule_files ?? []) rulesYaml[rules] = data[rules];
    checkConfig(data['prometheus.yml'], { rulesYaml });
  }
});

test('examples/prometheus-server/main.ts has every job, rule group and remote write its README samples add', () => {
  const objects = runProgram('examples/prometheus-server/main.ts');
  const [cm] = findObjects(objects, 'ConfigMap').filter((c) => c.data?.['prometheus.yml'] !== undefined);
  const config = YAML.parse(cm.data['prometheus.yml']);
  expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'edge-hosts', 'shop']);
  expect(config.remote_write.map((w: any) => w.url)).toEqual(['https://mimir.example.com/api/v1/push']);
  expect(config.alerting.alertmanagers).toHaveLength(1);
  expect(YAML.parse(cm.data['rules.yml']).groups.map((g: any) => g.name)).toEqual(['availability']);
});
