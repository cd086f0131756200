import { App, Chart } from 'cdk8s';
import { KumaCaBackend, KumaMetricsMesh, KumaPolicyApi } from 'cdk8s-prometheus-monitoring';

// The Traffic Metrics document on Universal, for `kumactl apply -f`: the `default` mesh with mTLS
// and a Prometheus backend that skips it (scraping through mTLS needs a transparent proxy), and a
// data plane proxy whose metrics move to :1234/non-standard-path.
const app = new App();
const chart = new Chart(app, 'universal');

const mesh = new KumaMetricsMesh(chart, 'kuma', {
  policyApi: KumaPolicyApi.SOURCE_DESTINATION,
  mtls: { backends: [KumaCaBackend.builtin()] },
});
mesh.addUniversalDataplane({
  name: 'example',
  address: '192.168.0.10',
  inbound: [{ portNumber: 8000, serviceName: 'kuma-tcp-echo' }],
  metricsPort: 1234,
  metricsPath: '/non-standard-path',
  skipMtls: true,
});

// The Universal resources on standard output, for `kumactl apply -f -`.
console.log(mesh.toUniversalYaml());

app.synth();
