// Every annotation and label key, environment variable and container flag the examples put on
// Kubernetes objects is either one an upstream project defines (cited) or one of the library's own.
//
// The objects themselves are valid Kubernetes 1.28 and prometheus-operator v0.93.0 objects (the
// strict validator every synthesis runs); Prometheus's and Grafana's own names are in
// prometheus.test.ts and grafana.test.ts; Weave Net's (WEAVE_METRICS_ADDR, weave-npc's
// --metrics-addr) in test/weave/weave-kube.ts; KrakenD's `run -c` in test/krakend/cli.test.ts.
import { exampleContainers, exampleObjects, flagNames, haveMirrors, show } from './upstream';

const KUMA = 'kumahq/kuma';
const HELM_CHARTS = 'prometheus-community/helm-charts';
const CLIENT_PYTHON = 'prometheus/client_python';

// from kumahq/kuma v2.12.14 pkg/plugins/runtime/k8s/metadata/annotations.go (the annotation and
// label names the Kubernetes plugin reads) and api/mesh/v1alpha1/dataplane_helpers.go (the tags
// Kuma gives each Kubernetes data plane).
const KUMA_NAMES = {
  'pkg/plugins/runtime/k8s/metadata/annotations.go': ['kuma.io/mesh', 'kuma.io/sidecar-injection', 'kuma.io/direct-access-services',
    'prometheus.metrics.kuma.io/port', 'prometheus.metrics.kuma.io/path'],
  'api/mesh/v1alpha1/dataplane_helpers.go': ['kuma.io/service', 'k8s.kuma.io/namespace'],
};

// The `prometheus.io/*` annotations are a convention, not a Prometheus name: the jobs that read
// them are the prometheus chart's, prometheus-community/helm-charts prometheus-29.27.0
// charts/prometheus/values.yaml (`__meta_kubernetes_pod_annotation_prometheus_io_<name>`, the
// annotation sanitized by Kubernetes discovery).
const PROMETHEUS_IO = ['scrape', 'scrape_slow', 'scheme', 'path', 'port'];

// Keys that are the library's own (under its own prefix, or `checksum/*` as Helm charts write it to
// roll a pod when its configuration changes), Kubernetes' recommended labels, and labels users
// give in the examples (the ServiceMonitor's `release`, the seed's Namespace `component`, the
// weave-net DaemonSet's upstream `name`, the Namespace's `kubernetes.io/metadata.name`).
const OWN = ['checksum/config', 'checksum/provisioning', 'cdk8s-prometheus-monitoring/service', 'cdk8s-prometheus-monitoring/shard', 'cdk8s-prometheus-monitoring/dashboard',
  'cdk8s-prometheus-monitoring/open-egress',
  // The scrape settings an application's Service carries for the stack's shared namespace job.
  ...['port', 'path', 'scheme', 'interval', 'timeout'].map((s) => `cdk8s-prometheus-monitoring/scrape-${s}`),
  'cdk8s.io/metadata.addr', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component',
  'kubernetes.io/metadata.name', 'release', 'component', 'name', 'app', 'tier'];

/** Every annotation and label key of every object (and pod template) of the examples, with where it is. */
function metadataKeys(): Array<{ key: string; where: string }> {
  return exampleObjects().flatMap((o) => [o.metadata, o.spec?.template?.metadata].filter((m) => m).flatMap((m: any) =>
    [...Object.keys(m.annotations ?? {}), ...Object.keys(m.labels ?? {})].map((key) => ({ key, where: `${o.kind}/${o.metadata.name}` }))));
}

/** Whether upstream (as cited above) defines the key, or it is one of the library's own. */
function known(key: string): boolean {
  return Object.values(KUMA_NAMES).flat().includes(key) || OWN.includes(key) || key.startsWith('cdk8s-prometheus-monitoring/scrape-param-')
    || (key.startsWith('prometheus.io/') && PROMETHEUS_IO.includes(key.slice('prometheus.io/'.length).replace(/[.-]/g, '_')));
}

test('every annotation and label key is one upstream defines, or the library\'s own', () => {
  const keys = metadataKeys();
  expect(keys.length).toBeGreaterThan(50);
  expect(keys.filter((k) => !known(k.key)).map((k) => `${k.where}: ${k.key}`)).toEqual([]);
  expect(keys.map((k) => k.key)).toEqual(expect.arrayContaining(['kuma.io/sidecar-injection', 'prometheus.io/scrape', 'prometheus.metrics.kuma.io/port']));
});

test('the check finds a key nobody defines, or one in a domain that is not the library\'s', () => {
  expect(['prometheus.io/scrap', 'kuma.io/sidecar-injected-by', 'grafana.com/dashboard', 'prometheus.io/path'].filter((k) => !known(k)))
    .toEqual(['prometheus.io/scrap', 'kuma.io/sidecar-injected-by', 'grafana.com/dashboard']);
});

// from prometheus/client_python v0.25.0 prometheus_client/values.py: the directory is
// PROMETHEUS_MULTIPROC_DIR, or the deprecated prometheus_multiproc_dir older clients read.
const CLIENT_PYTHON_ENV = ['PROMETHEUS_MULTIPROC_DIR', 'prometheus_multiproc_dir'];
// from kumahq/kuma 1.8.8 app/kuma-prometheus-sd/cmd/run.go: the `run` command's flags.
const KUMA_PROMETHEUS_SD = { command: 'run', flags: ['--cp-address', '--name', '--api-version', '--output-file'] };

test('the application\'s multiprocess directory and kuma-prometheus-sd\'s flags are the clients\' own names', () => {
  const containers = exampleContainers();
  const app = containers.find((c) => c.container.env?.some((e: any) => /multiproc/i.test(e.name)))!;
  expect(app.container.env.map((e: any) => e.name).filter((n: string) => /multiproc/i.test(n))).toEqual(CLIENT_PYTHON_ENV);
  const sd = containers.filter((c) => c.container.image.startsWith('docker.io/kumahq/kuma-prometheus-sd:'));
  expect(sd.length).toBeGreaterThan(0);
  for (const { container } of sd) {
    expect(container.args[0]).toBe(KUMA_PROMETHEUS_SD.command);
    expect(flagNames(container.args).filter((f) => !KUMA_PROMETHEUS_SD.flags.includes(f))).toEqual([]);
  }
});

(haveMirrors(KUMA, HELM_CHARTS, CLIENT_PYTHON) ? describe : describe.skip)('the fixtures are what the cited source says', () => {
  test.each(Object.entries(KUMA_NAMES))('kumahq/kuma v2.12.14 %s defines them', (file, names) => {
    const source = show(KUMA, 'v2.12.14', file);
    for (const name of names) expect(source).toContain(`= "${name}"`);
  });

  test('the prometheus chart reads the prometheus.io annotations', () => {
    const values = show(HELM_CHARTS, 'prometheus-29.27.0', 'charts/prometheus/values.yaml');
    const read = new Set([...values.matchAll(/__meta_kubernetes_pod_annotation_prometheus_io_([a-z_]+?)\b/g)].map((m) => m[1]));
    expect([...read].filter((n) => n !== 'param_').sort()).toEqual([...PROMETHEUS_IO].sort());
  });

  test('client_python reads both variables, and kuma-prometheus-sd has the flags', () => {
    const values = show(CLIENT_PYTHON, 'v0.25.0', 'prometheus_client/values.py');
    for (const name of CLIENT_PYTHON_ENV) expect(values).toContain(`'${name}' in os.environ`);
    const run = show(KUMA, '1.8.8', 'app/kuma-prometheus-sd/cmd/run.go');
    expect(run).toContain(`Use:   "${KUMA_PROMETHEUS_SD.command}"`);
    for (const flag of KUMA_PROMETHEUS_SD.flags) expect(run).toContain(`, "${flag.slice(2)}", `);
  });
});
