// The examples/kuma-mesh programs, run as they stand and checked like any chart: the mesh in both
// Kuma APIs (the program with KumaPolicyApi.TARGET_REF for LEGACY), its Universal form, and an older
// Prometheus.
import * as YAML from 'yaml';
import { KumaPolicyApi } from '../../src/integrations/kuma';
import { findObject, findObjects, validateManifests } from '../harness';
import { jobNamed, onlyConfig, ProgramOptions, runExampleProgram, withDashboardSummaries } from '../util';
import { kumaObjects } from './helpers';
import { KUMA_SCHEMAS, universalProblems } from './kuma-schema';

beforeEach(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

/** Runs a kuma-mesh program, in the current API when asked, and checks the Kuma kinds too. */
function runKuma(file: string, policyApi = KumaPolicyApi.SOURCE_DESTINATION, options: ProgramOptions = {}) {
  const out = runExampleProgram('kuma-mesh', {
    ...options,
    file,
    replace: policyApi === KumaPolicyApi.TARGET_REF ? ['KumaPolicyApi.SOURCE_DESTINATION', 'KumaPolicyApi.TARGET_REF'] : undefined,
  });
  validateManifests(out.objects, { customKinds: KUMA_SCHEMAS });
  return out;
}

/** The program's mesh, with the names of its Prometheus servers and Grafana, read from the objects. */
function kumaMesh(policyApi: KumaPolicyApi) {
  const out = runKuma('main.ts', policyApi);
  const named = (kind: string, namespace: string, test: (o: any) => boolean) => {
    const found = out.objects.filter((o) => o.kind === kind && o.metadata.namespace === namespace && test(o));
    expect(found).toHaveLength(1);
    return found[0].metadata.name as string;
  };
  const prometheus = (namespace: string) => ({
    configMapName: named('ConfigMap', namespace, (c) => c.data?.['prometheus.yml'] !== undefined),
    serviceName: named('Service', namespace, (svc) => svc.spec.ports.some((p: any) => p.name === 'web') && !/grafana/.test(svc.metadata.name)),
  });
  const grafana = {
    deploymentName: named('Deployment', 'kuma-metrics', (d) => d.spec.template.spec.containers.some((c: any) => c.name === 'grafana')),
    serviceName: named('Service', 'kuma-metrics', (svc) => /grafana/.test(svc.metadata.name)),
  };
  return { out, stack: prometheus('kuma-metrics'), central: prometheus('monitoring'), grafana };
}

describe('examples/kuma-mesh', () => {
  test('legacy API: synthesizes valid objects, pinned', () => {
    const { out } = kumaMesh(KumaPolicyApi.SOURCE_DESTINATION);
    expect(out.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`)).toEqual([
      'Namespace/',
      'Namespace/', 'ServiceAccount/kuma-metrics', 'ConfigMap/kuma-metrics', 'Deployment/kuma-metrics', 'Service/kuma-metrics', 'NetworkPolicy/kuma-metrics',
      'Role/kuma-demo', 'RoleBinding/kuma-demo',
      'Mesh/', 'TrafficPermission/', 'TrafficPermission/',
      // Grafana: Service, ServiceAccount, provisioning, Deployment, NetworkPolicy, the Prometheus dashboard and the
      // Kuma data plane, mesh, service, service-to-service and gateway dashboards.
      'Service/kuma-metrics', 'ServiceAccount/kuma-metrics', 'ConfigMap/kuma-metrics', 'Deployment/kuma-metrics', 'NetworkPolicy/kuma-metrics',
      ...Array(6).fill('ConfigMap/kuma-metrics'),
      'Deployment/kuma-demo', 'Deployment/kuma-demo', 'Service/kuma-demo',
      'ServiceAccount/monitoring', 'ConfigMap/monitoring', 'Deployment/monitoring', 'Service/monitoring', 'NetworkPolicy/monitoring',
    ]);
    expect(withDashboardSummaries(out.objects)).toMatchSnapshot();
  });

  test('current API: the same workloads and Prometheus servers, MeshMetric and MeshTrafficPermission instead', () => {
    const legacy = kumaMesh(KumaPolicyApi.SOURCE_DESTINATION).out.objects;
    const { out } = kumaMesh(KumaPolicyApi.TARGET_REF);
    expect(kumaObjects(out.objects).map((o) => o.kind)).toEqual([
      'Mesh', 'MeshMetric', 'MeshTrafficPermission', 'MeshTrafficPermission', 'MeshTrafficPermission', 'MeshMetric', 'MeshTrafficPermission',
    ]);
    // One of them lets Prometheus scrape Grafana, named by its real service tag.
    const grafanaTag = `${kumaMesh(KumaPolicyApi.TARGET_REF).grafana.serviceName}_kuma-metrics_svc_80`;
    expect(findObjects(out.objects, 'MeshTrafficPermission').filter((p) => p.spec.targetRef.tags?.['kuma.io/service'] === grafanaTag)).toHaveLength(1);
    const withoutKuma = (objects: any[]) => objects.filter((o) => !String(o.apiVersion).startsWith('kuma.io/'));
    // Only the override annotations move into a MeshMetric.
    const annotations = (objects: any[]) => findObject(objects, 'Deployment', /kuma-tcp-echo/).spec.template.metadata.annotations;
    expect(annotations(legacy)).toEqual({ 'prometheus.metrics.kuma.io/port': '1234', 'prometheus.metrics.kuma.io/path': '/non-standard-path' });
    expect(annotations(out.objects)).toBeUndefined();
    const stripOverride = (objects: any[]) => withoutKuma(objects).map((o) => (/kuma-tcp-echo/.test(o.metadata.name)
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, metadata: { ...o.spec.template.metadata, annotations: undefined } } } } : o));
    expect(stripOverride(out.objects)).toEqual(stripOverride(legacy));
    expect(withDashboardSummaries(out.objects)).toMatchSnapshot();
  });

  test('the mesh\'s Prometheus scrapes the proxies and the shop\'s own metrics; the central one federates', () => {
    const { stack, central: centralStack, out } = kumaMesh(KumaPolicyApi.SOURCE_DESTINATION);
    const mesh = out.prometheusConfigs[stack.configMapName];
    expect(mesh.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'kuma-dataplanes', 'grafana', 'pods/kuma-demo']);
    expect(jobNamed(mesh, 'kuma-dataplanes').scrape_interval).toBe('5s');
    const central = out.prometheusConfigs[centralStack.configMapName];
    expect(jobNamed(central, 'kuma-federate-default')).toMatchObject({
      scrape_interval: '30s',
      static_configs: [{ targets: [`${stack.serviceName}.kuma-metrics.svc:80`] }],
    });
  });

  test('Grafana joins the mesh, with the ServiceAccount token its sidecar needs', () => {
    const { grafana: grafanaNames, out } = kumaMesh(KumaPolicyApi.SOURCE_DESTINATION);
    const grafana = findObject(out.objects, 'Deployment', grafanaNames.deploymentName);
    expect(grafana.spec.template.metadata.labels).toMatchObject({ 'kuma.io/sidecar-injection': 'enabled', 'kuma.io/mesh': 'default' });
    expect(grafana.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('the permissions name the real services: Prometheus, the shop, Grafana and the central Prometheus', () => {
    const { stack, central: centralStack, grafana: grafanaNames, out } = kumaMesh(KumaPolicyApi.SOURCE_DESTINATION);
    const shopService = findObject(out.objects, 'Service', /shop/).metadata.name;
    const permissions = findObjects(out.objects, 'TrafficPermission');
    const metrics = permissions.find((p) => /MetricsPermissions/i.test(p.metadata.name))!;
    const access = permissions.find((p) => /PrometheusAccess/i.test(p.metadata.name))!;
    const grafana = grafanaNames;
    expect(metrics.spec).toEqual({
      sources: [{ match: { 'kuma.io/service': `${stack.serviceName}_kuma-metrics_svc_80` } }],
      destinations: [
        { match: { 'kuma.io/service': 'dataplane-metrics' } },
        { match: { 'kuma.io/service': 'alertmanager_kuma-metrics_svc_9093' } },
        // Prometheus scrapes Grafana's own metrics.
        { match: { 'kuma.io/service': `${grafana.serviceName}_kuma-metrics_svc_80` } },
        { match: { 'kuma.io/service': `${shopService}_kuma-demo_svc_80` } },
      ],
    });
    expect(access.spec.sources).toEqual([
      { match: { 'kuma.io/service': `${grafana.serviceName}_kuma-metrics_svc_80` } },
      { match: { 'kuma.io/service': `${centralStack.serviceName}_monitoring_svc_9090` } },
    ]);
  });

  test('the Universal form, parsed back', () => {
    const docs = YAML.parseAllDocuments(runKuma('universal.ts').printed.join('\n')).map((d) => d.toJS());
    expect(universalProblems(docs)).toEqual([]);
    expect(docs).toEqual([{
      type: 'Mesh',
      name: 'default',
      mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] },
      metrics: {
        enabledBackend: 'prometheus-1',
        backends: [{
          name: 'prometheus-1',
          type: 'prometheus',
          conf: { skipMTLS: true, port: 5670, path: '/metrics', tags: { 'kuma.io/service': 'dataplane-metrics' } },
        }],
      },
    }, {
      type: 'Dataplane',
      mesh: 'default',
      name: 'example',
      networking: { address: '192.168.0.10', inbound: [{ port: 8000, tags: { 'kuma.io/service': 'kuma-tcp-echo' } }] },
      metrics: { type: 'prometheus', conf: { skipMTLS: true, port: 1234, path: '/non-standard-path' } },
    }]);
    const current = YAML.parseAllDocuments(runKuma('universal.ts', KumaPolicyApi.TARGET_REF).printed.join('\n')).map((d) => d.toJS());
    expect(universalProblems(current)).toEqual([]);
    expect(current.map((d) => d.type)).toEqual(['Mesh', 'MeshMetric', 'MeshMetric', 'Dataplane']);
  });

  test('an older Prometheus: kuma-prometheus-sd beside it, the file_sd job', () => {
    const out = runKuma('older-prometheus.ts');
    expect(jobNamed(onlyConfig(out), 'kuma-dataplanes').file_sd_configs).toEqual([{ files: ['/var/run/kuma-prometheus-sd/kuma.file_sd.json'] }]);
    const pod = findObject(out.objects, 'Deployment').spec.template.spec;
    expect(pod.containers.map((c: any) => `${c.name} ${c.image}`)).toEqual([
      'prometheus quay.io/prometheus/prometheus:v2.28.1',
      // 2.x reloads its configuration on the reloader's signal.
      'config-reloader quay.io/prometheus/prometheus:v2.28.1',
      'kuma-prometheus-sd docker.io/kumahq/kuma-prometheus-sd:1.8.8',
    ]);
  });
});
