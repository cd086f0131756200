import { ApiObject, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlertmanagerEndpoint, AppServiceMonitor, Authentication, Credential, Grafana, GrafanaAdminCredentials, KubernetesRole, NetworkPeer,
  PodSelection, PrometheusStack, DataStorage, RecordingRule, RemoteWrite, RuleGroup, Scheme, ScrapeJob, ServiceDiscovery,
} from '../../src';
import { findObject, findObjects } from '../harness';
import { expectError, jobNamed, newChart, onlyConfig, synthAndCheck, warningsBesidesWebAuth, withDashboardSummaries } from '../util';

const kinds = (objects: any[]) => objects.map((o) => o.kind);
const podSpec = (objects: any[]) => findObject(objects, 'Deployment').spec.template.spec;
const container = (objects: any[]) => podSpec(objects).containers[0];
const discoveryJob = (jobName: string, options: Parameters<typeof ServiceDiscovery.kubernetes>[0]) =>
  new ScrapeJob({ jobName, discovery: [ServiceDiscovery.kubernetes(options)] });

describe('zero config', () => {
  test('gives a working server, pinned exactly', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus');
    const out = synthAndCheck(chart);
    expect(kinds(out.objects)).toEqual(['ServiceAccount', 'ConfigMap', 'Deployment', 'Service', 'NetworkPolicy']);
    expect(withDashboardSummaries(out.objects)).toMatchSnapshot();
  });

  test('scrapes itself, with the seed\'s 15s interval', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus');
    const config = onlyConfig(synthAndCheck(chart));
    expect(config.global).toEqual({ scrape_interval: '15s', scrape_timeout: '10s', evaluation_interval: '15s' });
    expect(config.scrape_configs).toEqual([{ job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] }]);
  });

  test('runs Prometheus 3 with 2.x/3.x flags, never the seed\'s 1.x -config.file', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus');
    const c = container(synthAndCheck(chart).objects);
    expect(c.image).toMatch(/^quay\.io\/prometheus\/prometheus:v3\.\d+\.\d+$/);
    expect(c.args).toEqual([
      '--config.file=/etc/prometheus/config/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--storage.tsdb.retention.time=15d',
      '--enable-feature=auto-reload-config',
      '--config.auto-reload-interval=30s',
      '--web.listen-address=:9090',
    ]);
    expect(c.args.some((a: string) => /^-[a-z]/.test(a))).toBe(false);
  });

  test('meets the restricted Pod Security Standard', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus');
    const { objects } = synthAndCheck(chart);
    expect(podSpec(objects).securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(objects).securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
  });

  test('has readiness, liveness and startup probes on the web port', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus');
    const c = container(synthAndCheck(chart).objects);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'web' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 'web' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/-/ready', port: 'web' });
  });

  test('publishes NodePort 30900 as the seed does', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const svc = findObject(synthAndCheck(chart).objects, 'Service');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([{ name: 'web', protocol: 'TCP', port: 9090, targetPort: 'web', nodePort: 30900 }]);
    expect(stack.serviceName).toBe(svc.metadata.name);
    expect(stack.url).toBe(`http://${svc.metadata.name}.default.svc:9090`);
  });

  test('does not mount an API token when nothing is discovered from Kubernetes', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus');
    const { objects } = synthAndCheck(chart);
    expect(podSpec(objects).automountServiceAccountToken).toBe(false);
    expect(findObjects(objects, 'ClusterRole')).toHaveLength(0);
    expect(findObjects(objects, 'Role')).toHaveLength(0);
  });

  test('synthesis is deterministic', () => {
    const build = () => {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus');
      stack.addScrapeJob(discoveryJob('pods', { role: KubernetesRole.POD, namespaces: ['a'] }));
      return Testing.synth(chart);
    };
    expect(JSON.stringify(build())).toBe(JSON.stringify(build()));
  });
});

describe('props', () => {
  test('metadata places objects in the namespace and labels every object', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring', labels: { team: 'platform' }, annotations: { owner: 'sre' } } });
    const { objects } = synthAndCheck(chart);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('monitoring');
      expect(o.metadata.labels.team).toBe('platform');
      expect(o.metadata.annotations).toEqual({ owner: 'sre' });
    }
  });

  test('the chart\'s namespace is the default namespace', () => {
    const chart = newChart('observability');
    const stack = new PrometheusStack(chart, 'prometheus');
    expect(stack.namespaceName).toBe('observability');
    expect(findObject(synthAndCheck(chart).objects, 'Deployment').metadata.namespace).toBe('observability');
  });

  test('createNamespace creates it with the monitoring label', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' }, createNamespace: true });
    const ns = findObject(synthAndCheck(chart).objects, 'Namespace');
    expect(ns.metadata).toEqual({ name: 'monitoring', labels: { 'component': 'monitoring', 'kubernetes.io/metadata.name': 'monitoring' } });
  });

  test('image', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { image: 'prom/prometheus:v2.53.4' });
    expect(container(synthAndCheck(chart).objects).image).toBe('prom/prometheus:v2.53.4');
  });

  test('intervals and external labels', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', {
      scrapeInterval: Duration.seconds(30),
      scrapeTimeout: Duration.seconds(25),
      evaluationInterval: Duration.minutes(1),
      externalLabels: { cluster: 'prod' },
    });
    expect(onlyConfig(synthAndCheck(chart)).global).toEqual({
      scrape_interval: '30s', scrape_timeout: '25s', evaluation_interval: '1m', external_labels: { cluster: 'prod' },
    });
  });

  test('retention time and size', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { retention: Duration.days(30), retentionSize: Size.gibibytes(45) });
    const args = container(synthAndCheck(chart).objects).args;
    expect(args).toContain('--storage.tsdb.retention.time=30d');
    expect(args).toContain('--storage.tsdb.retention.size=45GB');
  });

  test('a persistent volume claim runs a StatefulSet with a claim template, fsGroup and a retention size within the volume', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', {
      storage: DataStorage.persistentVolumeClaim({ size: Size.gibibytes(50), storageClassName: 'fast' }),
    });
    const { objects } = synthAndCheck(chart);
    expect(findObjects(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    expect(findObjects(objects, 'Deployment')).toHaveLength(0);
    const sts = findObject(objects, 'StatefulSet');
    expect(stack.statefulSets.map((s) => s.name)).toEqual([sts.metadata.name]);
    expect(stack.deployment).toBeUndefined();
    expect(sts.spec.serviceName).toBe(stack.serviceName);
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { ...stack.selectorLabels, 'cdk8s-prometheus-monitoring/shard': '0' } },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '50Gi' } } },
    }]);
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ fsGroup: 65534, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['config']);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/prometheus' });
    // 80% of the claim: old blocks go before the volume is full.
    expect(pod.containers[0].args).toContain('--storage.tsdb.retention.size=40GB');
    // One replica, no disruption budget (it could never be honoured).
    expect(findObjects(objects, 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('a retention size is kept when it fits the claim, and fails when it does not', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', {
      storage: DataStorage.persistentVolumeClaim({ size: Size.gibibytes(50) }), retentionSize: Size.gibibytes(45),
    });
    expect(findObject(synthAndCheck(chart).objects, 'StatefulSet').spec.template.spec.containers[0].args).toContain('--storage.tsdb.retention.size=45GB');
    expectError(() => new PrometheusStack(newChart(), 'prometheus', {
      storage: DataStorage.persistentVolumeClaim({ size: Size.gibibytes(50) }), retentionSize: Size.gibibytes(60),
    }), "test/prometheus: 'retentionSize' must fit the volume (50Gi): Prometheus would fill it and stop, got '60Gi'", 'Make retentionSize smaller');
  });

  test('an existing claim', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { storage: DataStorage.existingClaim('prometheus-data') });
    const { objects } = synthAndCheck(chart);
    expect(findObjects(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    expect(podSpec(objects).volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'prometheus-data' } });
    expect(findObject(objects, 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('an emptyDir with a size limit keeps the rolling update', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { storage: DataStorage.emptyDir({ sizeLimit: Size.gibibytes(5) }) });
    const { objects } = synthAndCheck(chart);
    expect(podSpec(objects).volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '5Gi' } });
    expect(findObject(objects, 'Deployment').spec.strategy).toBeUndefined();
  });

  test('resources', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', {
      resources: {
        cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) },
        memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) },
      },
    });
    expect(container(synthAndCheck(chart).objects).resources).toEqual({
      requests: { cpu: '500m', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' },
    });
  });

  test('a ClusterIP Service on another port', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { serviceType: kplus.ServiceType.CLUSTER_IP, servicePort: 80 });
    const svc = findObject(synthAndCheck(chart).objects, 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'web', protocol: 'TCP', port: 80, targetPort: 'web' }]);
  });

  test('a LoadBalancer with a chosen node port', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { serviceType: kplus.ServiceType.LOAD_BALANCER, nodePort: 31000 });
    expect(findObject(synthAndCheck(chart).objects, 'Service').spec.ports[0].nodePort).toBe(31000);
  });

  test('with a ClusterIP Service, the NetworkPolicy admits only the stack\'s namespace', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { serviceType: kplus.ServiceType.CLUSTER_IP });
    const np = findObject(synthAndCheck(chart).objects, 'NetworkPolicy');
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: {} }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    expect(np.spec.podSelector.matchLabels['app.kubernetes.io/name']).toBe('prometheus');
  });

  test('allowFrom names the sources', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', {
      allowFrom: [NetworkPeer.fromPods(kplus.Namespaces.select(chart, 'Grafana', { labels: { team: 'grafana' } }))],
    });
    const np = findObject(synthAndCheck(chart).objects, 'NetworkPolicy');
    expect(np.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { team: 'grafana' } }, podSelector: {} }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    }]);
  });

  test('networkPolicy: false', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { networkPolicy: false });
    expect(findObjects(synthAndCheck(chart).objects, 'NetworkPolicy')).toHaveLength(0);
  });

  test('selfMonitoring: false', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', {
      selfMonitoring: false,
      scrapeJobs: [new ScrapeJob({ jobName: 'node', discovery: [ServiceDiscovery.staticTargets({ targets: ['node:9100'] })] })],
    });
    expect(onlyConfig(synthAndCheck(chart)).scrape_configs.map((j: any) => j.job_name)).toEqual(['node']);
  });

  test('scrapeJobs, ruleGroups, remoteWrites and alertmanagers props are shortcuts for the add methods', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', {
      scrapeJobs: [new ScrapeJob({ jobName: 'node', discovery: [ServiceDiscovery.staticTargets({ targets: ['node:9100'] })] })],
      ruleGroups: [new RuleGroup({ name: 'g', rules: [new RecordingRule({ record: 'job:up:sum', expr: 'sum by (job) (up)' })] })],
      remoteWrites: [new RemoteWrite({ url: 'https://store.example.com/push' })],
      alertmanagers: [new AlertmanagerEndpoint({ discovery: [ServiceDiscovery.staticTargets({ targets: ['am:9093'] })] })],
    });
    const out = synthAndCheck(chart);
    const config = onlyConfig(out);
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'node']);
    expect(config.rule_files).toEqual(['rules.yml']);
    expect(config.remote_write).toEqual([{ url: 'https://store.example.com/push' }]);
    expect(config.alerting.alertmanagers).toHaveLength(1);
    expect(Object.keys(findObject(out.objects, 'ConfigMap').data)).toEqual(['prometheus.yml', 'rules.yml']);
  });

  test('an image from a registry with a port is accepted', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { image: 'registry.local:5000/prom/prometheus:v3.5.0' });
    expect(container(synthAndCheck(chart).objects).image).toBe('registry.local:5000/prom/prometheus:v3.5.0');
    expect(() => new PrometheusStack(newChart(), 'p', { image: 'registry.local:5000/prom/prometheus' })).toThrow(/'image' must be an image reference with a tag or digest/);
  });

  test('fails on a claim of zero size and on a claim name Kubernetes rejects', () => {
    expect(() => DataStorage.persistentVolumeClaim({ size: Size.gibibytes(0) })).toThrow(/'size' must be at least 1 MiB, got '0 KiB'/);
    expect(() => DataStorage.existingClaim('My Claim')).toThrow(/'claimName' must be a DNS-1123 subdomain .*got 'My Claim'/);
  });
});

describe('RBAC derived from discovery', () => {
  test('namespaced discovery gets a Role per namespace and no ClusterRole', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    stack.addScrapeJob(discoveryJob('shop', { role: KubernetesRole.ENDPOINT_SLICE, namespaces: ['shop', 'billing'] }));
    stack.addScrapeJob(discoveryJob('shop-pods', { role: KubernetesRole.POD, namespaces: ['shop'] }));
    const { objects } = synthAndCheck(chart);
    expect(findObjects(objects, 'ClusterRole')).toHaveLength(0);
    const roles = findObjects(objects, 'Role');
    expect(roles.map((r) => r.metadata.namespace)).toEqual(['shop', 'billing']);
    for (const role of roles) {
      expect(role.rules).toEqual([
        { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ]);
    }
    const bindings = findObjects(objects, 'RoleBinding');
    expect(bindings.map((b) => [b.metadata.namespace, b.roleRef.name])).toEqual(roles.map((r) => [r.metadata.namespace, r.metadata.name]));
    for (const b of bindings) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: stack.serviceAccountName, namespace: 'monitoring' }]);
    }
    expect(podSpec(objects).automountServiceAccountToken).toBe(true);
  });

  test('ownNamespace discovery gets a Role in the stack\'s namespace', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    stack.addScrapeJob(discoveryJob('own', { role: KubernetesRole.SERVICE, ownNamespace: true }));
    const role = findObject(synthAndCheck(chart).objects, 'Role');
    expect(role.metadata.namespace).toBe('monitoring');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] }]);
  });

  test('cluster-wide discovery gets a ClusterRole with exactly what its roles read', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addScrapeJob(discoveryJob('endpoints', { role: KubernetesRole.ENDPOINTS }));
    stack.addScrapeJob(discoveryJob('ingresses', { role: KubernetesRole.INGRESS }));
    const { objects } = synthAndCheck(chart);
    expect(findObject(objects, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['endpoints', 'pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = findObject(objects, 'ClusterRoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: findObject(objects, 'ClusterRole').metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: stack.serviceAccountName, namespace: 'default' }]);
  });

  test('nodes are cluster-scoped even when the rest is namespaced', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addScrapeJob(discoveryJob('pods', { role: KubernetesRole.POD, namespaces: ['shop'], attachNodeMetadata: true }));
    const { objects } = synthAndCheck(chart);
    expect(findObject(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]);
    expect(findObject(objects, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
  });

  test('a Role leaves out what the ClusterRole already grants everywhere', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addScrapeJob(discoveryJob('all-pods', { role: KubernetesRole.POD }));
    stack.addScrapeJob(discoveryJob('shop', { role: KubernetesRole.ENDPOINT_SLICE, namespaces: ['shop'] }));
    const { objects } = synthAndCheck(chart);
    expect(findObject(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(findObject(objects, 'Role').rules).toEqual([
      { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('discovery of another cluster\'s API server needs no RBAC here', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addScrapeJob(discoveryJob('remote', { role: KubernetesRole.POD, apiServer: 'https://remote.example.com:6443' }));
    const { objects } = synthAndCheck(chart);
    expect(findObjects(objects, 'ClusterRole')).toHaveLength(0);
    expect(findObjects(objects, 'Role')).toHaveLength(0);
  });

  test('Alertmanager discovery is granted too', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    stack.addAlertmanager(new AlertmanagerEndpoint({
      discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.ENDPOINT_SLICE, ownNamespace: true })],
    }));
    expect(findObject(synthAndCheck(chart).objects, 'Role').metadata.namespace).toBe('monitoring');
  });

  test('a discovery job added through stack.config still gets its RBAC', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.config.addScrapeJob(discoveryJob('pods', { role: KubernetesRole.POD }));
    const { objects } = synthAndCheck(chart);
    expect(findObject(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(podSpec(objects).automountServiceAccountToken).toBe(true);
  });
});

describe('configuration lifecycle', () => {
  test('jobs added after the stack was created are rendered, and leave the pod alone', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const before = findObject(Testing.synth(chart), 'Deployment').spec.template;
    stack.addScrapeJob(new ScrapeJob({ jobName: 'late', discovery: [ServiceDiscovery.staticTargets({ targets: ['late:80'] })] }));
    const out = synthAndCheck(chart);
    expect(findObject(out.objects, 'Deployment').spec.template).toEqual(before);
    expect(jobNamed(onlyConfig(out), 'late').static_configs).toEqual([{ targets: ['late:80'] }]);
  });

  test('Secrets that credentials come from are mounted read-only where the config points', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addRemoteWrite(new RemoteWrite({
      url: 'https://mimir.example.com/api/v1/push',
      auth: Authentication.basic({ username: 'u', password: Credential.fromSecret('mimir-credentials', 'password') }),
      tls: { ca: Credential.fromSecret('mimir-ca', 'ca.crt') },
    }));
    stack.addScrapeJob(new ScrapeJob({
      jobName: 'secured',
      auth: Authentication.authorization({ credentials: Credential.fromSecret('mimir-credentials', 'token') }),
      discovery: [ServiceDiscovery.staticTargets({ targets: ['secured:443'] })],
    }));
    const out = synthAndCheck(chart);
    const spec = podSpec(out.objects);
    expect(spec.volumes.filter((v: any) => v.secret)).toEqual([
      { name: 'secret-mimir-ca', secret: { secretName: 'mimir-ca', defaultMode: 0o440 } },
      { name: 'secret-mimir-credentials', secret: { secretName: 'mimir-credentials', defaultMode: 0o440 } },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      { name: 'secret-mimir-ca', mountPath: '/etc/prometheus/secrets/mimir-ca', readOnly: true },
      { name: 'secret-mimir-credentials', mountPath: '/etc/prometheus/secrets/mimir-credentials', readOnly: true },
    ]));
    const config = onlyConfig(out);
    expect(config.remote_write[0].basic_auth).toEqual({ username: 'u', password_file: '/etc/prometheus/secrets/mimir-credentials/password' });
    expect(config.remote_write[0].tls_config).toEqual({ ca_file: '/etc/prometheus/secrets/mimir-ca/ca.crt' });
    expect(jobNamed(config, 'secured').authorization.credentials_file).toBe('/etc/prometheus/secrets/mimir-credentials/token');
    // No secret value anywhere in the ConfigMap.
    expect(JSON.stringify(findObject(out.objects, 'ConfigMap').data)).not.toMatch(/password:|credentials:|bearer_token:/);
  });

  test('a long Secret name gets a volume name within 63 characters', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const name = `a-very-long-secret-name-${'x'.repeat(50)}`;
    stack.addRemoteWrite(new RemoteWrite({ url: 'https://s.example.com/push', auth: Authentication.basic({ username: 'u', password: Credential.fromSecret(name, 'p') }) }));
    const volume = podSpec(synthAndCheck(chart).objects).volumes.find((v: any) => v.secret);
    expect(volume.name.length).toBeLessThanOrEqual(63);
    expect(volume.secret.secretName).toBe(name);
  });

  test('the lifecycle API is off where the port is open to everyone, on elsewhere, and refused when forced on there', () => {
    const args = (props: ConstructorParameters<typeof PrometheusStack>[2]) => {
      const chart = newChart();
      new PrometheusStack(chart, 'prometheus', props);
      return { args: container(synthAndCheck(chart).objects).args, warnings: warningsBesidesWebAuth(chart) };
    };
    expect(args({}).args).not.toContain('--web.enable-lifecycle');
    expect(args({ serviceType: kplus.ServiceType.CLUSTER_IP }).args).toContain('--web.enable-lifecycle');
    expect(args({ allowFrom: [NetworkPeer.fromNamespaceNames(['ops'])] }).args).toContain('--web.enable-lifecycle');
    expect(args({ serviceType: kplus.ServiceType.CLUSTER_IP, lifecycleApi: false }).args).not.toContain('--web.enable-lifecycle');
    expectError(() => args({ lifecycleApi: true }), "test/prometheus: 'lifecycleApi' must not be on while the NodePort Service admits every source",
      'POST /-/quit', 'got true', 'Set allowFrom');
    expect(args({ lifecycleApi: true, allowFrom: [NetworkPeer.fromNamespaceNames(['ops'])] }).args).toContain('--web.enable-lifecycle');
    expect(args({}).warnings).toEqual([]);
  });
});

describe('extending the Prometheus pod', () => {
  test('a sidecar with a volume shared with Prometheus, and pod annotations', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const shared = kplus.Volume.fromEmptyDir(chart, 'SdFiles', 'sd-files');
    stack.addContainer({
      name: 'sd-writer',
      image: 'registry.example.com/sd-writer:1.0.0',
      args: ['--output=/var/run/sd/targets.json'],
      volumeMounts: [{ path: '/var/run/sd', volume: shared }],
    });
    stack.mountVolume('/var/run/sd', shared);
    stack.podMetadata.addAnnotation('kuma.io/sidecar-injection', 'enabled');
    stack.podMetadata.addLabel('team', 'platform');
    const deployment = findObject(synthAndCheck(chart).objects, 'Deployment');
    const pod = deployment.spec.template;
    expect(pod.metadata.annotations).toEqual({ 'kuma.io/sidecar-injection': 'enabled' });
    expect(pod.metadata.labels).toMatchObject({ team: 'platform', ...stack.selectorLabels });
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['prometheus', 'sd-writer']);
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'sd-files', mountPath: '/var/run/sd', readOnly: true });
    expect(pod.spec.containers[1].volumeMounts).toEqual([{ name: 'sd-files', mountPath: '/var/run/sd' }]);
    expect(pod.spec.volumes.filter((v: any) => v.name === 'sd-files')).toEqual([{ name: 'sd-files', emptyDir: {} }]);
  });

  test('fails on a duplicate container name', () => {
    const stack = new PrometheusStack(newChart(), 'prometheus');
    expect(() => stack.addContainer({ name: 'prometheus', image: 'x:1' })).toThrow(/test\/prometheus: 'container.name' must be unique in the Prometheus pod, got 'prometheus'/);
  });

  test('fails on a mount path that overlaps the stack\'s own', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    expect(() => stack.mountVolume('/etc/prometheus/config/extra', kplus.Volume.fromEmptyDir(chart, 'v', 'v')))
      .toThrow(/'path' must not overlap .*got '\/etc\/prometheus\/config\/extra'/);
  });

  test('fails on a volume named like the stack\'s own', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.mountVolume('/extra', kplus.Volume.fromEmptyDir(chart, 'v', 'config'));
    expect(() => Testing.synth(chart)).toThrow(/test\/prometheus: 'volume.name' is used by the stack's own volumes .*got 'config'/);
  });

  test('sidecars meet the restricted Pod Security Standard and get small resources', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addContainer({ name: 'helper', image: 'registry.example.com/helper:1.0.0' });
    const helper = podSpec(synthAndCheck(chart).objects).containers[1];
    expect(helper.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(helper.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } });
  });
});

describe('credentials', () => {
  // The seed's (000) remote_write fragment: `basic_auth` with only a password, the token inline.
  test('the seed\'s basic auth without a user name: no username in prometheus.yml, the token from a Secret, accepted by promtool', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addRemoteWrite(new RemoteWrite({
      url: 'https://frontend.dev.weave.works/api/prom/push',
      auth: Authentication.basic({ password: Credential.fromSecret('weave-cloud', 'token') }),
    }));
    const config = onlyConfig(synthAndCheck(chart));
    expect(config.remote_write[0].basic_auth).toEqual({ password_file: '/etc/prometheus/secrets/weave-cloud/token' });
    expect(warningsBesidesWebAuth(stack)).toEqual([]);
  });

  test('from JavaScript, the seed\'s fragment as written fails with the fix instead of a TypeError', () => {
    const seed = { password: '<WEAVE_CLOUD_TOKEN>' } as any;
    expectError(() => Authentication.basic(seed), "Authentication.basic: 'password' must be a Credential read from a file",
      "got '<redacted>'", 'Use Credential.fromSecret(secretName, key)');
    expectError(() => Authentication.authorization({ credentials: 'token' as any }), "Authentication.authorization: 'credentials' must be a Credential");
  });

  test('warns when basic auth or a token goes over plain http (remote write, scrape job, Alertmanager)', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const token = Credential.fromSecret('creds', 'token');
    stack.addRemoteWrite(new RemoteWrite({ url: 'http://frontend.dev.weave.works/api/prom/push', auth: Authentication.basic({ password: token }) }));
    stack.config.addScrapeJob(new ScrapeJob({
      jobName: 'app', auth: Authentication.authorization({ credentials: token }), discovery: [ServiceDiscovery.staticTargets({ targets: ['app:80'] })],
    }));
    stack.addAlertmanager(new AlertmanagerEndpoint({
      auth: Authentication.basic({ username: 'am', password: token }), discovery: [ServiceDiscovery.staticTargets({ targets: ['am:9093'] })],
    }));
    expect(warningsBesidesWebAuth(stack)).toEqual([
      expect.stringMatching(/^test\/prometheus: remote write 'http:\/\/frontend\.dev\.weave\.works\/api\/prom\/push' sends basic auth over plain http:\/\/: .* Use https/),
      expect.stringMatching(/^test\/prometheus: scrape job 'app' sends an Authorization header over plain http:\/\//),
      expect.stringMatching(/^test\/prometheus: the Alertmanager endpoint sends basic auth over plain http:\/\//),
    ]);
    synthAndCheck(chart);
  });

  test('no warning over https, or without credentials', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addRemoteWrite(new RemoteWrite({ url: 'https://mimir.example.com/push', auth: Authentication.basic({ password: Credential.fromSecret('c', 't') }) }));
    stack.addRemoteWrite(new RemoteWrite({ url: 'http://mimir.monitoring.svc/push' }));
    stack.addScrapeJob(new ScrapeJob({
      jobName: 'tls',
      scheme: Scheme.HTTPS,
      auth: Authentication.authorization({ credentials: Credential.fromSecret('c', 't') }),
      discovery: [ServiceDiscovery.staticTargets({ targets: ['app:443'] })],
    }));
    expect(warningsBesidesWebAuth(stack)).toEqual([]);
  });
});

describe('node ports across the App', () => {
  const NODE_PORT_FIX = 'Give one of them another `nodePort`, or make it ClusterIP';

  test('a single stack keeps the seed\'s NodePort 30900', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus');
    expect(findObject(synthAndCheck(chart).objects, 'Service').spec.ports[0].nodePort).toBe(30900);
  });

  test('a central and a federated stack in two charts of one App both on 30900 fail with both paths and the fix', () => {
    const app = Testing.app();
    const central = new Chart(app, 'central');
    const federated = new Chart(app, 'federated');
    new PrometheusStack(central, 'prometheus');
    new PrometheusStack(federated, 'prometheus');
    expectError(() => Testing.synth(central),
      "federated/prometheus/Service: 'nodePort' must be unique in the cluster (central/prometheus/Service takes it too), got 30900", NODE_PORT_FIX);
  });

  test('another nodePort or a ClusterIP Service resolves it', () => {
    const app = Testing.app();
    const central = new Chart(app, 'central');
    new PrometheusStack(central, 'prometheus');
    new PrometheusStack(new Chart(app, 'federated'), 'prometheus', { nodePort: 30901 });
    new PrometheusStack(new Chart(app, 'edge'), 'prometheus', { serviceType: kplus.ServiceType.CLUSTER_IP });
    expect(() => Testing.synth(central)).not.toThrow();
  });

  test('Grafana on 30900 clashes with a default stack', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new Grafana(stack, 'Grafana', {
      prometheus: stack,
      adminCredentials: GrafanaAdminCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin')),
      serviceType: kplus.ServiceType.NODE_PORT,
      nodePort: 30900,
    });
    expectError(() => Testing.synth(chart),
      "test/prometheus/Grafana/Service: 'nodePort' must be unique in the cluster (test/prometheus/Service takes it too), got 30900");
  });

  test('Services that are not the library\'s count too (a kplus Service, a raw ApiObject)', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus');
    new ApiObject(chart, 'Legacy', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'legacy' },
      spec: { type: 'NodePort', selector: { app: 'legacy' }, ports: [{ port: 80, nodePort: 30900 }] },
    });
    expectError(() => Testing.synth(chart), "test/Legacy: 'nodePort' must be unique in the cluster (test/prometheus/Service takes it too), got 30900");

    const other = newChart();
    new PrometheusStack(other, 'prometheus');
    const svc = new kplus.Service(other, 'App', { type: kplus.ServiceType.NODE_PORT, ports: [{ port: 80, nodePort: 30900 }] });
    svc.selectLabel('app', 'x');
    expectError(() => Testing.synth(other), "test/App/Resource: 'nodePort' must be unique in the cluster (test/prometheus/Service takes it too), got 30900");
  });

  test('an AppServiceMonitor Service counts, with its nodePort or with one a JSON patch gives it', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const pods = PodSelection.fromLabels({ app: 'a' });
    new AppServiceMonitor(chart, 'app', { pods, metricsPort: 8080, stack, serviceType: kplus.ServiceType.NODE_PORT, nodePort: 30900 });
    expectError(() => Testing.synth(chart), "test/app/Service: 'nodePort' must be unique in the cluster (test/prometheus/Service takes it too), got 30900");

    const patched = newChart();
    const other = new PrometheusStack(patched, 'prometheus');
    const app = new AppServiceMonitor(patched, 'app', { pods, metricsPort: 8080, stack: other });
    expect(() => Testing.synth(patched)).not.toThrow();
    app.service.addJsonPatch(JsonPatch.replace('/spec/type', 'NodePort'), JsonPatch.add('/spec/ports/0/nodePort', 30900));
    expectError(() => Testing.synth(patched), "test/app/Service: 'nodePort' must be unique in the cluster (test/prometheus/Service takes it too), got 30900");
  });
});
