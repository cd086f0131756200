// What a new user gets: the tarball `npm pack` makes, installed with cdk8s, cdk8s-plus-28 and
// constructs into a fresh cdk8s TypeScript app, compiles against its own typings and, run by the
// real `cdk8s synth`, turns the README's first example, pasted as it stands, into manifests that
// pass the validators.
// Needs nothing but what this repository installs: the peers are packed from node_modules, every
// dependency of the app is a `file:` tarball, npm runs offline with an empty cache of its own, and
// any connection it tried would go to a closed port. So it passes the same on a new machine, after
// `npm cache clean`, and on a warm cache. Needs lib/ and .jsii, which `npx projen compile` (and so
// the build) writes.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { checkConfig, findObject, findObjects, makeTempDir, removeTempDir, validateManifests } from './harness';

const root = path.join(__dirname, '..');
const NAME = 'cdk8s-prometheus-monitoring';
const PEERS = ['cdk8s', 'cdk8s-plus-28', 'constructs'];
const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// The tsconfig that `cdk8s init typescript-app` writes (cdk8s-cli's templates/typescript-app/tsconfig.json),
// read from the cdk8s-cli devDependency: strict, noUnusedLocals, and the libraries' typings checked.
const initTsconfig = path.join(root, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');

/** The environment of a user's shell: none of the variables npm sets for this repo's scripts. */
const userEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env)
  .filter(([k]) => !/^(npm_package_|npm_lifecycle_|npm_config_|INIT_CWD$)/i.test(k)));

/** Runs a command and returns its stdout and stderr; throws with both when it fails. */
function run(cmd: string, args: string[], cwd: string, env = userEnv): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    throw new Error(`\`${[cmd, ...args].join(' ')}\` in ${cwd} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${output}`);
  }
  return output;
}

/** The README's first TypeScript block: a whole main.ts, taken as it stands. */
function firstReadmeExample(): string {
  const m = /```ts[^\n]*\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
  if (!m) throw new Error('README.md has no ```ts block');
  return m[1];
}

const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const version = (dir: string, pkg: string) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;

let packDir: string;
let app: string;
let installLog: string;
let mainTs: string;
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
  // npm with no network and an empty cache of its own: any connection goes to a closed port and fails at once.
  const npmEnv = {
    ...userEnv,
    npm_config_cache: makeTempDir('package-install-cache-'),
    npm_config_offline: 'true',
    npm_config_proxy: 'http://127.0.0.1:9',
    npm_config_https_proxy: 'http://127.0.0.1:9',
    npm_config_fetch_retries: '0',
    npm_config_update_notifier: 'false',
  };

  // 1. The tarball, as `npm publish` would upload it, and the peers as their own tarballs, packed from
  // node_modules (their bundled dependencies included), so the app needs no registry at all.
  const pack = (dir: string) => {
    const before = new Set(fs.readdirSync(packDir));
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir, dir], root, npmEnv);
    const made = fs.readdirSync(packDir).filter((f) => f.endsWith('.tgz') && !before.has(f));
    expect(made).toHaveLength(1);
    return `file:${path.join(packDir, made[0])}`;
  };
  const dependencies: Record<string, string> = { [NAME]: pack('./') };
  for (const peer of PEERS) dependencies[peer] = pack(`./node_modules/${peer}`);

  // 2. A fresh cdk8s TypeScript app that depends on them, with the files `cdk8s init typescript-app`
  // writes, except that the CLI runs the compiled main.js (the app has no ts-node).
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'readme-app', version: '0.0.0', private: true, dependencies }, null, 2));
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\n');
  const tsconfig = JSON.parse(fs.readFileSync(initTsconfig, 'utf8'));
  tsconfig.include = ['main.ts'];
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));

  // 3. Installed offline; `--loglevel http` logs every request and where it was answered from.
  installLog = run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'http'], app, npmEnv);
  installed = path.join(app, 'node_modules', NAME);

  // 4. What the app sees of the package, from a plain Node.js in the app (not through jest's module mapping);
  // the bundled dependencies are loaded too: the README example does not need all of them.
  const probe = JSON.parse(run('node', ['-e', `
    const pkgDir = require('path').dirname(require.resolve('${NAME}/package.json'));
    const load = (dep) => { const file = require.resolve(dep, { paths: [pkgDir] }); require(file); return file; };
    console.log(JSON.stringify({
      resolved: require.resolve('${NAME}'),
      bundled: Object.fromEntries(${JSON.stringify(rootPkg.bundledDependencies)}.map((d) => [d, load(d)])),
    }));`], app));
  resolved = probe.resolved;
  bundledResolved = probe.bundled;

  // 5. The README's first example as main.ts, word for word, compiled with this repo's TypeScript, synthesized by the CLI.
  mainTs = firstReadmeExample();
  fs.writeFileSync(path.join(app, 'main.ts'), mainTs);
  run('node', [tsc, '-p', '.'], app);
  // --no-check-upgrade: otherwise the CLI asks registry.npmjs.org for its latest version
  run(cli, ['synth', '--no-check-upgrade'], app);
  const manifests = fs.readdirSync(path.join(app, 'dist')).filter((f) => f.endsWith('.k8s.yaml'));
  expect(manifests).toEqual(['monitoring.k8s.yaml']);
  objects = YAML.parseAllDocuments(fs.readFileSync(path.join(app, 'dist', manifests[0]), 'utf8'))
    .map((d) => d.toJS()).filter((o) => o !== null);
}, 240_000);

afterAll(() => {
  if (app) removeTempDir(app);
  if (packDir) removeTempDir(packDir);
});

test('npm installs every dependency from the packed tarballs: no registry request, on an empty cache', () => {
  const requests = installLog.split('\n').filter((l) => /^npm http /.test(l));
  expect(requests.length).toBeGreaterThanOrEqual(1 + PEERS.length);
  for (const l of requests) expect(l).toMatch(/^npm http cache \S+@file:\S+\.tgz \d+ms/);
  expect(installLog).not.toMatch(/npm http fetch/);
  for (const peer of PEERS) expect(version(app, peer)).toBe(version(root, peer));
});

test("the app's main.ts is the README's first example as it stands, with its imports, App and Chart", () => {
  expect(mainTs).toMatch(/^import .* from 'cdk8s';$/m);
  expect(mainTs).toMatch(new RegExp(`^import .* from '${NAME}';$`, 'm'));
  expect(mainTs).toMatch(/new App\(/);
  expect(mainTs).toMatch(/new Chart\(/);
  expect(mainTs).toMatch(/app\.synth\(\);\s*$/);
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

  // Persistent storage: a StatefulSet whose claim template holds the TSDB.
  const statefulSet = findObject(objects, 'StatefulSet');
  const pod = statefulSet.spec.template.spec;
  const prometheus = pod.containers.find((c: any) => c.name === 'prometheus');
  expect(prometheus.image).toMatch(/\/prometheus(:v\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$/);
  expect(prometheus.args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=18GB']));

  const [claim] = statefulSet.spec.volumeClaimTemplates;
  expect(claim.spec.resources.requests.storage).toBe('20Gi');
  expect(prometheus.volumeMounts).toEqual(expect.arrayContaining([expect.objectContaining({ name: claim.metadata.name })]));
  const configMaps = findObjects(objects, 'ConfigMap').filter((cm) => cm.data?.['prometheus.yml'] !== undefined);
  expect(configMaps).toHaveLength(1);
  expect(pod.volumes).toEqual(expect.arrayContaining([
    expect.objectContaining({ configMap: expect.objectContaining({ name: configMaps[0].metadata.name }) }),
  ]));

  const configYaml = configMaps[0].data['prometheus.yml'];
  const config = YAML.parse(configYaml);
  expect(config.global.external_labels).toEqual({ cluster: 'demo' });
  expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'edge-hosts']);
  checkConfig(configYaml);
});
