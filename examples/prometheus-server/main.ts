import { App, Chart, Duration, Size } from 'cdk8s';
import {
  AlertingRule, AlertmanagerEndpoint, Authentication, Credential, KubernetesRole, PrometheusStack, DataStorage, RecordingRule,
  Relabel, RemoteWrite, RuleGroup, ScrapeJob, ServiceDiscovery,
} from 'cdk8s-prometheus-monitoring';

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

// The `metrics` port of the Services labelled app=shop in the namespace `shop`.
stack.addScrapeJob(new ScrapeJob({
  jobName: 'shop',
  discovery: [ServiceDiscovery.kubernetes({
    role: KubernetesRole.ENDPOINT_SLICE,
    namespaces: ['shop'],
  })],
  relabelConfigs: [
    Relabel.keep({
      sourceLabels: ['__meta_kubernetes_service_label_app', '__meta_kubernetes_endpointslice_port_name'],
      regex: 'shop;metrics',
    }),
    Relabel.replace({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
    Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
    Relabel.labelMap({ regex: '__meta_kubernetes_service_label_(.+)' }),
  ],
}));

// Every sample to Mimir; the password stays in the Secret `mimir-credentials`.
stack.addRemoteWrite(new RemoteWrite({
  url: 'https://mimir.example.com/api/v1/push',
  headers: { 'X-Scope-OrgID': 'demo' },
  auth: Authentication.basic({
    username: 'demo',
    password: Credential.fromSecret('mimir-credentials', 'password'),
  }),
}));

// A recording rule, an alert, and the Alertmanager that receives it.
stack.addRuleGroup(new RuleGroup({
  name: 'availability',
  rules: [
    new RecordingRule({ record: 'job:up:ratio', expr: 'avg by (job) (up)' }),
    new AlertingRule({
      alert: 'TargetDown',
      expr: 'up == 0',
      forDuration: Duration.minutes(5),
      labels: { severity: 'warning' },
      annotations: { summary: '{{ $labels.job }} target {{ $labels.instance }} is down' },
    }),
  ],
}));
stack.addAlertmanager(new AlertmanagerEndpoint({
  discovery: [ServiceDiscovery.staticTargets({ targets: ['alertmanager.monitoring.svc:9093'] })],
}));

app.synth();
