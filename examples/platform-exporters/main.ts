import { App, Chart } from 'cdk8s';
import { Credential, PlatformExporters, PrometheusStack } from 'cdk8s-prometheus-monitoring';

// A kubeadm cluster's own components scraped by the library's Prometheus, with the job names and
// labels of kube-prometheus, so that the kubernetes-mixin's alerts and dashboards work unchanged.
const app = new App();
const chart = new Chart(app, 'platform');

const stack = new PrometheusStack(chart, 'prometheus', {
  metadata: { namespace: 'monitoring' },
  createNamespace: true,
});

// The platform's own exporters: the kubelets, the API server, etcd, CoreDNS, the controller
// manager, the scheduler, and node-exporter and kube-state-metrics in the monitoring namespace.
PlatformExporters.addAll(stack.config, {
  exportersNamespaceName: 'monitoring',
  // etcd's client port with a client certificate from the Secret kube-etcd-client-certs.
  etcd: {
    tls: {
      ca: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client-ca.crt'),
      cert: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client.crt'),
      key: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client.key'),
    },
  },
});

app.synth();
