import { Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  GrafanaAdminCredentials, KumaCaBackend, KumaMetricsMesh, KumaPolicyApi, KumaServiceTag, NetworkPeer, PrometheusStack,
} from 'cdk8s-prometheus-monitoring';
import { Construct } from 'constructs';

/**
 * Properties of the `KumaMeshChart`.
 */
export interface KumaMeshChartProps extends ChartProps {
  /**
   * The Kuma API to write the configuration in.
   *
   * @default KumaPolicyApi.LEGACY
   */
  readonly policyApi?: KumaPolicyApi;
}

/**
 * The Traffic Metrics document on Kubernetes: the `default` mesh exposes every proxy's metrics
 * on port 5670, mTLS (builtin CA) secures them, the Prometheus of the `kuma-metrics` namespace
 * joins the mesh and discovers the proxies through the control plane, one workload moves its
 * proxy's metrics to port 1234, another application's own metrics are scraped through the
 * `prometheus.io/*` annotations, and a central Prometheus federates the mesh's series.
 */
export class KumaMeshChart extends Chart {
  public readonly stack: PrometheusStack;
  public readonly central: PrometheusStack;
  public readonly mesh: KumaMetricsMesh;

  constructor(scope: Construct, id: string, props: KumaMeshChartProps = {}) {
    super(scope, id, props);

    // The applications' namespace: every pod in it gets a Kuma sidecar.
    new kplus.Namespace(this, 'kuma-demo', {
      metadata: { name: 'kuma-demo', labels: { 'kuma.io/sidecar-injection': 'enabled' } },
    });

    // The mesh's Prometheus, reached by Grafana in its namespace and by the central Prometheus.
    this.stack = new PrometheusStack(this, 'prometheus', {
      metadata: { namespace: 'kuma-metrics' },
      createNamespace: true,
      serviceType: kplus.ServiceType.CLUSTER_IP,
      servicePort: 80,
      allowFrom: [
        NetworkPeer.fromPodLabels({}),
        NetworkPeer.fromNamespaceNames(['monitoring']),
      ],
    });

    // Proxy metrics on :5670/metrics, secured by the mesh's mTLS, scraped every 5 seconds.
    this.mesh = new KumaMetricsMesh(this, 'kuma', {
      policyApi: props.policyApi,
      stack: this.stack,
      scrapeInterval: Duration.seconds(5),
      mtls: { backends: [KumaCaBackend.builtin()] },
      secureMetrics: true,
      // Kuma's Grafana data source (mesh graph, services), as kumactl install observability had it.
      kumaDatasource: true,
      prometheusComponents: [
        KumaServiceTag.kubernetesService({ serviceName: 'alertmanager', namespaceName: 'kuma-metrics', portNumber: 9093 }),
      ],
    });

    // Grafana joins the mesh too, and may query Prometheus: the permission names both by the
    // service tags of their real Services.
    this.stack.addGrafana({
      adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin'),
      servicePort: 80,
    });

    // A workload whose port 5670 is taken: its proxy serves the metrics on :1234/non-standard-path.
    const echo = new kplus.Deployment(this, 'kuma-tcp-echo', {
      metadata: { namespace: 'kuma-demo' },
      containers: [{ image: 'docker.io/kumahq/kuma-tcp-echo:0.1.0', portNumber: 8000 }],
    });
    this.mesh.overrideWorkload(echo, { portNumber: 1234, path: '/non-standard-path' });

    // An application's own metrics, next to its proxy: prometheus.io/* annotations.
    const shop = new kplus.Deployment(this, 'shop', {
      metadata: { namespace: 'kuma-demo' },
      containers: [{ image: 'registry.example.com/shop:1.4.2', portNumber: 8080 }],
    });
    const shopService = shop.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
    this.mesh.addApplicationMetrics(shop, {
      portNumber: 9102,
      service: KumaServiceTag.fromService(shopService),
    });

    // The platform's central Prometheus federates every series of the mesh.
    this.central = new PrometheusStack(this, 'central', {
      metadata: { namespace: 'monitoring' },
      serviceType: kplus.ServiceType.CLUSTER_IP,
    });
    this.mesh.federateTo(this.central, { scrapeInterval: Duration.seconds(30) });
  }
}
