import { App, Chart } from 'cdk8s';
import { KumaDataplaneDiscovery, KumaMetricsMesh, PrometheusStack } from 'cdk8s-prometheus-monitoring';

// A Prometheus older than 2.29, which has no `kuma_sd_configs`, with a Kuma control plane older
// than 2.7, which still serves MADS over gRPC: kuma-prometheus-sd runs beside Prometheus in its
// pod and writes the proxies to a file that Prometheus reads with `file_sd_configs`.
const app = new App();
const chart = new Chart(app, 'older-prometheus');

const stack = new PrometheusStack(chart, 'prometheus', {
  metadata: { namespace: 'monitoring' },
  image: 'quay.io/prometheus/prometheus:v2.28.1',
});
new KumaMetricsMesh(chart, 'kuma', {
  stack,
  kumaVersion: '2.6',
  discovery: KumaDataplaneDiscovery.kumaPrometheusSd({
    controlPlaneAddress: 'grpc://kuma-control-plane.kuma-system:5676',
  }),
});

app.synth();
