import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  findObject,
  findObjects,
  manifestProblems,
  parseQuantity,
  synthObjects,
  validateManifests,
  validateManifestsYaml,
} from '../harness';

/** A realistic set of objects built with cdk8s-plus-28 plus raw CRD objects. */
function realisticChart(): Chart {
  const chart = Testing.chart();
  const ns = new kplus.Namespace(chart, 'monitoring', { metadata: { name: 'monitoring' } });
  const sa = new kplus.ServiceAccount(chart, 'sa', {
    metadata: { name: 'prometheus', namespace: 'monitoring' },
    automountToken: true,
  });
  const config = new kplus.ConfigMap(chart, 'config', {
    metadata: { name: 'prometheus-config', namespace: 'monitoring' },
    data: { 'prometheus.yml': 'global: {}\n' },
  });
  const secret = new kplus.Secret(chart, 'secret', {
    metadata: { name: 'remote-write', namespace: 'monitoring' },
    stringData: { password: 'x' },
  });
  const pvc = new kplus.PersistentVolumeClaim(chart, 'pvc', {
    metadata: { name: 'prometheus-data', namespace: 'monitoring' },
    storage: Size.gibibytes(10),
    accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
  });
  const deployment = new kplus.Deployment(chart, 'deployment', {
    metadata: { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } },
    serviceAccount: sa,
    automountServiceAccountToken: true,
    strategy: kplus.DeploymentStrategy.recreate(),
    securityContext: { fsGroup: 65534, user: 65534, group: 65534, ensureNonRoot: true },
  });
  const container = deployment.addContainer({
    name: 'prometheus',
    image: 'prom/prometheus:v2.53.0',
    args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
    ports: [{ number: 9090, name: 'web' }],
    liveness: kplus.Probe.fromHttpGet('/-/healthy', { port: 9090 }),
    readiness: kplus.Probe.fromHttpGet('/-/ready', { port: 9090, periodSeconds: Duration.seconds(5) }),
    resources: {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
      memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) },
    },
    securityContext: { user: 65534, group: 65534, readOnlyRootFilesystem: true },
  });
  container.mount('/etc/prometheus', kplus.Volume.fromConfigMap(chart, 'config-volume', config));
  container.mount('/etc/prometheus/secrets', kplus.Volume.fromSecret(chart, 'secret-volume', secret));
  container.mount('/prometheus', kplus.Volume.fromPersistentVolumeClaim(chart, 'data-volume', pvc));
  container.mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp-volume', 'tmp'));
  new kplus.Service(chart, 'service', {
    metadata: { name: 'prometheus', namespace: 'monitoring' },
    type: kplus.ServiceType.NODE_PORT,
    selector: deployment,
    ports: [{ port: 9090, targetPort: 9090, nodePort: 30900, name: 'web' }],
  });
  const policy = new kplus.NetworkPolicy(chart, 'policy', {
    metadata: { name: 'prometheus', namespace: 'monitoring' },
    selector: deployment,
  });
  const grafana = kplus.Pods.select(chart, 'grafana', {
    labels: { 'app.kubernetes.io/name': 'grafana' },
    namespaces: kplus.Namespaces.select(chart, 'grafana-namespaces', { names: [ns.name] }),
  });
  policy.addIngressRule(grafana, [kplus.NetworkPolicyPort.tcp(9090)]);
  const clusterRole = new kplus.ClusterRole(chart, 'cluster-role', { metadata: { name: 'prometheus' } });
  clusterRole.allowRead(kplus.ApiResource.PODS, kplus.ApiResource.SERVICES, kplus.ApiResource.ENDPOINTS);
  clusterRole.allow(['get'], kplus.NonApiResource.of('/metrics'));
  new kplus.ClusterRoleBinding(chart, 'cluster-binding', { role: clusterRole, metadata: { name: 'prometheus' } }).addSubjects(sa);
  const role = new kplus.Role(chart, 'role', { metadata: { name: 'prometheus-config', namespace: 'monitoring' } });
  role.allowRead(kplus.ApiResource.CONFIG_MAPS);
  new kplus.RoleBinding(chart, 'role-binding', { role, metadata: { name: 'prometheus-config', namespace: 'monitoring' } }).addSubjects(sa);
  new ApiObject(chart, 'service-monitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'app', namespace: 'monitoring' },
    spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'metrics', interval: '30s' }] },
  });
  new ApiObject(chart, 'mesh', {
    apiVersion: 'kuma.io/v1alpha1',
    kind: 'Mesh',
    metadata: { name: 'default' },
    spec: { metrics: { enabledBackend: 'prometheus-1', backends: [{ name: 'prometheus-1', type: 'prometheus' }] } },
  });
  return chart;
}

function deploymentObject(container: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ...container }] } },
    },
  };
}

function serviceObject(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ...spec } };
}

describe('validateManifests', () => {
  test('accepts a realistic set of cdk8s-plus-28 objects and CRDs', () => {
    const objs = synthObjects(realisticChart());
    expect(objs.map((o) => o.kind).sort()).toEqual([
      'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'Mesh', 'Namespace', 'NetworkPolicy',
      'PersistentVolumeClaim', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'ServiceMonitor',
    ]);
    // the set exercises the parts of the schema the library emits
    const pod = findObject(objs, 'Deployment').spec.template.spec;
    expect(Object.keys(pod.containers[0])).toEqual(expect.arrayContaining(['livenessProbe', 'readinessProbe', 'resources', 'securityContext', 'volumeMounts']));
    expect(pod.volumes.map((v: object) => Object.keys(v).find((k) => k !== 'name')).sort()).toEqual(['configMap', 'emptyDir', 'persistentVolumeClaim', 'secret']);
    expect(pod.securityContext.fsGroup).toBe(65534);
    expect(findObject(objs, 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(findObject(objs, 'Service').spec.ports[0].nodePort).toBe(30900);
    expect(manifestProblems(objs)).toEqual([]);
    expect(() => validateManifests(objs)).not.toThrow();
  });

  test('accepts JSON field names with capitals (hostIP, clusterIP)', () => {
    const objs = [
      deploymentObject({ ports: [{ containerPort: 80, hostIP: '127.0.0.1', hostPort: 8080, name: 'http' }] }),
      serviceObject({ clusterIP: 'None', ports: [{ port: 80 }] }),
    ];
    expect(manifestProblems(objs)).toEqual([]);
  });

  test('rejects an extensions/v1beta1 Deployment', () => {
    const obj = { ...deploymentObject({}), apiVersion: 'extensions/v1beta1' };
    expect(() => validateManifests([obj])).toThrow(/Deployment\/web: unknown apiVersion\/kind extensions\/v1beta1\/Deployment/);
  });

  test('rejects a misspelt kind', () => {
    const obj = { ...serviceObject({ ports: [{ port: 80 }] }), kind: 'Servcie' };
    expect(() => validateManifests([obj])).toThrow(/unknown apiVersion\/kind v1\/Servcie/);
  });

  test('rejects an unknown field nested in a container', () => {
    expect(() => validateManifests([deploymentObject({ bogus: true })]))
      .toThrow('Deployment/web: spec.template.spec.containers[0].bogus: unknown field');
  });

  test('rejects unknown fields deep in probes and volumes', () => {
    const obj = deploymentObject({
      livenessProbe: { httpGet: { path: '/', port: 80, scheme: 'HTTP', hots: 'x' } },
    });
    (obj.spec as any).template.spec.volumes = [{ name: 'cfg', configMap: { name: 'c', itmes: [] } }];
    const problems = manifestProblems([obj]);
    expect(problems).toContain('Deployment/web: spec.template.spec.containers[0].livenessProbe.httpGet.hots: unknown field');
    expect(problems).toContain('Deployment/web: spec.template.spec.volumes[0].configMap.itmes: unknown field');
  });

  test('rejects fields added after Kubernetes 1.28', () => {
    // Pod-level `resources` arrived in 1.32: a newer schema would accept it.
    const obj = deploymentObject({});
    (obj.spec as any).template.spec.resources = { limits: { cpu: '1' } };
    expect(manifestProblems([obj])).toEqual(['Deployment/web: spec.template.spec.resources: unknown field']);
  });

  test('rejects wrong types and missing required fields', () => {
    const problems = manifestProblems([deploymentObject({ ports: [{ containerPort: '80' }] }), serviceObject({ type: 'Bogus', ports: [{ port: 80 }] })]);
    expect(problems).toContain('Deployment/web: spec.template.spec.containers[0].ports[0].containerPort: must be integer');
    expect(problems.some((p) => p.startsWith('Service/web: spec.type: must be equal to one of the allowed values'))).toBe(true);
    expect(manifestProblems([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } }]))
      .toContain("Deployment/x: spec: must have required property 'selector'");
  });

  test('rejects nodePort 20000', () => {
    const obj = serviceObject({ type: 'NodePort', ports: [{ port: 80, nodePort: 20000 }] });
    expect(() => validateManifests([obj])).toThrow('Service/web: spec.ports nodePort 20000 is outside the default range 30000-32767');
  });

  test('rejects a nodePort on a ClusterIP Service', () => {
    const obj = serviceObject({ ports: [{ port: 80, nodePort: 30080 }] });
    expect(manifestProblems([obj])).toEqual(['Service/web: spec.ports nodePort 30080 is set on a Service of type ClusterIP']);
  });

  test('rejects bad label values, keys and selectors', () => {
    const obj = deploymentObject({});
    (obj.metadata as any).labels = { 'app.kubernetes.io/name': 'bad value!', 'a/b/c': 'x' };
    expect(manifestProblems([obj])).toEqual([
      'Deployment/web: label "app.kubernetes.io/name" has an invalid value "bad value!"',
      'Deployment/web: label key "a/b/c" has an invalid prefix',
    ]);
    // the pod template's labels too
    const template = deploymentObject({});
    (template.spec as any).template.metadata.labels['a/b/c'] = 'x';
    expect(manifestProblems([template])).toEqual(['Deployment/web: spec.template.metadata.labels["a/b/c"]: label key has more than one "/"']);
    const long = serviceObject({ selector: { app: 'x'.repeat(64) }, ports: [{ port: 80 }] });
    expect(manifestProblems([long])).toEqual(['Service/web: spec.selector.app: label value "' + 'x'.repeat(64) + '" is longer than 63 characters (64)']);
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p' },
      spec: { podSelector: { matchLabels: { app: 'a b' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { '-bad': 'x' } } }] }] },
    };
    expect(manifestProblems([policy])).toEqual([
      'NetworkPolicy/p: spec.podSelector.matchLabels.app: label value "a b" must be empty or alphanumeric with "-", "_", "." inside',
      'NetworkPolicy/p: spec.ingress[0].from[0].namespaceSelector.matchLabels["-bad"]: label key has a name that is not alphanumeric with "-", "_", "." inside',
    ]);
  });

  test('rejects a selector that does not match the pod template', () => {
    const obj = deploymentObject({});
    (obj.spec as any).selector.matchLabels.app = 'other';
    expect(manifestProblems([obj])).toEqual(['Deployment/web: spec.selector: does not match spec.template.metadata.labels']);
  });

  test('rejects bad object, container, port and volume names', () => {
    const obj = deploymentObject({ name: 'Web', ports: [{ containerPort: 80, name: 'much-too-long-port-name' }] });
    (obj.metadata as any).name = 'Web_1';
    (obj.spec as any).template.spec.volumes = [{ name: 'data.dir', emptyDir: {} }];
    expect(manifestProblems([obj])).toEqual([
      'Deployment/Web_1: metadata.name "Web_1" is not a valid DNS-1123 subdomain',
      'Deployment/Web_1: spec.template.spec.volumes[0].name: string "data.dir" is not a valid DNS-1123 label',
      'Deployment/Web_1: spec.template.spec.containers[0].name: string "Web" is not a valid DNS-1123 label',
      'Deployment/Web_1: spec.template.spec.containers[0].ports[0].name: string "much-too-long-port-name" is not an IANA service name (at most 15 lowercase alphanumerics or "-", with a letter)',
    ]);
    const svc = { ...serviceObject({ ports: [{ port: 80 }] }), metadata: { name: 'a.b' } };
    expect(manifestProblems([svc])).toEqual(['Service/a.b: metadata.name: "a.b" is not a valid DNS-1123 label (lowercase alphanumeric and "-", at most 63 characters)']);
  });

  test('rejects probes naming undeclared ports, mounts of missing volumes, bad quantities and requests above limits', () => {
    const obj = deploymentObject({
      readinessProbe: { httpGet: { path: '/', port: 'metrics' } },
      volumeMounts: [{ name: 'missing', mountPath: '/data' }],
      resources: { requests: { memory: '512MB', cpu: '2' }, limits: { cpu: '500m' } },
    });
    expect(manifestProblems([obj])).toEqual([
      'Deployment/web: spec.template.spec.containers[0].readinessProbe.httpGet.port: names port "metrics", which the container does not declare',
      'Deployment/web: spec.template.spec.containers[0].volumeMounts[0].name: string "missing" is not a volume of the pod',
      'Deployment/web: spec.template.spec.containers[0].resources.requests.memory: string "512MB" is not a quantity (e.g. 500m, 512Mi, 2)',
      'Deployment/web: spec.template.spec.containers[0].resources.requests.cpu: must be less than or equal to the cpu limit',
    ]);
  });

  test('rejects RBAC mistakes the API server rejects', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'n' }, rules: [{ resources: ['pods'], verbs: ['get'] }] };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus' }],
    };
    expect(manifestProblems([role, binding])).toEqual([
      'Role/r: rules[0].apiGroups: required (use [""] for the core group)',
      'ClusterRoleBinding/system:b: roleRef.kind: must be ClusterRole, got string "Role"',
      'ClusterRoleBinding/system:b: subjects[0].namespace: required for ServiceAccount subjects of a ClusterRoleBinding',
    ]);
  });

  test('rejects a ConfigMap over 1 MiB, counting the values as the API server does', () => {
    const cm = (value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'dashboard.json': value } });
    expect(manifestProblems([cm('x'.repeat(1024 * 1024))])).toEqual([]);
    expect(manifestProblems([cm('x'.repeat(1024 * 1024 + 1))])).toEqual(['ConfigMap/c: data: 1048577 bytes, more than the 1048576 bytes (1 MiB) a ConfigMap may hold']);
  });

  test('takes RBAC names as path segments (system:metrics-reader), as the API server does', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:metrics-reader' }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] };
    expect(manifestProblems([role])).toEqual([]);
    expect(manifestProblems([{ ...role, metadata: { name: 'a/b' } }])).toEqual(['ClusterRole/a/b: metadata.name: "a/b" is not a valid path segment name']);
  });

  test('rejects duplicate objects and bad ConfigMap keys', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { 'a b': 'x' } };
    expect(manifestProblems([cm, { ...cm, data: {} }])).toEqual([
      'ConfigMap/c: data["a b"]: key must consist of alphanumerics, "-", "_" or "." (at most 253 characters)',
      'ConfigMap/c: duplicate object: same group, kind, namespace and name as object #0',
    ]);
  });

  test('checks prometheus-operator kinds against their schema', () => {
    const sm = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'app' },
      spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'metrics', interval: '30 s' }] },
    };
    expect(manifestProblems([sm])).toEqual([expect.stringMatching(/^ServiceMonitor\/app: spec.endpoints\[0\].interval: must match pattern/)]);
  });

  test('rejects unknown fields in prometheus-operator kinds (the API server would prune them silently)', () => {
    const sm = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'app', labels: { release: 'prometheus' } },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        namespaceSelector: { matchNames: ['default'] },
        endpoints: [{ port: 'metrics', scrapeInterval: '30s', relabelings: [{ sourceLabels: ['__meta_x'], targetLabel: 'x', replacment: '$1' }] }],
      },
    };
    expect(manifestProblems([sm])).toEqual([
      'ServiceMonitor/app: spec.endpoints[0].scrapeInterval: unknown field',
      'ServiceMonitor/app: spec.endpoints[0].relabelings[0].replacment: unknown field',
    ]);
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'rules' },
      spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'page' }, annotations: { summary: 's' } }] }] },
    };
    expect(manifestProblems([rule])).toEqual([]);
  });

  test('accepts custom kinds when told about them', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
    expect(() => validateManifests([obj])).toThrow(/unknown apiVersion\/kind example.com\/v1\/Widget/);
    expect(() => validateManifests([obj], { customKinds: [{ apiVersion: 'example.com/v1', kind: 'Widget' }] })).not.toThrow();
    const strict = { apiVersion: 'example.com/v1', kind: 'Widget', validate: () => ['spec.size: required'] };
    expect(() => validateManifests([obj], { customKinds: [strict] })).toThrow('Widget/w: spec.size: required');
  });

  test('validateManifestsYaml parses multi-document YAML', () => {
    const good = '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n---\n';
    expect(() => validateManifestsYaml(good)).not.toThrow();
    expect(() => validateManifestsYaml(`${good}apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad\n`)).toThrow(/Namespace\/Bad: metadata.name/);
    expect(() => validateManifestsYaml('a: [')).toThrow(/YAML error/);
  });
});

describe('findObject', () => {
  const objs = synthObjects(realisticChart());

  test('finds by kind and exact name or RegExp', () => {
    expect(findObject(objs, 'Service', 'prometheus').spec.type).toBe('NodePort');
    expect(findObjects(objs, 'Role', /^prometheus-/)).toHaveLength(1);
    expect(findObjects(objs, 'ConfigMap')).toHaveLength(1);
  });

  test('throws listing what exists when there is not exactly one match', () => {
    expect(() => findObject(objs, 'Service', 'nope')).toThrow(/expected exactly one Service\/nope, found 0. Objects: .*Service\/prometheus/);
    expect(() => findObject(objs, 'Deployment', /prom/)).not.toThrow();
    expect(() => findObject([...objs, ...objs], 'Deployment')).toThrow(/found 2/);
  });
});

test('parseQuantity', () => {
  expect(parseQuantity('500m')).toBeCloseTo(0.5);
  expect(parseQuantity('1Gi')).toBe(2 ** 30);
  expect(parseQuantity('2e3')).toBe(2000);
  expect(parseQuantity('512MB')).toBeUndefined();
  expect(parseQuantity('')).toBeUndefined();
});
