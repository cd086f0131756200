// The kuma-proto checks of the test helper can fail: each kind of mistake is caught.
import { KUMA_SCHEMAS, legacySpecProblems, universalProblems } from './kuma-schema';
import { manifestProblems } from '../harness';

const documentMesh = () => ({
  mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] },
  metrics: {
    enabledBackend: 'prometheus-1',
    backends: [{
      name: 'prometheus-1',
      type: 'prometheus',
      conf: { skipMTLS: false, port: 5670, path: '/metrics', tags: { 'kuma.io/service': 'dataplane-metrics' } },
    }],
  },
});

describe('the kuma-proto checks', () => {
  test('accept the document\'s Mesh, TrafficPermission and Dataplane', () => {
    expect(legacySpecProblems('Mesh', documentMesh())).toEqual([]);
    expect(legacySpecProblems('TrafficPermission', {
      sources: [{ match: { 'kuma.io/service': 'prometheus-server_kuma-metrics_svc_80' } }],
      destinations: [{ match: { 'kuma.io/service': 'dataplane-metrics' } }],
    })).toEqual([]);
    expect(legacySpecProblems('Dataplane', {
      networking: { address: '10.0.0.1', inbound: [{ port: 8000, tags: { 'kuma.io/service': 'echo' } }] },
      metrics: { type: 'prometheus', conf: { skipMTLS: true, port: 1234, path: '/non-standard-path' } },
    })).toEqual([]);
  });

  test.each<[string, (m: any) => void, RegExp]>([
    ['a misspelt field', (m) => { m.metrics.backends[0].conf.skipMtls = true; }, /conf.skipMtls: unknown field of PrometheusMetricsBackendConfig/],
    ['a snake_case field', (m) => { m.metrics.enabled_backend = 'x'; }, /metrics.enabled_backend: unknown field of Metrics/],
    ['a port as a string', (m) => { m.metrics.backends[0].conf.port = '5670'; }, /conf.port: must be an unsigned 32-bit integer/],
    ['a bool as a string', (m) => { m.metrics.backends[0].conf.skipMTLS = 'false'; }, /conf.skipMTLS: must be a boolean/],
    ['an unknown TLS mode', (m) => { m.metrics.backends[0].conf.tls = { mode: 'ActiveMTLSBackend' }; }, /conf.tls.mode: must be one of activeMTLSBackend, providedTLS, disabled/],
    ['an unknown CA mode', (m) => { m.mtls.backends[0].mode = 'strict'; }, /mtls.backends\[0\].mode: must be one of STRICT, PERMISSIVE/],
    ['tags that are not a map', (m) => { m.metrics.backends[0].conf.tags = ['dataplane-metrics']; }, /conf.tags: must be a map/],
    ['an aggregate with a wrong field', (m) => { m.metrics.backends[0].conf.aggregate = [{ name: 'a', portNumber: 1 }]; }, /aggregate\[0\].portNumber: unknown field/],
    ['a backend type no plugin decodes', (m) => { m.metrics.backends[0].type = 'Prometheus'; }, /no plugin "Prometheus" decodes 'conf'/],
    ['an enabled backend that does not exist', (m) => { m.mtls.enabledBackend = 'ca-2'; }, /mtls.enabledBackend: "ca-2" is not a backend/],
    ['a metrics port out of range', (m) => { m.metrics.backends[0].conf.port = 70000; }, /conf.port: must be in 1-65535/],
    ['metrics tags without kuma.io/service', (m) => { m.metrics.backends[0].conf.tags = { team: 'x' }; }, /kuma.io\/service is required/],
    ['a builtin CA conf with a wrong field', (m) => { m.mtls.backends[0].conf = { caCert: { rsaBits: 2048 } }; }, /conf.caCert.rsaBits: unknown field/],
  ])('reject %s', (_, mutate, problem) => {
    const mesh = documentMesh();
    mutate(mesh);
    expect(legacySpecProblems('Mesh', mesh).join('\n')).toMatch(problem);
  });

  test('reject a TrafficPermission without sources or with an empty match', () => {
    expect(legacySpecProblems('TrafficPermission', { sources: [], destinations: [{ match: {} }] })).toEqual([
      'sources: must have at least one selector', 'destinations[0].match: must not be empty',
    ]);
  });

  test('reject a Dataplane inbound without kuma.io/service', () => {
    expect(legacySpecProblems('Dataplane', { networking: { address: '10.0.0.1', inbound: [{ port: 8000, tags: { app: 'x' } }] } }))
      .toEqual(['networking.inbound[0].tags: kuma.io/service is required']);
  });

  test('reject policies that break their CRD schema, and cluster-scoped kinds with a namespace', () => {
    const problems = manifestProblems([{
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'MeshMetric',
      metadata: { name: 'm', namespace: 'kuma-system', labels: { 'kuma.io/mesh': 'default' } },
      spec: { targetRef: { kind: 'Everything' }, default: { backends: [{ prometheus: { port: '5670' } }] } },
    }, {
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'MeshTrafficPermission',
      metadata: { name: 'p', namespace: 'kuma-system' },
      spec: { targetRef: { kind: 'Mesh' }, from: [{ default: { action: 'allow' } }] },
    }, {
      apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: { name: 'default', namespace: 'kuma-system' }, spec: {},
    }, {
      apiVersion: 'kuma.io/v1alpha1', kind: 'TrafficPermission', metadata: { name: 't' }, spec: { sources: [{ match: { a: 'b' } }], destinations: [{ match: { 'kuma.io/service': 'x' } }] },
    }], { customKinds: KUMA_SCHEMAS });
    // the shared validator's findings against the CRD schemas, then the kuma-proto checks'
    expect(problems).toEqual([
      "MeshMetric/m: spec.default.backends[0]: must have required property 'type'",
      'MeshMetric/m: spec.default.backends[0].prometheus.port: must be integer',
      'MeshMetric/m: spec.targetRef.kind: must be equal to one of the allowed values',
      'MeshMetric/m: spec.targetRef.kind: must be one of Mesh, MeshSubset, MeshGateway, MeshService, MeshExternalService, MeshMultiZoneService, MeshServiceSubset, MeshHTTPRoute, Dataplane, got "Everything"',
      'MeshMetric/m: spec.default.backends[0].prometheus.port: must be a 32-bit integer, got "5670"',
      'MeshMetric/m: spec.default.backends[0].type: required by MeshMetric.backend',
      "MeshTrafficPermission/p: spec.from[0]: must have required property 'targetRef'",
      'MeshTrafficPermission/p: spec.from[0].default.action: must be equal to one of the allowed values',
      'MeshTrafficPermission/p: spec.from[0].default.action: must be one of Allow, Deny, AllowWithShadowDeny, got "allow"',
      'MeshTrafficPermission/p: spec.from[0].targetRef: required by MeshTrafficPermission.from',
      'MeshTrafficPermission/p: metadata.labels: kuma.io/mesh names the mesh the policy belongs to',
      'Mesh/default: metadata.namespace: Mesh is cluster-scoped',
      'TrafficPermission/t: mesh: the mesh the permission belongs to is required',
    ]);
  });

  test('reject Universal documents with a wrong type, or policy fields outside spec', () => {
    expect(universalProblems([
      { type: 'MeshMetrics', name: 'a' },
      { type: 'MeshMetric', name: 'b', mesh: 'default', targetRef: { kind: 'Mesh' }, spec: {} },
      { type: 'Dataplane', name: 'c', networking: { address: '10.0.0.1', inbound: [{ port: 1, tags: { 'kuma.io/service': 's' } }] } },
    ])).toEqual([
      'document #0: unknown type "MeshMetrics"',
      'document #1: unknown field targetRef',
      'document #2: mesh is required',
    ]);
  });
});
