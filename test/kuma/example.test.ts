// The examples/kuma-mesh app, synthesized and checked like any chart, in both Kuma APIs, and its
// Universal form.
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { KumaMeshChart } from '../../examples/kuma-mesh/chart';
import { OlderPrometheusChart } from '../../examples/kuma-mesh/older-prometheus';
import { universalMesh } from '../../examples/kuma-mesh/universal';
import { KumaPolicyApi } from '../../src/kuma';
import { findObject, findObjects } from '../harness';
import { jobNamed, onlyConfig } from '../util';
import { kumaObjects, synthKuma } from './helpers';
import { universalProblems } from './kuma-schema';

beforeEach(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

function kumaMesh(policyApi: KumaPolicyApi) {
  const chart = new KumaMeshChart(Testing.app(), 'kuma-mesh', { policyApi });
  return { chart, out: synthKuma(chart) };
}

describe('examples/kuma-mesh', () => {
  test('legacy API: synthesizes valid objects, pinned', () => {
    const { out } = kumaMesh(KumaPolicyApi.LEGACY);
    expect(out.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`)).toEqual([
      'Namespace/',
      'Namespace/', 'ServiceAccount/kuma-metrics', 'ConfigMap/kuma-metrics', 'Deployment/kuma-metrics', 'Service/kuma-metrics', 'NetworkPolicy/kuma-metrics',
      // Grafana: Service, ServiceAccount, provisioning, Deployment, NetworkPolicy, the Prometheus dashboard and the
      // Kuma data plane and service-to-service dashboards.
      'Service/kuma-metrics', 'ServiceAccount/kuma-metrics', 'ConfigMap/kuma-metrics', 'Deployment/kuma-metrics', 'NetworkPolicy/kuma-metrics',
      'ConfigMap/kuma-metrics', 'ConfigMap/kuma-metrics', 'ConfigMap/kuma-metrics',
      'Role/kuma-demo', 'RoleBinding/kuma-demo',
      'Mesh/', 'TrafficPermission/', 'TrafficPermission/',
      'Deployment/kuma-demo', 'Deployment/kuma-demo', 'Service/kuma-demo',
      'ServiceAccount/monitoring', 'ConfigMap/monitoring', 'Deployment/monitoring', 'Service/monitoring', 'NetworkPolicy/monitoring',
    ]);
    expect(out.objects).toMatchSnapshot();
  });

  test('current API: the same workloads and Prometheus servers, MeshMetric and MeshTrafficPermission instead', () => {
    const legacy = kumaMesh(KumaPolicyApi.LEGACY).out.objects;
    const { out } = kumaMesh(KumaPolicyApi.CURRENT);
    expect(kumaObjects(out.objects).map((o) => o.kind)).toEqual([
      'Mesh', 'MeshMetric', 'MeshTrafficPermission', 'MeshTrafficPermission', 'MeshTrafficPermission', 'MeshMetric', 'MeshTrafficPermission',
    ]);
    // One of them lets Prometheus scrape Grafana, named by its real service tag.
    const grafanaTag = `${kumaMesh(KumaPolicyApi.CURRENT).chart.stack.grafana!.serviceName}_kuma-metrics_svc_80`;
    expect(findObjects(out.objects, 'MeshTrafficPermission').filter((p) => p.spec.targetRef.tags?.['kuma.io/service'] === grafanaTag)).toHaveLength(1);
    const withoutKuma = (objects: any[]) => objects.filter((o) => !String(o.apiVersion).startsWith('kuma.io/'));
    // Only the override annotations move into a MeshMetric.
    const annotations = (objects: any[]) => findObject(objects, 'Deployment', /kuma-tcp-echo/).spec.template.metadata.annotations;
    expect(annotations(legacy)).toEqual({ 'prometheus.metrics.kuma.io/port': '1234', 'prometheus.metrics.kuma.io/path': '/non-standard-path' });
    expect(annotations(out.objects)).toBeUndefined();
    const stripOverride = (objects: any[]) => withoutKuma(objects).map((o) => (/kuma-tcp-echo/.test(o.metadata.name)
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, metadata: { ...o.spec.template.metadata, annotations: undefined } } } } : o));
    expect(stripOverride(out.objects)).toEqual(stripOverride(legacy));
    expect(out.objects).toMatchSnapshot();
  });

  test('the mesh\'s Prometheus scrapes the proxies and the shop\'s own metrics; the central one federates', () => {
    const { chart, out } = kumaMesh(KumaPolicyApi.LEGACY);
    const mesh = out.prometheusConfigs[chart.stack.configMapName];
    expect(mesh.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'kuma-dataplanes', 'grafana', 'pods/kuma-demo']);
    expect(jobNamed(mesh, 'kuma-dataplanes').scrape_interval).toBe('5s');
    const central = out.prometheusConfigs[chart.central.configMapName];
    expect(jobNamed(central, 'kuma-federate-default')).toMatchObject({
      scrape_interval: '30s',
      static_configs: [{ targets: [`${chart.stack.serviceName}.kuma-metrics.svc:80`] }],
    });
  });

  test('Grafana joins the mesh, with the ServiceAccount token its sidecar needs', () => {
    const { chart, out } = kumaMesh(KumaPolicyApi.LEGACY);
    const grafana = findObject(out.objects, 'Deployment', chart.stack.grafana!.deployment.name);
    expect(grafana.spec.template.metadata.labels).toMatchObject({ 'kuma.io/sidecar-injection': 'enabled', 'kuma.io/mesh': 'default' });
    expect(grafana.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('the permissions name the real services: Prometheus, the shop, Grafana and the central Prometheus', () => {
    const { chart, out } = kumaMesh(KumaPolicyApi.LEGACY);
    const shopService = findObject(out.objects, 'Service', /shop/).metadata.name;
    const permissions = findObjects(out.objects, 'TrafficPermission');
    const metrics = permissions.find((p) => /MetricsPermissions/i.test(p.metadata.name))!;
    const access = permissions.find((p) => /PrometheusAccess/i.test(p.metadata.name))!;
    const grafana = chart.stack.grafana!;
    expect(metrics.spec).toEqual({
      sources: [{ match: { 'kuma.io/service': `${chart.stack.serviceName}_kuma-metrics_svc_80` } }],
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
      { match: { 'kuma.io/service': `${chart.central.serviceName}_monitoring_svc_9090` } },
    ]);
  });

  test('the Universal form, parsed back', () => {
    const docs = YAML.parseAllDocuments(universalMesh().toUniversalYaml()).map((d) => d.toJS());
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
    const current = YAML.parseAllDocuments(universalMesh(KumaPolicyApi.CURRENT).toUniversalYaml()).map((d) => d.toJS());
    expect(universalProblems(current)).toEqual([]);
    expect(current.map((d) => d.type)).toEqual(['Mesh', 'MeshMetric', 'MeshMetric', 'Dataplane']);
  });

  test('an older Prometheus: kuma-prometheus-sd beside it, the file_sd job', () => {
    const out = synthKuma(new OlderPrometheusChart(Testing.app(), 'older-prometheus'));
    expect(jobNamed(onlyConfig(out), 'kuma-dataplanes').file_sd_configs).toEqual([{ files: ['/var/run/kuma-prometheus-sd/kuma.file_sd.json'] }]);
    const pod = findObject(out.objects, 'Deployment').spec.template.spec;
    expect(pod.containers.map((c: any) => `${c.name} ${c.image}`)).toEqual([
      'prometheus quay.io/prometheus/prometheus:v2.28.1',
      'kuma-prometheus-sd docker.io/kumahq/kuma-prometheus-sd:1.8.8',
    ]);
  });
});
