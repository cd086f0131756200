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
  // Not jsii modules: bundled into the tarball so every jsii language gets them.
  deps: ['yaml@^2.8.0', 're2js@^1.1.0'],
  bundledDeps: ['yaml', 're2js'],
  devDeps: [
    '@types/node@^20',
    'cdk8s-plus-28@2.5.6',
    'kubernetes-models@4.5.1',
    '@kubernetes-models/prometheus-operator@4.4.4',
    'ajv@^8.17.0',
    'tsconfig-paths@^4.2.0',
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

  tsconfigDev: {
    // jsii projects keep the dev tsconfig in test/; paths are relative to it.
    include: ['../examples/**/*.ts'],
    compilerOptions: {
      baseUrl: '..',
      paths: { 'cdk8s-prometheus-monitoring': ['src/index.ts'] },
    },
  },
  gitignore: ['/examples/**/dist/', '/dist-bindings/', '/.tmp/'],
});
for (const pattern of ['/examples/', '/.ci/', '/scripts/', '/dist-bindings/', '/.tmp/']) {
  project.addPackageIgnore(pattern);
}

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

project.addTask('synth:example', {
  description: 'Synthesize the bundled example app into examples/full-stack/dist',
  exec: 'TS_NODE_PROJECT=test/tsconfig.json ts-node -r tsconfig-paths/register examples/full-stack/main.ts',
});

project.synth();
