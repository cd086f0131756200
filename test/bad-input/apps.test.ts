import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppServiceMonitor, MultiprocessMetrics, NetworkPeer, PlatformExporters, PodSelection, PrometheusAnnotations, PrometheusStack, Relabel,
} from '../../src';
import { synthAndCheck } from '../util';
import { badInputs, js } from './cases';

const chart = () => new Chart(Testing.app(), 'test');
const pods = () => PodSelection.fromLabels({ app: 'shop' });
const app = (props: object) => new AppServiceMonitor(chart(), 'app', js({ pods: pods(), metricsPort: 8080, ...props }));
const W = 'test/app';
const deployment = () => new kplus.Deployment(chart(), 'shop', { containers: [{ image: 'shop:1.0', portNumber: 8080 }] });

describe('the apps family, as a jsii caller passes it', () => {
  badInputs([
    { name: 'no pods', run: () => new AppServiceMonitor(chart(), 'app', js({ metricsPort: 8080 })), where: W, prop: 'pods', got: 'undefined', fix: 'PodSelection.fromPods(deployment)' },
    { name: 'pods as labels', run: () => app({ pods: { app: 'shop' } }), where: W, prop: 'pods', got: '{"app":"shop"}', fix: 'PodSelection.fromLabels' },
    { name: 'no metricsPort', run: () => new AppServiceMonitor(chart(), 'app', js({ pods: pods() })), where: W, prop: 'metricsPort', got: 'undefined', fix: 'Give the container port' },
    { name: 'metricsPort as a string', run: () => app({ metricsPort: '8080' }), where: W, prop: 'metricsPort', got: "'8080'", fix: 'Write 8080' },
    { name: 'scheme ftp', run: () => app({ scheme: 'ftp' }), where: W, prop: 'scheme', got: "'ftp'", fix: 'Scheme.HTTPS' },
    { name: 'serviceType Public', run: () => app({ serviceType: 'Public' }), where: W, prop: 'serviceType', got: "'Public'", fix: 'ServiceType.CLUSTER_IP' },
    { name: 'an unknown namespaceIngress', run: () => app({ namespaceIngress: 'open' }), where: W, prop: 'namespaceIngress', got: "'open'", fix: 'NamespaceIngress.DEFAULT_DENY' },
    { name: 'relabelConfigs as one rule', run: () => app({ relabelConfigs: Relabel.labelDrop({ regex: 'x' }) }), where: W, prop: 'relabelConfigs', got: 'an object of class Relabel', fix: 'Wrap a single item in a list' },
    { name: 'a metric relabel rule as a plain object', run: () => app({ metricRelabelConfigs: [{ action: 'drop' }] }), where: W, prop: 'metricRelabelConfigs[0]', got: '{"action":"drop"}', fix: 'Relabel.keep' },
    { name: 'auth as a token', run: () => app({ auth: 'token' }), where: W, prop: 'auth', got: "'token'", fix: 'Authentication.authorization' },
    { name: 'a CA as a path', run: () => app({ tls: { ca: '/ca.crt' } }), where: W, prop: 'tls.ca', got: "'/ca.crt'", fix: 'Credential.fromSecret' },
    { name: 'a stack as a plain object', run: () => app({ stack: {} }), where: W, prop: 'stack', got: '{}', fix: 'Pass the PrometheusStack object' },
    { name: 'multiprocess as a word', run: () => app({ multiprocess: 'python' }), where: W, prop: 'multiprocess', got: "'python'", fix: 'MultiprocessMetrics.python()' },
    { name: 'a ServiceMonitor label as a boolean', run: () => app({ serviceMonitorLabels: { release: true } }), where: W, prop: 'serviceMonitorLabels.release', got: 'true', fix: "Write 'true'" },
    { name: 'scrapeInterval as a string', run: () => app({ scrapeInterval: '30s' }), where: W, prop: 'scrapeInterval', got: "'30s'", fix: 'Duration.seconds(30)' },
    { name: 'allowFrom as one peer', run: () => app({ allowFrom: NetworkPeer.fromNamespaceNames(['monitoring']) }), where: W, prop: 'allowFrom', got: 'an object of class NetworkPeer', fix: 'Wrap a single item in a list' },
    { name: 'annotations as a string', run: () => app({ metadata: { annotations: 'a=b' } }), where: W, prop: 'metadata.annotations', got: "'a=b'", fix: 'Pass an object of string values' },
    { name: 'serviceMonitor as a string', run: () => app({ serviceMonitor: 'yes' }), where: W, prop: 'serviceMonitor', got: "'yes'", fix: 'true or false' },
    { name: 'a query parameter as a string', run: () => app({ queryParams: { module: 'http_2xx' } }), where: W, prop: 'queryParams.module', got: "'http_2xx'", fix: 'Wrap a single item in a list' },
    { name: 'a parameter without values', run: () => app({ queryParams: { module: [] } }), where: W, prop: 'queryParams.module', got: '[]', fix: 'leave it out' },
    { name: 'a token as a query parameter', run: () => app({ queryParams: { access_token: ['abc'] } }), where: W, prop: 'queryParams.access_token', got: "'<redacted>'", fix: "Pass credentials in 'auth'" },
    { name: 'a query in the path', run: () => app({ metricsPath: '/metrics?format=text' }), where: W, prop: 'metricsPath', got: "'/metrics?format=text'", fix: "the query in 'queryParams'" },
    { name: 'fromLabels without labels', run: () => PodSelection.fromLabels(js(undefined)), where: 'PodSelection.fromLabels', prop: 'labels', got: 'undefined', fix: 'such as { app: ' },
    { name: 'fromPods with labels', run: () => PodSelection.fromPods(js({ app: 'shop' })), where: 'PodSelection.fromPods', prop: 'pods', got: '{"app":"shop"}', fix: 'PodSelection.fromLabels' },
    { name: 'an unknown kubelet path', run: () => PlatformExporters.kubelet(js({ scrapePath: 'proxy' })), where: 'PlatformExporters.kubelet', prop: 'scrapePath', got: "'proxy'", fix: 'KubeletScrapePath.API_SERVER_PROXY' },
    { name: 'a kubelet CA as a path', run: () => PlatformExporters.kubelet(js({ ca: '/ca.crt' })), where: 'PlatformExporters.kubelet', prop: 'ca', got: "'/ca.crt'", fix: 'Credential.fromFile(path)' },
    { name: 'etcd ips as a string', run: () => PlatformExporters.etcd(js({ ips: '10.0.0.1' })), where: 'PlatformExporters.etcd', prop: 'ips', got: "'10.0.0.1'", fix: 'Wrap a single item in a list' },
    { name: 'addAll with a plain config', run: () => PlatformExporters.addAll(js({}), { exportersNamespaceName: 'monitoring' }), where: 'PlatformExporters.addAll', prop: 'config', got: '{}', fix: 'Pass stack.config' },
    { name: 'exporter targets as a string', run: () => PlatformExporters.nodeExporter(js({ targets: 'node:9100' })), where: 'PlatformExporters.nodeExporter', prop: 'targets', got: "'node:9100'", fix: 'Wrap a single item in a list' },
    { name: 'an annotated port as a string', run: () => PrometheusAnnotations.annotate(deployment(), js({ metricsPort: '8080' })), where: 'test/shop', prop: 'metricsPort', got: "'8080'", fix: 'Write 8080' },
    { name: 'an annotated scheme ftp', run: () => PrometheusAnnotations.annotate(deployment(), js({ metricsPort: 8080, scheme: 'ftp' })), where: 'test/shop', prop: 'scheme', got: "'ftp'", fix: 'Scheme.HTTP' },
    { name: 'scrapeNamespace with a plain stack', run: () => PrometheusAnnotations.scrapeNamespace(js({}), 'shop'), where: 'PrometheusAnnotations.scrapeNamespace', prop: 'stack', got: '{}', fix: 'Pass the PrometheusStack object' },
    { name: 'an env variable as a number', run: () => MultiprocessMetrics.sharedDirectory(js({ envVariable: 5 })), where: 'MultiprocessMetrics.sharedDirectory', prop: 'envVariable', got: '5', fix: "Write '5'" },
    { name: 'except CIDRs as a string', run: () => NetworkPeer.fromIpBlock('10.0.0.0/8', js('10.1.0.0/16')), where: 'NetworkPeer.fromIpBlock', prop: 'exceptCidrs', got: "'10.1.0.0/16'", fix: 'Wrap a single item in a list' },
  ]);

  test('an app monitor written with wire strings gives valid output', () => {
    const c = chart();
    const stack = new PrometheusStack(c, 'prom');
    new AppServiceMonitor(c, 'app', js({ pods: pods(), metricsPort: 8443, scheme: 'https', serviceType: 'ClusterIP', namespaceIngress: 'allow-all', stack }));
    const out = synthAndCheck(c);
    expect(out.objects.find((o) => o.kind === 'ServiceMonitor').spec.endpoints[0].scheme).toBe('https');
    // The stack's job reads the scheme from the Service.
    const service = out.objects.find((o) => o.kind === 'Service' && o.metadata.annotations?.['cdk8s-prometheus-monitoring/scrape-port'] !== undefined);
    expect(service.metadata.annotations['cdk8s-prometheus-monitoring/scrape-scheme']).toBe('https');
  });
});
