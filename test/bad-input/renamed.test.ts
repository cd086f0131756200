// A plain JavaScript caller upgrading the library may still pass a prop under its old name; it
// must fail, naming the new one, instead of being ignored (the README's Upgrading section).
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { expectClearError, js } from './cases';
import {
  AppServiceMonitor, Grafana, GrafanaAdminCredentials, KrakendMetrics, KumaMetricsMesh, KumaServiceTag, PlatformExporters, PodSelection,
  PrometheusAnnotations, PrometheusStack,
} from '../../src';

const chart = () => new Chart(Testing.app(), 'test');
const admin = () => GrafanaAdminCredentials.fromSecretName('grafana-admin');

describe('props under the names an earlier release gave them', () => {
  test.each([
    { name: 'the stack\'s grafana', run: () => new PrometheusStack(chart(), 'prom', js({ grafana: { adminCredentials: admin() } })), where: 'test/prom', prop: 'grafana', got: '{"adminCredentials":"an object of class GrafanaAdminCredentials"}', fix: "new Grafana(scope, 'grafana', { prometheus: stack" },
    { name: 'Grafana\'s stack', run: () => { const c = chart(); new Grafana(c, 'g', js({ stack: new PrometheusStack(c, 'prom'), adminCredentials: admin() })); }, where: 'test/g', prop: 'stack', got: 'test/prom (PrometheusStack)', fix: 'Write prometheus instead of stack' },
    { name: 'an application\'s path', run: () => new AppServiceMonitor(chart(), 'app', js({ pods: PodSelection.fromLabels({ app: 'a' }), metricsPort: 8080, path: '/m' })), where: 'test/app', prop: 'path', got: "'/m'", fix: 'Write metricsPath instead of path' },
    { name: 'an application\'s portNumber', run: () => new AppServiceMonitor(chart(), 'app', js({ pods: PodSelection.fromLabels({ app: 'a' }), portNumber: 8080 })), where: 'test/app', prop: 'portNumber', got: '8080', fix: 'Write metricsPort instead of portNumber' },
    { name: 'KrakenD\'s targetLabels', run: () => new KrakendMetrics(chart(), 'k', js({ targetLabels: { app: 'x' } })), where: 'test/k', prop: 'targetLabels', got: '{"app":"x"}', fix: 'Write staticLabels' },
    { name: 'Kuma\'s kumaNamespace', run: () => new KumaMetricsMesh(chart(), 'kuma', js({ kumaNamespace: 'kong-mesh-system' })), where: 'test/kuma', prop: 'kumaNamespace', got: "'kong-mesh-system'", fix: 'Write controlPlaneNamespaceName' },
    { name: 'Kuma\'s grafana tag', run: () => new KumaMetricsMesh(chart(), 'kuma', js({ grafana: KumaServiceTag.custom('grafana') })), where: 'test/kuma', prop: 'grafana', got: 'an object of class KumaServiceTag', fix: 'Write prometheusClients' },
    { name: 'an annotated portNumber', run: () => PrometheusAnnotations.annotate(new kplus.Deployment(chart(), 'd', { containers: [{ image: 'a:1' }] }), js({ portNumber: 8080 })), where: 'test/d', prop: 'portNumber', got: '8080', fix: 'Write metricsPort' },
    { name: 'a service tag\'s portNumber', run: () => KumaServiceTag.kubernetesService(js({ serviceName: 's', namespaceName: 'n', portNumber: 80 })), where: 'KumaServiceTag.kubernetesService', prop: 'portNumber', got: '80', fix: 'Write servicePort' },
    { name: 'an exporter\'s serviceNamespace', run: () => PlatformExporters.nodeExporter(js({ serviceNamespace: 'monitoring' })), where: 'PlatformExporters.nodeExporter', prop: 'serviceNamespace', got: "'monitoring'", fix: 'Write serviceNamespaceName' },
  ])('$name', (c) => expectClearError(c));
});
