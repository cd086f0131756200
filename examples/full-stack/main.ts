import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlertingRule, AlertmanagerEndpoint, AppServiceMonitor, Authentication, Credential, Dashboard, DashboardPanel, DashboardRow, Grafana,
  GrafanaAdminCredentials, GrafanaUnit, KrakendMetrics, KubernetesRole, KumaMetricsMesh, NamespaceIngress, PlatformExporters, PodSelection,
  PrometheusStack, DataStorage, PrometheusWebAuth, RecordingRule, Relabel, RemoteWrite, RuleGroup, ScrapeJob, ServiceDiscovery,
  WeaveMonitoring,
} from 'cdk8s-prometheus-monitoring';

// A Prometheus server in the `monitoring` namespace that scrapes two node exporters by
// address, discovers the `shop` application through its EndpointSlices, monitors the
// `checkout` application through a Service and a ServiceMonitor, scrapes the platform's
// kube-state-metrics, the cluster's Weave Net, a KrakenD gateway and the Kuma mesh's proxies,
// alerts through an Alertmanager and pushes every sample to a Mimir cluster with basic auth
// from a Secret. Grafana shows the dashboards of every integration and one of the checkout
// application's own metrics.
//
// `npx projen synth:example` runs it in this directory: it writes dist/monitoring.k8s.yaml.
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
  // The NodePort asks for a password: the web configuration (bcrypt hashes) and the password of
  // the stack's own clients (the self-scrape, Grafana) come from a Secret created beside the app.
  webAuth: PrometheusWebAuth.fromSecret('prometheus-web', { username: 'grafana' }),
});

// A static job: hosts that are not discovered.
stack.addScrapeJob(new ScrapeJob({
  jobName: 'node-exporter',
  scrapeInterval: Duration.seconds(30),
  discovery: [ServiceDiscovery.staticTargets({
    targets: ['10.0.0.11:9100', '10.0.0.12:9100'],
    labels: { env: 'demo' },
  })],
}));

// A discovered job: the `metrics` port of the Services labelled app=shop in namespace `shop`.
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

// The applications' namespaces.
new kplus.Namespace(chart, 'shop', { metadata: { name: 'shop' } });
new kplus.Namespace(chart, 'gateway-namespace', { metadata: { name: 'gateway' } });

// An instrumented application: Service, ServiceMonitor, NetworkPolicy and a job on the stack.
const checkout = new kplus.Deployment(chart, 'checkout', {
  metadata: { namespace: 'shop' },
  // The restricted Pod Security Standard: kplus's defaults (non-root, no privilege escalation,
  // read-only root) plus no capabilities and the runtime's seccomp profile.
  containers: [{ image: 'registry.example.com/checkout:3.2.0', portNumber: 8080, securityContext: { capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } } }],
});
new AppServiceMonitor(chart, 'checkout-metrics', {
  pods: PodSelection.fromPods(checkout),
  metricsPort: 9102,
  metricsPath: '/prometheus',
  // The Service, and so the `job` label of every series: `checkout`.
  metadata: { name: 'checkout' },
  // The namespace denies ingress by default: the policy only adds the scrape.
  namespaceIngress: NamespaceIngress.DEFAULT_DENY,
  stack,
});
stack.addScrapeJob(PlatformExporters.kubeStateMetrics({ serviceNamespaceName: 'kube-system' }));

// The cluster's network, its API gateway and its service mesh.
new WeaveMonitoring(chart, 'weave', { stack });
new KrakendMetrics(chart, 'gateway', { stack, metadata: { namespace: 'gateway' } });
new KumaMetricsMesh(chart, 'mesh', { stack });

// Every sample to Mimir; the password is read from the Secret `mimir-credentials`.
stack.addRemoteWrite(new RemoteWrite({
  url: 'https://mimir.example.com/api/v1/push',
  headers: { 'X-Scope-OrgID': 'demo' },
  auth: Authentication.basic({
    username: 'demo',
    password: Credential.fromSecret('mimir-credentials', 'password'),
  }),
}));

// Alerts, and where they go.
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

// Grafana reads this Prometheus and shows the dashboards of the stack and its integrations;
// the admin user and password come from the Secret `grafana-admin`, made outside the app.
const grafana = new Grafana(chart, 'grafana', {
  prometheus: stack,
  adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin'),
  anonymousAccess: true,
});

// A dashboard of the checkout application's own metrics (job="checkout", its Service's name).
const traffic = new DashboardRow({
  title: 'Traffic',
  panels: [DashboardPanel.timeSeries({
    title: 'Requests',
    unit: GrafanaUnit.REQUESTS_PER_SECOND,
    stacked: true,
    queries: [{ expr: 'sum by (code) (rate(http_requests_total{job="checkout"}[$__rate_interval]))', legend: '{{code}}' }],
  })],
});
grafana.addDashboard(new Dashboard({ uid: 'checkout', title: 'Checkout', rows: [traffic] }));

// A panel more on the same row: the share of requests that failed, red from 5%.
traffic.addPanel(DashboardPanel.stat({
  title: 'Error ratio',
  unit: GrafanaUnit.PERCENT_UNIT,
  thresholds: [{ value: 0.05, color: 'red' }],
  queries: [{
    expr: 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[$__rate_interval]))'
      + ' / sum(rate(http_requests_total{job="checkout"}[$__rate_interval]))',
  }],
}));

app.synth();
