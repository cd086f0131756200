// The NetworkPolicies of the pods the library runs (Prometheus, Grafana, Alertmanager) declare
// Egress, as kube-prometheus's do (prometheus-operator/kube-prometheus v0.18.0
// manifests/prometheus-networkPolicy.yaml, grafana-networkPolicy.yaml and
// alertmanager-networkPolicy.yaml: `policyTypes: [Egress, Ingress]`), narrowed from kube-prometheus's
// single `egress: [{}]` (every destination) to what the configuration names. Every policy passes
// the strict manifest validator (synthAndCheck), and the rules follow the jobs.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Alertmanager, Grafana, GrafanaAdminCredentials, GrafanaPlugin, KubernetesRole, Notifier, PrometheusStack, Receiver, RemoteWrite, ScrapeJob,
  ServiceDiscovery, WeaveMonitoring, Credential,
} from '../../src';
import { findObject } from '../harness';
import { synthAndCheck } from '../util';

const NS = 'kubernetes.io/metadata.name';
const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: 'TCP' }));
const DNS = { to: [{ namespaceSelector: { matchLabels: { [NS]: 'kube-system' } } }], ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] };
const API = { ports: tcp(443, 6443) };
const OPEN = 'cdk8s-prometheus-monitoring/open-egress';

function policy(objects: any[], name: RegExp) {
  return findObject(objects, 'NetworkPolicy', name);
}

function stackWith(build: (stack: PrometheusStack) => void, props: ConstructorParameters<typeof PrometheusStack>[2] = {}) {
  const chart = Testing.chart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' }, ...props });
  build(stack);
  const { objects } = synthAndCheck(chart);
  return { objects, stack, policy: policy(objects, /^test-prometheus-networkpolicy/) };
}

describe('Prometheus egress', () => {
  test('zero config: name lookups only (the self-scrape is on the loopback, which no policy filters)', () => {
    const { policy: p } = stackWith(() => undefined);
    expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(p.spec.egress).toEqual([DNS]);
    expect(p.metadata.annotations?.[OPEN]).toBeUndefined();
  });

  test('Kubernetes discovery: the API server, and the watched namespaces (any port)', () => {
    const { policy: p } = stackWith((stack) => {
      stack.addScrapeJob(new ScrapeJob({
        jobName: 'apps', discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.POD, namespaces: ['shop', 'echo'], ownNamespace: true })],
      }));
      stack.addScrapeJob(new ScrapeJob({ jobName: 'all', discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.ENDPOINT_SLICE })] }));
    });
    expect(p.spec.egress).toEqual([
      DNS,
      API,
      { to: ['shop', 'echo', 'monitoring'].map((n) => ({ namespaceSelector: { matchLabels: { [NS]: n } } })) },
      { to: [{ namespaceSelector: {} }] },
    ]);
  });

  test('static targets: an IP as a /32 or /128 block on its port, a Service name by namespace, another name by port', () => {
    const { policy: p } = stackWith((stack) => {
      stack.addScrapeJob(new ScrapeJob({
        jobName: 'static',
        discovery: [ServiceDiscovery.staticTargets({ targets: ['10.1.2.3:9100', '[2001:db8::1]:9100', 'mimir.storage.svc:8080', 'db.example.com', 'localhost:9090'] })],
      }));
      stack.addRemoteWrite(new RemoteWrite({ url: 'https://mimir.example.com/api/v1/push' }));
    });
    expect(p.spec.egress).toEqual([
      DNS,
      { to: [{ ipBlock: { cidr: '10.1.2.3/32' } }], ports: tcp(9100) },
      { to: [{ ipBlock: { cidr: '2001:db8::1/128' } }], ports: tcp(9100) },
      { to: [{ namespaceSelector: { matchLabels: { [NS]: 'storage' } } }] },
      { ports: tcp(80) },
      // The remote write.
      { ports: tcp(443) },
    ]);
  });

  test('weave: host-network pods on the ports the relabelling writes, and the annotation says why', () => {
    const { policy: p } = stackWith((stack) => new WeaveMonitoring(stack, 'weave', { stack }));
    expect(p.spec.egress).toEqual([DNS, API, { ports: tcp(6782) }, { ports: tcp(6781) }]);
    expect(p.metadata.annotations[OPEN]).toMatch(/job 'weave': its pods run on the host network.*job 'weave-npc'/);
  });

  test('node and file discovery: any address, with the reason', () => {
    const { policy: p } = stackWith((stack) => {
      stack.addScrapeJob(new ScrapeJob({ jobName: 'nodes', discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.NODE })] }));
      stack.addScrapeJob(new ScrapeJob({ jobName: 'files', discovery: [ServiceDiscovery.file({ files: ['/sd/targets.json'] })] }));
    });
    expect(p.spec.egress).toEqual([DNS, API, {}]);
    expect(p.metadata.annotations[OPEN]).toBe("job 'nodes': its targets are nodes (kubelets), at addresses outside the pod network; "
      + "job 'files': its targets come from files written at run time");
  });

  test('follows the jobs added after the stack, and networkPolicyEgress: false declares Ingress only', () => {
    const late = stackWith((stack) => stack.addScrapeJob(new ScrapeJob({
      jobName: 'late', discovery: [ServiceDiscovery.staticTargets({ targets: ['10.0.0.9:8080'] })],
    })));
    expect(late.policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.9/32' } }], ports: tcp(8080) });
    const off = stackWith(() => undefined, { networkPolicyEgress: false });
    expect(off.policy.spec.policyTypes).toEqual(['Ingress']);
    expect(off.policy.spec.egress).toBeUndefined();
  });

  test('with networkPolicyEgress: false, a Grafana added after the stack is still admitted to the web port', () => {
    const { policy: p } = stackWith((stack) => new Grafana(stack.node.scope as any, 'grafana', {
      prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin'), metadata: { namespace: 'dashboards' },
    }), { networkPolicyEgress: false, serviceType: kplus.ServiceType.CLUSTER_IP });
    expect(p.spec.policyTypes).toEqual(['Ingress']);
    expect(p.spec.ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { [NS]: 'dashboards' } },
      podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/name': 'grafana' }) },
    });
  });
});

describe('Grafana egress', () => {
  test('plugins open TCP 443, with the reason', () => {
    const chart = Testing.chart();
    const stack = new PrometheusStack(chart, 'prometheus', { serviceType: kplus.ServiceType.CLUSTER_IP });
    new Grafana(stack, 'Grafana', {
      prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('admin'), plugins: [GrafanaPlugin.of('grafana-piechart-panel', '1.6.4')],
    });
    const p = policy(synthAndCheck(chart).objects, /grafana-networkpolicy/);
    expect(p.spec.egress).toContainEqual({ ports: tcp(443) });
    expect(p.metadata.annotations[OPEN]).toMatch(/grafana-piechart-panel are downloaded at start/);
  });
});

describe('Alertmanager egress', () => {
  test('peers on the gossip port, receivers by URL or smarthost, and a URL from a Secret on 443', () => {
    const chart = Testing.chart();
    const stack = new PrometheusStack(chart, 'prometheus', { serviceType: kplus.ServiceType.CLUSTER_IP });
    const am = new Alertmanager(chart, 'am', {
      stack,
      defaultReceiver: 'hook',
      receivers: [
        new Receiver({ name: 'hook', notifiers: [Notifier.webhook({ url: 'http://relay.ops.svc:8080/alert' })] }),
        new Receiver({ name: 'mail', notifiers: [Notifier.email({ to: 'ops@example.com', fromAddress: 'am@example.com', smarthost: 'smtp.example.com:587' })] }),
        new Receiver({ name: 'slack', notifiers: [Notifier.slack({ apiUrl: Credential.fromSecret('slack', 'url'), channel: '#ops' })] }),
      ],
    });
    const p = policy(synthAndCheck(chart).objects, /^test-am-networkpolicy/);
    expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(p.spec.egress).toEqual([
      DNS,
      { to: [{ podSelector: { matchLabels: am.selectorLabels } }], ports: [{ port: 9094, protocol: 'TCP' }, { port: 9094, protocol: 'UDP' }] },
      { to: [{ namespaceSelector: { matchLabels: { [NS]: 'ops' } } }] },
      { ports: tcp(587) },
      { ports: tcp(443) },
    ]);
    expect(p.metadata.annotations[OPEN]).toMatch(/^receiver 'slack': its slack URL is read from a file/);
    expect(p.spec.ingress[1]).toEqual({ from: [{ podSelector: { matchLabels: am.selectorLabels } }], ports: [{ port: 9094, protocol: 'TCP' }, { port: 9094, protocol: 'UDP' }] });
  });
});
