import { ApiObject, App, Chart, Duration, Include } from 'cdk8s';
import {
  AlertingRule, Authentication, Credential, PrometheusStack, RemoteWrite, WeaveDiscovery, WeaveMetrics, WeaveMonitoring,
  WeaveStatusAddress,
} from 'cdk8s-prometheus-monitoring';

// Prometheus monitoring of Weave Net, both ways the Weave Net document describes: the weave-net
// DaemonSet of this cluster, discovered from Kubernetes, and two hosts started with
// `weave launch`, scraped at fixed addresses. Every sample is pushed to a hosted Cortex with a
// token from a Secret. Run it in this directory: it reads weave-net.yaml from here.
const app = new App();
const chart = new Chart(app, 'weave-net');

const stack = new PrometheusStack(chart, 'prometheus', {
  metadata: { namespace: 'monitoring' },
  createNamespace: true,
});

// The weave-net DaemonSet in kube-system: jobs `weave` (6782) and `weave-npc` (6781),
// discovered with a Role in kube-system only, and the alerts.
const weave = new WeaveMonitoring(chart, 'weave', { stack });

// Weave's own manifest (weave-net.yaml, from weave's v2.8.1 release asset
// weave-daemonset-k8s-1.11.yaml: see its header), with the metrics published on each
// node's IP rather than 0.0.0.0 (WEAVE_METRICS_ADDR and weave-npc's --metrics-addr).
const weaveNet = new Include(chart, 'weave-net', { url: 'weave-net.yaml' });
const daemonSet = ApiObject.of(weaveNet.node.findChild('weave-net-daemonset-kube-system'));
weave.patchDaemonSet(daemonSet, WeaveStatusAddress.nodeIp());

// Your own rules next to the built-in alerts, with the metric names as constants.
weave.ruleGroup!.addRule(new AlertingRule({
  alert: 'WeaveNetAddressSpaceFilling',
  expr: 'sum by (job) (' + WeaveMetrics.IPS + '{job="weave"}) / max by (job) (' + WeaveMetrics.MAX_IPS + '{job="weave"}) > 0.9',
  forDuration: Duration.minutes(30),
  labels: { severity: 'warning' },
  annotations: { summary: 'More than 90% of the Weave Net IP address space is in use' },
}));

// Hosts outside the cluster, started with `weave launch`: a static job every 30 seconds.
const weaveHosts = new WeaveMonitoring(chart, 'weave-hosts', {
  stack,
  discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21', '10.0.0.22'] }),
  routerJobName: 'weave-hosts',
  scrapeInterval: Duration.seconds(30),
});
// What to run on each host: WEAVE_STATUS_ADDR=10.0.0.21:6782 weave launch, and so on.
console.log(weaveHosts.launchEnvironment(WeaveStatusAddress.ip('10.0.0.21')) + ' weave launch');
console.log(weaveHosts.launchEnvironment(WeaveStatusAddress.ip('10.0.0.22')) + ' weave launch');

// Every sample to a hosted Cortex; the token stays in the Secret `cortex-credentials`
// (kubectl -n monitoring create secret generic cortex-credentials --from-literal=token=...).
stack.addRemoteWrite(new RemoteWrite({
  url: 'https://cortex.example.com/api/prom/push',
  auth: Authentication.basic({
    username: 'weave-net',
    password: Credential.fromSecret('cortex-credentials', 'token'),
  }),
}));

app.synth();
