// The current Kuma API (MeshMetric, MeshTrafficPermission), and proof that it describes what the
// legacy output (Mesh.spec.metrics, TrafficPermission) describes for the same props.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  KumaCaBackend, KumaMetricsMesh, KumaMetricsMeshProps, KumaMetricsTlsMode, KumaPolicyApi, KumaServiceTag,
} from '../../src/integrations/kuma';
import { findObject, findObjects, selectorMatches } from '../harness';
import { newChart, withDashboardSummaries } from '../util';
import { kumaObjects, meshPrometheus, only, synthKuma, workload } from './helpers';

beforeEach(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

const ca = { backends: [KumaCaBackend.builtin()] };
const currentApi = { policyApi: KumaPolicyApi.TARGET_REF };

describe('MeshMetric', () => {
  test('zero config: one MeshMetric for the whole mesh, pinned', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', currentApi);
    const { objects } = synthKuma(chart);
    expect(objects).toEqual([{
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'MeshMetric',
      metadata: { name: mesh.resource.name, namespace: 'kuma-system', labels: { 'kuma.io/mesh': 'default' } },
      spec: {
        targetRef: { kind: 'Mesh' },
        default: {
          sidecar: { includeUnused: true, profiles: { appendProfiles: [{ name: 'All' }] } },
          backends: [{ type: 'Prometheus', prometheus: { port: 5670, path: '/metrics', tls: { mode: 'ActiveMTLSBackend' } } }],
        },
      },
    }]);
    expect(withDashboardSummaries(objects)).toMatchSnapshot();
  });

  test('controlPlaneNamespaceName places the policies', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { ...currentApi, controlPlaneNamespaceName: 'kong-mesh-system' });
    expect(only(synthKuma(chart).objects, 'MeshMetric').metadata.namespace).toBe('kong-mesh-system');
  });

  test('meshName labels the policies', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { ...currentApi, meshName: 'payments' });
    expect(only(synthKuma(chart).objects, 'MeshMetric').metadata.labels).toEqual({ 'kuma.io/mesh': 'payments' });
  });

  test('metricsPort, metricsPath, tlsMode, aggregate and usedOnly', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', {
      ...currentApi,
      metricsPort: 5680,
      metricsPath: '/stats',
      tlsMode: KumaMetricsTlsMode.PROVIDED_TLS,
      aggregate: [{ name: 'app', metricsPort: 8888, metricsPath: '/metrics/prometheus', address: '127.0.0.1' }, { name: 'off', metricsPort: 8000, enabled: false }],
      envoy: { usedOnly: true },
    });
    expect(only(synthKuma(chart).objects, 'MeshMetric').spec.default).toEqual({
      sidecar: { includeUnused: false, profiles: { appendProfiles: [{ name: 'All' }] } },
      applications: [{ name: 'app', port: 8888, path: '/metrics/prometheus', address: '127.0.0.1' }],
      backends: [{ type: 'Prometheus', prometheus: { port: 5680, path: '/stats', tls: { mode: 'ProvidedTLS' } } }],
    });
  });

  test('mTLS still lives on the Mesh, which has nothing else', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { ...currentApi, mtls: ca });
    const { objects } = synthKuma(chart);
    expect(only(objects, 'Mesh').spec).toEqual({ mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } });
    // Prometheus is outside the mesh: plaintext metrics, as skipMTLS: true in the legacy form.
    expect(only(objects, 'MeshMetric').spec.default.backends[0].prometheus.tls).toEqual({ mode: 'Disabled' });
  });

  test('overrideWorkload: a MeshMetric for the workload\'s proxies, targeted by the Dataplane labels of its pods', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', currentApi);
    const echo = workload(chart, 'kuma-tcp-echo', 8000);
    mesh.overrideWorkload(echo, { metricsPort: 1234, metricsPath: '/non-standard-path' });
    const { objects } = synthKuma(chart);
    const override = overrideOf(objects);
    const deployment = findObject(objects, 'Deployment');
    const pod = deployment.spec.template;
    const { 'k8s.kuma.io/namespace': namespace, ...labels } = override.spec.targetRef.labels;
    expect(override.spec.targetRef).not.toHaveProperty('tags');
    expect(namespace).toBe('kuma-demo');
    // The Deployment's own selector, which its pods (and so their Dataplanes) carry.
    expect(labels).toEqual(deployment.spec.selector.matchLabels);
    expect(selectorMatches({ matchLabels: labels }, pod.metadata.labels)).toBe(true);
    expect(override.spec.default).toEqual({
      backends: [{ type: 'Prometheus', prometheus: { port: 1234, path: '/non-standard-path', tls: { mode: 'ActiveMTLSBackend' } } }],
    });
    expect(pod.metadata.annotations ?? {}).not.toHaveProperty(['prometheus.metrics.kuma.io/port']);
  });
});

describe('Kuma 2.12 targets proxies by Dataplane labels', () => {
  // from kumahq/kuma v2.12.14 pkg/plugins/policies/core/jsonpatch/validators/validator.go
  // (TopLevelTargetRefDeprecations, used by meshmetric/api/v1alpha1/deprecated.go and
  // meshtrafficpermission/api/v1alpha1/deprecated.go): these top-level kinds are deprecated.
  const DEPRECATED_TOP_LEVEL = ['MeshService', 'MeshServiceSubset', 'MeshSubset'];

  test('no policy whose proxies this library knows uses a deprecated top-level targetRef', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    const mesh = new KumaMetricsMesh(chart, 'kuma', { ...currentApi, stack, mtls: ca, secureMetrics: true, prometheusClients: [KumaServiceTag.custom('grafana')] });
    mesh.overrideWorkload(workload(chart, 'echo', 8000), { metricsPort: 1234 });
    const objects = synthKuma(chart).objects;
    const policies = [...findObjects(objects, 'MeshMetric'), findObject(objects, 'MeshTrafficPermission')];
    expect(policies.map((p) => p.spec.targetRef.kind).sort()).toEqual(['Dataplane', 'Dataplane', 'Mesh']);
    expect(policies.filter((p) => DEPRECATED_TOP_LEVEL.includes(p.spec.targetRef.kind))).toEqual([]);
    // Prometheus's own permission targets its pods: the stack's selector labels and namespace.
    const access = findObject(objects, 'MeshTrafficPermission');
    expect(access.spec.targetRef.labels).toEqual({ ...stack.selectorLabels, 'k8s.kuma.io/namespace': 'kuma-metrics' });
    const pod = findObject(objects, 'Deployment', stack.deployment!.name).spec.template.metadata.labels;
    expect(selectorMatches({ matchLabels: stack.selectorLabels }, pod)).toBe(true);
  });

  test('a workload that selects its pods by its own labels is targeted by them', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', currentApi);
    const echo = new kplus.Deployment(chart, 'echo', {
      metadata: { namespace: 'kuma-demo' },
      select: false,
      podMetadata: { labels: { app: 'echo', tier: 'backend' } },
      containers: [{ image: 'registry.example.com/app:1.0.0', portNumber: 8000 }],
    });
    echo.select(kplus.LabelSelector.of({ labels: { app: 'echo' } }));
    mesh.overrideWorkload(echo, { metricsPort: 1234 });
    const objects = synthKuma(chart).objects;
    expect(overrideOf(objects).spec.targetRef.labels).toEqual({ 'app': 'echo', 'k8s.kuma.io/namespace': 'kuma-demo' });
    expect(findObject(objects, 'Deployment').spec.selector.matchLabels).toEqual({ app: 'echo' });
  });

  test('fails on a workload that selects its pods by expressions', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', currentApi);
    const echo = workload(chart, 'echo', 8000);
    echo.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.in('tier', ['a', 'b'])] }));
    expect(() => mesh.overrideWorkload(echo, { metricsPort: 1234 }))
      .toThrow("test/echo: 'workload' must select its pods by labels only (a Kuma policy targets proxies by labels), "
        + 'got [{"key":"tier","operator":"In","values":["a","b"]}]');
  });

  test('before Kuma 2.10 (no Dataplane targetRef) a MeshSubset with the same tags, and before 2.7 no profile', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', { ...currentApi, kumaVersion: '2.6' });
    mesh.overrideWorkload(workload(chart, 'echo', 8000), { metricsPort: 1234 });
    const objects = synthKuma(chart).objects;
    const override = findObjects(objects, 'MeshMetric').find((m) => m.spec.targetRef.kind === 'MeshSubset');
    expect(Object.keys(override.spec.targetRef.tags).sort()).toEqual(['cdk8s.io/metadata.addr', 'k8s.kuma.io/namespace']);
    const meshWide = findObjects(objects, 'MeshMetric').find((m) => m.spec.targetRef.kind === 'Mesh');
    expect(meshWide.spec.default.sidecar).toEqual({ includeUnused: true });
  });

  test('fails on the current API before Kuma 2.6, and on a version that is not one', () => {
    expect(() => new KumaMetricsMesh(newChart(), 'kuma', { ...currentApi, kumaVersion: '2.5' }))
      .toThrow("test/kuma: 'policyApi' TARGET_REF writes MeshMetric policies, which Kuma 2.5 ('kumaVersion') does not have (they came in 2.6), "
        + "got 'targetRef'. Use KumaPolicyApi.SOURCE_DESTINATION");
    expect(() => new KumaMetricsMesh(newChart(), 'kuma', { kumaVersion: 'v2.12' }))
      .toThrow("test/kuma: 'kumaVersion' must be a Kuma release as major.minor or major.minor.patch, such as 2.12, got 'v2.12'");
  });
});

describe('MeshTrafficPermission', () => {
  test('Prometheus -> each component, and clients -> Prometheus, matched by service tag', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    new KumaMetricsMesh(chart, 'kuma', {
      ...currentApi,
      stack,
      mtls: ca,
      secureMetrics: true,
      prometheusClients: [KumaServiceTag.custom('grafana_kuma-metrics_svc_80')],
      prometheusComponents: [KumaServiceTag.custom('prometheus-pushgateway_kuma-metrics_svc_9091')],
    });
    const prometheus = { 'kuma.io/service': `${stack.serviceName}_kuma-metrics_svc_80` };
    const mtps = findObjects(synthKuma(chart).objects, 'MeshTrafficPermission');
    expect(mtps.map((m) => m.metadata.namespace)).toEqual(['kuma-system', 'kuma-system']);
    expect(mtps.map((m) => m.spec)).toEqual([{
      targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': 'prometheus-pushgateway_kuma-metrics_svc_9091' } },
      from: [{ targetRef: { kind: 'MeshSubset', tags: prometheus }, default: { action: 'Allow' } }],
    }, {
      targetRef: { kind: 'Dataplane', labels: { ...stack.selectorLabels, 'k8s.kuma.io/namespace': 'kuma-metrics' } },
      from: [{ targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': 'grafana_kuma-metrics_svc_80' } }, default: { action: 'Allow' } }],
    }]);
  });

  test('no TrafficPermission of the legacy API is written', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { ...currentApi, stack: meshPrometheus(chart), mtls: ca, secureMetrics: true });
    expect(findObjects(synthKuma(chart).objects, 'TrafficPermission')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The same intent in both APIs

interface Intent {
  readonly mtls?: unknown;
  readonly port: number;
  readonly path: string;
  /** The TLS mode after Kuma's defaulting, in MeshMetric spelling. */
  readonly tls: string;
  readonly usedOnly: boolean;
  /** Whether the proxies serve every Envoy stat. */
  readonly allStats: boolean;
  readonly applications: unknown[];
  /** "source -> destination" service pairs that may talk, sorted. */
  readonly permissions: string[];
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What the legacy objects mean, with Kuma's defaulting (MeshResource.Default()) applied. */
function legacyIntent(objects: any[]): Intent {
  const mesh = only(objects, 'Mesh').spec;
  const conf = mesh.metrics.backends.find((b: any) => b.name === mesh.metrics.enabledBackend).conf;
  const metricsTags = JSON.stringify(conf.tags);
  const permissions = findObjects(objects, 'TrafficPermission').flatMap((tp) => tp.spec.sources.flatMap((s: any) =>
    tp.spec.destinations
      // The metrics endpoint of a MeshMetric is no mesh service: mTLS alone guards it.
      .filter((d: any) => JSON.stringify(d.match) !== metricsTags)
      .map((d: any) => `${s.match['kuma.io/service']} -> ${d.match['kuma.io/service']}`)));
  return {
    mtls: mesh.mtls,
    port: conf.port,
    path: conf.path,
    tls: capitalize(conf.tls?.mode ?? (conf.skipMTLS ? 'disabled' : 'activeMTLSBackend')),
    usedOnly: conf.envoy?.usedOnly ?? false,
    allStats: conf.envoy?.filterRegex === undefined,
    applications: (conf.aggregate ?? []).filter((a: any) => a.enabled !== false)
      .map((a: any) => ({ name: a.name, port: a.port, path: a.path ?? '/metrics', address: a.address })),
    permissions: permissions.sort(),
  };
}

/**
 * The service a top-level targetRef stands for: its `kuma.io/service` tag, or for Dataplane
 * labels the Prometheus of the case (the only pods the library targets by labels here).
 */
let prometheusLabels: { labels: Record<string, string>; service: string } | undefined;
function serviceOf(targetRef: any): string {
  if (targetRef.kind === 'MeshSubset') return targetRef.tags['kuma.io/service'];
  expect(targetRef.labels).toEqual(prometheusLabels?.labels);
  return prometheusLabels!.service;
}

/** What the current objects mean, with the CRD defaults applied. */
function currentIntent(objects: any[]): Intent {
  const meshMetric = findObjects(objects, 'MeshMetric').find((m) => m.spec.targetRef.kind === 'Mesh').spec.default;
  const prometheus = meshMetric.backends.find((b: any) => b.type === 'Prometheus').prometheus;
  const permissions = findObjects(objects, 'MeshTrafficPermission').flatMap((mtp) => mtp.spec.from
    .filter((f: any) => f.default.action === 'Allow')
    .map((f: any) => `${f.targetRef.tags['kuma.io/service']} -> ${serviceOf(mtp.spec.targetRef)}`));
  return {
    mtls: findObjects(objects, 'Mesh')[0]?.spec.mtls,
    port: prometheus.port ?? 5670,
    path: prometheus.path ?? '/metrics',
    tls: prometheus.tls?.mode ?? 'Disabled',
    usedOnly: !(meshMetric.sidecar?.includeUnused ?? false),
    // from kumahq/kuma v2.12.14 app/kuma-dp/pkg/dataplane/metrics/profiles.go: without
    // appendProfiles the proxy serves the Basic profile; only All is every stat, as the legacy backend serves.
    allStats: (meshMetric.sidecar?.profiles?.appendProfiles ?? []).some((p: any) => p.name === 'All'),
    applications: (meshMetric.applications ?? []).map((a: any) => ({ name: a.name, port: a.port, path: a.path ?? '/metrics', address: a.address })),
    permissions: permissions.sort(),
  };
}

function synthBoth(props: (chart: Chart) => KumaMetricsMeshProps, extend?: (mesh: KumaMetricsMesh, chart: Chart) => void) {
  return [KumaPolicyApi.SOURCE_DESTINATION, KumaPolicyApi.TARGET_REF].map((policyApi) => {
    const chart = newChart();
    const p = props(chart);
    if (p.stack) prometheusLabels = { labels: { ...p.stack.selectorLabels, 'k8s.kuma.io/namespace': p.stack.namespaceName }, service: KumaServiceTag.fromStack(p.stack).value };
    const mesh = new KumaMetricsMesh(chart, 'kuma', { ...p, policyApi });
    extend?.(mesh, chart);
    return synthKuma(chart).objects;
  });
}

describe('legacy and current describe the same thing', () => {
  const cases: Array<[string, (chart: Chart) => KumaMetricsMeshProps]> = [
    ['zero config', () => ({})],
    ['port, path, aggregated applications, used metrics only', () => ({
      metricsPort: 5680,
      metricsPath: '/stats',
      aggregate: [{ name: 'app', metricsPort: 8888, metricsPath: '/metrics/prometheus' }, { name: 'off', metricsPort: 8000, enabled: false }],
      envoy: { usedOnly: true },
    })],
    ['mTLS with Prometheus outside the mesh', () => ({ mtls: ca })],
    ['metrics skipping mTLS', () => ({ mtls: ca, skipMtls: true })],
    ['provided TLS', () => ({ tlsMode: KumaMetricsTlsMode.PROVIDED_TLS })],
    ['secure metrics with Grafana and components', (chart) => ({
      stack: meshPrometheus(chart),
      mtls: ca,
      secureMetrics: true,
      prometheusClients: [KumaServiceTag.custom('grafana_kuma-metrics_svc_80')],
      prometheusComponents: [KumaServiceTag.custom('prometheus-alertmanager_kuma-metrics_svc_80')],
    })],
  ];

  test.each(cases)('%s', (_, props) => {
    const [legacy, current] = synthBoth(props);
    expect(currentIntent(current)).toEqual(legacyIntent(legacy));
  });

  test('the comparison sees a difference: another port in one of them', () => {
    const [legacy] = synthBoth(() => ({}));
    const [, current] = synthBoth(() => ({ metricsPort: 5680 }));
    expect(currentIntent(current)).not.toEqual(legacyIntent(legacy));
  });

  test('secure metrics: the legacy permission to dataplane-metrics is the MeshMetric\'s ActiveMTLSBackend', () => {
    const [legacy, current] = synthBoth((chart) => ({ stack: meshPrometheus(chart), mtls: ca, secureMetrics: true }));
    expect(findObjects(legacy, 'TrafficPermission')[0].spec.destinations).toEqual([{ match: { 'kuma.io/service': 'dataplane-metrics' } }]);
    expect(legacyIntent(legacy).tls).toBe('ActiveMTLSBackend');
    expect(only(current, 'MeshMetric').spec.default.backends[0].prometheus.tls.mode).toBe('ActiveMTLSBackend');
  });

  test('a workload override: the annotations and the MeshMetric name the same port and path for the same pods', () => {
    const [legacy, current] = [KumaPolicyApi.SOURCE_DESTINATION, KumaPolicyApi.TARGET_REF].map((policyApi) => {
      const chart = newChart();
      const mesh = new KumaMetricsMesh(chart, 'kuma', { policyApi });
      mesh.overrideWorkload(workload(chart, 'echo', 8000), { metricsPort: 1234, metricsPath: '/non-standard-path' });
      return synthKuma(chart).objects;
    });
    const annotations = findObject(legacy, 'Deployment').spec.template.metadata.annotations;
    const override = overrideOf(current);
    const prometheus = override.spec.default.backends[0].prometheus;
    expect([Number(annotations['prometheus.metrics.kuma.io/port']), annotations['prometheus.metrics.kuma.io/path']])
      .toEqual([prometheus.port, prometheus.path]);
    const pods = findObject(current, 'Deployment').spec.template.metadata.labels;
    const { 'k8s.kuma.io/namespace': _, ...podTags } = override.spec.targetRef.labels;
    expect(selectorMatches({ matchLabels: podTags }, pods)).toBe(true);
    expect(findObject(legacy, 'Deployment').spec.template.metadata.labels).toEqual(pods);
  });

  test('only Kuma objects differ between the two outputs', () => {
    const [legacy, current] = synthBoth((chart) => ({ stack: meshPrometheus(chart), mtls: ca, secureMetrics: true }));
    const other = (objects: any[]) => objects.filter((o) => !kumaObjects(objects).includes(o));
    expect(other(current)).toEqual(other(legacy));
    expect(kumaObjects(current).map((o) => o.kind).sort()).toEqual(['Mesh', 'MeshMetric']);
    expect(kumaObjects(legacy).map((o) => o.kind).sort()).toEqual(['Mesh', 'TrafficPermission']);
  });

  test('a kplus Pod can be overridden too', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', currentApi);
    const pod = new kplus.Pod(chart, 'pod', { metadata: { namespace: 'jobs' }, containers: [{ image: 'registry.example.com/app:1.0.0' }] });
    mesh.overrideWorkload(pod, { metricsPort: 1234 });
    const objects = synthKuma(chart).objects;
    const override = overrideOf(objects);
    expect(override.spec.targetRef.labels['k8s.kuma.io/namespace']).toBe('jobs');
    // A Pod has no selector: its own labels stand for it.
    const { 'k8s.kuma.io/namespace': _, ...labels } = override.spec.targetRef.labels;
    expect(labels).toEqual(findObject(objects, 'Pod').metadata.labels);
  });
});

/** The MeshMetric of a workload override (the one not for the whole mesh). */
function overrideOf(objects: any[]): any {
  const overrides = findObjects(objects, 'MeshMetric').filter((m) => m.spec.targetRef.kind === 'Dataplane');
  expect(overrides).toHaveLength(1);
  return overrides[0];
}
