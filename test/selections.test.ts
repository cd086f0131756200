// What the library reads from the user's cdk8s-plus objects, of cdk8s-plus-28 (the peer) and of
// cdk8s-plus-33 alike, and the plain labels and names it takes instead: PodSelection, NetworkPeer,
// GrafanaAdminCredentials, and the methods that change a workload or read a Service.
import * as kplus28 from 'cdk8s-plus-28';
import * as kplus33 from 'cdk8s-plus-33';
import {
  AppServiceMonitor, Grafana, GrafanaAdminCredentials, KumaMetricsMesh, KumaServiceTag, MultiprocessMetrics, NetworkPeer, PodSelection,
  PrometheusAnnotations, PrometheusStack,
} from '../src';
import { findObject, findObjects } from './harness';
import { expectError, newChart, synthAndCheck } from './util';

const NAME = 'kubernetes.io/metadata.name';
const ADDRESS = 'cdk8s.io/metadata.addr';
const VERSIONS = [['cdk8s-plus-28', kplus28], ['cdk8s-plus-33', kplus33]] as const;

describe.each(VERSIONS)('objects of %s', (_, kplus) => {
  const k = kplus as typeof kplus33;
  const deployment = (chart: any, namespace?: string) => new k.Deployment(chart, 'web', {
    metadata: { namespace },
    containers: [{ image: 'registry.example.com/web:1.4.2', portNumber: 8000 }],
  });

  test('PodSelection.fromPods: a workload gives its pod label, its namespace and itself', () => {
    const chart = newChart();
    const web = deployment(chart, 'shop');
    const selection = PodSelection.fromPods(web);
    expect(selection.labels).toEqual({ [ADDRESS]: web.podMetadata.getLabel(ADDRESS) });
    expect(selection.namespaceName).toBe('shop');
    expect(selection._workload).toBe(web);
    expect(PodSelection.fromPods(deployment(newChart())).namespaceName).toBeUndefined();
    expect(PodSelection.fromPods(deployment(newChart('team'))).namespaceName).toBe('team');
  });

  test('PodSelection.fromPods: Pods.select() of one named namespace, or of none', () => {
    const chart = newChart();
    const inShop = PodSelection.fromPods(k.Pods.select(chart, 'a', { labels: { app: 'a' }, namespaces: k.Namespaces.select(chart, 'shop', { names: ['shop'] }) }));
    expect([inShop.labels, inShop.namespaceName, inShop._workload]).toEqual([{ app: 'a' }, 'shop', undefined]);
    const anywhere = PodSelection.fromPods(k.Pods.select(chart, 'b', { labels: { app: 'b' } }));
    expect([anywhere.labels, anywhere.namespaceName]).toEqual([{ app: 'b' }, undefined]);
  });

  test('PodSelection.fromPods: fails on what a Service cannot select, naming the object', () => {
    const chart = newChart();
    const where = 'PodSelection.fromPods: \'pods\'';
    expectError(() => PodSelection.fromPods(new k.ConfigMap(chart, 'cm')),
      `${where} must be a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, Pod...) or Pods.select() of any cdk8s-plus version, `
      + 'got test/cm (ConfigMap). Pass the workload that runs the pods, or use PodSelection.fromLabels({ app: \'my-app\' })');
    expectError(() => PodSelection.fromPods(k.Pods.select(chart, 'all', {})),
      `${where} must select pods by at least one label (an empty selector matches every pod of the namespace), but test/all (Pods) selects by none, got {}`);
    expectError(() => PodSelection.fromPods(k.Pods.select(chart, 'expr', { expressions: [k.LabelExpression.in('app', ['a', 'b'])] })),
      `${where} must select pods by labels only (a Service selector cannot use expressions), but test/expr (Pods) selects by expressions`);
    expectError(() => PodSelection.fromPods(k.Pods.select(chart, 'two', { labels: { app: 'a' }, namespaces: k.Namespaces.select(chart, 'ns2', { names: ['a', 'b'] }) })),
      `${where} must select pods of one namespace, by its name (a Service selects pods of its own namespace), but test/two (Pods) names 2 namespaces, got ["a","b"]. `
      + 'Select the namespace by name, or use PodSelection.fromLabels(labels, { namespaceName })');
    expectError(() => PodSelection.fromPods(k.Pods.select(chart, 'team', { labels: { app: 'a' }, namespaces: k.Namespaces.select(chart, 'nst', { labels: { team: 'a' } }) })),
      'but test/team (Pods) selects namespaces by labels, got {"matchLabels":{"team":"a"}}');
    expectError(() => PodSelection.fromPods(k.Pods.select(chart, 'every', { labels: { app: 'a' }, namespaces: k.Namespaces.all(chart, 'nsa') })),
      'but test/every (Pods) selects every namespace');
  });

  test('NetworkPeer.fromPods: workloads, Pods.select(), Namespace(s) and ip blocks, rendered as cdk8s-plus renders them', () => {
    const chart = newChart();
    const web = deployment(chart, 'shop');
    expect(NetworkPeer.fromPods(web)._peers).toEqual([{
      podSelector: { matchLabels: { [ADDRESS]: web.podMetadata.getLabel(ADDRESS) } }, namespaceSelector: { matchLabels: { [NAME]: 'shop' } },
    }]);
    expect(NetworkPeer.fromPods(k.Pods.all(chart, 'all'))._peers).toEqual([{ podSelector: {} }]);
    expect(NetworkPeer.fromPods(k.Pods.select(chart, 'p', { labels: { app: 'a' }, namespaces: k.Namespaces.select(chart, 'n', { names: ['x', 'y'] }) }))._peers)
      .toEqual(['x', 'y'].map((ns) => ({ podSelector: { matchLabels: { app: 'a' } }, namespaceSelector: { matchLabels: { [NAME]: ns } } })));
    expect(NetworkPeer.fromPods(k.Namespaces.select(chart, 'labelled', { labels: { team: 'a' } }))._peers)
      .toEqual([{ podSelector: {}, namespaceSelector: { matchLabels: { team: 'a' } } }]);
    expect(NetworkPeer.fromPods(k.Namespaces.all(chart, 'every'))._peers).toEqual([{ podSelector: {}, namespaceSelector: {} }]);
    expect(NetworkPeer.fromPods(new k.Namespace(chart, 'ns', { metadata: { name: 'team' } }))._peers)
      .toEqual([{ podSelector: {}, namespaceSelector: { matchLabels: { [NAME]: 'team' } } }]);
    expect(NetworkPeer.fromPods(k.NetworkPolicyIpBlock.ipv4(chart, 'ip', '10.0.0.0/8', ['10.1.0.0/16']))._peers)
      .toEqual([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }]);
  });

  test('NetworkPeer.fromPods: fails on what is not a peer, and on an ip block the API server refuses', () => {
    const chart = newChart();
    expectError(() => NetworkPeer.fromPods(new k.ConfigMap(chart, 'cm')),
      'NetworkPeer.fromPods: \'pods\' must be a cdk8s-plus workload, Pods.select(), Namespace, Namespaces.select() or NetworkPolicyIpBlock of any '
      + 'cdk8s-plus version, got test/cm (ConfigMap). Use NetworkPeer.fromPodLabels(), fromNamespaceNames(), fromNamespaceLabels() or fromIpBlock()');
    expectError(() => NetworkPeer.fromPods(k.NetworkPolicyIpBlock.ipv4(chart, 'ip', '10.0.0.0/8', ['11.0.0.0/16'])),
      'NetworkPeer.fromPods: \'pods.except[0]\' must be a CIDR strictly inside \'10.0.0.0/8\', got \'11.0.0.0/16\'');
  });

  test('GrafanaAdminCredentials.fromSecret: a Secret or a reference; the password this app writes is refused', () => {
    const chart = newChart();
    const ref = GrafanaAdminCredentials.fromSecret(k.Secret.fromSecretName(chart, 'ref', 'grafana-admin'), { userKey: 'user' });
    expect([ref.secretName, ref.userKey, ref.passwordKey]).toEqual(['grafana-admin', 'user', 'admin-password']);
    const secret = new k.Secret(chart, 'written', { stringData: { 'admin-password': 'hunter2' } });
    const stack = new PrometheusStack(chart, 'prometheus');
    expectError(() => new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(secret) }),
      'test/prometheus/Grafana: \'adminCredentials\' must not come from a Secret whose password this app writes: \'test/written\' sets \'admin-password\' in stringData',
      `and pass GrafanaAdminCredentials.fromSecretName('${secret.name}')`);
    expectError(() => GrafanaAdminCredentials.fromSecret(new k.ConfigMap(chart, 'cm')),
      'GrafanaAdminCredentials.fromSecret: \'secret\' must be a cdk8s-plus Secret (or Secret.fromSecretName()) of any cdk8s-plus version, '
      + 'got test/cm (ConfigMap). Use GrafanaAdminCredentials.fromSecretName(\'grafana-admin\') for a Secret made outside the app');
  });

  test('GrafanaAdminCredentials.fromSecret: a Secret of another namespace cannot be read by Grafana', () => {
    const chart = newChart('apps');
    const secret = new k.Secret(chart, 'admin');
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    expectError(() => new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(secret) }),
      'test/prometheus/Grafana: \'adminCredentials\' must be a Secret of Grafana\'s namespace \'monitoring\' (a pod reads Secrets of its own namespace only), '
      + `but 'test/admin' is in 'apps', got '${secret.name}'. Create the Secret in 'monitoring', or set Grafana's metadata.namespace to 'apps'`);
    const same = newChart();
    const stack2 = new PrometheusStack(same, 'prometheus', { metadata: { namespace: 'monitoring' } });
    new Grafana(stack2, 'Grafana', { prometheus: stack2, adminCredentials: GrafanaAdminCredentials.fromSecret(new k.Secret(same, 'admin', { metadata: { namespace: 'monitoring' } })) });
    synthAndCheck(same);
  });

  test('the methods that change a workload or read a Service fail on another object, naming it', () => {
    const chart = newChart();
    const cm = new k.ConfigMap(chart, 'cm');
    const workload = 'must be a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod) of any cdk8s-plus version, got test/cm (ConfigMap). '
      + 'Pass the workload object itself, such as the Deployment that runs the pods';
    expectError(() => PrometheusAnnotations.annotate(cm, { metricsPort: 9102 }), `PrometheusAnnotations.annotate: 'workload' ${workload}`);
    const mesh = new KumaMetricsMesh(chart, 'mesh');
    expectError(() => mesh.overrideWorkload(cm, { metricsPort: 1234 }), `test/mesh: 'workload' ${workload}`);
    expectError(() => mesh.addApplicationMetrics(cm, { metricsPort: 9102 }), `test/mesh: 'workload' ${workload}`);
    expectError(() => KumaServiceTag.fromService(cm),
      'KumaServiceTag.fromService: \'service\' must be a cdk8s-plus Service of any cdk8s-plus version, got test/cm (ConfigMap). '
      + 'For another Service, use KumaServiceTag.kubernetesService({ serviceName, namespaceName, portNumber })');
  });

  test('the methods that change a workload: annotations, a proxy override, the multiprocess directory', () => {
    const chart = newChart();
    const web = deployment(chart, 'shop');
    const job = new k.Job(chart, 'job', { metadata: { namespace: 'shop' }, containers: [{ image: 'registry.example.com/job:1.0.0' }] });
    PrometheusAnnotations.annotate(job, { metricsPort: 9102 });
    new KumaMetricsMesh(chart, 'mesh').overrideWorkload(web, { metricsPort: 1234 });
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, multiprocess: MultiprocessMetrics.sharedDirectory({ envVariable: 'METRICS_DIR' }) });
    const { objects } = synthAndCheck(chart);
    expect(findObject(objects, 'Job').spec.template.metadata.annotations).toEqual(expect.objectContaining({ 'prometheus.io/port': '9102' }));
    const template = findObject(objects, 'Deployment').spec.template;
    expect(template.metadata.annotations).toEqual({ 'prometheus.metrics.kuma.io/port': '1234' });
    expect(template.spec.containers[0].env).toEqual([{ name: 'METRICS_DIR', value: '/tmp/prometheus-multiproc' }]);
    expect(template.spec.volumes).toEqual([{ name: 'prometheus-multiproc', emptyDir: {} }]);
    expect(KumaServiceTag.fromService(web.exposeViaService({ ports: [{ port: 80, targetPort: 8000 }] })).value).toMatch(/_shop_svc_80$/);
  });
});

describe('PodSelection.fromLabels', () => {
  test('the labels and the namespace, used as the Service selector and namespace', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'api', { pods: PodSelection.fromLabels({ 'app.kubernetes.io/name': 'api' }, { namespaceName: 'shop' }), metricsPort: 9102 });
    const service = findObject(synthAndCheck(chart).objects, 'Service');
    expect([service.metadata.namespace, service.spec.selector]).toEqual(['shop', { 'app.kubernetes.io/name': 'api' }]);
  });

  test('fails on labels Kubernetes refuses, and on none', () => {
    expectError(() => PodSelection.fromLabels({}),
      'PodSelection.fromLabels: \'labels\' must select pods by at least one label (an empty selector matches every pod of the namespace), got {}');
    expectError(() => PodSelection.fromLabels({ 'my app': 'a' }), 'PodSelection.fromLabels: \'labels\' keys must be Kubernetes label keys', 'got \'my app\'');
    expectError(() => PodSelection.fromLabels({ 'Example.com/app': 'a' }), '\'labels\' keys must be Kubernetes label keys', 'got \'Example.com/app\'');
    expectError(() => PodSelection.fromLabels({ app: 'my app' }), 'PodSelection.fromLabels: \'labels.app\' must be a Kubernetes label value', 'got \'my app\'');
    expectError(() => PodSelection.fromLabels({ app: 'a'.repeat(64) }), '\'labels.app\' must be a Kubernetes label value');
    expectError(() => PodSelection.fromLabels({ app: 'a' }, { namespaceName: 'Shop' }), 'PodSelection.fromLabels: \'namespaceName\' must be a DNS-1123 label');
  });

  test('features that change the pods need the workload', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: PodSelection.fromLabels({ app: 'a' }), metricsPort: 8000, prometheusAnnotations: true }),
      'test/m: \'prometheusAnnotations\' annotates the pod template, so it needs \'pods\' to come from the workload that runs the pods, not from labels only, '
      + 'got {"app":"a"}. Pass pods: PodSelection.fromPods(workload)');
    expectError(() => new AppServiceMonitor(chart, 'n', { pods: PodSelection.fromLabels({ app: 'a' }), metricsPort: 8000, multiprocess: MultiprocessMetrics.python() }),
      'test/n: \'multiprocess\' mounts a directory in the containers, so it needs \'pods\' to come from the workload that runs the pods, not from labels only, '
      + 'got {"app":"a"}. Pass pods: PodSelection.fromPods(workload)');
  });
});

describe('NetworkPeer from labels, names and ranges', () => {
  test('each factory, as NetworkPolicy peers', () => {
    expect(NetworkPeer.fromPodLabels({ app: 'a' })._peers).toEqual([{ podSelector: { matchLabels: { app: 'a' } } }]);
    expect(NetworkPeer.fromPodLabels({})._peers).toEqual([{ podSelector: {} }]);
    expect(NetworkPeer.fromPodLabels({ app: 'a' }, { namespaceNames: ['x', 'y'] })._peers)
      .toEqual(['x', 'y'].map((ns) => ({ podSelector: { matchLabels: { app: 'a' } }, namespaceSelector: { matchLabels: { [NAME]: ns } } })));
    expect(NetworkPeer.fromPodLabels({ app: 'a' }, { namespaceLabels: { team: 't' } })._peers)
      .toEqual([{ podSelector: { matchLabels: { app: 'a' } }, namespaceSelector: { matchLabels: { team: 't' } } }]);
    expect(NetworkPeer.fromPodLabels({ app: 'a' }, { namespaceLabels: {} })._peers).toEqual([{ podSelector: { matchLabels: { app: 'a' } }, namespaceSelector: {} }]);
    expect(NetworkPeer.fromPodLabels({ app: 'a' }, { namespaceNames: ['x'], namespaceLabels: { team: 't' } })._peers)
      .toEqual([{ podSelector: { matchLabels: { app: 'a' } }, namespaceSelector: { matchLabels: { team: 't', [NAME]: 'x' } } }]);
    expect(NetworkPeer.fromNamespaceNames(['ops'])._peers).toEqual([{ podSelector: {}, namespaceSelector: { matchLabels: { [NAME]: 'ops' } } }]);
    expect(NetworkPeer.fromNamespaceLabels({ component: 'monitoring' })._peers)
      .toEqual([{ podSelector: {}, namespaceSelector: { matchLabels: { component: 'monitoring' } } }]);
    expect(NetworkPeer.fromIpBlock('10.0.0.0/8')._peers).toEqual([{ ipBlock: { cidr: '10.0.0.0/8' } }]);
    expect(NetworkPeer.fromIpBlock('2001:db8::/32', ['2001:db8:1::/48'])._peers).toEqual([{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }]);
  });

  test('in the policies of the stack, Grafana and an application', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', {
      metadata: { namespace: 'monitoring' },
      allowFrom: [NetworkPeer.fromIpBlock('192.168.0.0/16', ['192.168.1.0/24']), NetworkPeer.fromNamespaceNames(['ops', 'sre'])],
    });
    new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin'), allowFrom: [NetworkPeer.fromNamespaceLabels({ team: 'sre' })] });
    new AppServiceMonitor(chart, 'app', {
      pods: PodSelection.fromLabels({ app: 'a' }, { namespaceName: 'shop' }),
      metricsPort: 8000,
      allowFrom: [NetworkPeer.fromPodLabels({ app: 'scraper' }, { namespaceNames: ['ops'] })],
    });
    const { objects } = synthAndCheck(chart);
    const policy = (fragment: string) => findObjects(objects, 'NetworkPolicy').find((p) => p.metadata.name.includes(fragment));
    expect(policy('prometheus-networkpolicy').spec.ingress[0].from.slice(0, 3)).toEqual([
      { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } },
      { podSelector: {}, namespaceSelector: { matchLabels: { [NAME]: 'ops' } } },
      { podSelector: {}, namespaceSelector: { matchLabels: { [NAME]: 'sre' } } },
    ]);
    expect(policy('grafana').spec.ingress[0].from[0]).toEqual({ podSelector: {}, namespaceSelector: { matchLabels: { team: 'sre' } } });
    expect(policy('app').spec.ingress[0].from[0]).toEqual({ podSelector: { matchLabels: { app: 'scraper' } }, namespaceSelector: { matchLabels: { [NAME]: 'ops' } } });
  });

  test('fails on what the API server refuses, and on an empty list of namespaces', () => {
    expectError(() => NetworkPeer.fromIpBlock('10.0.0.0'), 'NetworkPeer.fromIpBlock: \'cidr\' must be an IPv4 or IPv6 CIDR, such as 10.0.0.0/8 or 2001:db8::/32, got \'10.0.0.0\'');
    expectError(() => NetworkPeer.fromIpBlock('10.0.0.0/33'), '\'cidr\' must be an IPv4 or IPv6 CIDR');
    expectError(() => NetworkPeer.fromIpBlock('10.0.0.0/8', ['10.0.0.0/8']), 'NetworkPeer.fromIpBlock: \'exceptCidrs[0]\' must be a CIDR strictly inside \'10.0.0.0/8\', got \'10.0.0.0/8\'');
    expectError(() => NetworkPeer.fromIpBlock('10.0.0.0/8', ['10.1.0.0/16', '172.16.0.0/12']), '\'exceptCidrs[1]\' must be a CIDR strictly inside');
    expectError(() => NetworkPeer.fromIpBlock('2001:db8::/32', ['10.0.0.0/16']), '\'exceptCidrs[0]\' must be a CIDR strictly inside');
    expectError(() => NetworkPeer.fromIpBlock('10.0.0.0/8', ['10.1.0.0']), '\'exceptCidrs[0]\' must be an IPv4 or IPv6 CIDR');
    expectError(() => NetworkPeer.fromNamespaceNames([]), 'NetworkPeer.fromNamespaceNames: \'names\' must name at least one namespace, got []');
    expectError(() => NetworkPeer.fromNamespaceNames(['ops', 'Ops']), 'NetworkPeer.fromNamespaceNames: \'names[1]\' must be a DNS-1123 label');
    expectError(() => NetworkPeer.fromPodLabels({ app: 'a' }, { namespaceNames: [] }), 'NetworkPeer.fromPodLabels: \'namespaceNames\' must name at least one namespace');
    expectError(() => NetworkPeer.fromPodLabels({ 'a b': 'c' }), 'NetworkPeer.fromPodLabels: \'labels\' keys must be Kubernetes label keys');
    expectError(() => NetworkPeer.fromNamespaceLabels({ team: 'a b' }), 'NetworkPeer.fromNamespaceLabels: \'labels.team\' must be a Kubernetes label value');
  });
});

describe('GrafanaAdminCredentials.fromSecretName', () => {
  test('the Secret by name, with its keys', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('ops.grafana', { userKey: 'user', passwordKey: 'pass' }) });
    const env = findObject(synthAndCheck(chart).objects, 'Deployment', /grafana/).spec.template.spec.containers[0].env;
    expect(env.slice(0, 2)).toEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'ops.grafana', key: 'user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'ops.grafana', key: 'pass' } } },
    ]);
  });

  test('fails on a name or key Kubernetes refuses', () => {
    expectError(() => GrafanaAdminCredentials.fromSecretName('Grafana_Admin'),
      'GrafanaAdminCredentials.fromSecretName: \'secretName\' must be a DNS-1123 subdomain (lowercase alphanumerics, \'-\' and \'.\', at most 253 characters), got \'Grafana_Admin\'');
    expectError(() => GrafanaAdminCredentials.fromSecretName('grafana-admin', { userKey: 'user name' }),
      'GrafanaAdminCredentials.fromSecretName: \'userKey\' must be a Secret data key');
  });
});
