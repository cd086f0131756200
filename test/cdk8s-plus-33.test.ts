// An app on the cdk8s-plus that `cdk8s init typescript-app` installs today (cdk8s-plus-33), while
// the library is built on cdk8s-plus-28 (its peer dependency): the app compiles with tsc (strict,
// the libraries' .d.ts files checked too), imports the library by its package name (the compiled
// lib/ of this repository) and cdk8s-plus-33 side by side, hands every integration cdk8s-plus-33
// objects, and synthesizes with the plain `app.synth()`. The manifests pass the validators and say
// what the cdk8s-plus-33 objects meant. Needs lib/, which `npx projen compile` (and so the build) writes.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { checkConfig, findObject, findObjects, makeTempDir, removeTempDir, validateManifests } from './harness';

const root = path.join(__dirname, '..');
const NAME = 'cdk8s-prometheus-monitoring';
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const NAMESPACE_NAME = 'kubernetes.io/metadata.name';
const ADDRESS_LABEL = 'cdk8s.io/metadata.addr';

/** Runs a command and returns its output; throws with the output when it fails. */
function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    throw new Error(`\`${[cmd, ...args].join(' ')}\` in ${cwd} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${output}`);
  }
  return output;
}

/** The app, as a user on cdk8s-plus-33 writes it. */
const MAIN_TS = (outdir: string) => `
import { App, Chart, ChartProps, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  AppServiceMonitor, Grafana, GrafanaAdminCredentials, KrakendMetrics, KumaCaBackend, KumaMetricsMesh, KumaPolicyApi, KumaServiceTag,
  MultiprocessMetrics, NetworkPeer, PodSelection, PrometheusAnnotations, PrometheusStack, WeaveMonitoring,
} from '${NAME}';
import { Construct } from 'constructs';

export class Plus33Chart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // PrometheusStack: reached by a cdk8s-plus-33 Pods.select() of another namespace and a Namespaces.select().
    const opsProxy = kplus.Pods.select(this, 'ops-proxy', {
      labels: { app: 'ops-proxy' },
      namespaces: kplus.Namespaces.select(this, 'ops-namespace', { names: ['ops'] }),
    });
    const stack = new PrometheusStack(this, 'prometheus', {
      metadata: { namespace: 'monitoring' },
      createNamespace: true,
      serviceType: kplus.ServiceType.CLUSTER_IP,
      resources: { cpu: { request: kplus.Cpu.millis(200) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) } },
      allowFrom: [NetworkPeer.fromPods(opsProxy), NetworkPeer.fromPods(kplus.Namespaces.select(this, 'central', { names: ['central'] }))],
    });

    // AppServiceMonitor: the pods of a cdk8s-plus-33 Deployment, which gets the multiprocess directory.
    const web = new kplus.Deployment(this, 'web', {
      metadata: { namespace: 'shop' },
      containers: [{ image: 'registry.example.com/web:1.4.2', portNumber: 8000 }],
    });
    new AppServiceMonitor(this, 'web-metrics', {
      pods: PodSelection.fromPods(web),
      metricsPort: 8000,
      stack,
      preforkingServer: true,
      multiprocess: MultiprocessMetrics.python(),
      allowFrom: [NetworkPeer.fromPods(opsProxy)],
    });
    // ... pods given by plain labels, and by a cdk8s-plus-33 Pods.select() of one namespace.
    new AppServiceMonitor(this, 'api-metrics', {
      pods: PodSelection.fromLabels({ app: 'api' }, { namespaceName: 'shop' }),
      metricsPort: 9102,
      stack,
      allowFrom: [NetworkPeer.fromPodLabels({ app: 'scraper' }, { namespaceNames: ['ops'] })],
    });
    new AppServiceMonitor(this, 'worker-metrics', {
      pods: PodSelection.fromPods(kplus.Pods.select(this, 'workers', {
        labels: { app: 'worker' },
        namespaces: kplus.Namespaces.select(this, 'jobs-namespace', { names: ['jobs'] }),
      })),
      metricsPort: 9102,
      stack,
    });
    // The annotations alone, on a cdk8s-plus-33 StatefulSet.
    const queue = new kplus.StatefulSet(this, 'queue', {
      metadata: { namespace: 'shop' },
      containers: [{ image: 'registry.example.com/queue:2.0.1', portNumber: 5672 }],
    });
    PrometheusAnnotations.annotate(queue, { metricsPort: 15692 });

    // WeaveMonitoring and KrakendMetrics, whose exporter port a cdk8s-plus-33 workload may read.
    new WeaveMonitoring(this, 'weave', { stack });
    const dashboards = new kplus.Deployment(this, 'ops-dashboards', {
      metadata: { namespace: 'ops' },
      containers: [{ image: 'registry.example.com/dashboards:1.0.0', portNumber: 8080 }],
    });
    new KrakendMetrics(this, 'gateway', { stack, metadata: { namespace: 'gateway' }, metricsAllowFrom: [NetworkPeer.fromPods(dashboards)] });

    // KumaMetricsMesh: a cdk8s-plus-33 workload's proxy moved, another's application metrics, its cdk8s-plus-33 Service.
    const mesh = new KumaMetricsMesh(this, 'mesh', { stack, mtls: { backends: [KumaCaBackend.builtin()] }, secureMetrics: true });
    const echo = new kplus.Deployment(this, 'echo', {
      metadata: { namespace: 'kuma-demo' },
      containers: [{ image: 'docker.io/kumahq/kuma-tcp-echo:0.1.0', portNumber: 8000 }],
    });
    mesh.overrideWorkload(echo, { metricsPort: 1234, metricsPath: '/non-standard-path' });
    const shop = new kplus.Deployment(this, 'shop', {
      metadata: { namespace: 'kuma-demo' },
      containers: [{ image: 'registry.example.com/shop:1.4.2', portNumber: 8080 }],
    });
    const shopService = shop.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
    mesh.addApplicationMetrics(shop, { metricsPort: 9102, service: KumaServiceTag.fromService(shopService) });

    // Grafana: the admin credentials from a cdk8s-plus-33 Secret, visited from a cdk8s-plus-33 workload.
    new Grafana(stack, 'Grafana', {
      prometheus: stack,
      adminCredentials: GrafanaAdminCredentials.fromSecret(kplus.Secret.fromSecretName(this, 'grafana-admin', 'grafana-admin')),
      allowFrom: [NetworkPeer.fromPods(dashboards)],
    });
  }
}

/** The current Kuma API selects a cdk8s-plus-33 workload's proxies by its pod labels. */
export class CurrentKumaChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const stack = new PrometheusStack(this, 'prometheus', { metadata: { namespace: 'mesh-monitoring' } });
    const mesh = new KumaMetricsMesh(this, 'mesh', { stack, policyApi: KumaPolicyApi.TARGET_REF });
    const echo = new kplus.Deployment(this, 'echo', {
      metadata: { namespace: 'kuma-demo' },
      containers: [{ image: 'docker.io/kumahq/kuma-tcp-echo:0.1.0', portNumber: 8000 }],
    });
    mesh.overrideWorkload(echo, { metricsPort: 1234 });
  }
}

const app = new App({ outdir: ${JSON.stringify(outdir)} });
new Plus33Chart(app, 'plus33');
new CurrentKumaChart(app, 'current');
app.synth();
`;

let appDir: string;
let objects: any[];
let current: any[];
let versions: Record<string, string>;

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'lib', 'index.js')) || !fs.existsSync(path.join(root, 'lib', 'index.d.ts'))) {
    throw new Error('lib/ not found: run `npx projen compile` (the build does) before this test');
  }
  appDir = fs.realpathSync(makeTempDir('cdk8s-plus-33-app-'));
  // The library by its package name, resolving to this repository (package.json: lib/index.js and
  // lib/index.d.ts); cdk8s, constructs and both cdk8s-plus versions as this repository installs them.
  const modules = path.join(appDir, 'node_modules');
  fs.mkdirSync(modules);
  fs.symlinkSync(root, path.join(modules, NAME), 'dir');
  for (const dep of ['cdk8s', 'constructs', 'cdk8s-plus-28', 'cdk8s-plus-33']) {
    fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(modules, dep), 'dir');
  }
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'plus33-app', version: '0.0.0', private: true }, null, 2));
  fs.writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify({
    // strict, and the libraries' .d.ts files checked too (no skipLibCheck); no @types/node needed
    compilerOptions: { target: 'ES2020', module: 'commonjs', lib: ['es2020'], strict: true, skipLibCheck: false, types: [] },
    files: ['main.ts'],
  }, null, 2));
  const outdir = path.join(appDir, 'dist');
  fs.writeFileSync(path.join(appDir, 'main.ts'), MAIN_TS(outdir));

  try {
    run('node', [tsc, '-p', '.'], appDir);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- main.ts ---\n${fs.readFileSync(path.join(appDir, 'main.ts'), 'utf8')}`);
  }
  run('node', ['main.js'], appDir);
  const manifests = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8'))
    .map((d) => d.toJS()).filter((o) => o !== null);
  expect(fs.readdirSync(outdir).sort()).toEqual(['current.k8s.yaml', 'plus33.k8s.yaml']);
  objects = manifests('plus33.k8s.yaml');
  current = manifests('current.k8s.yaml');

  // What the app really ran: which cdk8s-plus each import is, and where the library came from.
  versions = JSON.parse(run('node', ['-e', `
    const v = (m) => require(require.resolve(m + '/package.json')).version;
    console.log(JSON.stringify({ plus28: v('cdk8s-plus-28'), plus33: v('cdk8s-plus-33'), lib: require.resolve('${NAME}') }));`], appDir));
}, 240_000);

afterAll(() => {
  if (appDir) removeTempDir(appDir);
});

const policiesIn = (namespace: string) => findObjects(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === namespace);
const deployment = (namespace: string, nameFragment: string) =>
  findObjects(objects, 'Deployment').find((d) => d.metadata.namespace === namespace && d.metadata.name.includes(nameFragment));
const serviceIn = (namespace: string, fragment: string) =>
  findObjects(objects, 'Service').find((s) => s.metadata.namespace === namespace && s.metadata.name.includes(fragment));

test('the app runs the compiled library with cdk8s-plus-33 beside cdk8s-plus-28', () => {
  expect(versions.lib).toBe(path.join(root, 'lib', 'index.js'));
  expect(versions.plus33).toMatch(/^2\./);
  expect(versions.plus28).toMatch(/^2\./);
});

test('the manifests pass the validators, and the prometheus.yml passes promtool', () => {
  validateManifests(objects);
  validateManifests(current);
  const configs = findObjects(objects, 'ConfigMap').filter((cm) => cm.data?.['prometheus.yml'] !== undefined);
  expect(configs).toHaveLength(1);
  const config = YAML.parse(configs[0].data['prometheus.yml']);
  expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(expect.arrayContaining([
    'prometheus', 'apps/shop', 'apps/jobs', 'weave', 'weave-npc', 'krakend', 'kuma-dataplanes', 'grafana', 'pods/kuma-demo',
  ]));
  checkConfig(configs[0].data['prometheus.yml']);
});

test('PrometheusStack: the cdk8s-plus-33 peers are admitted, and its ServiceType and resources fit', () => {
  const [policy] = policiesIn('monitoring').filter((p) => p.metadata.name.includes('prometheus'));
  expect(policy.spec.ingress[0].from).toEqual(expect.arrayContaining([
    { podSelector: { matchLabels: { app: 'ops-proxy' } }, namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: 'ops' } } },
    { podSelector: {}, namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: 'central' } } },
  ]));
  const server = deployment('monitoring', 'prometheus').spec.template.spec.containers.find((c: any) => c.name === 'prometheus');
  expect(server.resources).toEqual({ requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '1Gi' } });
  expect(findObject(objects, 'Service', /prometheus-service/).spec.type).toBe('ClusterIP');
});

test('AppServiceMonitor: a cdk8s-plus-33 Deployment gives the pods and the namespace, and gets its directory', () => {
  const web = deployment('shop', 'web');
  const service = serviceIn('shop', 'web-metrics');
  expect(service.spec.selector).toEqual({ [ADDRESS_LABEL]: web.spec.selector.matchLabels[ADDRESS_LABEL] });
  expect(web.spec.template.metadata.labels[ADDRESS_LABEL]).toBe(service.spec.selector[ADDRESS_LABEL]);
  const pod = web.spec.template.spec;
  expect(pod.volumes).toEqual([{ name: 'prometheus-multiproc', emptyDir: {} }]);
  // the serving container's own subdirectory
  expect(pod.containers[0].volumeMounts).toEqual([{ name: 'prometheus-multiproc', mountPath: '/tmp/prometheus-multiproc', subPath: pod.containers[0].name }]);
  expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: 'PROMETHEUS_MULTIPROC_DIR', value: '/tmp/prometheus-multiproc' }]));
  const [policy] = policiesIn('shop').filter((p) => p.metadata.name.includes('web-metrics'));
  expect(policy.spec.podSelector).toEqual({ matchLabels: service.spec.selector });
  expect(policy.spec.ingress[0].from[0]).toEqual({
    podSelector: { matchLabels: { app: 'ops-proxy' } }, namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: 'ops' } },
  });
});

test('AppServiceMonitor: pods from plain labels, and from a cdk8s-plus-33 Pods.select() of one namespace', () => {
  expect(serviceIn('shop', 'api-metrics').spec.selector).toEqual({ app: 'api' });
  const [apiPolicy] = policiesIn('shop').filter((p) => p.metadata.name.includes('api-metrics'));
  expect(apiPolicy.spec.ingress[0].from[0]).toEqual({
    podSelector: { matchLabels: { app: 'scraper' } }, namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: 'ops' } },
  });
  expect(serviceIn('jobs', 'worker-metrics').spec.selector).toEqual({ app: 'worker' });
  expect(findObjects(objects, 'ServiceMonitor').map((m) => m.metadata.namespace).sort()).toEqual(['jobs', 'shop', 'shop']);
});

test('PrometheusAnnotations.annotate: a cdk8s-plus-33 StatefulSet', () => {
  const queue = findObjects(objects, 'StatefulSet').find((s) => s.metadata.name.includes('queue'));
  expect(queue.spec.template.metadata.annotations).toEqual(expect.objectContaining({ 'prometheus.io/port': '15692' }));
});

test('KrakendMetrics: the exporter port admits the cdk8s-plus-33 workload and the stack', () => {
  const dashboards = deployment('ops', 'ops-dashboards');
  const [policy] = policiesIn('gateway');
  const exporterRule = policy.spec.ingress.find((r: any) => r.from);
  expect(exporterRule.from[0]).toEqual({
    podSelector: { matchLabels: { [ADDRESS_LABEL]: dashboards.spec.template.metadata.labels[ADDRESS_LABEL] } },
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: 'ops' } },
  });
});

test('KumaMetricsMesh: a cdk8s-plus-33 workload\'s proxy moved, another\'s metrics annotated and permitted by its Service\'s tag', () => {
  expect(deployment('kuma-demo', 'echo').spec.template.metadata.annotations).toEqual(expect.objectContaining({
    'prometheus.metrics.kuma.io/port': '1234', 'prometheus.metrics.kuma.io/path': '/non-standard-path',
  }));
  expect(deployment('kuma-demo', 'shop').spec.template.metadata.annotations).toEqual(expect.objectContaining({ 'prometheus.io/port': '9102' }));
  const shopService = serviceIn('kuma-demo', 'shop');
  const tag = `${shopService.metadata.name}_kuma-demo_svc_80`;
  const permissions = JSON.stringify(findObjects(objects, 'TrafficPermission'));
  expect(permissions).toContain(`"kuma.io/service":"${tag}"`);

  const meshMetrics = findObjects(current, 'MeshMetric');
  const echo = findObjects(current, 'Deployment').find((d) => d.metadata.name.includes('echo'));
  // Kuma 2.12 targets the workload's proxies as Dataplanes by the labels that select its pods
  expect(meshMetrics.map((m) => m.spec.targetRef.labels)).toContainEqual({
    [ADDRESS_LABEL]: echo.spec.template.metadata.labels[ADDRESS_LABEL], 'k8s.kuma.io/namespace': 'kuma-demo',
  });
});

test('Grafana: the admin credentials come from the cdk8s-plus-33 Secret, and the cdk8s-plus-33 workload may visit', () => {
  const grafana = deployment('monitoring', 'grafana');
  expect(grafana.spec.template.spec.containers[0].env.slice(0, 2)).toEqual([
    { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-user' } } },
    { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } } },
  ]);
  const [policy] = policiesIn('monitoring').filter((p) => p.metadata.name.includes('grafana'));
  const dashboards = deployment('ops', 'ops-dashboards');
  expect(policy.spec.ingress[0].from[0]).toEqual({
    podSelector: { matchLabels: { [ADDRESS_LABEL]: dashboards.spec.template.metadata.labels[ADDRESS_LABEL] } },
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: 'ops' } },
  });
});
