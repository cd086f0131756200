import { App, Chart, Duration, Size } from 'cdk8s';
import { PrometheusStack, DataStorage, ScrapeJob, ServiceDiscovery } from 'cdk8s-prometheus-monitoring';

const app = new App();
const chart = new Chart(app, 'monitoring');

// A Prometheus server with persistent storage in its own namespace.
const stack = new PrometheusStack(chart, 'prometheus', {
  metadata: { namespace: 'monitoring' },
  createNamespace: true,
  storage: DataStorage.persistentVolumeClaim({ size: Size.gibibytes(20) }),
  retention: Duration.days(15),
  retentionSize: Size.gibibytes(18),
  externalLabels: { cluster: 'demo' },
});

// A static job, for hosts that are not discovered.
stack.addScrapeJob(new ScrapeJob({
  jobName: 'edge-hosts',
  scrapeInterval: Duration.seconds(30),
  discovery: [ServiceDiscovery.staticTargets({
    targets: ['10.0.0.11:9100', '10.0.0.12:9100'],
    labels: { env: 'demo' },
  })],
}));

app.synth();
