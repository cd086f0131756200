import * as path from 'path';
import { Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KrakendConfig, KrakendGateways, KrakendMetrics, KrakendTelemetry, PrometheusStack } from 'cdk8s-prometheus-monitoring';
import { Construct } from 'constructs';

/**
 * KrakenD's Prometheus demonstration (three gateways, a Prometheus scraping their `/metrics`
 * every 5 s with the label `app: kotel_example`), twice: three gateways deployed on Kubernetes
 * and discovered through their Service, and three gateways that run elsewhere (the document's
 * docker-compose services `krakend1..3`), scraped at fixed addresses with a configuration
 * migrated from the legacy OpenCensus exporter.
 */
export class KrakendChart extends Chart {
  public readonly stack: PrometheusStack;
  public readonly gateway: KrakendMetrics;
  public readonly composeGateways: KrakendMetrics;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // A Prometheus server in its own namespace.
    const stack = new PrometheusStack(this, 'prometheus', {
      metadata: { namespace: 'monitoring' },
      createNamespace: true,
    });

    // Three gateways on Kubernetes, with the telemetry of KrakenD's example. The exporter
    // port (9091) becomes the container port, the Service port and the scraped port.
    new kplus.Namespace(this, 'gateway-namespace', { metadata: { name: 'gateway' } });
    this.gateway = new KrakendMetrics(this, 'gateway', {
      stack,
      metadata: { namespace: 'gateway' },
      gateways: KrakendGateways.deploy({ replicas: 3 }),
      config: KrakendConfig.fromFile(path.join(__dirname, 'krakend.json')),
      telemetry: new KrakendTelemetry({
        serviceName: 'krakend_prometheus_service',
        metricReportingPeriod: Duration.seconds(1),
        prometheusExporters: [{ name: 'local_prometheus', port: 9091, processMetrics: true, goMetrics: true }],
      }),
      targetLabels: { app: 'kotel_example' },
    });

    // Three gateways outside the cluster, still on the legacy OpenCensus configuration:
    // migrate it, then scrape them as the document's `krakend_otel` job does.
    const legacy = KrakendConfig.fromFile(path.join(__dirname, 'krakend-opencensus.json'));
    this.composeGateways = new KrakendMetrics(this, 'compose-gateways', {
      stack,
      jobName: 'krakend_otel',
      gateways: KrakendGateways.external({ targets: ['krakend1', 'krakend2', 'krakend3'] }),
      config: KrakendConfig.fromObject(KrakendMetrics.migrateOpenCensusConfig(legacy.toJson()).result),
      targetLabels: { app: 'kotel_example' },
    });

    this.stack = stack;
  }
}
