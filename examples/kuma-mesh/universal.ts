import { App, Chart } from 'cdk8s';
import { KumaCaBackend, KumaMetricsMesh, KumaPolicyApi } from 'cdk8s-prometheus-monitoring';

/**
 * The Traffic Metrics document on Universal, for `kumactl apply -f`: the `default` mesh with
 * mTLS and a Prometheus backend that skips it (scraping through mTLS needs a transparent
 * proxy), and a data plane proxy whose metrics move to :1234/non-standard-path.
 */
export function universalMesh(policyApi: KumaPolicyApi = KumaPolicyApi.LEGACY): KumaMetricsMesh {
  const mesh = new KumaMetricsMesh(new Chart(new App(), 'universal'), 'kuma', {
    policyApi,
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
  return mesh;
}
