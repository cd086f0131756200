import { JsonFile, cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-prometheus-monitoring',
  description:
    'Typed cdk8s constructs for Prometheus monitoring on Kubernetes: a Prometheus server, ' +
    'Weave Net, instrumented applications, Kuma service mesh and KrakenD metrics, checked by real validators.',
  keywords: ['cdk8s', 'kubernetes', 'prometheus', 'monitoring', 'servicemonitor', 'weave', 'kuma', 'krakend'],
  license: 'Apache-2.0',
  author: 'cdk8s-prometheus-monitoring maintainers',
  authorAddress: 'maintainers@cdk8s-prometheus-monitoring.dev',
  repositoryUrl: 'https://github.com/cdk8s-prometheus-monitoring/cdk8s-prometheus-monitoring.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // Versions: projen's cdk8s-construct defaults (cdk8s 1.x, constructs 3) do not install, and
  // TypeScript 7 breaks jsii/ts-node; pin what works (see the README's "Development" section).
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  minNodeVersion: '20.0.0',

  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // `npx cdk8s-prometheus-monitoring migrate-krakend old.json > new.json`
  bin: { 'cdk8s-prometheus-monitoring': 'bin/cdk8s-prometheus-monitoring' },
  // Not jsii modules: bundled into the tarball so every jsii language gets them.
  // @prometheus-io/lezer-promql is Prometheus's own PromQL grammar; @lezer/* are its peers.
  deps: ['yaml@^2.8.0', 're2js@^1.1.0', '@prometheus-io/lezer-promql@^0.315.0', '@lezer/lr@^1.4.0', '@lezer/highlight@^1.2.0'],
  bundledDeps: ['yaml', 're2js', '@prometheus-io/lezer-promql', '@lezer/lr', '@lezer/highlight'],
  devDeps: [
    '@types/node@^20',
    'cdk8s-plus-28@2.5.6',
    // An app on a newer cdk8s-plus uses the library: the compatibility test compiles one against it.
    'cdk8s-plus-33@2.5.57',
    'kubernetes-models@4.5.1',
    '@kubernetes-models/prometheus-operator@4.4.4',
    'ajv@^8.17.0',
    'tsconfig-paths@^4.2.0',
    // The packaging test synthesizes a new app from the packed tarball with the real CLI.
    'cdk8s-cli@2.207.60',
    // 4.x depends on unrs-resolver, whose per-platform optional packages npm 11 leaves out of
    // the lock file, which then breaks `npm ci`.
    'eslint-import-resolver-typescript@~3.6.3',
  ],

  // GitHub workflows are not used: CI runs .ci/run.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  jestOptions: {
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // Most integration suites wait on real Prometheus, Alertmanager and node exporter processes:
      // three workers keep both cores busy (jest's default is one worker on a 2-core machine).
      maxWorkers: 3,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Examples import the library by its package name, as users do.
      moduleNameMapper: { '^cdk8s-prometheus-monitoring$': '<rootDir>/src/index.ts' },
    },
  },

  // jsii targets, so a release pipeline can publish every language.
  publishToPypi: {
    distName: 'cdk8s-prometheus-monitoring',
    module: 'cdk8s_prometheus_monitoring',
  },
  publishToMaven: {
    javaPackage: 'dev.cdk8s.prometheus.monitoring',
    mavenGroupId: 'dev.cdk8s-prometheus-monitoring',
    mavenArtifactId: 'cdk8s-prometheus-monitoring',
  },
  publishToNuget: {
    dotNetNamespace: 'Cdk8sPrometheusMonitoring',
    packageId: 'Cdk8sPrometheusMonitoring',
  },
  publishToGo: {
    moduleName: 'github.com/cdk8s-prometheus-monitoring/cdk8s-prometheus-monitoring-go',
  },

  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'projenrc'] },

  // Source maps beside the JavaScript rather than inlined: inlined maps and sources made lib/
  // 3.5 times larger, and Node reads and compiles every byte of it on require().
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false, sourceMap: true } },
  tsconfigDev: {
    // jsii projects keep the dev tsconfig in test/; paths are relative to it.
    include: ['../examples/**/*.ts'],
    compilerOptions: {
      baseUrl: '..',
      paths: { 'cdk8s-prometheus-monitoring': ['src/index.ts'] },
    },
  },
  gitignore: ['/examples/**/dist/', '/examples/**/dist-universal/', '/dist-bindings/', '/.tmp/', '/.jsii.tabl.json', '/node_modules'],
});
for (const pattern of ['/examples/', '/.ci/', '/scripts/', '/dist-bindings/', '/.tmp/']) {
  project.addPackageIgnore(pattern);
}

// Snapshots are updated on purpose only (`npx jest -u`), never by a task.
project.tasks.removeTask('test:update');

// Examples import the package by name; TypeScript resolves it through test/tsconfig.json paths.
project.eslint?.addOverride({ files: ['examples/**/*.ts'], rules: { 'import/no-unresolved': 'off' } });

// Examples compile (and lint) with the dev tsconfig, which maps the package name to src/.
new JsonFile(project, 'examples/tsconfig.json', { obj: { extends: '../test/tsconfig.json' } });

// The languages that cannot be built here (no PyPI, no Go proxy) are still generated as code
// and checked to contain the main classes.
const bindings = project.addTask('bindings', {
  description: 'Generate the Python, Java, .NET and Go bindings as source code and check them',
  steps: [
    { exec: 'rm -rf dist-bindings' },
    {
      exec: 'jsii-pacmak --code-only --outdir dist-bindings --target python --target java --target dotnet --target go',
    },
    { exec: 'node scripts/check-bindings.cjs dist-bindings' },
  ],
});
// Package the npm tarball only: the Python and Go packagers need PyPI and a Go toolchain,
// which a release pipeline has and this repository's CI does not.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);
project.packageTask.spawn(bindings);

// L1 classes of the CRDs the library emits, generated by `cdk8s import`; never edited by hand.
project.addTask('import:crds', {
  description: 'Regenerate src/imports from the prometheus-operator and Kuma CRDs (needs ../shared/crds and the npm registry)',
  steps: [
    { exec: 'npx --yes cdk8s-cli@2.207.60 import ../shared/crds/monitoring.coreos.com_servicemonitors.yaml --language typescript --output src/imports' },
    // One file for the five Kuma kinds (importing them one by one would overwrite kuma.io.ts).
    { exec: 'cat ../shared/crds/kuma.io_*.yaml > /tmp/kuma.io-crds.yaml && npx --yes cdk8s-cli@2.207.60 import /tmp/kuma.io-crds.yaml --language typescript --output src/imports' },
  ],
});
project.eslint?.addIgnorePattern('src/imports/');
// The layers, one way only: a folder imports only the folders listed before it. Integrations
// never import each other; Grafana reads the stack through an interface, never its class.
const LAYERS: Array<[string, string[]]> = [
  ['core', ['core', 'model', 'k8s', 'stack', 'grafana', 'integrations']],
  ['model', ['model', 'k8s', 'stack', 'grafana', 'integrations']],
  ['k8s', ['k8s', 'stack', 'grafana', 'integrations']],
  ['stack', ['stack', 'grafana', 'integrations']],
  ['grafana', ['grafana', 'integrations']],
];
const INTEGRATIONS = ['apps', 'weave', 'kuma', 'krakend'];
project.eslint?.addRules({
  'import/no-cycle': ['error', { ignoreExternal: true }],
  'import/no-restricted-paths': ['error', {
    zones: [
      ...LAYERS.flatMap(([layer, above]) => above.filter((a) => a !== layer).map((a) => ({
        target: `./src/${layer}`, from: `./src/${a}`, message: `${layer} is below ${a}: import only core, model, k8s, stack, grafana, integrations in that order`,
      }))),
      ...INTEGRATIONS.flatMap((i) => INTEGRATIONS.filter((o) => o !== i).map((o) => ({
        target: `./src/integrations/${i}`, from: `./src/integrations/${o}`, message: 'integrations never import each other: share through the stack',
      }))),
    ],
  }],
});
project.jest?.addIgnorePattern('/src/imports/');

// Two jest projects. `unit`: the tests that start no process (no promtool, which synthAndCheck
// and runExampleProgram run on every prometheus.yml, no Prometheus, Alertmanager, amtool, node
// exporter, tsc or npm pack); `npx projen test:unit` runs them in well under a minute. `integration`:
// every other test, a new one included until it is listed here. `npx projen test` (the build, CI)
// runs both.
const UNIT_TESTS = [
  'api/docs.test.ts',
  'bad-input/jsii-host.test.ts',
  'grafana/dashboard.test.ts',
  'harness-selftest/manifests.test.ts',
  'krakend/telemetry.test.ts',
  'kuma/kuma-schema.test.ts',
  'prometheus/version.test.ts',
  'readme.test.ts',
].map((f) => `<rootDir>/test/${f}`);
const jestConfig = project.jest!.config;
const jestProject = (displayName: string, files: { testMatch: string[]; testPathIgnorePatterns: string[] }) => ({
  displayName,
  ...files,
  transform: jestConfig.transform,
  moduleNameMapper: jestConfig.moduleNameMapper,
  clearMocks: jestConfig.clearMocks,
});
project.package.file.addOverride('jest.projects', [
  jestProject('unit', { testMatch: UNIT_TESTS, testPathIgnorePatterns: jestConfig.testPathIgnorePatterns }),
  jestProject('integration', {
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: [...jestConfig.testPathIgnorePatterns, ...UNIT_TESTS],
  }),
]);
for (const name of ['unit', 'integration']) {
  project.addTask(`test:${name}`, {
    description: `Run the ${name} tests (the jest project '${name}')`,
    exec: `jest --passWithNoTests --ci --selectProjects ${name}`,
    receiveArgs: true,
  });
}

/** Runs an example program in its own directory, as `cdk8s synth` would: it writes its dist/ there. */
const runExample = (name: string) => ({
  exec: 'ts-node -r tsconfig-paths/register main.ts',
  cwd: `examples/${name}`,
  env: { TS_NODE_PROJECT: '../../test/tsconfig.json' },
});
// The README's TypeScript examples compile under jsii-rosetta (each names the earlier sample it
// extends as a fixture in rosetta/), which also translates them into the other jsii languages.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile the README examples with jsii-rosetta --strict and translate them',
  steps: [
    { exec: 'rm -f .tmp/samples.tabl.json && mkdir -p .tmp' },
    { exec: 'jsii-rosetta extract --strict --cache-to .tmp/samples.tabl.json .jsii' },
  ],
});
// Their Python translations must run as they stand: syntax, undefined names, leftover JavaScript.
const pythonSamples = project.addTask('test:python-samples', {
  description: "Check the Python translations of the README's examples (py_compile, pyflakes3, JavaScript idioms)",
  exec: 'node scripts/check-python-samples.cjs .tmp/samples.tabl.json',
});
project.testTask.prependSpawn(pythonSamples);
// The package's entry point is one file holding every compiled module (scripts/bundle-lib.cjs):
// loading the library then reads and compiles one file instead of about 140.
project.compileTask.exec('node scripts/bundle-lib.cjs');
project.postCompileTask.spawn(rosetta);

project.addTask('bench', {
  description: 'Benchmark synthesis of a fleet of N applications against plain cdk8s (see bench/bench.cjs)',
  steps: [{ spawn: 'compile' }, { exec: 'node bench/bench.cjs', receiveArgs: true }],
});
project.addPackageIgnore('/bench/');

project.addTask('synth:example', {
  description: 'Synthesize the bundled example app into examples/full-stack/dist, and say what was written',
  steps: [runExample('full-stack'), { exec: 'node scripts/summarize-manifests.cjs examples/full-stack/dist' }],
});
project.addTask('synth:examples', {
  description: 'Synthesize every example program into its dist/',
  // prometheus-config prints a prometheus.yml rather than writing manifests; its test checks it.
  steps: ['quick-start', 'prometheus-server', 'full-stack', 'app-metrics', 'weave-net', 'krakend', 'kuma-mesh'].map(runExample),
});

project.synth();
