import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppServiceMonitor, MultiprocessMetrics, NamespaceIngress, PlatformExporters, PodSelection, PrometheusStack,
} from 'cdk8s-prometheus-monitoring';

// The Cloud Platform reference application (Django served by gunicorn with several workers)
// monitored through a Service, a ServiceMonitor for prometheus-operator and a NetworkPolicy,
// and scraped by this library's own Prometheus server too, with the platform's exporters.
const app = new App();
const chart = new Chart(app, 'app-metrics');

const stack = new PrometheusStack(chart, 'prometheus', {
  metadata: { namespace: 'monitoring' },
  createNamespace: true,
  serviceType: kplus.ServiceType.CLUSTER_IP,
});

new kplus.Namespace(chart, 'app-namespace', { metadata: { name: 'reference-app' } });

// The application: Django served by gunicorn with four workers, in the namespace reference-app.
const referenceApp = new kplus.Deployment(chart, 'reference-app', {
  metadata: { namespace: 'reference-app' },
  replicas: 2,
  containers: [{
    image: 'ministryofjustice/cloud-platform-reference-app:2.3.1',
    args: ['gunicorn', '--workers', '4', '--bind', '0.0.0.0:8000', 'reference_app.wsgi'],
    portNumber: 8000,
    // The restricted Pod Security Standard: no capabilities, the runtime's seccomp profile.
    securityContext: { capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } },
  }],
});

// The metrics of every gunicorn worker, merged by prometheus_client's multiprocess mode.
new AppServiceMonitor(chart, 'reference-app-metrics', {
  pods: PodSelection.fromPods(referenceApp),
  metricsPort: 8000,
  // The Service name is the `job` label of every series: named, it survives a renamed construct.
  metadata: { name: 'reference-app' },
  scrapeInterval: Duration.seconds(15),
  serviceMonitorLabels: { release: 'prometheus-operator' },
  stack,
  // The platform denies ingress from other namespaces: the policy only adds the scrape.
  namespaceIngress: NamespaceIngress.DEFAULT_DENY,
  preforkingServer: true,
  multiprocess: MultiprocessMetrics.python(),
});

// Exporters the platform installs in the monitoring namespace.
stack.addScrapeJob(PlatformExporters.nodeExporter({ serviceNamespaceName: 'monitoring' }));
stack.addScrapeJob(PlatformExporters.kubeStateMetrics({ serviceNamespaceName: 'monitoring' }));

app.synth();
