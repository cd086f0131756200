// Synthesizes a chart and runs every output through the real validators: the Kubernetes
// schemas (strict), promtool for each prometheus.yml and rule file. Tests of every construct use it.
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { Warnings } from '../src';
import { checkAlertmanagerConfig, checkConfig, findObjects, makeTempDir, removeTempDir, validateManifests } from './harness';

export interface Synthesized {
  /** Every object of the chart, in output order. */
  readonly objects: any[];
  /** The parsed prometheus.yml of each ConfigMap that has one, by ConfigMap name. */
  readonly prometheusConfigs: { [configMap: string]: any };
}

/** Synthesizes the chart, validates every object and checks each prometheus.yml and rule file with promtool. */
export function synthAndCheck(chart: Chart): Synthesized {
  return checkObjects(Testing.synth(chart));
}

/** A program under examples/ that makes its own App and Chart and writes manifests. */
export interface ExampleProgram {
  /** The example's directory under examples/. */
  readonly example: string;
  /** The program's file in it, e.g. main.ts. */
  readonly file: string;
}

/** Every program under examples/ that writes manifests (a file that makes a Chart and calls app.synth()), in path order. */
export function examplePrograms(): ExampleProgram[] {
  const root = path.join(__dirname, '..', 'examples');
  return fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    .flatMap((example) => fs.readdirSync(path.join(root, example)).sort()
      // A dot file is a variant another test is running (see runExampleProgram), not an example.
      .filter((file) => !file.startsWith('.') && file.endsWith('.ts') && /new Chart\([\s\S]*app\.synth\(\)/.test(fs.readFileSync(path.join(root, example, file), 'utf8')))
      .map((file) => ({ example, file })));
}

/** A program under examples/ run as a user runs it, checked like a chart. */
export interface ProgramRun extends Synthesized {
  /** What the program printed with console.log, line by line. */
  readonly printed: string[];
}

/**
 * Runs examples/<name>/main.ts in this process as `cdk8s synth` would: in its own directory,
 * writing into a temporary directory (CDK8S_OUTDIR), and checks what it wrote like `synthAndCheck`.

 */
export function runExampleProgram(name: string, options: ProgramOptions = {}): ProgramRun {
  const dir = path.join(__dirname, '..', 'examples', name);
  const source = path.join(dir, options.file ?? 'main.ts');
  // A variant: the same program with one expression changed, run from a copy beside it.
  let program = source;
  if (options.replace) {
    const [from, to] = options.replace;
    const text = fs.readFileSync(source, 'utf8');
    if (!text.includes(from)) throw new Error(`examples/${name}/${options.file ?? 'main.ts'} has no '${from}'`);
    program = path.join(dir, `.variant-${process.pid}-${path.basename(source)}`);
    fs.writeFileSync(program, text.split(from).join(to));
  }
  const outdir = makeTempDir('example-program-');
  const saved = { cwd: process.cwd(), outdir: process.env.CDK8S_OUTDIR, log: console.log };
  const printed: string[] = [];
  try {
    process.chdir(dir);
    process.env.CDK8S_OUTDIR = outdir;
    console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
    // The program runs when its module loads, as under `cdk8s synth`; a fresh registry each time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require(program));
    const manifests = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).sort();
    if ((manifests.length > 0) !== (options.manifests ?? true)) {
      throw new Error(`examples/${name}/${options.file ?? 'main.ts'} wrote ${manifests.length} manifests`);
    }
    const objects = manifests.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8'))
      .map((d) => d.toJS()).filter((o) => o !== null));
    return { ...checkObjects(objects), printed };
  } finally {
    console.log = saved.log;
    process.chdir(saved.cwd);
    if (saved.outdir === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = saved.outdir;
    removeTempDir(outdir);
    if (program !== source) fs.rmSync(program, { force: true });
  }
}

/** How `runExampleProgram` runs a program. */
export interface ProgramOptions {
  /** The program's file in the example's directory. Default: main.ts. */
  readonly file?: string;
  /** Whether it writes manifests (a program that prints what it makes writes none). Default: true. */
  readonly manifests?: boolean;
  /** Runs a variant: the program with every `from` replaced by `to`. */
  readonly replace?: [string, string];
}

/** Validates every object, checks each prometheus.yml and rule file with promtool, each alertmanager.yml with amtool. */
export function checkObjects(objects: any[]): Synthesized {
  validateManifests(objects);
  const prometheusConfigs: { [configMap: string]: any } = {};
  for (const cm of findObjects(objects, 'ConfigMap')) {
    const data: { [file: string]: string } = cm.data ?? {};
    if (data['prometheus.yml'] === undefined) continue;
    const config = YAML.parse(data['prometheus.yml']);
    const rulesYaml: { [file: string]: string } = {};
    for (const file of config.rule_files ?? []) {
      expect(data).toHaveProperty([file]);
      rulesYaml[file] = data[file];
    }
    checkConfig(data['prometheus.yml'], { rulesYaml });
    prometheusConfigs[cm.metadata.name] = config;
  }
  // Each alertmanager.yml, with its templates beside it, through amtool check-config.
  for (const secret of findObjects(objects, 'Secret')) {
    const { 'alertmanager.yml': amConfig, ...files } = secret.stringData ?? {};
    if (amConfig !== undefined) checkAlertmanagerConfig(amConfig, files);
  }
  return { objects, prometheusConfigs };
}

/** The single prometheus.yml of a synthesized chart. */
export function onlyConfig(s: Synthesized): any {
  const configs = Object.values(s.prometheusConfigs);
  expect(configs).toHaveLength(1);
  return configs[0];
}

/** A scrape job of a parsed prometheus.yml, by name. */
export function jobNamed(config: any, name: string): any {
  const job = (config.scrape_configs ?? []).find((j: any) => j.job_name === name);
  if (!job) throw new Error(`no scrape job '${name}'; jobs: ${(config.scrape_configs ?? []).map((j: any) => j.job_name).join(', ')}`);
  return job;
}

export function newChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** Asserts that fn throws and that the message contains every fragment. */
export function expectError(fn: () => unknown, ...fragments: string[]): void {
  let message: string | undefined;
  try {
    fn();
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toBeDefined();
  for (const f of fragments) expect(message).toContain(f);
}

/**
 * The objects with each Grafana dashboard ConfigMap's JSON cut to its uid, title and panel
 * titles, for snapshots: the dashboards have their own tests, a snapshot pins which ones there are.
 */
export function withDashboardSummaries(objects: any[]): any[] {
  return objects.map((o) => {
    if (o.kind !== 'ConfigMap' || o.metadata.labels?.['cdk8s-prometheus-monitoring/dashboard'] === undefined) return o;
    const dashboard = JSON.parse(o.data['dashboard.json']);
    const panels = dashboard.panels.filter((p: any) => p.type !== 'row').map((p: any) => p.title);
    return { ...o, data: { 'dashboard.json': { uid: dashboard.uid, title: dashboard.title, panels } } };
  });
}

/**
 * The warnings of `scope` but the advice to authenticate a Prometheus published on the nodes
 * (every stack with the default NodePort Service gets it; test/stack/web-auth.test.ts tests it).
 */
export function warningsBesidesWebAuth(scope: IConstruct): string[] {
  return Warnings.of(scope).filter((w) => !/publishes Prometheus on the nodes without authentication/.test(w));
}

/** What a `console.warn` spy printed, but the advice to authenticate a published Prometheus. */
export function printedBesidesWebAuth(warn: jest.SpyInstance): string[] {
  return warn.mock.calls.map((c) => String(c[0])).filter((m) => !/publishes Prometheus on the nodes without authentication/.test(m));
}
