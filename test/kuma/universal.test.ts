// The Universal form (what `kumactl apply -f` reads), parsed back and compared with the document
// and with the Kubernetes form of the same configuration.
import * as YAML from 'yaml';
import { KumaCaBackend, KumaMetricsMesh, KumaMetricsTlsMode, KumaPolicyApi, KumaUniversalDataplaneOptions } from '../../src/integrations/kuma';
import { findObjects } from '../harness';
import { newChart } from '../util';
import { meshPrometheus, only, synthKuma } from './helpers';
import { universalProblems } from './kuma-schema';

/** Parses the Universal YAML and checks every document against kuma-proto / the policy schemas. */
function parseUniversal(yaml: string): any[] {
  const docs = YAML.parseAllDocuments(yaml).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });
  expect(universalProblems(docs)).toEqual([]);
  return docs;
}

const example: KumaUniversalDataplaneOptions = {
  name: 'example',
  address: '192.168.0.10',
  inbound: [{ portNumber: 8000, serviceName: 'kuma-tcp-echo' }],
  metricsPort: 1234,
  metricsPath: '/non-standard-path',
  skipMtls: true,
};

describe('the Universal form', () => {
  test('zero config: the document\'s Universal Mesh, with every default written out', () => {
    const mesh = new KumaMetricsMesh(newChart(), 'kuma');
    expect(mesh.toUniversalYaml()).toBe([
      'type: Mesh',
      'name: default',
      'metrics:',
      '  enabledBackend: prometheus-1',
      '  backends:',
      '    - name: prometheus-1',
      '      type: prometheus',
      '      conf:',
      '        skipMTLS: false',
      '        port: 5670',
      '        path: /metrics',
      '        tags:',
      '          kuma.io/service: dataplane-metrics',
      '',
    ].join('\n'));
    parseUniversal(mesh.toUniversalYaml());
  });

  test('the Universal Mesh is the Kubernetes Mesh\'s spec, with type and name on top', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', {
      mtls: { backends: [KumaCaBackend.builtin()] },
      aggregate: [{ name: 'app', metricsPort: 8888 }],
      envoy: { usedOnly: true },
      tlsMode: KumaMetricsTlsMode.DISABLED,
    });
    const [universal] = parseUniversal(mesh.toUniversalYaml());
    const { type, name, ...spec } = universal;
    expect([type, name]).toEqual(['Mesh', 'default']);
    expect(spec).toEqual(only(synthKuma(chart).objects, 'Mesh').spec);
  });

  test('a Dataplane overriding the metrics, as in the document', () => {
    const mesh = new KumaMetricsMesh(newChart(), 'kuma', { mtls: { backends: [KumaCaBackend.builtin()] } });
    mesh.addUniversalDataplane(example);
    const [meshDoc, dataplane] = parseUniversal(mesh.toUniversalYaml());
    // With mTLS, Prometheus outside the mesh: the document's Universal `skipMTLS: true`.
    expect(meshDoc.metrics.backends[0].conf.skipMTLS).toBe(true);
    expect(dataplane).toEqual({
      type: 'Dataplane',
      mesh: 'default',
      name: 'example',
      networking: { address: '192.168.0.10', inbound: [{ port: 8000, tags: { 'kuma.io/service': 'kuma-tcp-echo' } }] },
      metrics: { type: 'prometheus', conf: { skipMTLS: true, port: 1234, path: '/non-standard-path' } },
    });
  });

  test('a Dataplane without overrides has no metrics block; inbound service ports and tags', () => {
    const mesh = new KumaMetricsMesh(newChart(), 'kuma');
    mesh.addUniversalDataplane({
      name: 'backend-1', address: '10.0.0.7', inbound: [{ portNumber: 18080, servicePort: 8080, serviceName: 'backend', tags: { version: 'v2' } }],
    });
    const [, dataplane] = parseUniversal(mesh.toUniversalYaml());
    expect(dataplane).toEqual({
      type: 'Dataplane',
      mesh: 'default',
      name: 'backend-1',
      networking: { address: '10.0.0.7', inbound: [{ port: 18080, servicePort: 8080, tags: { 'version': 'v2', 'kuma.io/service': 'backend' } }] },
    });
  });

  test('the current API: MeshMetric policies, the Dataplane\'s override as a MeshMetric for that proxy', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', { policyApi: KumaPolicyApi.TARGET_REF, mtls: { backends: [KumaCaBackend.builtin()] } });
    mesh.addUniversalDataplane(example);
    const docs = parseUniversal(mesh.toUniversalYaml());
    expect(docs.map((d) => `${d.type}/${d.name}`)).toEqual([
      'Mesh/default', `MeshMetric/${mesh.resource.name}`, `MeshMetric/${mesh.resource.name}-example`, 'Dataplane/example',
    ]);
    const kubernetes = synthKuma(chart).objects;
    expect(docs[0].mtls).toEqual(only(kubernetes, 'Mesh').spec.mtls);
    expect(docs[1]).toEqual({ type: 'MeshMetric', name: mesh.resource.name, mesh: 'default', spec: only(kubernetes, 'MeshMetric').spec });
    expect(docs[2].spec).toEqual({
      targetRef: { kind: 'Dataplane', name: 'example' },
      default: { backends: [{ type: 'Prometheus', prometheus: { port: 1234, path: '/non-standard-path', tls: { mode: 'Disabled' } } }] },
    });
    expect(docs[3]).not.toHaveProperty('metrics');
  });

  test('the Universal form has no Kubernetes objects of its own', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    mesh.addUniversalDataplane(example);
    expect(findObjects(synthKuma(chart).objects, 'Dataplane')).toEqual([]);
  });

  test('fails with secure metrics: the document says it needs a transparent proxy', () => {
    const chart = newChart();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart), mtls: { backends: [KumaCaBackend.builtin()] }, secureMetrics: true });
    expect(() => mesh.toUniversalYaml()).toThrow("test/kuma: 'secureMetrics' is not available on Universal (scraping through mTLS needs a "
      + 'transparent proxy), got true. Use a mesh without secureMetrics for the Universal output');
  });

  test('fails on a Dataplane whose metrics port is one of its application ports', () => {
    const mesh = new KumaMetricsMesh(newChart(), 'kuma');
    expect(() => mesh.addUniversalDataplane({ ...example, metricsPort: 8000 }))
      .toThrow("test/kuma/Dataplane 'example': 'metricsPort' must not be an inbound or service port of the proxy (8000), got 8000");
    expect(() => mesh.addUniversalDataplane({ name: 'db', address: '10.0.0.8', inbound: [{ portNumber: 15432, servicePort: 5670, serviceName: 'db' }] }))
      .toThrow("test/kuma/Dataplane 'db': 'metricsPort' (the mesh's) must not be an inbound or service port of the proxy (15432, 5670), got 5670. "
        + 'Give this proxy its own metricsPort');
  });

  test('fails on a Dataplane without inbounds, or with a port outside 1-65535', () => {
    const mesh = new KumaMetricsMesh(newChart(), 'kuma');
    expect(() => mesh.addUniversalDataplane({ ...example, inbound: [] })).toThrow("test/kuma/Dataplane 'example': 'inbound' must list at least one inbound, got []");
    expect(() => mesh.addUniversalDataplane({ ...example, metricsPort: 65536 }))
      .toThrow("test/kuma/Dataplane 'example': 'metricsPort' must be a port number in 1-65535, got 65536");
    expect(() => mesh.addUniversalDataplane({ ...example, metricsPath: 'metrics' }))
      .toThrow("test/kuma/Dataplane 'example': 'metricsPath' must start with '/', got 'metrics'");
  });

  test('fails on two Dataplanes with one name', () => {
    const mesh = new KumaMetricsMesh(newChart(), 'kuma');
    mesh.addUniversalDataplane(example);
    expect(() => mesh.addUniversalDataplane(example)).toThrow("test/kuma: 'name' must be unique among the Universal data plane proxies, got 'example'");
  });
});
