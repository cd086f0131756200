// What `npm pack` puts in the tarball: the compiled library, its types and jsii assembly, the
// docs, the command line and the bundled runtime dependencies; nothing of the development.
// Needs lib/ and .jsii, which `npx projen compile` (and so the build) writes before the tests.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');

function packedFiles(): string[] {
  if (!fs.existsSync(path.join(root, '.jsii'))) {
    throw new Error('.jsii not found: run `npx projen compile` (the build does) before this test');
  }
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(out)[0].files as Array<{ path: string }>).map((f) => f.path).sort();
}

const files = packedFiles();

test('the tarball has the library, its types, the jsii assembly, the docs and the command line', () => {
  for (const f of ['lib/index.js', 'lib/index.d.ts', '.jsii', 'README.md', 'LICENSE', 'API.md', 'package.json',
    'bin/cdk8s-prometheus-monitoring']) {
    expect(files).toContain(f);
  }
  // The bin script works from the tarball only if what it requires is packed.
  const bin = fs.readFileSync(path.join(root, 'bin', 'cdk8s-prometheus-monitoring'), 'utf8');
  const required = /require\('\.\.\/(lib\/[^']+)'\)/.exec(bin);
  expect(required?.[1]).toBe('lib/integrations/krakend/cli.js');
  expect(files).toContain(required![1]);
});

test('the runtime dependencies that are not jsii modules are bundled', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect([...pkg.bundledDependencies].sort()).toEqual(['@lezer/highlight', '@lezer/lr', '@prometheus-io/lezer-promql', 're2js', 'yaml']);
  for (const dep of pkg.bundledDependencies) {
    expect(files).toContain(`node_modules/${dep}/package.json`);
  }
});

test('nothing of the development is packed: sources, tests, examples, build output, CI', () => {
  const unwanted = files.filter((f) => /^(src|test|examples|bench|scripts|dist|dist-bindings|coverage|\.ci|\.projen|projenrc)\//.test(f)
    || /\.test\.|\.spec\.|tsconfig|\.projenrc|\.eslintrc/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('node_modules/')));
  expect(unwanted).toEqual([]);
});

test('every compiled file comes from a current source file (no stale output of deleted sources)', () => {
  // lib/index.modules.js is jsii's entry point, kept by scripts/bundle-lib.cjs as the bundled entry's table entry;
  // lib/bundle.js is the table of modules that script writes.
  const stale = files.filter((f) => f.startsWith('lib/') && f.endsWith('.js') && f !== 'lib/index.modules.js' && f !== 'lib/bundle.js')
    .filter((f) => !fs.existsSync(path.join(root, 'src', f.slice('lib/'.length).replace(/\.js$/, '.ts'))));
  expect(stale).toEqual([]);
});

test('the entry point loads every compiled module from one packed file, and gives what jsii compiled', () => {
  const entry = fs.readFileSync(path.join(root, 'lib', 'index.js'), 'utf8');
  expect(entry.startsWith('// cdk8s-prometheus-monitoring: bundled entry point')).toBe(true);
  expect(files).toContain('lib/bundle.js');
  const table = fs.readFileSync(path.join(root, 'lib', 'bundle.js'), 'utf8');
  const compiled = files.filter((f) => f.startsWith('lib/') && f.endsWith('.js') && !['lib/index.js', 'lib/bundle.js'].includes(f));
  for (const f of compiled) expect(table).toContain(`\n${JSON.stringify(f.slice('lib/'.length))}: function (`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundled = require(path.join(root, 'lib', 'index.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const modules = require(path.join(root, 'lib', 'index.modules.js'));
  expect(Object.keys(bundled).sort()).toEqual(Object.keys(modules).sort());
  expect(bundled.PrometheusStack).toBeDefined();
  expect(typeof bundled.PrometheusStack).toBe('function');
});

test('the entry point exports what jsii\'s does, each loaded on first use from the module that defines it', () => {
  const lib = path.join(root, 'lib');
  const script = `
    const before = new Set(Object.keys(require.cache));
    const entry = require(${JSON.stringify(path.join(lib, 'index.js'))});
    // Loading the package runs none of the library's modules: only cdk8s and cdk8s-plus-28 load.
    const loaded = Object.keys(require.cache).filter((f) => !before.has(f) && !f.includes('node_modules'));
    const names = Object.keys(entry);
    const kinds = names.map((n) => [n, typeof entry[n], entry[n]?.name ?? Object.keys(entry[n] ?? {}).length]);
    const jsii = require(${JSON.stringify(path.join(lib, 'index.modules.js'))});
    const expected = Object.keys(jsii).map((n) => [n, typeof jsii[n], jsii[n]?.name ?? Object.keys(jsii[n] ?? {}).length]);
    process.stdout.write(JSON.stringify({ loaded, kinds, expected }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  expect(out.loaded).toEqual([path.join(lib, 'index.js')]);
  expect(out.kinds.length).toBeGreaterThan(60);
  expect(out.kinds).toEqual(out.expected);
  expect(out.kinds).toContainEqual(['monitoring', 'object', expect.any(Number)]);
  expect(out.kinds).toContainEqual(['PrometheusStack', 'function', 'PrometheusStack']);
});
