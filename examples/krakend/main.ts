import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KrakendConfig, KrakendGateways, KrakendMetrics, KrakendTelemetry, PrometheusStack } from 'cdk8s-prometheus-monitoring';

// KrakenD's Prometheus demonstration (three gateways, a Prometheus scraping their `/metrics`
// every 5 s with the label `app: kotel_example`), twice: three gateways deployed on Kubernetes
// and discovered through their Service, and three gateways that run elsewhere (the document's
// docker-compose services `krakend1..3`), scraped at fixed addresses with a configuration
// migrated from the legacy OpenCensus exporter. Run it in this directory: it reads krakend.json
// and krakend-opencensus.json from here.
const app = new App();
const chart = new Chart(app, 'krakend');

// A Prometheus server in its own namespace.
const stack = new PrometheusStack(chart, 'prometheus', {
  metadata: { namespace: 'monitoring' },
  createNamespace: true,
});
new kplus.Namespace(chart, 'gateway-namespace', { metadata: { name: 'gateway' } });

// Three gateways on Kubernetes, with the telemetry of KrakenD's example. The exporter
// port (9091) becomes the container port, the Service port and the scraped port.
new KrakendMetrics(chart, 'gateway', {
  stack,
  metadata: { namespace: 'gateway' },
  gateways: KrakendGateways.deploy({ replicas: 3 }),
  config: KrakendConfig.fromFile('krakend.json'),
  telemetry: new KrakendTelemetry({
    serviceName: 'krakend_prometheus_service',
    metricReportingPeriod: Duration.seconds(1),
    prometheusExporters: [{ name: 'local_prometheus', port: 9091, processMetrics: true, goMetrics: true }],
  }),
  staticLabels: { app: 'kotel_example' },
});

// Three gateways outside the cluster, still on the legacy OpenCensus configuration:
// migrate it, then scrape them as the document's `krakend_otel` job does.
const legacy = KrakendConfig.fromFile('krakend-opencensus.json');
const composeGateways = new KrakendMetrics(chart, 'compose-gateways', {
  stack,
  jobName: 'krakend_otel',
  gateways: KrakendGateways.external({ targets: ['krakend1', 'krakend2', 'krakend3'] }),
  config: KrakendConfig.fromObject(KrakendMetrics.migrateOpenCensusConfig(legacy.toJson()).result),
  staticLabels: { app: 'kotel_example' },
});
// The krakend.json those gateways must run: copy it where they read it.
console.log(composeGateways.configJson);

app.synth();
