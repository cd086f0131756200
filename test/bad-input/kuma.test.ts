import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  KumaCaBackend, KumaDataplaneDiscovery, KumaMetricsMesh, KumaServiceTag, PrometheusStack, ServiceDiscovery,
} from '../../src';
import { synthAndCheck } from '../util';
import { badInputs, js } from './cases';

const chart = () => new Chart(Testing.app(), 'test');
const mesh = (props: object) => new KumaMetricsMesh(chart(), 'mesh', js(props));
const W = 'test/mesh';
const deployment = (c: Chart) => new kplus.Deployment(c, 'shop', { containers: [{ image: 'shop:1.0', portNumber: 8080 }] });

describe('the kuma family, as a jsii caller passes it', () => {
  badInputs([
    { name: 'policyApi v3', run: () => mesh({ policyApi: 'v3' }), where: W, prop: 'policyApi', got: "'v3'", fix: 'KumaPolicyApi.TARGET_REF' },
    { name: 'tlsMode strict', run: () => mesh({ tlsMode: 'strict' }), where: W, prop: 'tlsMode', got: "'strict'", fix: 'KumaMetricsTlsMode.PROVIDED_TLS' },
    { name: 'a stack as a plain object', run: () => mesh({ stack: {} }), where: W, prop: 'stack', got: '{}', fix: 'Pass the PrometheusStack object' },
    { name: 'discovery as a word', run: () => mesh({ discovery: 'kuma_sd' }), where: W, prop: 'discovery', got: "'kuma_sd'", fix: 'KumaDataplaneDiscovery.kumaSd()' },
    { name: 'a Prometheus client as a service name', run: () => mesh({ prometheusClients: ['grafana_monitoring_svc_3000'] }), where: W, prop: 'prometheusClients[0]', got: "'grafana_monitoring_svc_3000'", fix: '.custom(value)' },
    { name: 'prometheusComponents as one tag', run: () => mesh({ prometheusComponents: KumaServiceTag.custom('x') }), where: W, prop: 'prometheusComponents', got: 'an object of class KumaServiceTag', fix: 'Wrap a single item in a list' },
    { name: 'CA backends as one backend', run: () => mesh({ mtls: { backends: KumaCaBackend.builtin() } }), where: W, prop: 'mtls.backends', got: 'an object of class KumaCaBackend', fix: 'Wrap a single item in a list' },
    { name: 'a CA backend as a plain object', run: () => mesh({ mtls: { backends: [{ name: 'ca-1', type: 'builtin' }] } }), where: W, prop: 'mtls.backends[0]', got: '{"name":"ca-1","type":"builtin"}', fix: 'KumaCaBackend.builtin' },
    { name: 'mtls without backends', run: () => mesh({ mtls: {} }), where: W, prop: 'mtls.backends', got: 'undefined', fix: 'Use [KumaCaBackend.builtin()]' },
    { name: 'a metrics tag as a number', run: () => mesh({ metricsTags: { 'kuma.io/service': 1 } }), where: W, prop: 'metricsTags.kuma.io/service', got: '1', fix: "Write '1'" },
    { name: 'metricsPort as a string', run: () => mesh({ metricsPort: '5670' }), where: W, prop: 'metricsPort', got: "'5670'", fix: 'Write 5670' },
    { name: 'secureMetrics as a string', run: () => mesh({ secureMetrics: 'yes' }), where: W, prop: 'secureMetrics', got: "'yes'", fix: 'true or false' },
    { name: 'aggregate as one entry', run: () => mesh({ aggregate: { name: 'app', metricsPort: 9100 } }), where: W, prop: 'aggregate', got: '{"name":"app","metricsPort":9100}', fix: 'Wrap a single item in a list' },
    { name: 'envoy usedOnly as a string', run: () => mesh({ envoy: { usedOnly: 'yes' } }), where: W, prop: 'envoy.usedOnly', got: "'yes'", fix: 'true or false' },
    { name: 'kumaVersion as a number', run: () => mesh({ kumaVersion: 2.12 }), where: W, prop: 'kumaVersion', got: '2.12', fix: "Write '2.12'" },
    { name: 'a CA mode strict in lower case', run: () => KumaCaBackend.builtin(js({ mode: 'strict' })), where: 'KumaCaBackend.builtin', prop: 'mode', got: "'strict'", fix: 'KumaMtlsMode.STRICT' },
    { name: 'a certificate expiration as a string', run: () => KumaCaBackend.builtin(js({ dpCertExpiration: '24h' })), where: 'KumaCaBackend.builtin', prop: 'dpCertExpiration', got: "'24h'", fix: 'Duration.seconds(30)' },
    { name: 'a service port as a string', run: () => KumaServiceTag.kubernetesService(js({ serviceName: 'shop', namespaceName: 'shop', servicePort: '80' })), where: 'KumaServiceTag.kubernetesService', prop: 'servicePort', got: "'80'", fix: 'Write 80' },
    { name: 'fromStack with a plain object', run: () => KumaServiceTag.fromStack(js({})), where: 'KumaServiceTag.fromStack', prop: 'stack', got: '{}', fix: 'Pass the PrometheusStack object' },
    { name: 'allowFromPrometheus with a string', run: () => mesh({}).allowFromPrometheus(js('shop_shop_svc_80')), where: W, prop: 'destination', got: "'shop_shop_svc_80'", fix: 'KumaServiceTag.fromStack(stack)' },
    { name: 'an application scheme ftp', run: () => { const c = chart(); new KumaMetricsMesh(c, 'mesh').addApplicationMetrics(deployment(c), js({ metricsPort: 9000, scheme: 'ftp' })); }, where: 'test/shop', prop: 'scheme', got: "'ftp'", fix: 'Scheme.HTTPS' },
    { name: 'inbound as one entry', run: () => mesh({}).addUniversalDataplane(js({ name: 'web', address: '10.0.0.1', inbound: { portNumber: 80, serviceName: 'web' } })), where: "test/mesh/Dataplane 'web'", prop: 'inbound', got: '{"portNumber":80,"serviceName":"web"}', fix: 'Wrap a single item in a list' },
    { name: 'federateTo a plain object', run: () => mesh({}).federateTo(js({}), {}), where: W, prop: 'central', got: '{}', fix: 'Pass the PrometheusStack object' },
    { name: 'federation match as a string', run: () => { const c = chart(); new KumaMetricsMesh(c, 'mesh', { stack: new PrometheusStack(c, 'p') }).federateTo(new PrometheusStack(c, 'central'), js({ match: '{mesh="default"}' })); }, where: W, prop: 'match', got: '\'{mesh="default"}\'', fix: 'Wrap a single item in a list' },
    { name: 'sd resources of plain numbers', run: () => KumaDataplaneDiscovery.kumaPrometheusSd(js({ resources: { cpu: { request: 100 } } })), where: 'KumaDataplaneDiscovery.kumaPrometheusSd', prop: 'resources.cpu.request', got: '100', fix: 'Cpu.millis(250)' },
    { name: 'a kuma SD refresh as seconds', run: () => ServiceDiscovery.kuma(js({ refreshInterval: 30 })), where: 'ServiceDiscovery.kuma', prop: 'refreshInterval', got: '30', fix: 'Duration.seconds(30)' },
  ]);

  test('a mesh written with wire strings gives valid output', () => {
    const c = chart();
    new KumaMetricsMesh(c, 'mesh', js({ stack: new PrometheusStack(c, 'prom'), policyApi: 'targetRef', mtls: { backends: [KumaCaBackend.builtin(js({ mode: 'STRICT' }))] }, secureMetrics: true }));
    const out = synthAndCheck(c);
    expect(out.objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Mesh', 'MeshMetric']));
    expect(out.objects.find((o) => o.kind === 'Mesh').spec.mtls.backends[0].mode).toBe('STRICT');
  });
});
