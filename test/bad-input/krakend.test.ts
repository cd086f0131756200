import { Chart, Testing } from 'cdk8s';
import {
  KrakendConfig, KrakendGateways, KrakendMetrics, KrakendTelemetry, NetworkPeer, PrometheusStack,
} from '../../src';
import { synthAndCheck } from '../util';
import { badInputs, js } from './cases';

const chart = () => new Chart(Testing.app(), 'test');
const krakend = (props: object) => new KrakendMetrics(chart(), 'krakend', js(props));
const telemetry = (props: object) => new KrakendTelemetry(js(props));
const W = 'test/krakend';
const T = 'KrakendTelemetry';

describe('the krakend family, as a jsii caller passes it', () => {
  badInputs([
    { name: 'gateways as a plain object', run: () => krakend({ gateways: { replicas: 2 } }), where: W, prop: 'gateways', got: '{"replicas":2}', fix: 'KrakendGateways.deploy' },
    { name: 'config as parsed JSON', run: () => krakend({ config: { version: 3 } }), where: W, prop: 'config', got: '{"version":3}', fix: 'KrakendConfig.fromObject(json)' },
    { name: 'telemetry as a plain object', run: () => krakend({ telemetry: { serviceName: 'gw' } }), where: W, prop: 'telemetry', got: '{"serviceName":"gw"}', fix: 'new KrakendTelemetry' },
    { name: 'a stack as a name', run: () => krakend({ stack: 'prometheus' }), where: W, prop: 'stack', got: "'prometheus'", fix: 'Pass the PrometheusStack object' },
    { name: 'scrapeInterval as a string', run: () => krakend({ scrapeInterval: '5s' }), where: W, prop: 'scrapeInterval', got: "'5s'", fix: 'Duration.seconds(30)' },
    { name: 'apiPort as a string', run: () => krakend({ apiPort: '8080' }), where: W, prop: 'apiPort', got: "'8080'", fix: 'Write 8080' },
    { name: 'a target label as a number', run: () => krakend({ staticLabels: { env: 1 } }), where: W, prop: 'staticLabels.env', got: '1', fix: "Write '1'" },
    { name: 'networkPolicy as a string', run: () => krakend({ networkPolicy: 'yes' }), where: W, prop: 'networkPolicy', got: "'yes'", fix: 'true or false' },
    { name: 'metricsAllowFrom as one peer', run: () => krakend({ metricsAllowFrom: NetworkPeer.fromNamespaceNames(['monitoring']) }), where: W, prop: 'metricsAllowFrom', got: 'an object of class NetworkPeer', fix: 'Wrap a single item in a list' },
    { name: 'a label value as a number', run: () => krakend({ metadata: { labels: { tier: 1 } } }), where: W, prop: 'metadata.labels.tier', got: '1', fix: "Write '1'" },
    { name: 'jobName as a number', run: () => krakend({ jobName: 5 }), where: W, prop: 'jobName', got: '5', fix: "Write '5'" },
    { name: 'replicas as a string', run: () => KrakendGateways.deploy(js({ replicas: '2' })), where: 'KrakendGateways.deploy', prop: 'replicas', got: "'2'", fix: 'Write 2' },
    { name: 'a memory limit as a string', run: () => KrakendGateways.deploy(js({ resources: { memory: { limit: '512Mi' } } })), where: 'KrakendGateways.deploy', prop: 'resources.memory.limit', got: "'512Mi'", fix: 'Size.mebibytes(512)' },
    { name: 'external targets as a string', run: () => KrakendGateways.external(js({ targets: 'krakend:9090' })), where: 'KrakendGateways.external', prop: 'targets', got: "'krakend:9090'", fix: 'Wrap a single item in a list' },
    { name: 'external targets missing', run: () => KrakendGateways.external(js({})), where: 'KrakendGateways.external', prop: 'targets', got: 'undefined', fix: 'List the gateways as host:port' },
    { name: 'a config file as a number', run: () => KrakendConfig.fromFile(js(5)), where: 'KrakendConfig.fromFile', prop: 'filePath', got: '5', fix: "Write '5'" },
    { name: 'a reporting period as seconds', run: () => telemetry({ metricReportingPeriod: 60 }), where: T, prop: 'metricReportingPeriod', got: '60', fix: 'Duration.seconds(30)' },
    { name: 'exporters as one exporter', run: () => telemetry({ prometheusExporters: { name: 'local' } }), where: T, prop: 'prometheusExporters', got: '{"name":"local"}', fix: 'Wrap a single item in a list' },
    { name: 'an exporter port as a string', run: () => telemetry({ prometheusExporters: [{ name: 'local', port: '9091' }] }), where: T, prop: 'prometheusExporters[0].port', got: "'9091'", fix: 'Write 9091' },
    { name: 'goMetrics as a string', run: () => telemetry({ prometheusExporters: [{ name: 'local', goMetrics: 'yes' }] }), where: T, prop: 'prometheusExporters[0].goMetrics', got: "'yes'", fix: 'true or false' },
    { name: 'a semantic convention KrakenD does not have', run: () => telemetry({ globalLayer: { semanticConvention: '1.28' } }), where: T, prop: 'globalLayer.semanticConvention', got: "'1.28'", fix: 'KrakendSemanticConvention.V1_27' },
    { name: 'disableMetrics as a string', run: () => telemetry({ globalLayer: { disableMetrics: 'yes' } }), where: T, prop: 'globalLayer.disableMetrics', got: "'yes'", fix: 'true or false' },
    { name: 'a static attribute as a number', run: () => telemetry({ proxyLayer: { metricsStaticAttributes: { region: 1 } } }), where: T, prop: 'proxyLayer.metricsStaticAttributes.region', got: '1', fix: "Write '1'" },
    { name: 'skipPaths as a string', run: () => telemetry({ skipPaths: '/__health' }), where: T, prop: 'skipPaths', got: "'/__health'", fix: 'Wrap a single item in a list' },
    { name: 'a backend flag as a string', run: () => telemetry({ backendLayer: { metrics: { roundTrip: 'yes' } } }), where: T, prop: 'backendLayer.metrics.roundTrip', got: "'yes'", fix: 'true or false' },
    { name: 'a service name as a number', run: () => telemetry({ serviceName: 5 }), where: T, prop: 'serviceName', got: '5', fix: "Write '5'" },
  ]);

  test('a gateway written with wire strings gives valid output', () => {
    const c = chart();
    const m = new KrakendMetrics(c, 'krakend', js({
      stack: new PrometheusStack(c, 'prom'),
      telemetry: new KrakendTelemetry(js({ globalLayer: { semanticConvention: '1.27' } })),
    }));
    const out = synthAndCheck(c);
    expect(JSON.parse(m.configJson).extra_config['telemetry/opentelemetry'].layers.global.semantic_convention).toBe('1.27');
    expect(Object.values(out.prometheusConfigs)[0].scrape_configs.map((j: any) => j.job_name)).toContain('krakend');
  });
});
