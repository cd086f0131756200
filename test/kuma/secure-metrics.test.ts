// Secure metrics (the document's "Secure data plane proxy metrics"): mTLS on the mesh, Prometheus
// in the mesh, and the TrafficPermissions generated from the real service tags; federation.
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrometheusStack } from '../../src';
import { KumaCaBackend, KumaMetricsMesh, KumaMtlsMode, KumaServiceTag } from '../../src/integrations/kuma';
import { findObject, findObjects } from '../harness';
import { jobNamed, newChart, warningsBesidesWebAuth } from '../util';
import { meshPrometheus, only, synthKuma, workload } from './helpers';

beforeEach(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

const ca = { backends: [KumaCaBackend.builtin()] };
const grafana = KumaServiceTag.kubernetesService({ serviceName: 'grafana', namespaceName: 'kuma-metrics', servicePort: 80 });
const component = (serviceName: string, servicePort: number) =>
  KumaServiceTag.kubernetesService({ serviceName, namespaceName: 'kuma-metrics', servicePort });

/** The document's setup: mTLS, Prometheus in the mesh, Grafana and the Prometheus components. */
function documentSetup() {
  const chart = newChart();
  const stack = meshPrometheus(chart);
  const mesh = new KumaMetricsMesh(chart, 'kuma', {
    stack,
    mtls: ca,
    secureMetrics: true,
    prometheusClients: [grafana],
    prometheusComponents: [
      component('prometheus-alertmanager', 80),
      component('prometheus-kube-state-metrics', 80),
      component('prometheus-kube-state-metrics', 81),
      component('prometheus-pushgateway', 9091),
    ],
  });
  return { chart, stack, mesh, out: synthKuma(chart) };
}

/** A TrafficPermission by the id of its construct. */
const permission = (objects: any[], id: string) => findObject(objects, 'TrafficPermission', new RegExp(`-${id.toLowerCase()}-`));

describe('secure metrics with the legacy API', () => {
  test('the document\'s Mesh: builtin CA, metrics not skipping mTLS', () => {
    const { out } = documentSetup();
    expect(only(out.objects, 'Mesh').spec).toEqual({
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
  });

  test('Prometheus may reach the proxies\' metrics and its components, by their real service tags', () => {
    const { stack, mesh, out } = documentSetup();
    const prometheus = `${stack.serviceName}_kuma-metrics_svc_80`;
    expect(mesh.prometheusService?.value).toBe(prometheus);
    const tp = permission(out.objects, 'MetricsPermissions');
    expect(tp.mesh).toBe('default');
    expect(tp.metadata.namespace).toBeUndefined();
    expect(tp.spec).toEqual({
      sources: [{ match: { 'kuma.io/service': prometheus } }],
      destinations: [
        { match: { 'kuma.io/service': 'dataplane-metrics' } },
        { match: { 'kuma.io/service': 'prometheus-alertmanager_kuma-metrics_svc_80' } },
        { match: { 'kuma.io/service': 'prometheus-kube-state-metrics_kuma-metrics_svc_80' } },
        { match: { 'kuma.io/service': 'prometheus-kube-state-metrics_kuma-metrics_svc_81' } },
        { match: { 'kuma.io/service': 'prometheus-pushgateway_kuma-metrics_svc_9091' } },
      ],
    });
  });

  test('Grafana may reach Prometheus', () => {
    const { stack, out } = documentSetup();
    expect(permission(out.objects, 'PrometheusAccess').spec).toEqual({
      sources: [{ match: { 'kuma.io/service': 'grafana_kuma-metrics_svc_80' } }],
      destinations: [{ match: { 'kuma.io/service': `${stack.serviceName}_kuma-metrics_svc_80` } }],
    });
  });

  test('the permissions follow the stack: another Service port changes the tags', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'observability' }, servicePort: 9090 });
    new KumaMetricsMesh(chart, 'kuma', { stack, mtls: ca, secureMetrics: true });
    const tp = permission(synthKuma(chart).objects, 'MetricsPermissions');
    expect(tp.spec.sources).toEqual([{ match: { 'kuma.io/service': `${stack.serviceName}_observability_svc_9090` } }]);
  });

  test('custom metrics tags are what the permission matches', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', {
      stack: meshPrometheus(chart), mtls: ca, secureMetrics: true, metricsTags: { 'kuma.io/service': 'proxy-metrics', 'zone': 'eu' },
    });
    expect(permission(synthKuma(chart).objects, 'MetricsPermissions').spec.destinations)
      .toEqual([{ match: { 'kuma.io/service': 'proxy-metrics', 'zone': 'eu' } }]);
  });

  test('without Grafana or other clients there is no permission to reach Prometheus', () => {
    const chart = newChart();
    new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart), mtls: ca, secureMetrics: true });
    expect(findObjects(synthKuma(chart).objects, 'TrafficPermission').map((o) => o.metadata.name)).toEqual([
      expect.stringMatching(/metricspermissions/),
    ]);
  });

  test('allowFromPrometheus and allowToPrometheus, also after the fact and without duplicates', () => {
    const { chart, mesh } = documentSetup();
    mesh.allowFromPrometheus(component('prometheus-alertmanager', 80));
    mesh.allowFromPrometheus(component('loki', 3100));
    mesh.allowToPrometheus(KumaServiceTag.custom('kiali'));
    mesh.allowToPrometheus(grafana);
    const { objects } = synthKuma(chart);
    expect(permission(objects, 'MetricsPermissions').spec.destinations.map((d: any) => d.match['kuma.io/service']))
      .toEqual(['dataplane-metrics', 'prometheus-alertmanager_kuma-metrics_svc_80', 'prometheus-kube-state-metrics_kuma-metrics_svc_80',
        'prometheus-kube-state-metrics_kuma-metrics_svc_81', 'prometheus-pushgateway_kuma-metrics_svc_9091', 'loki_kuma-metrics_svc_3100']);
    expect(permission(objects, 'PrometheusAccess').spec.sources.map((s: any) => s.match['kuma.io/service']))
      .toEqual(['grafana_kuma-metrics_svc_80', 'kiali']);
  });

  test('the Prometheus pod joins the mesh: injection and mesh labels, direct access, the ServiceAccount token', () => {
    const { out, stack } = documentSetup();
    const pod = findObject(out.objects, 'Deployment', stack.deployment!.name).spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'kuma.io/sidecar-injection': 'enabled', 'kuma.io/mesh': 'default' });
    expect(pod.metadata.annotations).toMatchObject({ 'kuma.io/direct-access-services': '*' });
    expect(pod.spec.automountServiceAccountToken).toBe(true);
  });

  test('joining the mesh warns about the sidecar\'s needs', () => {
    const { chart } = documentSetup();
    expect(warningsBesidesWebAuth(chart)).toEqual([
      expect.stringMatching(/^test\/prometheus: joins the Kuma mesh 'default' \(test\/kuma\): .*NET_ADMIN and NET_RAW/),
    ]);
  });

  test('the stack\'s namespace is not labelled: only the Prometheus pod joins the mesh', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' }, createNamespace: true });
    new KumaMetricsMesh(chart, 'kuma', { stack, mtls: ca, secureMetrics: true });
    expect(only(synthKuma(chart).objects, 'Namespace').metadata.labels).not.toHaveProperty(['kuma.io/sidecar-injection']);
  });

  test('a mesh named otherwise: the pod names its mesh', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    new KumaMetricsMesh(chart, 'kuma', { meshName: 'payments', stack, mtls: ca, secureMetrics: true });
    const { objects } = synthKuma(chart);
    expect(findObject(objects, 'Deployment').spec.template.metadata.labels['kuma.io/mesh']).toBe('payments');
    expect(only(objects, 'TrafficPermission').mesh).toBe('payments');
  });

  test('application metrics behind mTLS: a permission for the application\'s service', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart), mtls: ca, secureMetrics: true });
    const app = workload(chart, 'shop', 8080);
    const service = app.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
    mesh.addApplicationMetrics(app, { metricsPort: 9102, service: KumaServiceTag.fromService(service) });
    expect(permission(synthKuma(chart).objects, 'MetricsPermissions').spec.destinations)
      .toContainEqual({ match: { 'kuma.io/service': `${service.name}_kuma-demo_svc_80` } });
  });

  test('application metrics behind mTLS without a service warn', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart), mtls: ca, secureMetrics: true });
    mesh.addApplicationMetrics(workload(chart, 'shop', 8080), { metricsPort: 9102 });
    expect(warningsBesidesWebAuth(mesh)).toEqual([expect.stringMatching(/^test\/kuma: test\/shop: the metrics of this application are behind the mesh's mTLS/)]);
  });
});

describe('federation', () => {
  test('a central Prometheus federates the mesh\'s series from the mesh\'s Prometheus', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    const central = new PrometheusStack(chart, 'central', { metadata: { namespace: 'monitoring' }, serviceType: kplus.ServiceType.CLUSTER_IP });
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack });
    const job = mesh.federateTo(central);
    const out = synthKuma(chart);
    expect(job.jobName).toBe('kuma-federate-default');
    const config = out.prometheusConfigs[central.configMapName];
    expect(jobNamed(config, 'kuma-federate-default')).toEqual({
      job_name: 'kuma-federate-default',
      metrics_path: '/federate',
      params: { 'match[]': ['{mesh="default"}'] },
      honor_labels: true,
      static_configs: [{ targets: [`${stack.serviceName}.kuma-metrics.svc:80`] }],
    });
  });

  test('jobName, match, scrapeInterval and an external target', () => {
    const chart = newChart();
    const central = new PrometheusStack(chart, 'central');
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    mesh.federateTo(central, {
      jobName: 'mesh-eu',
      match: ['{job="kuma-dataplanes"}', 'envoy_cluster_upstream_rq_total'],
      scrapeInterval: Duration.seconds(30),
      target: 'prometheus.mesh-eu.example.com:9090',
    });
    expect(jobNamed(synthKuma(chart).prometheusConfigs[central.configMapName], 'mesh-eu')).toMatchObject({
      scrape_interval: '30s',
      params: { 'match[]': ['{job="kuma-dataplanes"}', 'envoy_cluster_upstream_rq_total'] },
      static_configs: [{ targets: ['prometheus.mesh-eu.example.com:9090'] }],
    });
  });

  test('with secure metrics the central Prometheus joins the mesh and may reach the mesh\'s one', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    const central = new PrometheusStack(chart, 'central', { metadata: { namespace: 'monitoring' } });
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack, mtls: ca, secureMetrics: true });
    mesh.federateTo(central);
    const { objects } = synthKuma(chart);
    const pod = findObject(objects, 'Deployment', central.deployment!.name).spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'kuma.io/sidecar-injection': 'enabled', 'kuma.io/mesh': 'default' });
    // It scrapes one Service, not the proxies: no direct access.
    expect(pod.metadata.annotations ?? {}).not.toHaveProperty(['kuma.io/direct-access-services']);
    expect(permission(objects, 'PrometheusAccess').spec.sources)
      .toEqual([{ match: { 'kuma.io/service': `${central.serviceName}_monitoring_svc_9090` } }]);
  });

  test('fails on federating into the mesh\'s own Prometheus', () => {
    const chart = newChart();
    const stack = meshPrometheus(chart);
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack });
    expect(() => mesh.federateTo(stack)).toThrow("test/kuma: 'central' must be another Prometheus than the mesh's own stack, got 'test/prometheus'");
  });

  test('fails without a target when the mesh has no stack', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma');
    expect(() => mesh.federateTo(new PrometheusStack(chart, 'central')))
      .toThrow("test/kuma: 'target' is required when the mesh has no 'stack' to federate from, got undefined");
  });

  test('fails on a match[] that is not a series selector', () => {
    const chart = newChart();
    const mesh = new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart) });
    expect(() => mesh.federateTo(new PrometheusStack(chart, 'central'), { match: ['mesh="default"'] }))
      .toThrow("test/kuma: 'match[0]' must be a series selector such as {mesh=\"default\"} or up{job=\"x\"}, got 'mesh=\"default\"'");
  });
});

describe('the stack\'s Service inside a strict-mTLS mesh', () => {
  // A strict-mTLS sidecar accepts only mTLS from the mesh's proxies (Mode STRICT, the default of
  // a CA backend: kuma-proto mesh.proto CertificateAuthorityBackend.Mode), so a node port is
  // unreachable from outside the mesh; kumactl's Prometheus had a ClusterIP Service
  // (kumahq/kuma v2.12.14 app/kumactl/data/install/k8s/metrics/prometheus/server.yaml).
  const serviceOf = (out: { objects: any[] }, stack: PrometheusStack) => findObject(out.objects, 'Service', stack.serviceName).spec;

  test('a stack left at its default becomes ClusterIP, without a node port, whenever the mesh is created', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
    expect(stack.serviceType).toBe(kplus.ServiceType.NODE_PORT);
    new KumaMetricsMesh(chart, 'kuma', { stack, mtls: ca, secureMetrics: true });
    expect(stack.serviceType).toBe(kplus.ServiceType.CLUSTER_IP);
    const out = synthKuma(chart);
    expect(serviceOf(out, stack)).toEqual({
      type: 'ClusterIP',
      selector: stack.selectorLabels,
      ports: [{ name: 'web', protocol: 'TCP', port: 9090, targetPort: 'web' }],
    });
    expect(warningsBesidesWebAuth(chart).filter((w) => /Service you asked for/.test(w))).toEqual([]);
  });

  test('the central Prometheus of a federation joins the mesh too, and becomes ClusterIP', () => {
    const chart = newChart();
    const central = new PrometheusStack(chart, 'central', { metadata: { namespace: 'monitoring' } });
    new KumaMetricsMesh(chart, 'kuma', { stack: meshPrometheus(chart), mtls: ca, secureMetrics: true }).federateTo(central);
    expect(serviceOf(synthKuma(chart), central).type).toBe('ClusterIP');
  });

  test('a NodePort asked for explicitly stays, with a warning that says why it is unreachable', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' }, nodePort: 30901 });
    new KumaMetricsMesh(chart, 'kuma', { stack, mtls: ca, secureMetrics: true });
    expect(serviceOf(synthKuma(chart), stack)).toMatchObject({ type: 'NodePort', ports: [expect.objectContaining({ nodePort: 30901 })] });
    expect(warningsBesidesWebAuth(chart)).toContainEqual("test/prometheus: the pod joins the Kuma mesh 'default' (test/kuma) with STRICT mTLS, whose "
      + "sidecar accepts only mTLS from the mesh's proxies: the NodePort Service you asked for is unreachable from outside the mesh (a "
      + 'browser, a client without a sidecar). Leave serviceType and nodePort unset for a ClusterIP Service, and reach Prometheus from '
      + 'inside the mesh (Grafana in the mesh) or with kubectl port-forward.');
  });

  test('a PERMISSIVE mesh, or metrics not secured, keep the NodePort default', () => {
    for (const props of [
      { mtls: { backends: [KumaCaBackend.builtin({ mode: KumaMtlsMode.PERMISSIVE })] }, secureMetrics: true },
      { mtls: ca },
    ]) {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'kuma-metrics' } });
      new KumaMetricsMesh(chart, 'kuma', { stack, ...props });
      expect(serviceOf(synthKuma(chart), stack)).toMatchObject({ type: 'NodePort', ports: [expect.objectContaining({ nodePort: 30900 })] });
      expect(warningsBesidesWebAuth(chart).filter((w) => /Service you asked for/.test(w))).toEqual([]);
    }
  });
});
