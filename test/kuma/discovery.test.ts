// How Prometheus finds the proxies: the kuma_sd job with the document's relabelling (run by a real
// Prometheus over targets shaped like kuma_sd's), and the kuma-prometheus-sd sidecar for
// Prometheus older than 2.29.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrometheusStack } from '../../src';
import { KumaDataplaneDiscovery, KumaMetricsMesh } from '../../src/integrations/kuma';
import { findObject, relabel, relabelCaseFromJob } from '../harness';
import { jobNamed, newChart, onlyConfig } from '../util';
import { meshPrometheus, synthKuma } from './helpers';
import { kumaPrometheusSdTarget, kumaSdTarget, MadsProxy } from './mads';

const PROXIES: MadsProxy[] = [{
  mesh: 'default',
  dataplane: 'web-7d4f9c-xk2lp.kuma-demo',
  service: 'web_kuma-demo_svc_80',
  address: '10.0.1.5:5670',
  tags: {
    'kuma.io/service': 'web_kuma-demo_svc_80',
    'kuma.io/protocol': 'http',
    'k8s.kuma.io/namespace': 'kuma-demo',
    'app': 'web',
    'version': 'v2',
  },
  kubernetes: { name: 'web-7d4f9c-xk2lp', namespace: 'kuma-demo' },
}, {
  // A proxy whose metrics were moved with the prometheus.metrics.kuma.io annotations.
  mesh: 'payments',
  dataplane: 'kuma-tcp-echo-5b8d-q9wz.kuma-demo',
  service: 'kuma-tcp-echo_kuma-demo_svc_8000',
  address: '10.0.1.9:1234',
  path: '/non-standard-path',
  tags: { 'kuma.io/service': 'kuma-tcp-echo_kuma-demo_svc_8000', 'app': 'kuma-tcp-echo' },
  kubernetes: { name: 'kuma-tcp-echo-5b8d-q9wz', namespace: 'kuma-demo' },
}, {
  // A Universal proxy: no name extensions, so no pod or namespace.
  mesh: 'default',
  dataplane: 'backend-01',
  service: 'backend',
  address: '192.168.0.10:5670',
  tags: { 'kuma.io/service': 'backend' },
}];

function kumaSdJob() {
  const chart = newChart();
  const stack = meshPrometheus(chart);
  new KumaMetricsMesh(chart, 'kuma', { stack, scrapeInterval: Duration.seconds(5) });
  return jobNamed(onlyConfig(synthKuma(chart)), 'kuma-dataplanes');
}

describe('kuma_sd (Prometheus >= 2.29)', () => {
  test('the document\'s job: kuma_sd_configs on the control plane\'s MADS server, and its relabelling', () => {
    expect(kumaSdJob()).toEqual({
      job_name: 'kuma-dataplanes',
      scrape_interval: '5s',
      kuma_sd_configs: [{ server: 'http://kuma-control-plane.kuma-system.svc:5676' }],
      relabel_configs: [
        { source_labels: ['__meta_kuma_mesh'], regex: '(.*)', target_label: 'mesh', action: 'replace' },
        { source_labels: ['__meta_kuma_dataplane'], regex: '(.*)', target_label: 'dataplane', action: 'replace' },
        { source_labels: ['__meta_kuma_service'], regex: '(.*)', target_label: 'service', action: 'replace' },
        { regex: '__meta_kuma_label_(.+)', action: 'labelmap' },
        { source_labels: ['k8s_kuma_io_name'], regex: '(.+)', target_label: 'pod', action: 'replace' },
        { source_labels: ['k8s_kuma_io_namespace'], regex: '(.+)', target_label: 'namespace', action: 'replace' },
      ],
    });
  });

  test('zero config on a stack: the stack\'s interval, no RBAC (MADS is not the Kubernetes API)', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack });
    const out = synthKuma(chart);
    expect(jobNamed(onlyConfig(out), 'kuma-dataplanes')).not.toHaveProperty('scrape_interval');
    expect(mesh.scrapeJob?.jobName).toBe('kuma-dataplanes');
    expect(out.objects.filter((o) => /Role/.test(o.kind))).toEqual([]);
  });

  test('the MADS server, refresh interval and fetch timeout', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', {
      stack: meshPrometheus(chart),
      discovery: KumaDataplaneDiscovery.kumaSd({
        server: 'http://kong-mesh-control-plane.kong-mesh-system.svc:5676', refreshInterval: Duration.seconds(15), fetchTimeout: Duration.minutes(1),
      }),
    });
    expect(jobNamed(onlyConfig(synthKuma(chart)), 'kuma-dataplanes').kuma_sd_configs).toEqual([{
      server: 'http://kong-mesh-control-plane.kong-mesh-system.svc:5676', refresh_interval: '15s', fetch_timeout: '1m',
    }]);
  });

  test('jobName', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart), jobName: 'mesh-proxies' });
    expect(onlyConfig(synthKuma(chart)).scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'mesh-proxies']);
  });

  test('two meshes on one stack share the job: MADS serves every mesh of the control plane', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    const a = new KumaMetricsMesh(chart, 'a', { meshName: 'a', stack });
    const b = new KumaMetricsMesh(chart, 'b', { meshName: 'b', stack });
    expect(b.scrapeJob).toBe(a.scrapeJob);
    expect(onlyConfig(synthKuma(chart)).scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'kuma-dataplanes']);
  });

  test('fails on two meshes that want the one job differently', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    new KumaMetricsMesh(chart, 'a', { meshName: 'a', stack });
    expect(() => new KumaMetricsMesh(chart, 'b', { meshName: 'b', stack, scrapeInterval: Duration.seconds(5) }))
      .toThrow("test/b: 'discovery' must match the 'kuma-dataplanes' job that test/a added to the same stack (one job discovers the proxies "
        + "of every mesh of the control plane), got 'kuma_sd'. Give both meshes the same discovery and scrapeInterval, or another jobName");
  });

  test('fails on a Prometheus image older than 2.29, which has no kuma_sd_configs', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { image: 'quay.io/prometheus/prometheus:v2.26.0' });
    expect(() => new KumaMetricsMesh(chart, 'kuma', { stack }))
      .toThrow("test/kuma: 'stack.image' must be Prometheus 2.29 or newer for kuma_sd_configs (KumaDataplaneDiscovery.kumaSd()), "
        + "got 'quay.io/prometheus/prometheus:v2.26.0'. Use a newer Prometheus image, or, with a Kuma control plane older than 2.7, "
        + 'KumaDataplaneDiscovery.kumaPrometheusSd()');
  });

  test.each([
    ['the first release with kuma_sd', 'quay.io/prometheus/prometheus:v2.29.0'],
    ['a tag that is no version (taken for a current release)', 'quay.io/prometheus/prometheus:main'],
    ['a digest only', `quay.io/prometheus/prometheus@sha256:${'a'.repeat(64)}`],
    ['a registry with a port', 'registry.local:5000/prometheus:v3.5.0'],
  ])('accepts %s', (_, image) => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { stack: new PrometheusStack(chart, 'prometheus', { image }) });
    expect(jobNamed(onlyConfig(synthKuma(chart)), 'kuma-dataplanes')).toHaveProperty('kuma_sd_configs');
  });

  test('fails on a MADS server that is not a URL', () => {
    expect(() => KumaDataplaneDiscovery.kumaSd({ server: 'kuma-control-plane:5676' }))
      .toThrow("ServiceDiscovery.kuma: 'server' must use the http or https scheme, got 'kuma-control-plane:5676'");
  });
});

describe('kuma-prometheus-sd (Prometheus < 2.29, Kuma < 2.7)', () => {
  function sidecarSetup(discovery = KumaDataplaneDiscovery.kumaPrometheusSd()) {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    new KumaMetricsMesh(chart, 'kuma', { stack, discovery, kumaVersion: '2.6' });
    const out = synthKuma(chart);
    return { stack, out, pod: findObject(out.objects, 'Deployment').spec.template.spec };
  }

  test('the document\'s file_sd job, reading the file kuma-prometheus-sd writes', () => {
    expect(jobNamed(onlyConfig(sidecarSetup().out), 'kuma-dataplanes')).toEqual({
      job_name: 'kuma-dataplanes',
      file_sd_configs: [{ files: ['/var/run/kuma-prometheus-sd/kuma.file_sd.json'] }],
      relabel_configs: [
        // kuma-prometheus-sd names the job after the service; the job and the dashboard want the job's name.
        { target_label: 'job', replacement: 'kuma-dataplanes', action: 'replace' },
        { source_labels: ['k8s_kuma_io_name'], regex: '(.+)', target_label: 'pod', action: 'replace' },
        { source_labels: ['k8s_kuma_io_namespace'], regex: '(.+)', target_label: 'namespace', action: 'replace' },
      ],
    });
  });

  test('fails with Kuma 2.7 or newer (the default 2.12), which no longer serves MADS over gRPC', () => {
    const chart = newChart();
    expect(() => new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart), discovery: KumaDataplaneDiscovery.kumaPrometheusSd() }))
      .toThrow("test/kuma: 'discovery' cannot be kuma-prometheus-sd with Kuma 2.12.0 ('kumaVersion'): it speaks only MADS over gRPC, "
        + "which Kuma 2.7 removed, got 'KumaDataplaneDiscovery.kumaPrometheusSd()'. Use KumaDataplaneDiscovery.kumaSd() with Prometheus "
        + "2.29 or newer, or set kumaVersion to the control plane's version if it is older than 2.7");
    const chart27 = newChart();
    expect(() => new KumaMetricsMesh(chart27, 'kuma', {
      stack: meshPrometheus(chart27), kumaVersion: '2.7.0', discovery: KumaDataplaneDiscovery.kumaPrometheusSd(),
    })).toThrow(/'discovery' cannot be kuma-prometheus-sd with Kuma 2\.7\.0/);
  });

  test('kuma-prometheus-sd runs beside Prometheus, restricted, and writes to a volume Prometheus reads', () => {
    const { pod } = sidecarSetup();
    expect(pod.containers.map((c: any) => c.name)).toEqual(['prometheus', 'kuma-prometheus-sd']);
    expect(pod.containers[1]).toEqual({
      name: 'kuma-prometheus-sd',
      image: 'docker.io/kumahq/kuma-prometheus-sd:1.8.8',
      imagePullPolicy: 'IfNotPresent',
      args: ['run', '--cp-address=grpc://kuma-control-plane.kuma-system:5676', '--output-file=/var/run/kuma-prometheus-sd/kuma.file_sd.json'],
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      securityContext: {
        runAsUser: 65534,
        runAsGroup: 65534,
        runAsNonRoot: true,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
      volumeMounts: [{ name: 'kuma-prometheus-sd', mountPath: '/var/run/kuma-prometheus-sd' }],
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'kuma-prometheus-sd', mountPath: '/var/run/kuma-prometheus-sd', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'kuma-prometheus-sd', emptyDir: {} });
  });

  test('image, control plane address, resources and refresh interval', () => {
    const { out, pod } = sidecarSetup(KumaDataplaneDiscovery.kumaPrometheusSd({
      image: 'registry.example.com/kuma-prometheus-sd:1.2.0',
      controlPlaneAddress: 'grpcs://kuma-control-plane.internal:5676',
      resources: { memory: { request: Size.mebibytes(16), limit: Size.mebibytes(32) } },
      refreshInterval: Duration.seconds(30),
    }));
    expect(pod.containers[1]).toMatchObject({
      image: 'registry.example.com/kuma-prometheus-sd:1.2.0',
      args: ['run', '--cp-address=grpcs://kuma-control-plane.internal:5676', '--output-file=/var/run/kuma-prometheus-sd/kuma.file_sd.json'],
      resources: { requests: { memory: '16Mi' }, limits: { memory: '32Mi' } },
    });
    expect(jobNamed(onlyConfig(out), 'kuma-dataplanes').file_sd_configs[0].refresh_interval).toBe('30s');
  });

  test('two meshes on one stack share one sidecar', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    new KumaMetricsMesh(chart, 'a', { meshName: 'a', stack, kumaVersion: '2.6', discovery: KumaDataplaneDiscovery.kumaPrometheusSd() });
    new KumaMetricsMesh(chart, 'b', { meshName: 'b', stack, kumaVersion: '2.6', discovery: KumaDataplaneDiscovery.kumaPrometheusSd() });
    const pod = findObject(synthKuma(chart).objects, 'Deployment').spec.template.spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['prometheus', 'kuma-prometheus-sd']);
  });

  test('fails on an image without a tag', () => {
    expect(() => KumaDataplaneDiscovery.kumaPrometheusSd({ image: 'kumahq/kuma-prometheus-sd' }))
      .toThrow("KumaDataplaneDiscovery.kumaPrometheusSd: 'image' must be an image reference with a tag or digest, got 'kumahq/kuma-prometheus-sd'");
  });

  test.each(['kuma-control-plane:5676', 'http://kuma-control-plane:5676'])('fails on a control plane address that is not gRPC: %s', (address) => {
    // from kumahq/kuma 1.8.8 pkg/config/app/kuma-prometheus-sd/config.go: "URL must start with grpc:// or grpcs://"
    expect(() => KumaDataplaneDiscovery.kumaPrometheusSd({ controlPlaneAddress: address }))
      .toThrow(`KumaDataplaneDiscovery.kumaPrometheusSd: 'controlPlaneAddress' must be grpc:// or grpcs:// followed by host[:port] (kuma-prometheus-sd speaks gRPC only), got '${address}'`);
  });

  test('fails when the stack already has a kuma-prometheus-sd container', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    stack.addContainer({ name: 'kuma-prometheus-sd', image: 'registry.example.com/other:1.0.0' });
    expect(() => new KumaMetricsMesh(chart, 'kuma', { stack, kumaVersion: '2.6', discovery: KumaDataplaneDiscovery.kumaPrometheusSd() }))
      .toThrow("test/prometheus: 'container.name' must be unique in the Prometheus pod, got 'kuma-prometheus-sd'");
  });
});

test('in a real Prometheus: both discoveries give each proxy the same job, mesh, dataplane, service, pod, namespace and tag labels; federation scrapes /federate', async () => {
  const fileChart = newChart();
  new KumaMetricsMesh(fileChart, 'kuma', { stack: meshPrometheus(fileChart), kumaVersion: '2.6', discovery: KumaDataplaneDiscovery.kumaPrometheusSd() });
  const fileJob = jobNamed(onlyConfig(synthKuma(fileChart)), 'kuma-dataplanes');

  const fedChart = newChart();
  const stack = meshPrometheus(fedChart);
  const central = new PrometheusStack(fedChart, 'central', { metadata: { namespace: 'monitoring' }, serviceType: kplus.ServiceType.CLUSTER_IP });
  new KumaMetricsMesh(fedChart, 'kuma', { stack }).federateTo(central);
  const fedJob = jobNamed(synthKuma(fedChart).prometheusConfigs[central.configMapName], 'kuma-federate-default');

  const [kumaSd, fileSd, federation] = await relabel([
    relabelCaseFromJob(kumaSdJob(), PROXIES.map(kumaSdTarget)),
    { ...relabelCaseFromJob(fileJob, PROXIES.map(kumaPrometheusSdTarget)), name: 'kuma-dataplanes-file' },
    relabelCaseFromJob(fedJob, [{ address: fedJob.static_configs[0].targets[0], labels: {} }]),
  ]);

  expect(kumaSd.targets.map((t) => t.kept)).toEqual([true, true, true]);
  expect(kumaSd.kept[0]).toEqual({
    instance: 'web-7d4f9c-xk2lp.kuma-demo',
    job: 'kuma-dataplanes',
    mesh: 'default',
    dataplane: 'web-7d4f9c-xk2lp.kuma-demo',
    service: 'web_kuma-demo_svc_80',
    pod: 'web-7d4f9c-xk2lp',
    namespace: 'kuma-demo',
    kuma_io_service: 'web_kuma-demo_svc_80',
    kuma_io_services: ',web_kuma-demo_svc_80,',
    kuma_io_protocol: 'http',
    kuma_io_protocols: ',http,',
    k8s_kuma_io_name: 'web-7d4f9c-xk2lp',
    k8s_kuma_io_namespace: 'kuma-demo',
    k8s_kuma_io_namespaces: ',kuma-demo,',
    app: 'web',
    apps: ',web,',
    version: 'v2',
    versions: ',v2,',
  });
  // The port and path the control plane announces for each proxy are kept.
  expect(kumaSd.targets.map((t) => t.scrapeUrl))
    .toEqual(['http://10.0.1.5:5670/metrics', 'http://10.0.1.9:1234/non-standard-path', 'http://192.168.0.10:5670/metrics']);
  expect(kumaSd.targets[1].labels).toMatchObject({ mesh: 'payments', app: 'kuma-tcp-echo', pod: 'kuma-tcp-echo-5b8d-q9wz', namespace: 'kuma-demo' });
  // A Universal proxy has no pod and no namespace.
  expect(Object.keys(kumaSd.kept[2])).not.toEqual(expect.arrayContaining(['pod']));
  expect(Object.keys(kumaSd.kept[2])).not.toEqual(expect.arrayContaining(['namespace']));

  // kuma-prometheus-sd's file gives the same labels, job included (it names the job after the
  // service; the relabelling sets it back, which the Kuma dashboard's job="kuma-dataplanes" needs).
  expect(fileSd.kept).toEqual(kumaSd.kept);
  expect(fileSd.kept.map((l) => l.job)).toEqual(['kuma-dataplanes', 'kuma-dataplanes', 'kuma-dataplanes']);
  expect(fileSd.targets.map((t) => t.scrapeUrl)).toEqual(kumaSd.targets.map((t) => t.scrapeUrl));

  expect(federation.targets[0].scrapeUrl)
    .toBe(`http://${stack.serviceName}.kuma-metrics.svc:80/federate?match%5B%5D=%7Bmesh%3D%22default%22%7D`);
});
