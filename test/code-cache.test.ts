// The package's code cache (scripts/bundle-lib.cjs): the first process that loads lib/ writes the
// bytecode of the library's functions it ran when it exits, and later processes start from it.
// Each case runs real Node processes against the compiled lib/, each with its own cache directory,
// and checks that a cache never changes what synthesis writes or prints, or a program's exit code,
// whatever state it is in, and that bytecode is read only from the user's own files.
// Needs lib/, which `npx projen compile` (and so the build) writes before the tests.
import { execFile, execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import * as cdk8s from 'cdk8s';

const lib = path.join(__dirname, '..', 'lib');
const STATUS = 'cdk8s-prometheus-monitoring.codeCache';

/** A program that synthesizes a stack with one application (and Grafana with `grafana`), and prints what it wrote and the cache's status. */
function program(grafana = false, libDir = lib, after = ''): string {
  return `
    const cdk8s = require('cdk8s');
    const lib = require(${JSON.stringify(libDir)});
    const app = new cdk8s.App({ outdir: require('os').tmpdir() });
    const chart = new cdk8s.Chart(app, 'fleet');
    const stack = new lib.PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' }, serviceType: 'ClusterIP' });
    new lib.AppServiceMonitor(chart, 'shop', { pods: lib.PodSelection.fromLabels({ app: 'shop' }), metricsPort: 8080, metadata: { namespace: 'shop' }, stack });
    ${grafana ? "new lib.Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: lib.GrafanaAdminCredentials.fromSecretName('grafana-admin'), metadata: { namespace: 'monitoring' } });" : ''}
    const yaml = app.synthYaml();
    process.stdout.write(JSON.stringify({ status: lib[Symbol.for('${STATUS}')], yaml }));
    ${after}`;
}

interface Run {
  readonly status: { file?: string; accepted: boolean };
  readonly yaml: string;
}

function env(dir: string | undefined, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  delete e.NODE_DISABLE_COMPILE_CACHE;
  delete e.NODE_OPTIONS;
  delete e.NODE_V8_COVERAGE;
  delete e.CDK8S_PROMETHEUS_MONITORING_CACHE_DIR;
  if (dir !== undefined) e.CDK8S_PROMETHEUS_MONITORING_CACHE_DIR = dir;
  return { ...e, ...more };
}

interface RunOptions {
  readonly grafana?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly nodeArgs?: string[];
  readonly lib?: string;
  /** Code the program runs after printing. */
  readonly after?: string;
  /** The exit code the program must end with. Default: 0. */
  readonly status?: number;
}

/** Runs the program in a process of its own: it must end with the expected code, printing nothing on stderr. */
function run(dir: string | undefined, options: RunOptions = {}): Run {
  const r = spawnSync(process.execPath, [...options.nodeArgs ?? [], '-e', program(options.grafana, options.lib, options.after)], {
    encoding: 'utf8', env: env(dir, options.env), maxBuffer: 64 * 1024 * 1024,
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: options.status ?? 0, stderr: '' });
  return JSON.parse(r.stdout);
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
  ['data that is not bytecode, with a matching hash', (b: Buffer) => {
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

test('a cache made for another source of the same length is not used: an edited bundle writes what it says', () => {
  // A copy of the compiled entry point and table; cdk8s and the rest resolve from the project.
  const copy = path.join(path.dirname(dir), 'lib');
  fs.mkdirSync(copy);
  for (const f of ['index.js', 'bundle.js']) fs.copyFileSync(path.join(lib, f), path.join(copy, f));
  const withCopy = { lib: copy, env: { NODE_PATH: path.join(__dirname, '..', 'node_modules') } };
  const original = run(dir, withCopy);
  expect(run(dir, withCopy).status.accepted).toBe(true);
  const table = fs.readFileSync(path.join(copy, 'bundle.js'), 'utf8');
  expect(table).toContain("props.image ?? 'quay.io/prometheus/prometheus:v3.5.0'");
  fs.writeFileSync(path.join(copy, 'bundle.js'), table.replace("props.image ?? 'quay.io/prometheus/prometheus:v3.5.0'", "props.image ?? 'quay.io/prometheus/prometheus:v3.5.1'"));
  const edited = run(dir, withCopy);
  expect(edited.status.accepted).toBe(false);
  expect(edited.status.file).not.toBe(original.status.file);
  expect(edited.yaml).toContain('quay.io/prometheus/prometheus:v3.5.1');
  expect(edited.yaml).not.toContain('quay.io/prometheus/prometheus:v3.5.0');
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

test('bytecode is not read through a link: not a linked directory, not a linked file', () => {
  const file = run(dir).status.file!;
  const elsewhere = path.join(path.dirname(dir), 'elsewhere');
  fs.renameSync(dir, elsewhere);
  fs.symlinkSync(elsewhere, dir);
  expect(run(dir).status).toEqual({ accepted: false });
  fs.unlinkSync(dir);
  fs.mkdirSync(dir, { mode: 0o700 });
  const target = path.join(elsewhere, path.basename(file));
  const kept = fs.readFileSync(target);
  fs.symlinkSync(target, file);
  expect(run(dir).status).toEqual({ file, accepted: false });
  // The cache was written again as a file of its own; what the link pointed to is untouched.
  expect(fs.lstatSync(file).isFile()).toBe(true);
  expect(fs.readFileSync(target).equals(kept)).toBe(true);
  expect(run(dir).status.accepted).toBe(true);
});

test('a directory that another user takes before the process exits is not written', () => {
  if (process.getuid?.() !== 0) return;
  const after = `require('fs').chownSync(${JSON.stringify(dir)}, 65534, 65534);`;
  fs.mkdirSync(dir, { mode: 0o700 });
  expect(run(dir, { after }).status.accepted).toBe(false);
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('a cache directory that cannot be made leaves synthesis as it is: same output, nothing printed, exit code 0', () => {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.writeFileSync(dir, 'a file where the directory would be');
  const r = run(path.join(dir, 'sub'));
  expect(r.yaml).toBe(reference().yaml);
  expect(r.status.accepted).toBe(false);
});

test('a program keeps its exit code: process.exit(3) and an uncaught error, with the cache written either way', () => {
  expect(run(dir, { after: 'process.exit(3);', status: 3 }).status.accepted).toBe(false);
  expect(cacheFiles(dir)).toHaveLength(1);
  const r = spawnSync(process.execPath, ['-e', program(false, lib, "throw new Error('the program failed');")], { encoding: 'utf8', env: env(dir) });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('the program failed');
  expect(r.stderr).not.toMatch(/cache|Warning/i);
});

test('loading the package again and again in one process adds one exit listener and prints nothing', () => {
  const after = `
    for (let i = 0; i < 15; i++) {
      for (const k of Object.keys(require.cache)) if (k.startsWith(${JSON.stringify(lib + path.sep)})) delete require.cache[k];
      require(${JSON.stringify(lib)}).PodSelection.fromLabels({ app: 'shop' });
    }
    if (process.listenerCount('exit') > 1) throw new Error(process.listenerCount('exit') + ' exit listeners');`;
  run(dir, { after });
  expect(cacheFiles(dir)).toHaveLength(1);
});

test('worker threads that synthesize at the same time all finish, and leave one whole cache file', () => {
  const after = `
    const { Worker } = require('worker_threads');
    const code = ${JSON.stringify(program())};
    let done = 0;
    for (let i = 0; i < 3; i++) new Worker(code, { eval: true, stdout: true }).on('exit', (c) => { if (c !== 0) process.exitCode = 9; done++; });`;
  run(dir, { after });
  const files = cacheFiles(dir);
  expect(files).toHaveLength(1);
  expect(readCache(path.join(dir, files[0])).intact).toBe(true);
});

test('by default the cache is in the user\'s cache directory (XDG_CACHE_HOME, or ~/.cache), made for the user alone', () => {
  const home = path.join(path.dirname(dir), 'home');
  fs.mkdirSync(home);
  const file = run(undefined, { env: { HOME: home, XDG_CACHE_HOME: '' } }).status.file!;
  expect(path.dirname(file)).toBe(path.join(home, '.cache', 'cdk8s-prometheus-monitoring'));
  expect((fs.statSync(path.dirname(file)).mode % 0o1000).toString(8)).toBe('700');
  const xdg = path.join(path.dirname(dir), 'xdg');
  expect(path.dirname(run(undefined, { env: { HOME: home, XDG_CACHE_HOME: xdg } }).status.file!)).toBe(path.join(xdg, 'cdk8s-prometheus-monitoring'));
});

test('programs that run different modules, in turn, leave one cache that holds both, and stop rewriting it', () => {
  const file = run(dir).status.file!;
  run(dir, { grafana: true });
  run(dir);
  const written = fs.statSync(file).mtimeMs;
  expect(run(dir, { grafana: true }).status.accepted).toBe(true);
  expect(run(dir).status.accepted).toBe(true);
  expect(fs.statSync(file).mtimeMs).toBe(written);
  expect(readCache(file).modules).toEqual(expect.arrayContaining(['grafana/grafana.js', 'integrations/apps/app-service-monitor.js']));
});

test('writing a cache keeps the directory small: the 8 newest caches, no temporary file an hour old', () => {
  fs.mkdirSync(dir, { mode: 0o700 });
  const old = new Date(Date.now() - 2 * 3600 * 1000);
  for (let i = 0; i < 10; i++) {
    const f = path.join(dir, `${String(i).padStart(32, '0')}.bin`);
    fs.writeFileSync(f, 'an older build\'s cache');
    fs.utimesSync(f, old, new Date(old.getTime() + i * 1000));
  }
  fs.writeFileSync(path.join(dir, 'left-by-a-writer-that-died.tmp'), '');
  fs.utimesSync(path.join(dir, 'left-by-a-writer-that-died.tmp'), old, old);
  const file = run(dir).status.file!;
  const files = cacheFiles(dir);
  expect(files).toHaveLength(8);
  expect(files).toContain(path.basename(file));
  // The newest of the older caches stay.
  expect(files).toContain(`${'9'.padStart(32, '0')}.bin`);
  expect(files).not.toContain(`${'0'.padStart(32, '0')}.bin`);
});

test('NODE_DISABLE_COMPILE_CACHE turns it off, as it turns off Node\'s own compile cache, and so does V8 coverage', () => {
  expect(run(dir, { env: { NODE_DISABLE_COMPILE_CACHE: '1' } }).status).toEqual({ accepted: false });
  expect(run(dir, { env: { NODE_V8_COVERAGE: path.join(path.dirname(dir), 'coverage') } }).status).toEqual({ accepted: false });
  expect(cacheFiles(dir)).toEqual([]);
});

test('other V8 flags use a cache file of their own', () => {
  const plain = run(dir).status.file!;
  const flagged = run(dir, { nodeArgs: ['--stack-size=2000'] });
  expect(flagged.status.file).not.toBe(plain);
  expect(run(dir, { nodeArgs: ['--stack-size=2000'] }).status).toEqual({ file: flagged.status.file, accepted: true });
  expect(cacheFiles(dir)).toHaveLength(2);
});

test('inside jest, which runs modules in a vm context of its own, the package works on that context\'s objects, without a cache', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(lib);
  expect(loaded[Symbol.for(STATUS)]).toEqual({ accepted: false });
  const app = new cdk8s.App();
  const chart = new cdk8s.Chart(app, 'fleet');
  const stack = new loaded.PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' }, serviceType: 'ClusterIP' });
  new loaded.AppServiceMonitor(chart, 'shop', { pods: loaded.PodSelection.fromLabels({ app: 'shop' }), metricsPort: 8080, metadata: { namespace: 'shop' }, stack });
  expect(() => loaded.PodSelection.fromLabels({ app: 42 })).toThrow(Error);
  expect(app.synthYaml()).toBe(reference().yaml);
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
