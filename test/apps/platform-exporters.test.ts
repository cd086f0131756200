// The platform's own exporters: the labels of each job against kube-prometheus's for the same
// targets (the operator's generated jobs over its Services, ours over what our discovery sees),
// in one real Prometheus; RBAC derived from the jobs; TLS warnings; managed clusters.
import { Testing } from 'cdk8s';
import {
  Credential, KubeletScrapePath, PlatformExporters, PrometheusStack, ScrapeJob,
} from '../../src';
import { findObject, findObjects, relabel, RelabelCase, relabelCaseFromJob } from '../harness';
import { expectError, jobNamed, newChart, onlyConfig, runExampleProgram, synthAndCheck, warningsBesidesWebAuth } from '../util';
import { COREDNS_PODS, NODES, SERVICE_MONITORS, SERVICES, staticPod } from './kube-prometheus';
import { nodeTargets, operatorScrapeJobs, podTargets, sliceTargets } from './upstream';

const rendered = (jobs: ScrapeJob[]) => jobs.map((j) => j._render());

/** kube-prometheus's targets (the operator's EndpointSlices) and ours (our discovery), per component. */
function components() {
  const nodeIp = (n: any) => n.status.addresses[0].address;
  const kubeletSlice = sliceTargets(SERVICES.kubelet, 'kubelet-xyz12', [
    { name: 'https-metrics', port: 10250 }, { name: 'http-metrics', port: 10255 }, { name: 'cadvisor', port: 4194 },
  ], NODES.map((n) => ({ address: nodeIp(n), targetRef: { kind: 'Node', name: n.metadata.name }, nodeName: n.metadata.name })));
  const apiserverSlice = sliceTargets(SERVICES.apiserver, 'kubernetes', [{ name: 'https', port: 6443 }], [{ address: nodeIp(NODES[0]) }]);
  const corednsSlice = sliceTargets(SERVICES.coredns, 'kube-dns-abcde', [
    { name: 'dns', port: 53 }, { name: 'dns-tcp', port: 53 }, { name: 'metrics', port: 9153 },
  ], COREDNS_PODS.map((pod) => ({ address: pod.status.podIP, targetRef: { kind: 'Pod', name: pod.metadata.name }, nodeName: pod.spec.nodeName, pod })));
  const staticSlice = (key: 'kubeControllerManager' | 'kubeScheduler', component: string, port: number) => {
    const pod = staticPod(component);
    return sliceTargets(SERVICES[key], `${SERVICES[key].metadata.name}-abcde`, [{ name: 'https-metrics', port }],
      [{ address: pod.status.podIP, targetRef: { kind: 'Pod', name: pod.metadata.name }, nodeName: pod.spec.nodeName, pod }]);
  };
  // static-etcd's Endpoints carry bare IPs; the mirroring controller copies them into an EndpointSlice.
  const etcdSlice = sliceTargets(SERVICES.etcd, 'etcd-abcde', [{ name: 'metrics', port: 2379 }], [{ address: nodeIp(NODES[0]) }]);
  // Our side: the pod role also sees every other kube-system pod; the jobs must leave them out.
  const kubeSystemPods = [...['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(staticPod), ...COREDNS_PODS].flatMap(podTargets);
  const etcdTls = { ca: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client-ca.crt'), cert: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client.crt'), key: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client.key') };
  return [
    { name: 'kubelet', sm: SERVICE_MONITORS.kubelet, theirs: kubeletSlice, ours: rendered(PlatformExporters.kubelet()), ourTargets: NODES.map(nodeTargets) },
    { name: 'apiserver', sm: SERVICE_MONITORS.apiserver, theirs: apiserverSlice, ours: rendered(PlatformExporters.apiServer()), ourTargets: [...apiserverSlice, ...corednsSlice] },
    { name: 'coredns', sm: SERVICE_MONITORS.coredns, theirs: corednsSlice, ours: rendered([PlatformExporters.coreDns()]), ourTargets: [...corednsSlice, ...apiserverSlice] },
    { name: 'controller-manager', sm: SERVICE_MONITORS.kubeControllerManager, theirs: staticSlice('kubeControllerManager', 'kube-controller-manager', 10257), ours: rendered(PlatformExporters.kubeControllerManager()), ourTargets: kubeSystemPods },
    { name: 'scheduler', sm: SERVICE_MONITORS.kubeScheduler, theirs: staticSlice('kubeScheduler', 'kube-scheduler', 10259), ours: rendered(PlatformExporters.kubeScheduler()), ourTargets: kubeSystemPods },
    { name: 'etcd', sm: SERVICE_MONITORS.etcd, theirs: etcdSlice, ours: rendered([PlatformExporters.etcd({ tls: etcdTls })]), ourTargets: kubeSystemPods },
  ];
}

const byInstance = (labels: Array<Record<string, string>>) => [...labels].sort((a, b) => a.instance.localeCompare(b.instance));

describe('labels as kube-prometheus v0.18.0 gives them, in a real Prometheus', () => {
  let results: Map<string, { theirs: Array<Array<Record<string, string>>>; ours: Array<Array<Record<string, string>>> }>;

  beforeAll(async () => {
    const all = components();
    const cases: RelabelCase[] = [];
    for (const c of all) {
      operatorScrapeJobs(c.sm).forEach((job) => cases.push(relabelCaseFromJob(job, c.theirs)));
      c.ours.forEach((job) => cases.push(relabelCaseFromJob(job, c.ourTargets)));
    }
    const out = await relabel(cases);
    const kept = new Map(out.map((r) => [r.name, r.kept]));
    results = new Map(all.map((c) => [c.name, {
      theirs: operatorScrapeJobs(c.sm).map((job) => byInstance(kept.get(job.job_name)!)),
      ours: c.ours.map((job) => byInstance(kept.get(job.job_name as string)!)),
    }]));
  }, 60_000);

  test.each(['kubelet', 'apiserver', 'coredns', 'controller-manager', 'scheduler', 'etcd'])('%s: every endpoint, the same targets with the same labels', (name) => {
    const { theirs, ours } = results.get(name)!;
    expect(ours).toHaveLength(theirs.length);
    theirs.forEach((targets) => expect(targets.length).toBeGreaterThan(0));
    expect(ours).toEqual(theirs);
  });

  test('the kubelet\'s four endpoints share job="kubelet", told apart by metrics_path, as the mixin\'s selectors need', () => {
    const { ours } = results.get('kubelet')!;
    expect(ours.map((targets) => targets.map((l) => `${l.job} ${l.metrics_path} ${l.node} ${l.instance}`))).toEqual(
      ['/metrics', '/metrics/cadvisor', '/metrics/probes', '/metrics/slis'].map((p) => [`kubelet ${p} cp-1 10.0.0.11:10250`, `kubelet ${p} worker-1 10.0.0.21:10250`]));
  });

  test('job names are those kube-prometheus configures the kubernetes-mixin with (components/k8s-control-plane.libsonnet)', () => {
    const job = (name: string) => [...new Set(results.get(name)!.ours.flat().map((l) => l.job))];
    expect(['kubelet', 'apiserver', 'coredns', 'controller-manager', 'scheduler', 'etcd'].map(job))
      .toEqual([['kubelet'], ['apiserver'], ['kube-dns'], ['kube-controller-manager'], ['kube-scheduler'], ['etcd']]);
  });
});

describe('the API server proxy path', () => {
  test('scrapes https://kubernetes.default.svc:443/api/v1/nodes/<node>/proxy/metrics..., with the labels of the direct path', async () => {
    const direct = rendered(PlatformExporters.kubelet());
    const proxy = rendered(PlatformExporters.kubelet({ scrapePath: KubeletScrapePath.API_SERVER_PROXY }));
    const targets = NODES.map(nodeTargets);
    const results = await relabel([
      ...direct.map((j) => relabelCaseFromJob(j, targets)),
      ...proxy.map((j) => relabelCaseFromJob({ ...j, job_name: `proxy-${j.job_name}` }, targets)),
    ]);
    const [d, p] = [results.slice(0, 4), results.slice(4)];
    expect(p.map((r) => r.kept)).toEqual(d.map((r) => r.kept));
    expect(p.map((r) => r.targets.map((t) => t.scrapeUrl))).toEqual(['', '/cadvisor', '/probes', '/slis'].map((s) => [
      `https://kubernetes.default.svc:443/api/v1/nodes/cp-1/proxy/metrics${s}`, `https://kubernetes.default.svc:443/api/v1/nodes/worker-1/proxy/metrics${s}`,
    ]));
    expect(d[0].targets[0].scrapeUrl).toBe('https://10.0.0.11:10250/metrics');
    // The API server's certificate is verified with the cluster CA; the kubelet's is not, as kube-prometheus does.
    expect(proxy[0].tls_config).toEqual({ ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' });
    expect(direct[0].tls_config).toEqual({ insecure_skip_verify: true });
  }, 60_000);

  test('a kubelet CA is for the direct path only', () => {
    expectError(() => PlatformExporters.kubelet({ scrapePath: KubeletScrapePath.API_SERVER_PROXY, ca: Credential.fromSecret('kubelet-ca', 'ca.crt') }),
      "PlatformExporters.kubelet: 'ca' is for the direct path only");
  });
});

describe('RBAC derived from the jobs', () => {
  const clusterRules = (add: (stack: PrometheusStack) => void) => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    add(stack);
    const out = synthAndCheck(chart);
    return findObjects(out.objects, 'ClusterRole').flatMap((r) => r.rules);
  };

  test('the direct kubelet jobs: nodes for discovery, get on nodes/metrics; nothing for the proxy or the API server', () => {
    const rules = clusterRules((s) => PlatformExporters.kubelet().forEach((j) => s.addScrapeJob(j)));
    expect(rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ]);
  });

  test('the proxy path: get on nodes/proxy instead of nodes/metrics', () => {
    const proxy = PlatformExporters.kubelet({ scrapePath: KubeletScrapePath.API_SERVER_PROXY });
    const rules = clusterRules((s) => proxy.forEach((j) => s.addScrapeJob(j)));
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] });
    expect(JSON.stringify(rules)).not.toContain('nodes/metrics');
  });

  test('the API server alone: /metrics and /metrics/slis as non-resource URLs; its discovery in default is a Role', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    PlatformExporters.apiServer().forEach((j) => stack.addScrapeJob(j));
    const out = synthAndCheck(chart);
    expect(findObject(out.objects, 'ClusterRole').rules).toEqual([{ nonResourceURLs: ['/metrics', '/metrics/slis'], verbs: ['get'] }]);
    expect(findObjects(out.objects, 'Role').map((r) => r.metadata.namespace)).toEqual(['default']);
  });

  test('CoreDNS alone needs no ClusterRole, and no stack without these jobs grants any of it', () => {
    expect(clusterRules((s) => s.addScrapeJob(PlatformExporters.coreDns()))).toEqual([]);
    expect(clusterRules(() => undefined)).toEqual([]);
  });

  test('all eight components: each rule is traced to the jobs that need it', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    const jobs = PlatformExporters.addAll(stack.config, { exportersNamespaceName: 'monitoring' });
    const { accessGrants } = jest.requireActual('../../src/stack/rbac');
    expect(accessGrants(stack.config._apiAccess())).toEqual([
      { what: '/metrics', resource: false, jobs: ['apiserver', 'kube-controller-manager', 'kube-scheduler'] },
      { what: '/metrics/slis', resource: false, jobs: ['apiserver-slis', 'kube-controller-manager-slis', 'kube-scheduler-slis'] },
      { what: 'nodes/metrics', resource: true, jobs: ['kubelet', 'kubelet-cadvisor', 'kubelet-probes', 'kubelet-slis'] },
    ]);
    const out = synthAndCheck(chart);
    expect(findObject(out.objects, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
      { nonResourceURLs: ['/metrics', '/metrics/slis'], verbs: ['get'] },
    ]);
    expect(jobs.map((j) => j.jobName)).toEqual([
      'kubelet', 'kubelet-cadvisor', 'kubelet-probes', 'kubelet-slis', 'apiserver', 'apiserver-slis', 'etcd', 'coredns',
      'kube-controller-manager', 'kube-controller-manager-slis', 'kube-scheduler', 'kube-scheduler-slis', 'node-exporter', 'kube-state-metrics',
    ]);
    // kube-system (static pods, CoreDNS), default (the API server), monitoring (the exporters).
    expect(findObjects(out.objects, 'Role').map((r) => r.metadata.namespace).sort()).toEqual(['default', 'kube-system', 'monitoring']);
  });
});

describe('managed clusters', () => {
  test('managedCluster leaves out etcd, the controller manager and the scheduler, and their static pods\' Role', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    PlatformExporters.addAll(stack.config, { exportersNamespaceName: 'monitoring', managedCluster: true });
    const out = synthAndCheck(chart);
    expect(onlyConfig(out).scrape_configs.map((j: any) => j.job_name).filter((n: string) => n !== 'prometheus')).toEqual([
      'kubelet', 'kubelet-cadvisor', 'kubelet-probes', 'kubelet-slis', 'apiserver', 'apiserver-slis', 'coredns', 'node-exporter', 'kube-state-metrics',
    ]);
    // kube-system is still watched, for CoreDNS's EndpointSlices, but no longer for pods.
    expect(findObjects(out.objects, 'Role').find((r) => r.metadata.namespace === 'kube-system').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
  });
});

describe('TLS: insecure_skip_verify only where kube-prometheus has it, with a warning', () => {
  test('the kubelet, the controller manager and the scheduler skip verification and warn, naming the job and the fix', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    PlatformExporters.addAll(stack.config, { exportersNamespaceName: 'monitoring' });
    const config = onlyConfig(synthAndCheck(chart));
    const insecure = config.scrape_configs.filter((j: any) => j.tls_config?.insecure_skip_verify).map((j: any) => j.job_name);
    expect(insecure).toEqual(['kubelet', 'kubelet-cadvisor', 'kubelet-probes', 'kubelet-slis', 'kube-controller-manager', 'kube-controller-manager-slis', 'kube-scheduler', 'kube-scheduler-slis']);
    const warnings = warningsBesidesWebAuth(stack).filter((w) => w.includes('insecure_skip_verify'));
    expect(warnings).toHaveLength(insecure.length);
    expect(warnings[0]).toContain("scrape job 'kubelet' does not verify the certificate");
    expect(warnings[0]).toContain('PlatformExporters.kubelet({ ca })');
    expect(warnings.find((w) => w.includes("'kube-scheduler'"))).toContain('PlatformExporters.kubeScheduler({ ca })');
    expect(jobNamed(config, 'apiserver').tls_config).toEqual({ ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', server_name: 'kubernetes' });
  });

  test('with a CA there is no insecure_skip_verify and no warning', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const ca = Credential.fromSecret('control-plane-ca', 'ca.crt');
    [...PlatformExporters.kubelet({ ca }), ...PlatformExporters.kubeScheduler({ ca })].forEach((j) => stack.addScrapeJob(j));
    const config = onlyConfig(synthAndCheck(chart));
    expect(jobNamed(config, 'kube-scheduler').tls_config).toEqual({ ca_file: '/etc/prometheus/secrets/control-plane-ca/ca.crt' });
    expect(warningsBesidesWebAuth(stack).filter((w) => w.includes('insecure_skip_verify'))).toEqual([]);
    Testing.synth(chart);
  });
});

describe('etcd', () => {
  test('plain HTTP on 2381 by default; HTTPS on 2379 with client certificates mounted from the Secret', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addScrapeJob(PlatformExporters.etcd({
      tls: {
        ca: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client-ca.crt'),
        cert: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client.crt'),
        key: Credential.fromSecret('kube-etcd-client-certs', 'etcd-client.key'),
      },
    }));
    const out = synthAndCheck(chart);
    const job = jobNamed(onlyConfig(out), 'etcd');
    expect(job.scheme).toBe('https');
    expect(job.tls_config).toEqual({
      ca_file: '/etc/prometheus/secrets/kube-etcd-client-certs/etcd-client-ca.crt',
      cert_file: '/etc/prometheus/secrets/kube-etcd-client-certs/etcd-client.crt',
      key_file: '/etc/prometheus/secrets/kube-etcd-client-certs/etcd-client.key',
    });
    const pod = findObject(out.objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'secret-kube-etcd-client-certs', secret: { secretName: 'kube-etcd-client-certs', defaultMode: 0o440 } });
    expect(jobNamed(onlyConfig(synthAndCheck((() => {
      const c = newChart();
      new PrometheusStack(c, 'prometheus').addScrapeJob(PlatformExporters.etcd());
      return c;
    })())), 'etcd').relabel_configs.map((r: any) => r.replacement).filter(Boolean)).toContain('${1}:2381');
  });

  test('fixed ips get the labels of kube-prometheus\'s static-etcd Service', () => {
    const job = PlatformExporters.etcd({ ips: ['10.0.0.11', 'fd00::11'] })._render();
    expect(job.static_configs).toEqual([{ targets: ['10.0.0.11:2381', '[fd00::11]:2381'], labels: { namespace: 'kube-system', service: 'etcd', endpoint: 'metrics' } }]);
  });
});

test('examples/platform-exporters: all eight components, etcd over TLS with its Secret mounted, least-privilege RBAC', () => {
  const out = runExampleProgram('platform-exporters');
  const config = onlyConfig(out);
  expect(config.scrape_configs.map((j: any) => j.job_name).filter((n: string) => n !== 'prometheus')).toEqual([
    'kubelet', 'kubelet-cadvisor', 'kubelet-probes', 'kubelet-slis', 'apiserver', 'apiserver-slis', 'etcd', 'coredns',
    'kube-controller-manager', 'kube-controller-manager-slis', 'kube-scheduler', 'kube-scheduler-slis', 'node-exporter', 'kube-state-metrics',
  ]);
  expect(jobNamed(config, 'etcd').scheme).toBe('https');
  const pod = findObject(out.objects, 'Deployment').spec.template.spec;
  expect(pod.automountServiceAccountToken).toBe(true);
  expect(pod.volumes.map((v: any) => v.secret?.secretName).filter(Boolean)).toEqual(['kube-etcd-client-certs']);
  expect(findObject(out.objects, 'ClusterRole').rules).toContainEqual({ apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] });
});
