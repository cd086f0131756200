import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Grafana, GrafanaAdminCredentials, KumaCaBackend, KumaMetricsMesh, KumaPolicyApi, KumaServiceTag, NetworkPeer, PrometheusStack,
} from 'cdk8s-prometheus-monitoring';

// The Traffic Metrics document on Kubernetes: the `default` mesh exposes every proxy's metrics
// on port 5670, mTLS (builtin CA) secures them, the Prometheus of the `kuma-metrics` namespace
// joins the mesh and discovers the proxies through the control plane, one workload moves its
// proxy's metrics to port 1234, another application's own metrics are scraped through the
// `prometheus.io/*` annotations, and a central Prometheus federates the mesh's series.
const app = new App();
const chart = new Chart(app, 'kuma-mesh');


// The applications' namespace: every pod in it gets a Kuma sidecar.
new kplus.Namespace(chart, 'kuma-demo', {
  metadata: { name: 'kuma-demo', labels: { 'kuma.io/sidecar-injection': 'enabled' } },
});

// The mesh's Prometheus, reached by Grafana in its namespace and by the central Prometheus.
const stack = new PrometheusStack(chart, 'prometheus', {
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
const mesh = new KumaMetricsMesh(chart, 'kuma', {
  // The document's API: Mesh.spec.metrics and TrafficPermissions (KumaPolicyApi.TARGET_REF: MeshMetric).
  policyApi: KumaPolicyApi.SOURCE_DESTINATION,
  stack,
  scrapeInterval: Duration.seconds(5),
  mtls: { backends: [KumaCaBackend.builtin()] },
  secureMetrics: true,
  // Kuma's Grafana data source (mesh graph, services), as kumactl install observability had it.
  kumaDatasource: true,
  prometheusComponents: [
    KumaServiceTag.kubernetesService({ serviceName: 'alertmanager', namespaceName: 'kuma-metrics', servicePort: 9093 }),
  ],
});

// Grafana joins the mesh too, and may query Prometheus: the permission names both by the
// service tags of their real Services.
new Grafana(chart, 'grafana', {
  prometheus: stack,
  adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin'),
  servicePort: 80,
});

// A workload whose port 5670 is taken: its proxy serves the metrics on :1234/non-standard-path.
const echo = new kplus.Deployment(chart, 'kuma-tcp-echo', {
  metadata: { namespace: 'kuma-demo' },
  containers: [{ image: 'docker.io/kumahq/kuma-tcp-echo:0.1.0', portNumber: 8000, securityContext: { capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } } }],
});
mesh.overrideWorkload(echo, { metricsPort: 1234, metricsPath: '/non-standard-path' });

// An application's own metrics, next to its proxy: prometheus.io/* annotations.
const shop = new kplus.Deployment(chart, 'shop', {
  metadata: { namespace: 'kuma-demo' },
  containers: [{ image: 'registry.example.com/shop:1.4.2', portNumber: 8080, securityContext: { capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } } }],
});
const shopService = shop.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
mesh.addApplicationMetrics(shop, {
  metricsPort: 9102,
  service: KumaServiceTag.fromService(shopService),
});

// The platform's central Prometheus federates every series of the mesh.
const central = new PrometheusStack(chart, 'central', {
  metadata: { namespace: 'monitoring' },
  serviceType: kplus.ServiceType.CLUSTER_IP,
});
mesh.federateTo(central, { scrapeInterval: Duration.seconds(30) });

app.synth();
