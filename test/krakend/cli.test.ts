// The command line: in-process through main(), and once for real, as npm installs it: the
// shipped bin script requiring ../lib/integrations/krakend/cli.js, run by node in a child process.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { expectValidKrakendConfig } from './krakend-schema';
import { main } from '../../src/integrations/krakend/cli';

const root = path.join(__dirname, '..', '..');

const DOC_CONFIG = {
  version: 3,
  extra_config: {
    'telemetry/opencensus': {
      sample_rate: 100,
      reporting_period: 0,
      exporters: { prometheus: { port: 9091, namespace: 'krakend', tag_host: false, tag_path: true, tag_method: true, tag_statuscode: false } },
    },
  },
};
const MIGRATED_BLOCK = { metric_reporting_period: 0, exporters: { prometheus: [{ port: 9091, name: 'krakend' }] } };

/** Runs main() with in-memory files ('-' is standard input). */
function run(argv: string[], files: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const status = main(argv, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return files[p];
    },
  });
  return { status, stdout, stderr };
}

describe('in process', () => {
  test('migrates a whole krakend.json and reports what it dropped', () => {
    const r = run(['migrate-krakend', 'old.json'], { 'old.json': JSON.stringify(DOC_CONFIG, undefined, 4) });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ version: 3, extra_config: { 'telemetry/opentelemetry': MIGRATED_BLOCK } });
    expectValidKrakendConfig(out);
    expect(r.stderr.split('\n').filter((l) => l.includes('dropped'))).toEqual([
      'cdk8s-prometheus-monitoring migrate-krakend: dropped extra_config["telemetry/opencensus"].sample_rate',
      'cdk8s-prometheus-monitoring migrate-krakend: dropped extra_config["telemetry/opencensus"].exporters.prometheus.tag_host',
      'cdk8s-prometheus-monitoring migrate-krakend: dropped extra_config["telemetry/opencensus"].exporters.prometheus.tag_path',
      'cdk8s-prometheus-monitoring migrate-krakend: dropped extra_config["telemetry/opencensus"].exporters.prometheus.tag_method',
      'cdk8s-prometheus-monitoring migrate-krakend: dropped extra_config["telemetry/opencensus"].exporters.prometheus.tag_statuscode',
    ]);
    expect(r.stderr).toContain('note: metric names differ');
  });

  test('keeps the input\'s indentation, so the result diffs cleanly', () => {
    expect(run(['migrate-krakend', 'a.json'], { 'a.json': JSON.stringify(DOC_CONFIG, undefined, 4) }).stdout).toBe(
      `${JSON.stringify({ version: 3, extra_config: { 'telemetry/opentelemetry': MIGRATED_BLOCK } }, undefined, 4)}\n`);
    expect(run(['migrate-krakend', 'a.json'], { 'a.json': JSON.stringify(DOC_CONFIG, undefined, '\t') }).stdout).toContain('\n\t"version": 3');
  });

  test('migrates the bare block', () => {
    const r = run(['migrate-krakend', 'block.json'], { 'block.json': JSON.stringify(DOC_CONFIG.extra_config['telemetry/opencensus']) });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(MIGRATED_BLOCK);
    expect(r.stderr).toContain('dropped sample_rate\n');
  });

  test('migrates an extra_config fragment, keeping its other keys', () => {
    const r = run(['migrate-krakend', 'f.json'], { 'f.json': JSON.stringify({ router: { return_error_msg: true }, ...DOC_CONFIG.extra_config }) });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ 'router': { return_error_msg: true }, 'telemetry/opentelemetry': MIGRATED_BLOCK });
    expect(r.stderr).toContain('dropped ["telemetry/opencensus"].sample_rate');
  });

  test('reads standard input with - (and without a file)', () => {
    for (const argv of [['migrate-krakend', '-'], ['migrate-krakend']]) {
      const r = run(argv, { '-': JSON.stringify(DOC_CONFIG) });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).extra_config).toHaveProperty(['telemetry/opentelemetry']);
    }
  });

  test('--help prints the usage on standard output', () => {
    for (const argv of [['--help'], ['migrate-krakend', '--help']]) {
      const r = run(argv);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Usage: cdk8s-prometheus-monitoring migrate-krakend [FILE|-]');
    }
  });

  test('exits 2 on a usage error', () => {
    expect(run([]).status).toBe(2);
    const unknown = run(['migrate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'migrate'");
    expect(run(['migrate-krakend', '--in-place', 'a.json']).stderr).toContain("unknown option '--in-place'");
    expect(run(['migrate-krakend', 'a.json', 'b.json']).status).toBe(2);
  });

  test('exits 1, naming the file, when the input cannot be migrated', () => {
    const r = run(['migrate-krakend', 'new.json'], { 'new.json': JSON.stringify({ version: 3, extra_config: { router: {} } }) });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('cdk8s-prometheus-monitoring migrate-krakend: new.json: \'extra_config["telemetry/opencensus"]\' is missing: there is nothing to migrate, got ["router"]\n');
  });

  test('exits 1 on a file that is not JSON, or missing', () => {
    const bad = run(['migrate-krakend', 'k.yaml'], { 'k.yaml': 'version: 3\n' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('k.yaml is not JSON');
    const missing = run(['migrate-krakend', 'nope.json']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('cannot read nope.json: ENOENT');
  });
});

/**
 * The real thing: src/integrations/krakend/cli.ts compiled like the package build does (the project's
 * tsconfig), next to a copy of bin/cdk8s-prometheus-monitoring, run by its shebang. Compiling
 * into a private directory (under the git-ignored .tmp/, so node_modules resolve) keeps the test
 * independent of a stale or concurrent lib/, and faster than a whole `jsii` run.
 */
describe('as a real process', () => {
  let dir: string;

  beforeAll(() => {
    fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
    dir = fs.mkdtempSync(path.join(root, '.tmp', 'cli-e2e-'));
    const tsconfig = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
    })!;
    const program = ts.createProgram([path.join(root, 'src', 'integrations', 'krakend', 'cli.ts')], {
      ...tsconfig.options,
      outDir: path.join(dir, 'lib'),
      rootDir: path.join(root, 'src'),
      declaration: false,
      inlineSourceMap: false,
      inlineSources: false,
    });
    const result = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
    if (diagnostics.length > 0) {
      throw new Error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
    }
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.copyFileSync(path.join(root, 'bin', 'cdk8s-prometheus-monitoring'), path.join(dir, 'bin', 'cdk8s-prometheus-monitoring'));
    fs.chmodSync(path.join(dir, 'bin', 'cdk8s-prometheus-monitoring'), fs.statSync(path.join(root, 'bin', 'cdk8s-prometheus-monitoring')).mode);
    fs.writeFileSync(path.join(dir, 'old.json'), JSON.stringify(DOC_CONFIG, undefined, 2));
  }, 60_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the shipped bin script is executable and requires the compiled CLI', () => {
    const bin = fs.readFileSync(path.join(root, 'bin', 'cdk8s-prometheus-monitoring'), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(bin).toContain("require('../lib/integrations/krakend/cli.js')");
    expect(() => fs.accessSync(path.join(root, 'bin', 'cdk8s-prometheus-monitoring'), fs.constants.X_OK)).not.toThrow();
  });

  test('`cdk8s-prometheus-monitoring migrate-krakend old.json > new.json`', () => {
    const r = spawnSync(path.join(dir, 'bin', 'cdk8s-prometheus-monitoring'), ['migrate-krakend', 'old.json'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ version: 3, extra_config: { 'telemetry/opentelemetry': MIGRATED_BLOCK } });
    expectValidKrakendConfig(out);
    expect(r.stderr).toContain('migrate-krakend: dropped extra_config["telemetry/opencensus"].sample_rate\n');
  });

  test('standard input, and the exit status of a failure', () => {
    const ok = spawnSync(path.join(dir, 'bin', 'cdk8s-prometheus-monitoring'), ['migrate-krakend', '-'],
      { cwd: dir, encoding: 'utf8', input: JSON.stringify(DOC_CONFIG.extra_config['telemetry/opencensus']), timeout: 30_000 });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual(MIGRATED_BLOCK);
    const bad = spawnSync(path.join(dir, 'bin', 'cdk8s-prometheus-monitoring'), ['migrate-krakend', 'missing.json'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('cannot read missing.json');
  });
});
