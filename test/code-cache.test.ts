// The package's code cache (scripts/bundle-lib.cjs): the first process that loads lib/ writes the
// bytecode of the library's functions it ran when it exits, and later processes start from it.
// Each case runs real Node processes against the compiled lib/, each with its own cache directory,
// and checks that a cache never changes what synthesis writes, whatever state it is in.
// Needs lib/, which `npx projen compile` (and so the build) writes before the tests.
import { execFile, execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

const lib = path.join(__dirname, '..', 'lib');
const STATUS = 'cdk8s-prometheus-monitoring.codeCache';

/** A program that synthesizes a stack with one application (and Grafana with `grafana`), and prints what it wrote and the cache's status. */
function program(grafana = false): string {
  return `
    const cdk8s = require('cdk8s');
    const lib = require(${JSON.stringify(lib)});
    const app = new cdk8s.App({ outdir: require('os').tmpdir() });
    const chart = new cdk8s.Chart(app, 'fleet');
    const stack = new lib.PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' }, serviceType: 'ClusterIP' });
    new lib.AppServiceMonitor(chart, 'shop', { pods: lib.PodSelection.fromLabels({ app: 'shop' }), metricsPort: 8080, metadata: { namespace: 'shop' }, stack });
    ${grafana ? "new lib.Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: lib.GrafanaAdminCredentials.fromSecretName('grafana-admin'), metadata: { namespace: 'monitoring' } });" : ''}
    const yaml = app.synthYaml();
    process.stdout.write(JSON.stringify({ status: lib[Symbol.for('${STATUS}')], yaml }));`;
}

interface Run {
  readonly status: { file?: string; accepted: boolean };
  readonly yaml: string;
  readonly stderr: string;
}

function env(dir: string | undefined, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...more };
  delete e.NODE_DISABLE_COMPILE_CACHE;
  delete e.NODE_OPTIONS;
  if (dir !== undefined) e.CDK8S_PROMETHEUS_MONITORING_CACHE_DIR = dir;
  return { ...e, ...more };
}

function run(dir: string | undefined, options: { grafana?: boolean; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Run {
  const out = execFileSync(process.execPath, [...options.nodeArgs ?? [], '-e', program(options.grafana)], {
    encoding: 'utf8', env: env(dir, options.env), stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024,
  });
  return { ...JSON.parse(out), stderr: '' };
}

/** The cache files of a directory (not the temporary files a write goes through). */
const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

/** The header of a cache file, and whether its data has the hash the header names. */
function readCache(file: string): { modules: string[]; intact: boolean } {
  const bytes = fs.readFileSync(file);
  const end = bytes.indexOf(10);
  const header = JSON.parse(bytes.subarray(0, end).toString('utf8'));
  const digest = crypto.createHash('sha256').update(bytes.subarray(end + 1)).digest('hex');
  return { modules: header.modules, intact: digest === header.sha256 };
}

let dir: string;
beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'code-cache-')), 'cache');
});
afterEach(() => {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

const reference = () => run(undefined, { env: { NODE_DISABLE_COMPILE_CACHE: '1' } });

test('the first process writes the cache when it exits; the next starts from it, and both write what a process without a cache writes', () => {
  const first = run(dir);
  expect(first.status).toEqual({ file: expect.stringContaining(dir), accepted: false });
  expect(cacheFiles(dir)).toEqual([path.basename(first.status.file!)]);
  expect((fs.statSync(dir).mode % 0o1000).toString(8)).toBe('700');
  expect((fs.statSync(first.status.file!).mode % 0o1000).toString(8)).toBe('600');
  const cache = readCache(first.status.file!);
  expect(cache.intact).toBe(true);
  expect(cache.modules).toEqual(expect.arrayContaining(['stack/prometheus-stack.js', 'integrations/apps/app-service-monitor.js']));

  const second = run(dir);
  expect(second.status).toEqual({ file: first.status.file, accepted: true });
  expect(second.yaml).toBe(first.yaml);
  expect(second.yaml).toBe(reference().yaml);
});

test('a process that runs modules the cache does not hold rewrites it with them; one that runs only what it holds leaves it as it is', () => {
  const file = run(dir).status.file!;
  expect(readCache(file).modules).not.toContain('grafana/grafana.js');
  const withGrafana = run(dir, { grafana: true });
  expect(withGrafana.status.accepted).toBe(true);
  expect(readCache(file).modules).toContain('grafana/grafana.js');
  expect(readCache(file).intact).toBe(true);

  const written = fs.statSync(file).mtimeMs;
  const again = run(dir, { grafana: true });
  expect(again.status.accepted).toBe(true);
  expect(fs.statSync(file).mtimeMs).toBe(written);
  expect(again.yaml).toBe(withGrafana.yaml);
});

test.each([
  ['a changed byte in the bytecode', (b: Buffer) => { const c = Buffer.from(b); c[c.length - 100] = 255 - c[c.length - 100]; return c; }],
  ['a file cut short', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2))],
  ['a header that is not JSON', (b: Buffer) => Buffer.concat([Buffer.from('not json\n'), b.subarray(b.indexOf(10) + 1)])],
  ['an empty file', () => Buffer.alloc(0)],
  ['bytecode of another script, with a matching hash', (b: Buffer) => {
    const data = Buffer.from(b.subarray(b.indexOf(10) + 1).toString('latin1').split('').reverse().join(''), 'latin1');
    const header = JSON.stringify({ sha256: crypto.createHash('sha256').update(data).digest('hex'), modules: [] });
    return Buffer.concat([Buffer.from(header + '\n'), data]);
  }],
])('a damaged cache is not used (%s): synthesis writes the same, and the cache is written again', (_name, damage) => {
  const first = run(dir);
  const file = first.status.file!;
  fs.writeFileSync(file, damage(fs.readFileSync(file)));
  const damaged = run(dir);
  expect(damaged.status.accepted).toBe(false);
  expect(damaged.yaml).toBe(first.yaml);
  expect(readCache(file).intact).toBe(true);
  expect(run(dir).status.accepted).toBe(true);
});

test('bytecode in a directory that others can write, or that another user owns, is neither read nor written', () => {
  const file = run(dir).status.file!;
  const before = fs.readFileSync(file);
  fs.chmodSync(dir, 0o777);
  expect(run(dir).status).toEqual({ accepted: false });
  fs.chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) {
    fs.chownSync(dir, 65534, 65534);
    expect(run(dir).status).toEqual({ accepted: false });
    fs.chownSync(dir, 0, 0);
  }
  expect(fs.readFileSync(file).equals(before)).toBe(true);
  expect(run(dir).status.accepted).toBe(true);
});

test('a cache directory that cannot be made leaves synthesis as it is: same output, nothing printed, exit code 0', () => {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.writeFileSync(dir, 'a file where the directory would be');
  const r = spawnSync(process.execPath, ['-e', program()], { encoding: 'utf8', env: env(path.join(dir, 'sub')), maxBuffer: 64 * 1024 * 1024 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(JSON.parse(r.stdout).yaml).toBe(reference().yaml);
  expect(JSON.parse(r.stdout).status.accepted).toBe(false);
});

test('NODE_DISABLE_COMPILE_CACHE turns it off, as it turns off Node\'s own compile cache', () => {
  expect(run(dir, { env: { NODE_DISABLE_COMPILE_CACHE: '1' } }).status).toEqual({ accepted: false });
  expect(cacheFiles(dir)).toEqual([]);
});

test('other V8 flags use a cache file of their own', () => {
  const plain = run(dir).status.file!;
  const flagged = run(dir, { nodeArgs: ['--stack-size=2000'] });
  expect(flagged.status.file).not.toBe(plain);
  expect(run(dir, { nodeArgs: ['--stack-size=2000'] }).status).toEqual({ file: flagged.status.file, accepted: true });
  expect(cacheFiles(dir)).toHaveLength(2);
});

test('processes that start together all finish, and leave one whole cache file', async () => {
  const runs = await Promise.all(Array.from({ length: 4 }, () => promisify(execFile)(process.execPath, ['-e', program()], {
    encoding: 'utf8', env: env(dir), maxBuffer: 64 * 1024 * 1024,
  })));
  const expected = reference().yaml;
  for (const r of runs) expect(JSON.parse(r.stdout).yaml).toBe(expected);
  const files = cacheFiles(dir);
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^[0-9a-f]{32}\.bin$/);
  expect(readCache(path.join(dir, files[0])).intact).toBe(true);
  expect(run(dir).status.accepted).toBe(true);
}, 60_000);
