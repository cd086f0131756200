// KumaMetricsMesh with the legacy API, as the Traffic Metrics document writes it: the Mesh's
// Prometheus backend, mTLS, per-workload overrides and application metrics; every bad input.
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrometheusAnnotations, PrometheusStack } from '../../src';
import {
  KumaCaBackend, KumaMetricsMesh, KumaMetricsTlsMode, KumaMtlsMode, KumaPolicyApi, KumaServiceTag,
} from '../../src/integrations/kuma';
import { findObject } from '../harness';
import { jobNamed, newChart, onlyConfig, warningsBesidesWebAuth, withDashboardSummaries } from '../util';
import { meshPrometheus, only, synthKuma, workload } from './helpers';

/** The Mesh's metrics backend `conf`. */
const conf = (objects: any[]) => only(objects, 'Mesh').spec.metrics.backends[0].conf;

beforeEach(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('the Mesh metrics backend (legacy API)', () => {
  test('zero config: the document\'s Mesh, pinned', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    const { objects } = synthKuma(chart);
    // The document's "shortcut for" form: every default written out.
    expect(objects).toEqual([{
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'Mesh',
      metadata: { name: 'default' },
      spec: {
        metrics: {
          enabledBackend: 'prometheus-1',
          backends: [{
            name: 'prometheus-1',
            type: 'prometheus',
            conf: { skipMTLS: false, port: 5670, path: '/metrics', tags: { 'kuma.io/service': 'dataplane-metrics' } },
          }],
        },
      },
    }]);
    expect(withDashboardSummaries(objects)).toMatchSnapshot();
    expect(mesh.resource.name).toBe('default');
    expect(mesh.scrapeJob).toBeUndefined();
    expect(warningsBesidesWebAuth(chart)).toEqual([]);
  });

  test('meshName names the Mesh', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { meshName: 'payments' });
    expect(only(synthKuma(chart).objects, 'Mesh').metadata.name).toBe('payments');
  });

  test('the Mesh stays cluster-scoped in a chart with a namespace', () => {
    const chart = newChart('apps');
    new KumaMetricsMesh(chart, 'kuma');
    expect(only(synthKuma(chart).objects, 'Mesh').metadata).toEqual({ name: 'default' });
  });

  test('backendName names the backend and enables it', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { backendName: 'prom' });
    const metrics = only(synthKuma(chart).objects, 'Mesh').spec.metrics;
    expect(metrics.enabledBackend).toBe('prom');
    expect(metrics.backends.map((b: any) => b.name)).toEqual(['prom']);
  });

  test('metricsPort and metricsPath', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', { metricsPort: 5680, metricsPath: '/stats' });
    expect(conf(synthKuma(chart).objects)).toMatchObject({ port: 5680, path: '/stats' });
    expect([mesh.metricsPort, mesh.metricsPath]).toEqual([5680, '/stats']);
  });

  test('metricsTags replace the default tags', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { metricsTags: { 'kuma.io/service': 'proxy-metrics', 'team': 'platform' } });
    expect(conf(synthKuma(chart).objects).tags).toEqual({ 'kuma.io/service': 'proxy-metrics', 'team': 'platform' });
  });

  test('skipMtls', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', { skipMtls: true });
    expect(conf(synthKuma(chart).objects).skipMTLS).toBe(true);
    expect(mesh.skipMtls).toBe(true);
  });

  test('tlsMode is written as conf.tls.mode', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { tlsMode: KumaMetricsTlsMode.PROVIDED_TLS });
    expect(conf(synthKuma(chart).objects).tls).toEqual({ mode: 'providedTLS' });
  });

  test('aggregate: applications the proxies scrape and merge', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', {
      aggregate: [
        { name: 'my-service', metricsPort: 8888, metricsPath: '/metrics/prometheus' },
        { name: 'other-sidecar', metricsPort: 8000, address: '127.0.0.1', enabled: false },
      ],
    });
    expect(conf(synthKuma(chart).objects).aggregate).toEqual([
      { name: 'my-service', port: 8888, path: '/metrics/prometheus' },
      { name: 'other-sidecar', port: 8000, address: '127.0.0.1', enabled: false },
    ]);
  });

  test('envoy: filterRegex and usedOnly', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { envoy: { filterRegex: 'http2_act.*', usedOnly: true } });
    expect(conf(synthKuma(chart).objects).envoy).toEqual({ filterRegex: 'http2_act.*', usedOnly: true });
  });

  test('mtls with the builtin CA, as in the document', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', { mtls: { backends: [KumaCaBackend.builtin()] } });
    const spec = only(synthKuma(chart).objects, 'Mesh').spec;
    expect(spec.mtls).toEqual({ enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] });
    // Prometheus is outside the mesh: the metrics skip mTLS so that it can still scrape them.
    expect(spec.metrics.backends[0].conf.skipMTLS).toBe(true);
    expect(mesh.secureMetrics).toBe(false);
  });

  test('KumaCaBackend.builtin options: name, mode, certificate lifetimes', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', {
      mtls: {
        backends: [
          KumaCaBackend.builtin({ name: 'ca-old' }),
          KumaCaBackend.builtin({
            name: 'ca-2', mode: KumaMtlsMode.PERMISSIVE, dpCertExpiration: Duration.hours(36), caCertExpiration: Duration.days(3650),
          }),
        ],
        enabledBackend: 'ca-2',
        skipValidation: true,
      },
    });
    expect(only(synthKuma(chart).objects, 'Mesh').spec.mtls).toEqual({
      enabledBackend: 'ca-2',
      skipValidation: true,
      backends: [
        { name: 'ca-old', type: 'builtin' },
        { name: 'ca-2', type: 'builtin', mode: 'PERMISSIVE', dpCert: { rotation: { expiration: '36h' } }, conf: { caCert: { expiration: '3650d' } } },
      ],
    });
  });

  test('skipMtls: false with mTLS and Prometheus outside the mesh warns', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { mtls: { backends: [KumaCaBackend.builtin()] }, skipMtls: false });
    expect(conf(synthKuma(chart).objects).skipMTLS).toBe(false);
    expect(warningsBesidesWebAuth(chart)).toEqual([expect.stringMatching(/^test\/kuma: .*a Prometheus outside the mesh cannot scrape the proxies/)]);
  });

  test('tlsMode ACTIVE_MTLS_BACKEND with mTLS: skipMTLS is not defaulted to true, and Prometheus outside the mesh is warned about', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { mtls: { backends: [KumaCaBackend.builtin()] }, tlsMode: KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND });
    // The tls mode alone: Kuma refuses skipMTLS beside a tls mode it does not agree with (mesh_validator.go).
    const c = conf(synthKuma(chart).objects);
    expect(c).toMatchObject({ tls: { mode: 'activeMTLSBackend' } });
    expect(c).not.toHaveProperty('skipMTLS');
    expect(warningsBesidesWebAuth(chart)).toHaveLength(1);
  });
});

describe('per-workload overrides', () => {
  test('overrideWorkload annotates the pods with the document\'s annotations', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    const echo = workload(chart, 'kuma-tcp-echo', 8000);
    mesh.overrideWorkload(echo, { metricsPort: 1234, metricsPath: '/non-standard-path' });
    const pod = findObject(synthKuma(chart).objects, 'Deployment').spec.template;
    expect(pod.metadata.annotations).toEqual({
      'prometheus.metrics.kuma.io/port': '1234',
      'prometheus.metrics.kuma.io/path': '/non-standard-path',
    });
  });

  test('overrideWorkload with only a path leaves the port to the mesh', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    mesh.overrideWorkload(workload(chart, 'app', 8000), { metricsPath: '/stats' });
    expect(findObject(synthKuma(chart).objects, 'Deployment').spec.template.metadata.annotations)
      .toEqual({ 'prometheus.metrics.kuma.io/path': '/stats' });
  });

  test('a kplus Pod is annotated itself', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    const pod = new kplus.Pod(chart, 'pod', { containers: [{ image: 'registry.example.com/app:1.0.0', portNumber: 8000 }] });
    mesh.overrideWorkload(pod, { metricsPort: 1234 });
    expect(findObject(synthKuma(chart).objects, 'Pod').metadata.annotations).toEqual({ 'prometheus.metrics.kuma.io/port': '1234' });
  });
});

describe('application metrics next to the proxies', () => {
  test('the prometheus.io annotations and the namespace\'s annotation job, the same as AppServiceMonitor\'s', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack });
    const app = workload(chart, 'app', 8080);
    mesh.addApplicationMetrics(app, { metricsPort: 9102, metricsPath: '/prometheus' });
    const out = synthKuma(chart);
    expect(findObject(out.objects, 'Deployment', /app/).spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102', 'prometheus.io/path': '/prometheus',
    });
    // The job is the one PrometheusAnnotations gives every caller for that namespace.
    const reference = PrometheusAnnotations.scrapeNamespace(new PrometheusStack(newChart(), 'other'), 'kuma-demo');
    expect(jobNamed(onlyConfig(out), 'pods/kuma-demo')).toEqual(JSON.parse(JSON.stringify(reference._render())));
  });

  test('without a stack, only the annotations', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    mesh.addApplicationMetrics(workload(chart, 'app', 8080), { metricsPort: 9102 });
    const { objects } = synthKuma(chart);
    expect(findObject(objects, 'Deployment').spec.template.metadata.annotations['prometheus.io/port']).toBe('9102');
    expect(objects.map((o) => o.kind)).toEqual(['Mesh', 'Deployment']);
  });

  test('an application port equal to the overridden proxy port fails; the mesh\'s own port is then free', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    const app = workload(chart, 'app', 8080);
    mesh.overrideWorkload(app, { metricsPort: 1234 });
    expect(() => mesh.addApplicationMetrics(app, { metricsPort: 1234 }))
      .toThrow("test/app: 'metricsPort' must not be the port the workload's proxy serves its metrics on (1234), got 1234. "
        + 'Move the application\'s metrics, or the proxy\'s with overrideWorkload()');
    expect(() => mesh.addApplicationMetrics(app, { metricsPort: 5670 })).not.toThrow();
  });
});

describe('KumaServiceTag', () => {
  test('a Kubernetes Service port: <service>_<namespace>_svc_<port>', () => {
    expect(KumaServiceTag.kubernetesService({ serviceName: 'prometheus-server', namespaceName: 'kuma-metrics', servicePort: 80 }).value)
      .toBe('prometheus-server_kuma-metrics_svc_80');
  });

  test('from a stack: its real Service name, namespace and port', () => {
    const stack = meshPrometheus(newChart());
    expect(KumaServiceTag.fromStack(stack).value).toBe(`${stack.serviceName}_kuma-metrics_svc_80`);
  });

  test('from a kplus Service, with the port picked when there are several', () => {
    const chart = newChart();
    const one = new kplus.Service(chart, 'one', { metadata: { namespace: 'shop' }, ports: [{ port: 80, targetPort: 8080 }] });
    const two = new kplus.Service(chart, 'two', { ports: [{ port: 80, name: 'http' }, { port: 9102, name: 'metrics' }] });
    expect(KumaServiceTag.fromService(one).value).toBe(`${one.name}_shop_svc_80`);
    expect(KumaServiceTag.fromService(two, 9102).value).toBe(`${two.name}_default_svc_9102`);
  });

  test('custom', () => {
    expect(KumaServiceTag.custom('dataplane-metrics').value).toBe('dataplane-metrics');
  });

  test('fails on a Service with several ports and no portNumber, or a port it does not have', () => {
    const chart = newChart();
    const two = new kplus.Service(chart, 'two', { ports: [{ port: 80, name: 'http' }, { port: 9102, name: 'metrics' }] });
    expect(() => KumaServiceTag.fromService(two)).toThrow("test/two: 'servicePort' is required for a Service with more or fewer than one port, got [80,9102]");
    expect(() => KumaServiceTag.fromService(two, 81)).toThrow("test/two: 'servicePort' must be a port of the Service (80, 9102), got 81");
  });

  test('fails on a bad namespace, port or custom value', () => {
    expect(() => KumaServiceTag.kubernetesService({ serviceName: 'grafana', namespaceName: 'Kuma_Metrics', servicePort: 80 }))
      .toThrow(/^KumaServiceTag.kubernetesService: 'namespaceName' must be a DNS-1123 label .*got 'Kuma_Metrics'$/);
    expect(() => KumaServiceTag.kubernetesService({ serviceName: 'grafana', namespaceName: 'kuma-metrics', servicePort: 0 }))
      .toThrow("KumaServiceTag.kubernetesService: 'servicePort' must be a port number in 1-65535, got 0");
    expect(() => KumaServiceTag.custom('a b')).toThrow("KumaServiceTag.custom: 'value' must not contain whitespace, got 'a b'");
  });
});

describe('bad input', () => {
  const make = (props: ConstructorParameters<typeof KumaMetricsMesh>[2]) => () => new KumaMetricsMesh(newChart(), 'kuma', props);
  const ca = { backends: [KumaCaBackend.builtin()] };

  test('fails on a metrics port outside 1-65535', () => {
    expect(make({ metricsPort: 70000 })).toThrow("test/kuma: 'metricsPort' must be a port number in 1-65535, got 70000");
  });

  test('fails on a metrics path without a leading /', () => {
    expect(make({ metricsPath: 'metrics' })).toThrow("test/kuma: 'metricsPath' must start with '/', got 'metrics'");
  });

  test('fails on a mesh name that is not a DNS label', () => {
    expect(make({ meshName: 'Default' })).toThrow(/^test\/kuma: 'meshName' must be a DNS-1123 label .*got 'Default'$/);
  });

  test('fails on metrics tags without kuma.io/service', () => {
    expect(make({ metricsTags: { team: 'platform' } }))
      .toThrow("test/kuma: 'metricsTags' must include a non-empty 'kuma.io/service' tag, got {\"team\":\"platform\"}");
  });

  test('fails on an aggregated application on the proxies\' metrics port', () => {
    expect(make({ aggregate: [{ name: 'app', metricsPort: 5670 }] }))
      .toThrow("test/kuma: 'aggregate[0].metricsPort' must not be the proxies' metrics port (5670), got 5670");
  });

  test('fails on an aggregated application path without a leading /', () => {
    expect(make({ aggregate: [{ name: 'app', metricsPort: 8888, metricsPath: 'metrics' }] }))
      .toThrow("test/kuma: 'aggregate[0].metricsPath' must start with '/', got 'metrics'");
  });

  test('fails on two aggregated applications with one name', () => {
    expect(make({ aggregate: [{ name: 'app', metricsPort: 8888 }, { name: 'app', metricsPort: 8889 }] }))
      .toThrow("test/kuma: 'aggregate' must have unique names, got 'app'");
  });

  test('fails on an Envoy filter that is not RE2', () => {
    expect(make({ envoy: { filterRegex: '(?<=http)_rq' } })).toThrow(/^test\/kuma: 'envoy.filterRegex' is not valid RE2 syntax/);
  });

  test('fails on mTLS asked for without a CA backend', () => {
    expect(make({ mtls: { backends: [] } }))
      .toThrow("test/kuma: 'mtls.backends' must have at least one certificate authority backend to enable mTLS, got []. Add KumaCaBackend.builtin()");
  });

  test('fails on an enabled CA backend that does not exist', () => {
    expect(make({ mtls: { backends: [KumaCaBackend.builtin()], enabledBackend: 'ca-2' } }))
      .toThrow("test/kuma: 'mtls.enabledBackend' must name one of the backends (ca-1), got 'ca-2'");
  });

  test('fails on two CA backends with one name', () => {
    expect(make({ mtls: { backends: [KumaCaBackend.builtin(), KumaCaBackend.builtin()] } }))
      .toThrow("test/kuma: 'mtls.backends' must have unique names, got 'ca-1'");
  });

  test('fails on a CA certificate lifetime that is not whole seconds', () => {
    expect(() => KumaCaBackend.builtin({ dpCertExpiration: Duration.millis(1500) }))
      .toThrow("KumaCaBackend.builtin: 'dpCertExpiration' must be a whole number of seconds, got '1 second 500 millis'");
  });

  test('fails on secure metrics without mTLS', () => {
    expect(make({ secureMetrics: true, stack: meshPrometheus(newChart()) }))
      .toThrow("test/kuma: 'secureMetrics' needs mTLS with a certificate authority backend, got true. Set mtls: { backends: [KumaCaBackend.builtin()] }");
  });

  test('fails on skipMtls with secure metrics', () => {
    expect(make({ secureMetrics: true, skipMtls: true, mtls: ca, stack: meshPrometheus(newChart()) }))
      .toThrow("test/kuma: 'skipMtls' contradicts 'secureMetrics' (metrics secured by mTLS cannot skip it), got true. Remove skipMtls, or turn secureMetrics off");
  });

  test('fails on a plaintext TLS mode with secure metrics', () => {
    expect(make({ secureMetrics: true, tlsMode: KumaMetricsTlsMode.DISABLED, mtls: ca, stack: meshPrometheus(newChart()) }))
      .toThrow("test/kuma: 'tlsMode' must be ACTIVE_MTLS_BACKEND with 'secureMetrics' (the mesh's mTLS secures the endpoint), got 'disabled'");
  });

  test('fails on secure metrics without a stack to put in the mesh', () => {
    expect(make({ secureMetrics: true, mtls: ca }))
      .toThrow("test/kuma: 'stack' is required with 'secureMetrics': Prometheus must join the mesh to scrape through mTLS, got undefined");
  });

  test('fails on skipMtls with the mesh\'s mTLS as TLS mode', () => {
    expect(make({ skipMtls: true, tlsMode: KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND }))
      .toThrow("test/kuma: 'tlsMode' ACTIVE_MTLS_BACKEND contradicts 'skipMtls' (Kuma refuses skipMTLS: true with a tls mode other than disabled), got 'activeMTLSBackend'. Remove skipMtls, or use KumaMetricsTlsMode.DISABLED");
  });

  test('fails on Prometheus clients or components without secure metrics', () => {
    expect(make({ prometheusClients: [KumaServiceTag.custom('grafana')] }))
      .toThrow("test/kuma: 'prometheusClients' only take effect with 'secureMetrics' (permissions apply to mTLS traffic), got [\"grafana\"]");
    expect(make({ prometheusComponents: [KumaServiceTag.custom('alertmanager')] }))
      .toThrow("test/kuma: 'prometheusComponents' only take effect with 'secureMetrics' (permissions apply to mTLS traffic), got [\"alertmanager\"]");
  });

  test('fails on job settings without a stack', () => {
    expect(make({ scrapeInterval: Duration.seconds(5) }))
      .toThrow("test/kuma: 'scrapeInterval' configures the job added to 'stack', so it needs a 'stack', got undefined");
  });

  test('fails on an override port that a container of the workload uses', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    expect(() => mesh.overrideWorkload(workload(chart, 'app', 1234), { metricsPort: 1234 }))
      .toThrow("test/app: 'metricsPort' must not be a port of the workload's containers (the proxy and the application would both bind it), got 1234");
  });

  test('fails on an override port outside 1-65535, or a path without a leading /', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    const app = workload(chart, 'app', 8080);
    expect(() => mesh.overrideWorkload(app, { metricsPort: 0 })).toThrow("test/app: 'metricsPort' must be a port number in 1-65535, got 0");
    expect(() => mesh.overrideWorkload(app, { metricsPath: 'stats' })).toThrow("test/app: 'metricsPath' must start with '/', got 'stats'");
  });

  test('fails on an empty override, or a second one for the same workload', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    const app = workload(chart, 'app', 8080);
    expect(() => mesh.overrideWorkload(app, {})).toThrow("test/app: 'options' must set 'metricsPort' or 'metricsPath', got {}");
    mesh.overrideWorkload(app, { metricsPort: 1234 });
    expect(() => mesh.overrideWorkload(app, { metricsPort: 1235 })).toThrow("test/app: 'workload' already has a metrics override in test/kuma, got 'test/app'");
  });

  test('fails at synthesis when a workload\'s container uses the mesh\'s metrics port and has no override', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    mesh.addApplicationMetrics(workload(chart, 'app', 5670), { metricsPort: 9102 });
    expect(() => Testing.synth(chart)).toThrow(/test\/app: a container port equals the proxy's metrics port 5670 of mesh 'default'. Give the proxy another port with overrideWorkload/);
  });

  test('fails on application metrics added twice for one workload', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    const app = workload(chart, 'app', 8080);
    mesh.addApplicationMetrics(app, { metricsPort: 9102 });
    expect(() => mesh.addApplicationMetrics(app, { metricsPort: 9103 })).toThrow("test/app: 'workload' already has application metrics in test/kuma, got 'test/app'");
  });

  test('fails on permissions without secure metrics', () => {
    const mesh = new KumaMetricsMesh(newChart(), 'kuma');
    expect(() => mesh.allowFromPrometheus(KumaServiceTag.custom('alertmanager')))
      .toThrow("test/kuma: 'allowFromPrometheus' needs 'secureMetrics' (permissions apply to mTLS traffic inside the mesh), got false");
    expect(() => mesh.allowToPrometheus(KumaServiceTag.custom('grafana')))
      .toThrow("test/kuma: 'allowToPrometheus' needs 'secureMetrics' (permissions apply to mTLS traffic inside the mesh), got false");
  });

  test('fails on Envoy stat filters with the current API', () => {
    expect(make({ policyApi: KumaPolicyApi.TARGET_REF, envoy: { filterRegex: 'http2_act.*' } }))
      .toThrow("test/kuma: 'envoy.filterRegex' filters Envoy stat names, which a MeshMetric cannot express; only KumaPolicyApi.SOURCE_DESTINATION uses it, got 'http2_act.*'");
  });

  test('fails on controlPlaneNamespaceName with the legacy API', () => {
    expect(make({ controlPlaneNamespaceName: 'kong-mesh-system' }))
      .toThrow("test/kuma: 'controlPlaneNamespaceName' only places the policies of KumaPolicyApi.TARGET_REF (the legacy Mesh and TrafficPermissions are cluster-scoped), got 'kong-mesh-system'");
  });

  test('fails on metrics tags with the current API', () => {
    expect(make({ policyApi: KumaPolicyApi.TARGET_REF, metricsTags: { 'kuma.io/service': 'x' } }))
      .toThrow("test/kuma: 'metricsTags' has no MeshMetric equivalent (the MeshMetric endpoint carries no tags); only KumaPolicyApi.SOURCE_DESTINATION uses it, got {\"kuma.io/service\":\"x\"}");
  });

  test('fails on a stack already in another mesh', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    new KumaMetricsMesh(chart, 'a', { meshName: 'a', stack, mtls: ca, secureMetrics: true });
    expect(() => new KumaMetricsMesh(chart, 'b', { meshName: 'b', stack, mtls: ca, secureMetrics: true, jobName: 'kuma-b' }))
      .toThrow('test/b: \'stack\' is already in the mesh \'a\' (a pod belongs to one mesh), got \'test/prometheus\'');
  });
});

test('fails on a second mesh of the same name in one chart', () => {
  const c = newChart();
  new KumaMetricsMesh(c, 'a');
  expect(() => new KumaMetricsMesh(c, 'b')).toThrow(/test\/b: 'meshName' must be unique in the chart: test\/a already defines this mesh, got 'default'/);
});
