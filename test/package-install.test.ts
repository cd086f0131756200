// What a new user gets: the tarball `npm pack` makes, installed with cdk8s, cdk8s-plus-28 and
// constructs into a fresh cdk8s TypeScript app, compiles against its own typings and, run by the
// real `cdk8s synth`, turns the README's first example into manifests that pass the validators.
// Offline: npm installs from its cache only (`npm ci` of this repo fills it), through a proxy that
// refuses every connection. Needs lib/ and .jsii, which `npx projen compile` (and so the build) writes.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { checkConfig, findObject, findObjects, makeTempDir, removeTempDir, validateManifests } from './harness';

const root = path.join(__dirname, '..');
const NAME = 'cdk8s-prometheus-monitoring';
const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The environment of a user's shell: none of the variables npm sets for this repo's scripts. */
const userEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env)
  .filter(([k]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$)/.test(k)));
/** npm with no network: any connection goes to a closed port, and fails at once. */
const offlineNpmEnv = { ...userEnv, npm_config_proxy: 'http://127.0.0.1:9', npm_config_https_proxy: 'http://127.0.0.1:9', npm_config_fetch_retries: '0' };

/** Runs a command and returns its stdout and stderr; throws with both when it fails. */
function run(cmd: string, args: string[], cwd: string, env = userEnv): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    throw new Error(`\`${[cmd, ...args].join(' ')}\` in ${cwd} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${output}`);
  }
  return output;
}

/** The README's first TypeScript block: an excerpt of a chart's constructor (see readme.test.ts). */
function firstReadmeExample(): string {
  const m = /```ts\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
  if (!m) throw new Error('README.md has no ```ts block');
  return m[1];
}

/**
 * A main.ts as a user writes it around the pasted block: the block in a Chart's constructor,
 * the usual cdk8s imports, and an import for each capitalized name the block uses that one of
 * `exports` (module -> its exports, searched in order) has.
 */
function appSource(block: string, exports: Record<string, string[]>): string {
  const code = block.replace(/\/\/.*$|\/\*[\s\S]*?\*\/|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/gm, ' ');
  const used = new Set(code.match(/(?<![\w$.])[A-Z][\w$]*/g) ?? []);
  const names: Record<string, Set<string>> = Object.fromEntries(Object.keys(exports).map((m) => [m, new Set<string>()]));
  ['App', 'Chart', 'ChartProps'].forEach((n) => names.cdk8s.add(n));
  names.constructs.add('Construct');
  for (const name of used) {
    const from = Object.keys(exports).find((m) => exports[m].includes(name));
    if (from) names[from].add(name);
  }
  if (names[NAME].size === 0) throw new Error(`the README's first example uses nothing of ${NAME}:\n${block}`);
  const imports = Object.entries(names).map(([m, n]) => `import { ${[...n].sort().join(', ')} } from '${m}';`);
  return [
    ...imports,
    "import * as kplus from 'cdk8s-plus-28';",
    '',
    'export class ReadmeChart extends Chart {',
    '  constructor(scope: Construct, id: string, props: ChartProps = {}) {',
    '    super(scope, id, props);',
    ...block.trimEnd().split('\n').map((l) => (l === '' ? l : `    ${l}`)),
    '  }',
    '}',
    '',
    'const app = new App();',
    "new ReadmeChart(app, 'readme');",
    'app.synth();',
    '',
  ].join('\n');
}

const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const version = (dir: string, pkg: string) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;

let packDir: string;
let app: string;
let installLog: string;
let installed: string;
let resolved: string;
let bundledResolved: Record<string, string>;
let objects: any[];

beforeAll(() => {
  if (!fs.existsSync(path.join(root, '.jsii')) || !fs.existsSync(path.join(root, 'lib', 'index.js'))) {
    throw new Error('lib/ or .jsii not found: run `npx projen compile` (the build does) before this test');
  }
  packDir = makeTempDir('package-install-pack-');
  app = fs.realpathSync(makeTempDir('package-install-app-'));

  // 1. The tarball, as `npm publish` would upload it.
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], root);
  const tarballs = fs.readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);

  // 2. A fresh cdk8s TypeScript app that depends on it and on the versions of the peers this repo tests with.
  const dependencies: Record<string, string> = { [NAME]: `file:${path.join(packDir, tarballs[0])}` };
  for (const peer of ['cdk8s', 'cdk8s-plus-28', 'constructs']) dependencies[peer] = version(root, peer);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'readme-app', version: '0.0.0', private: true, dependencies }, null, 2));
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\n');
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    // strict, and the libraries' .d.ts files checked too (no skipLibCheck); no @types/node needed
    compilerOptions: { target: 'ES2020', module: 'commonjs', lib: ['es2020'], strict: true, skipLibCheck: false, types: [] },
    files: ['main.ts'],
  }, null, 2));

  // 3. Installed from npm's cache only; `--loglevel http` logs where each request was answered from.
  try {
    installLog = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'http'], app, offlineNpmEnv);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nnpm could not install from its cache alone. A package missing there shows as ENOTCACHED, or as `
      + "ERESOLVE 'Found: <name>@undefined'; `npm ci` in this repo caches what the app needs (package-lock.json has no `resolved` "
      + 'URLs, so npm ci fetches, and caches, the registry metadata of every package too).');
  }
  installed = path.join(app, 'node_modules', NAME);

  // 4. What the app sees of the package, from a plain Node.js in the app (not through jest's module mapping);
  // the bundled dependencies are loaded too: the README example does not need all of them.
  const probe = JSON.parse(run('node', ['-e', `
    const mods = ['cdk8s', 'constructs', '${NAME}'];
    const pkgDir = require('path').dirname(require.resolve('${NAME}/package.json'));
    const load = (dep) => { const file = require.resolve(dep, { paths: [pkgDir] }); require(file); return file; };
    console.log(JSON.stringify({
      resolved: require.resolve('${NAME}'),
      exports: Object.fromEntries(mods.map((m) => [m, Object.keys(require(m))])),
      bundled: Object.fromEntries(${JSON.stringify(rootPkg.bundledDependencies)}.map((d) => [d, load(d)])),
    }));`], app));
  resolved = probe.resolved;
  bundledResolved = probe.bundled;

  // 5. The README's first example pasted into a chart, compiled with this repo's TypeScript, synthesized by the CLI.
  fs.writeFileSync(path.join(app, 'main.ts'), appSource(firstReadmeExample(), probe.exports));
  try {
    run('node', [tsc, '-p', '.'], app);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- main.ts ---\n${fs.readFileSync(path.join(app, 'main.ts'), 'utf8')}`);
  }
  // --no-check-upgrade: otherwise the CLI asks registry.npmjs.org for its latest version
  run(cli, ['synth', '--no-check-upgrade'], app);
  const manifests = fs.readdirSync(path.join(app, 'dist')).filter((f) => f.endsWith('.k8s.yaml'));
  expect(manifests).toEqual(['readme.k8s.yaml']);
  objects = YAML.parseAllDocuments(fs.readFileSync(path.join(app, 'dist', manifests[0]), 'utf8'))
    .map((d) => d.toJS()).filter((o) => o !== null);
}, 240_000);

afterAll(() => {
  if (app) removeTempDir(app);
  if (packDir) removeTempDir(packDir);
});

test('npm installs offline: every request is answered from its cache, none goes to the network', () => {
  const fetches = installLog.split('\n').filter((l) => l.startsWith('npm http fetch'));
  expect(fetches.length).toBeGreaterThan(0);
  for (const l of fetches) expect(l).toMatch(/^npm http fetch GET 200 \S+ \d+ms \(cache (hit|stale)\)$/);
});

test('the app uses the packed package: the compiled library, its jsii assembly and its bundled dependencies', () => {
  expect(resolved).toBe(path.join(installed, 'lib', 'index.js'));
  expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
  const assembly = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8'));
  expect(assembly(installed).fingerprint).toBe(assembly(root).fingerprint);
  expect(version(app, NAME)).toBe(rootPkg.version);
  for (const dep of rootPkg.bundledDependencies) {
    expect(bundledResolved[dep].startsWith(path.join(installed, 'node_modules', dep) + path.sep)).toBe(true);
  }
});

test('cdk8s synth writes what the README example describes: a Prometheus server with persistent storage in its own namespace', () => {
  validateManifests(objects);
  const namespaced = objects.filter((o) => o.kind !== 'Namespace');
  expect(namespaced.map((o) => `${o.kind}/${o.metadata.namespace}`)).toEqual(namespaced.map((o) => `${o.kind}/monitoring`));
  findObject(objects, 'Namespace', 'monitoring');

  const pod = findObject(objects, 'Deployment').spec.template.spec;
  const prometheus = pod.containers.find((c: any) => c.name === 'prometheus');
  expect(prometheus.image).toMatch(/\/prometheus(:v\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$/);
  expect(prometheus.args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=18GB']));

  const pvc = findObject(objects, 'PersistentVolumeClaim');
  expect(pvc.spec.resources.requests.storage).toBe('20Gi');
  const configMaps = findObjects(objects, 'ConfigMap').filter((cm) => cm.data?.['prometheus.yml'] !== undefined);
  expect(configMaps).toHaveLength(1);
  expect(pod.volumes).toEqual(expect.arrayContaining([
    expect.objectContaining({ persistentVolumeClaim: expect.objectContaining({ claimName: pvc.metadata.name }) }),
    expect.objectContaining({ configMap: expect.objectContaining({ name: configMaps[0].metadata.name }) }),
  ]));

  const configYaml = configMaps[0].data['prometheus.yml'];
  expect(YAML.parse(configYaml).global.external_labels).toEqual({ cluster: 'demo' });
  checkConfig(configYaml);
});
