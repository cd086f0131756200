import { Chart, ChartProps } from 'cdk8s';
import { KumaDataplaneDiscovery, KumaMetricsMesh, PrometheusStack } from 'cdk8s-prometheus-monitoring';
import { Construct } from 'constructs';

/**
 * A Prometheus older than 2.29, which has no `kuma_sd_configs`, with a Kuma control plane older
 * than 2.7, which still serves MADS over gRPC: kuma-prometheus-sd runs beside Prometheus in its
 * pod and writes the proxies to a file that Prometheus reads with `file_sd_configs`.
 */
export class OlderPrometheusChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const stack = new PrometheusStack(this, 'prometheus', {
      metadata: { namespace: 'monitoring' },
      image: 'quay.io/prometheus/prometheus:v2.28.1',
    });
    new KumaMetricsMesh(this, 'kuma', {
      stack,
      kumaVersion: '2.6',
      discovery: KumaDataplaneDiscovery.kumaPrometheusSd({
        controlPlaneAddress: 'grpc://kuma-control-plane.kuma-system:5676',
      }),
    });
  }
}
