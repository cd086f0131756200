// Reloading without restarts, StatefulSets, replicas, shards, agent mode and scheduling.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { Duration, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AlertmanagerEndpoint, AlertingRule, AppServiceMonitor, KubernetesRole, NodeLabelOperator, PodAntiAffinity, PodSelection, PrometheusMode,
  PrometheusStack, PrometheusStackProps, DataStorage, RecordingRule, Relabel, RemoteWrite, RuleGroup, ScrapeJob, ServiceDiscovery,
  TolerationEffect,
} from '../../src';
import { BUCKETS, MAX_SHARDS, shardBuckets } from '../../src/stack/sharding';
import { findObject, findObjects } from '../harness';
import { expectError, jobNamed, newChart, synthAndCheck, warningsBesidesWebAuth } from '../util';

const IMAGE = 'quay.io/prometheus/prometheus';
const staticJob = (jobName: string, target = `${jobName}:80`) =>
  new ScrapeJob({ jobName, discovery: [ServiceDiscovery.staticTargets({ targets: [target] })] });
const synth = (props: PrometheusStackProps = {}, build?: (stack: PrometheusStack) => void) => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', props);
  build?.(stack);
  return { stack, chart, ...synthAndCheck(chart) };
};
const workloads = (objects: any[]) => [...findObjects(objects, 'Deployment'), ...findObjects(objects, 'StatefulSet')];
const podTemplates = (objects: any[]) => workloads(objects).map((w) => w.spec.template);
const args = (objects: any[]) => podTemplates(objects)[0].spec.containers[0].args as string[];

describe('a configuration change leaves the pod alone', () => {
  const base = (stack: PrometheusStack) => {
    stack.addScrapeJob(new ScrapeJob({ jobName: 'pods', discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.POD, namespaces: ['shop'] })] }));
  };
  const changes: Array<[string, (stack: PrometheusStack) => void]> = [
    ['a job', (stack) => stack.addScrapeJob(staticJob('extra'))],
    ['a rule group', (stack) => stack.addRuleGroup(new RuleGroup({ name: 'g', rules: [new RecordingRule({ record: 'job:up:sum', expr: 'sum by (job) (up)' })] }))],
    ['a remote write', (stack) => stack.addRemoteWrite(new RemoteWrite({ url: 'https://mimir.example.com/api/v1/push' }))],
    ['an app', (stack) => new AppServiceMonitor(stack.node.scope as Construct, 'App', {
      pods: PodSelection.fromLabels({ app: 'shop' }), metricsPort: 8080, metadata: { namespace: 'shop' }, stack,
    })],
  ];

  test.each([
    ['3.x (auto-reload)', `${IMAGE}:v3.5.0`, {}],
    ['2.x (reloader sidecar)', `${IMAGE}:v2.55.1`, {}],
    ['replicated and sharded', `${IMAGE}:v3.5.0`, { replicas: 2, shards: 2, remoteWrites: [new RemoteWrite({ url: 'https://m.example.com/push' })] }],
  ])('%s: two charts that differ only in a job, a rule group, a remote write or an app have identical pod templates', (_name, image, props) => {
    const reference = synth({ image, ...props }, base);
    for (const [what, change] of changes) {
      const changed = synth({ image, ...props }, (stack) => { base(stack); change(stack); });
      expect({ what, templates: podTemplates(changed.objects) }).toEqual({ what, templates: podTemplates(reference.objects) });
      // ...while the configuration did change.
      expect(Object.values(changed.prometheusConfigs)).not.toEqual(Object.values(reference.prometheusConfigs));
    }
  });

  test('a change to the pod itself (image, resources, flags) changes the template, so Kubernetes rolls it', () => {
    const reference = podTemplates(synth().objects)[0];
    expect(podTemplates(synth({ image: `${IMAGE}:v3.4.0` }).objects)[0]).not.toEqual(reference);
    expect(podTemplates(synth({ retention: Duration.days(30) }).objects)[0]).not.toEqual(reference);
    expect(podTemplates(synth({ resources: { memory: { limit: Size.gibibytes(8) } } }).objects)[0]).not.toEqual(reference);
  });

  test('the ConfigMap is mounted as a directory (the kubelet never updates a subPath mount)', () => {
    for (const image of [`${IMAGE}:v3.5.0`, `${IMAGE}:v2.55.1`]) {
      const pod = podTemplates(synth({ image }).objects)[0].spec;
      for (const c of pod.containers) {
        for (const m of c.volumeMounts.filter((v: any) => v.name === 'config')) {
          expect(m).toEqual({ name: 'config', mountPath: '/etc/prometheus/config', readOnly: true });
        }
      }
      expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: expect.any(String) } });
      expect(pod.containers[0].args).toContain('--config.file=/etc/prometheus/config/prometheus.yml');
    }
  });

  test('rule_files names the rule file, never a glob (a glob would match the kubelet\'s ..data directories)', () => {
    const { prometheusConfigs } = synth({}, (stack) => stack.addRuleGroup(new RuleGroup({
      name: 'g', rules: [new AlertingRule({ alert: 'Down', expr: 'up == 0' })],
    })));
    const config = Object.values(prometheusConfigs)[0];
    expect(config.rule_files).toEqual(['rules.yml']);
  });

  test('3.x reloads by itself: auto-reload-config and its interval, no sidecar', () => {
    const { objects } = synth({ configReloadInterval: Duration.seconds(10) });
    const pod = podTemplates(objects)[0].spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['prometheus']);
    expect(pod.shareProcessNamespace).toBeUndefined();
    expect(args(objects)).toEqual(expect.arrayContaining(['--enable-feature=auto-reload-config', '--config.auto-reload-interval=10s']));
    expect(args(objects)).not.toContain('--web.enable-lifecycle');
  });

  test('2.x gets the reloader sidecar: same image, same user, no capabilities, the config read-only, a shared process namespace', () => {
    const { objects } = synth({ image: `${IMAGE}:v2.55.1` });
    const pod = podTemplates(objects)[0].spec;
    expect(pod.shareProcessNamespace).toBe(true);
    expect(args(objects).filter((a) => a.includes('auto-reload'))).toEqual([]);
    const reloader = pod.containers.find((c: any) => c.name === 'config-reloader');
    expect(reloader.image).toBe(`${IMAGE}:v2.55.1`);
    expect(reloader.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(reloader.command.slice(3)).toEqual(['config-reloader', '/etc/prometheus/config', '/etc/prometheus/config/prometheus.yml', '30']);
    expect(reloader.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(reloader.volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/prometheus/config', readOnly: true }]);
    // The pod's user (65534) is Prometheus's: a process may signal another of its own user.
    expect(pod.securityContext).toMatchObject({ runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true });
    expect(args(objects)).not.toContain('--web.enable-lifecycle');
  });

  test('fails on a reload interval under a second, and on a sidecar named like the reloader', () => {
    expectError(() => new PrometheusStack(newChart(), 'p', { configReloadInterval: Duration.millis(500) }),
      "test/p: 'configReloadInterval' must be a whole number of seconds, at least 1, got '500ms'");
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'p', { image: `${IMAGE}:v2.55.1` });
    stack.addContainer({ name: 'config-reloader', image: 'x:1' });
    expectError(() => Testing.synth(chart), "test/p: 'container.name' is the reloader of Prometheus 2.x, got 'config-reloader'");
  });
});

// The 3.x flags, checked against their upstream definition when prometheus/prometheus was
// fetched (the `fetch` tool puts it under /work/.mirror).
const PROMETHEUS_REPO = '/work/.mirror/prometheus+prometheus/repo';
const show = (tag: string, file: string) =>
  spawnSync('git', ['-C', PROMETHEUS_REPO, 'show', `${tag}:${file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout ?? '';
(existsSync(PROMETHEUS_REPO) ? describe : describe.skip)('the reload and agent flags match prometheus/prometheus cmd/prometheus/main.go', () => {
  test('v3.5.0 defines --config.auto-reload-interval (a model.Duration, default 30s) and the auto-reload-config feature; v2.55.1 has neither', () => {
    const v35 = show('v3.5.0', 'cmd/prometheus/main.go');
    expect(v35).toMatch(/a\.Flag\("config\.auto-reload-interval", [^)]*\)\.\s*Default\("30s"\)\.SetValue\(&cfg\.autoReloadInterval\)/);
    expect(v35).toContain('case "auto-reload-config":');
    const v255 = show('v2.55.1', 'cmd/prometheus/main.go');
    expect(v255).not.toContain('auto-reload');
    // What the library emits parses as a model.Duration.
    expect(args(synth().objects)).toContain('--config.auto-reload-interval=30s');
  });

  test('agent mode is --agent in 3.x and --enable-feature=agent in 2.x; --storage.agent.path in both', () => {
    const v35 = show('v3.5.0', 'cmd/prometheus/main.go');
    expect(v35).toContain('a.Flag("agent", "Run Prometheus in \'Agent mode\'.").BoolVar(&agentMode)');
    expect(v35).not.toContain('case "agent":');
    expect(v35).toContain('agentOnlyFlag(a, "storage.agent.path"');
    const v242 = show('v2.42.0', 'cmd/prometheus/main.go');
    expect(v242).toContain('case "agent":');
    expect(v242).not.toContain('a.Flag("agent"');
  });
});

describe('persistent storage', () => {
  test('an existing claim keeps a Deployment (the way to keep the claim of an earlier version)', () => {
    const { objects } = synth({ storage: DataStorage.existingClaim('prometheus-data') });
    expect(findObjects(objects, 'StatefulSet')).toHaveLength(0);
    expect(findObject(objects, 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('fails on an existing claim shared by replicas or shards', () => {
    expectError(() => new PrometheusStack(newChart(), 'p', { storage: DataStorage.existingClaim('data'), replicas: 2 }),
      "test/p: 'storage' must give each pod its own volume with several replicas or shards", "got 'DataStorage.existingClaim('data')'",
      'Use DataStorage.persistentVolumeClaim()');
  });
});

describe('high availability', () => {
  const ha = (props: PrometheusStackProps = {}) => synth({ replicas: 2, ...props });

  test('replicas: 2 gives a StatefulSet of two identical pods, each named in the external label prometheus_replica', () => {
    const { objects, stack, prometheusConfigs } = ha({ externalLabels: { cluster: 'prod' } });
    const sts = findObject(objects, 'StatefulSet');
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(stack.replicas).toBe(2);
    const config = Object.values(prometheusConfigs)[0];
    expect(config.global.external_labels).toEqual({ cluster: 'prod', prometheus_replica: '${POD_NAME}' });
    const c = sts.spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    // 3.x expands ${POD_NAME} in external_labels by itself: no feature flag.
    expect(c.args.filter((a: string) => a.includes('expand-external-labels'))).toEqual([]);
  });

  test('2.x gets --enable-feature=expand-external-labels, which exists from 2.27', () => {
    expect(args(ha({ image: `${IMAGE}:v2.55.1` }).objects)).toContain('--enable-feature=expand-external-labels');
    expectError(() => new PrometheusStack(newChart(), 'p', { image: `${IMAGE}:v2.26.0`, replicas: 2 }),
      "'--enable-feature' 'expand-external-labels' needs Prometheus 2.27.0 or newer (prometheus/prometheus v2.27.0 cmd/prometheus/main.go)");
  });

  test('a disruption budget of one pod, soft anti-affinity by node and a soft spread over zones', () => {
    const { objects, stack } = ha();
    const selector = { ...stack.selectorLabels, 'cdk8s-prometheus-monitoring/shard': '0' };
    const pdb = findObject(objects, 'PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
    const pod = findObject(objects, 'StatefulSet').spec.template.spec;
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' } }],
      },
    });
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
    ]);
  });

  test('alerts leave without the replica label, so Alertmanager deduplicates the copies', () => {
    const { prometheusConfigs } = ha({ alertmanagers: [new AlertmanagerEndpoint({ discovery: [ServiceDiscovery.staticTargets({ targets: ['am:9093'] })] })] });
    expect(Object.values(prometheusConfigs)[0].alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'prometheus_replica' }]);
  });

  test('replicaExternalLabel names the label (Mimir and Cortex expect __replica__)', () => {
    const { prometheusConfigs } = ha({ replicaExternalLabel: '__replica__', externalLabels: { cluster: 'prod' } });
    expect(Object.values(prometheusConfigs)[0].global.external_labels).toEqual({ cluster: 'prod', __replica__: '${POD_NAME}' });
  });

  test('fails when externalLabels has the replica label', () => {
    expectError(() => new PrometheusStack(newChart(), 'p', { replicas: 2, externalLabels: { prometheus_replica: 'a' } }),
      "test/p: 'externalLabels.prometheus_replica' is the replica label, whose value is each pod's name, got 'a'");
  });

  test('one replica has no replica label, no disruption budget and no anti-affinity', () => {
    const { objects, prometheusConfigs } = synth();
    expect(Object.values(prometheusConfigs)[0].global.external_labels).toBeUndefined();
    expect(findObjects(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(podTemplates(objects)[0].spec.affinity).toBeUndefined();
    expect(podTemplates(objects)[0].spec.topologySpreadConstraints).toBeUndefined();
  });

  test('scheduling props: nodeSelector, tolerations, affinity, priorityClassName, and turning the defaults off', () => {
    const { objects } = ha({
      nodeSelector: { 'node-role': 'monitoring' },
      tolerations: [
        { key: 'dedicated', value: 'monitoring', effect: TolerationEffect.NO_SCHEDULE },
        { key: 'node.kubernetes.io/unreachable', effect: TolerationEffect.NO_EXECUTE, evictAfter: Duration.minutes(5) },
      ],
      affinity: {
        requiredNodeLabels: [{ key: 'kubernetes.io/arch', operator: NodeLabelOperator.IN, values: ['amd64', 'arm64'] }],
        preferredNodeLabels: [{ key: 'disk', operator: NodeLabelOperator.EXISTS }],
        podAntiAffinity: PodAntiAffinity.HARD,
      },
      topologySpreadByZone: false,
      priorityClassName: 'system-cluster-critical',
    });
    const pod = findObject(objects, 'StatefulSet').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'node-role': 'monitoring' });
    expect(pod.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'monitoring', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    expect(pod.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }],
    });
    expect(Object.keys(pod.affinity.podAntiAffinity)).toEqual(['requiredDuringSchedulingIgnoredDuringExecution']);
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.priorityClassName).toBe('system-cluster-critical');
  });

  test('fails on scheduling props Kubernetes would refuse', () => {
    expectError(() => new PrometheusStack(newChart(), 'p', { tolerations: [{ value: 'x' }] }), "test/p: 'tolerations[0].value' needs a key");
    expectError(() => new PrometheusStack(newChart(), 'p', { tolerations: [{ key: 'k', evictAfter: Duration.minutes(1) }] }),
      "'tolerations[0].evictAfter' applies to the NO_EXECUTE effect only");
    expectError(() => new PrometheusStack(newChart(), 'p', { affinity: { requiredNodeLabels: [{ key: 'k', operator: NodeLabelOperator.IN }] } }),
      "'affinity.requiredNodeLabels[0].values' must not be empty for In");
    expectError(() => new PrometheusStack(newChart(), 'p', { affinity: { preferredNodeLabels: [{ key: 'k', operator: NodeLabelOperator.GT, values: ['a'] }] } }),
      "'affinity.preferredNodeLabels[0].values' must be a single integer for Gt");
    expectError(() => new PrometheusStack(newChart(), 'p', { priorityClassName: 'Critical!' }), "test/p: 'priorityClassName'");
    expectError(() => new PrometheusStack(newChart(), 'p', { replicas: 0 }), "test/p: 'replicas'");
  });
});

describe('sharding', () => {
  const remoteWrites = [new RemoteWrite({ url: 'https://mimir.example.com/api/v1/push' })];

  test('every shard owns buckets, every bucket one shard, up to the most shards', () => {
    for (let shards = 1; shards <= MAX_SHARDS; shards++) {
      const owned = shardBuckets(shards);
      expect(owned.every((b) => b.length > 0)).toBe(true);
      expect(owned.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: BUCKETS }, (_, i) => i));
    }
    expectError(() => new PrometheusStack(newChart(), 'p', { shards: MAX_SHARDS + 1 }), `test/p: 'shards' must be at most ${MAX_SHARDS}`);
  });

  test('adding a shard moves only the buckets the new shard wins (rendezvous), about 1/(M+1)', () => {
    for (let m = 1; m < 16; m++) {
      const before = shardBuckets(m);
      const after = shardBuckets(m + 1);
      const ownerBefore = new Map(before.flatMap((b, s) => b.map((bucket) => [bucket, s] as const)));
      const moved = after.flatMap((b, s) => b.filter((bucket) => ownerBefore.get(bucket) !== s));
      // Only to the new shard...
      expect(new Set(moved)).toEqual(new Set(after[m]));
      // ...and about its share.
      expect(moved.length / BUCKETS).toBeLessThanOrEqual(1.5 / (m + 1));
    }
  });

  test('shards: 3 gives each shard its own ConfigMap and StatefulSet; every job but the self-monitoring one keeps its buckets', () => {
    const { objects, stack, prometheusConfigs } = synth({ shards: 3, remoteWrites, scrapeJobs: [staticJob('node')] });
    expect(findObjects(objects, 'StatefulSet')).toHaveLength(3);
    expect(stack.statefulSets).toHaveLength(3);
    expect(stack.shardConfigMapNames).toHaveLength(3);
    expect(stack.shardConfigMapNames[0]).toBe(stack.configMapName);
    const owned = shardBuckets(3);
    stack.statefulSets.forEach((sts, shard) => {
      const obj = findObject(objects, 'StatefulSet', sts.name);
      expect(obj.spec.selector.matchLabels).toEqual({ ...stack.selectorLabels, 'cdk8s-prometheus-monitoring/shard': String(shard) });
      const configMap = obj.spec.template.spec.volumes.find((v: any) => v.name === 'config').configMap.name;
      expect(configMap).toBe(stack.shardConfigMapNames[shard]);
      const config = prometheusConfigs[configMap];
      expect(jobNamed(config, 'prometheus').relabel_configs).toBeUndefined();
      expect(jobNamed(config, 'node').relabel_configs).toEqual([
        { source_labels: ['__address__'], target_label: '__tmp_shard_bucket', modulus: 256, action: 'hashmod' },
        { source_labels: ['__tmp_shard_bucket'], regex: owned[shard].join('|'), action: 'keep' },
      ]);
    });
    // The first shard keeps the names of a single server.
    const single = synth({ replicas: 2, remoteWrites, scrapeJobs: [staticJob('node')] });
    expect(findObjects(single.objects, 'StatefulSet').map((s) => s.metadata.name)).toEqual([stack.statefulSets[0].name]);
    expect(Object.keys(single.prometheusConfigs)).toEqual([stack.configMapName]);
  });

  test('sharding appends after the job\'s own relabelling, so the scraped address is hashed', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'p', { shards: 2, remoteWrites });
    stack.addScrapeJob(new ScrapeJob({
      jobName: 'pods',
      discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.POD, namespaces: ['shop'] })],
      relabelConfigs: [Relabel.keep({ sourceLabels: ['__meta_kubernetes_pod_label_app'], regex: 'shop' })],
    }));
    const config = synthAndCheck(chart).prometheusConfigs[stack.configMapName];
    const rules = jobNamed(config, 'pods').relabel_configs;
    expect(rules.slice(-2).map((r: any) => r.action)).toEqual(['hashmod', 'keep']);
    expect(rules[0]).toEqual({ source_labels: ['__meta_kubernetes_pod_label_app'], regex: 'shop', action: 'keep' });
  });

  test('shards with replicas: a disruption budget per shard, anti-affinity within the shard', () => {
    const { objects } = synth({ shards: 2, replicas: 2, remoteWrites });
    const pdbs = findObjects(objects, 'PodDisruptionBudget');
    expect(pdbs.map((p) => p.spec.selector.matchLabels['cdk8s-prometheus-monitoring/shard'])).toEqual(['0', '1']);
    for (const sts of findObjects(objects, 'StatefulSet')) {
      const term = sts.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      expect(term.labelSelector.matchLabels).toEqual(sts.spec.selector.matchLabels);
    }
  });

  test('shardExternalLabel tells the shards apart, joined to an external label of the same name', () => {
    const { stack, prometheusConfigs } = synth({ shards: 2, remoteWrites, externalLabels: { cluster: 'prod' }, shardExternalLabel: 'cluster' });
    expect(stack.shardConfigMapNames.map((n) => prometheusConfigs[n].global.external_labels)).toEqual([{ cluster: 'prod-0' }, { cluster: 'prod-1' }]);
    const plain = synth({ shards: 2, remoteWrites, shardExternalLabel: 'shard' });
    expect(plain.stack.shardConfigMapNames.map((n) => plain.prometheusConfigs[n].global.external_labels)).toEqual([{ shard: '0' }, { shard: '1' }]);
  });

  test('warns without a remote write, and about aggregating rules on shards', () => {
    const { chart } = synth({ shards: 2, ruleGroups: [new RuleGroup({ name: 'g', rules: [new RecordingRule({ record: 'a:sum', expr: 'sum(up)' })] })] });
    expect(warningsBesidesWebAuth(chart)).toEqual([
      expect.stringMatching(/the 2 shards have no remote write: each holds part of the series/),
      expect.stringMatching(/each of the 2 shards evaluates every rule group over its own targets only/),
    ]);
  });
});

describe('agent mode', () => {
  const remoteWrites = [new RemoteWrite({ url: 'https://mimir.example.com/api/v1/push' })];

  test('3.x: --agent and --storage.agent.path instead of the TSDB flags; no evaluation interval', () => {
    const { objects, prometheusConfigs, stack } = synth({ mode: PrometheusMode.AGENT, remoteWrites });
    expect(stack.mode).toBe(PrometheusMode.AGENT);
    expect(args(objects)).toEqual([
      '--config.file=/etc/prometheus/config/prometheus.yml',
      '--agent',
      '--storage.agent.path=/prometheus',
      '--enable-feature=auto-reload-config',
      '--config.auto-reload-interval=30s',
      '--web.listen-address=:9090',
    ]);
    expect(Object.values(prometheusConfigs)[0].global).toEqual({ scrape_interval: '15s', scrape_timeout: '10s' });
  });

  test('2.x: --enable-feature=agent, from 2.32', () => {
    expect(args(synth({ image: `${IMAGE}:v2.42.0`, mode: PrometheusMode.AGENT, remoteWrites }).objects).slice(0, 3)).toEqual([
      '--config.file=/etc/prometheus/config/prometheus.yml', '--enable-feature=agent', '--storage.agent.path=/prometheus',
    ]);
    expectError(() => new PrometheusStack(newChart(), 'p', { image: `${IMAGE}:v2.31.0`, mode: PrometheusMode.AGENT }),
      "'--enable-feature' 'agent' needs Prometheus 2.32.0 or newer");
  });

  test('refuses rule groups, Alertmanagers, retention, and a missing remote write', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'p', { mode: PrometheusMode.AGENT });
    stack.addRuleGroup(new RuleGroup({ name: 'g', rules: [new AlertingRule({ alert: 'Down', expr: 'up == 0' })] }));
    stack.addAlertmanager(new AlertmanagerEndpoint({ discovery: [ServiceDiscovery.staticTargets({ targets: ['am:9093'] })] }));
    expectError(() => Testing.synth(chart),
      "test/p: 'ruleGroups' must be empty in agent mode (Prometheus refuses rule_files), got [\"g\"]. An agent scrapes and remote-writes only",
      "test/p: 'alertmanagers' must be empty in agent mode (Prometheus refuses alerting)",
      "test/p: 'remoteWrites' must name at least one remote write in agent mode (an agent only forwards), got []. Add a RemoteWrite");
    expectError(() => new PrometheusStack(newChart(), 'p', { mode: PrometheusMode.AGENT, retention: Duration.days(1) }),
      "test/p: 'retention' has no effect in agent mode");
  });
});
