// The Alertmanager construct: its objects (validated strictly, alertmanager.yml through amtool),
// the wiring into the stack, and the example's routing table proven with amtool.
import * as fs from 'fs';
import * as path from 'path';
import { Size, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Alertmanager, Credential, NetworkPeer, Notifier, PrometheusStack, Receiver } from '../../src';
import { findObject, findObjects, relabel, relabelCaseFromJob, RoutingCase, routesTest, testRules } from '../harness';
import { expectError, newChart, onlyConfig, runExampleProgram, synthAndCheck } from '../util';

const hook = (name: string) => new Receiver({ name, notifiers: [Notifier.webhook({ url: `http://receiver.example.com/${name}` })] });

function build(props: Partial<ConstructorParameters<typeof Alertmanager>[2]> = {}) {
  const chart = newChart('monitoring');
  const stack = new PrometheusStack(chart, 'prom');
  const am = new Alertmanager(chart, 'am', { stack, defaultReceiver: 'team', receivers: [hook('team')], ...props });
  return { chart, stack, am };
}

describe('Alertmanager', () => {
  test('metadata labels and annotations go on every object; the namespace is the stack\'s', () => {
    const { chart } = build({ metadata: { labels: { team: 'sre' }, annotations: { owner: 'sre@example.com' } } });
    const ours = synthAndCheck(chart).objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'alertmanager');
    expect(ours.length).toBeGreaterThan(3);
    for (const o of ours) {
      expect(o.metadata.labels.team).toBe('sre');
      expect(o.metadata.annotations?.owner).toBe('sre@example.com');
    }
    expectError(() => build({ metadata: { namespace: 'other' } }),
      "test/am: 'metadata.namespace' must be the stack's namespace 'monitoring', where its Prometheus discovers the Alertmanager, got 'other'");
  });

  test('the default: a 2-replica cluster through a headless Service, storage per replica, a PDB, restricted pods', () => {
    const { chart, am } = build();
    const out = synthAndCheck(chart);
    const sts = findObject(out.objects, 'StatefulSet', am.statefulSet.name);
    const pod = sts.spec.template.spec;
    const [main, reloader] = pod.containers;
    expect(sts.spec).toMatchObject({ replicas: 2, serviceName: am.serviceName, podManagementPolicy: 'Parallel' });
    expect(main.image).toBe('quay.io/prometheus/alertmanager:v0.28.1');
    expect(main.args).toEqual([
      '--config.file=/etc/alertmanager/config/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--data.retention=5d',
      '--web.listen-address=:9093',
      '--web.route-prefix=/',
      '--cluster.listen-address=[$(POD_IP)]:9094',
      `--cluster.peer=${am.statefulSet.name}-0.${am.serviceName}:9094`,
      `--cluster.peer=${am.statefulSet.name}-1.${am.serviceName}:9094`,
      '--cluster.reconnect-timeout=5m',
      `--cluster.label=monitoring/${am.statefulSet.name}`,
    ]);
    expect(main.ports.map((p: any) => `${p.name}/${p.protocol}`)).toEqual(['web/TCP', 'mesh-tcp/TCP', 'mesh-udp/UDP']);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of pod.containers) expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(main.readinessProbe.httpGet.path).toBe('/-/ready');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    // The config is a Secret mounted as a directory (no subPath), and the pod has no checksum that would roll it.
    expect(pod.volumes[0]).toEqual({ name: 'config', secret: { secretName: am.configSecretName, defaultMode: 0o440 } });
    expect(main.volumeMounts[0]).toEqual({ name: 'config', mountPath: '/etc/alertmanager/config', readOnly: true });
    expect(reloader.volumeMounts).toEqual([main.volumeMounts[0]]);
    expect(sts.spec.template.metadata.annotations).toBeUndefined();
    expect(findObjects(out.objects, 'ConfigMap').some((c: any) => JSON.stringify(c).includes('receivers'))).toBe(false);
    expect(findObject(out.objects, 'Secret', am.configSecretName).stringData['alertmanager.yml']).toContain('receiver: team');

    const svc = findObject(out.objects, 'Service', am.serviceName);
    expect(svc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(svc.spec.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual(['9093/TCP', '9094/TCP', '9094/UDP']);
    expect(findObjects(out.objects, 'PodDisruptionBudget')[0].spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: am.selectorLabels } });
  });

  test('one replica: clustering off, no PDB; persistentStorage false: an emptyDir', () => {
    const { chart, am } = build({ replicas: 1, persistentStorage: false });
    const out = synthAndCheck(chart);
    const sts = findObject(out.objects, 'StatefulSet', am.statefulSet.name);
    expect(sts.spec.template.spec.containers[0].args).toContain('--cluster.listen-address=');
    expect(sts.spec.template.spec.containers[0].args.some((a: string) => a.startsWith('--cluster.peer'))).toBe(false);
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'data', emptyDir: {} });
    expect(findObjects(out.objects, 'PodDisruptionBudget')).toEqual([]);
  });

  test('on 0.25: no --cluster.label (0.26), and storage size and class as given', () => {
    const { chart, am } = build({ image: 'quay.io/prometheus/alertmanager:v0.25.0', storageSize: Size.gibibytes(2), storageClassName: 'fast' });
    const sts = findObject(synthAndCheck(chart).objects, 'StatefulSet', am.statefulSet.name);
    expect(sts.spec.template.spec.containers[0].args.some((a: string) => a.startsWith('--cluster.label'))).toBe(false);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } });
  });

  test('the Secrets of credentials are mounted where alertmanager.yml reads them', () => {
    const { chart, am } = build({ receivers: [new Receiver({ name: 'team', notifiers: [Notifier.slack({ apiUrl: Credential.fromSecret('slack', 'url') })] })] });
    const out = synthAndCheck(chart);
    const pod = findObject(out.objects, 'StatefulSet', am.statefulSet.name).spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.mountPath === '/etc/alertmanager/secrets/slack');
    expect(pod.volumes.find((v: any) => v.name === mount.name).secret).toEqual({ secretName: 'slack', defaultMode: 0o440 });
    expect(YAML.parse(findObject(out.objects, 'Secret', am.configSecretName).stringData['alertmanager.yml']).receivers[0].slack_configs[0].api_url_file)
      .toBe('/etc/alertmanager/secrets/slack/url');
  });

  test('the NetworkPolicy admits the stack\'s Prometheus (and allowFrom) to 9093, and only the peers to 9094 TCP and UDP', () => {
    const { chart, stack, am } = build({ allowFrom: [NetworkPeer.fromNamespaceNames(['grafana'])] });
    const policy = findObjects(synthAndCheck(chart).objects, 'NetworkPolicy').find((p: any) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === 'alertmanager');
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: stack.selectorLabels } },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'grafana' } }, podSelector: {} },
        ],
        ports: [{ port: 9093, protocol: 'TCP' }],
      },
      { from: [{ podSelector: { matchLabels: am.selectorLabels } }], ports: [{ port: 9094, protocol: 'TCP' }, { port: 9094, protocol: 'UDP' }] },
    ]);
  });

  test('the stack discovers the ready pods\' web port through the headless Service (run by a real Prometheus), with RBAC on endpointslices', async () => {
    const { chart, am } = build();
    const out = synthAndCheck(chart);
    const alerting = onlyConfig(out).alerting.alertmanagers[0];
    expect(alerting.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['monitoring'] } }]);
    const role = findObjects(out.objects, 'Role').find((r: any) => r.metadata.namespace === 'monitoring');
    expect(role.rules).toContainEqual({ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] });
    // The endpointslice role's labels for each port of each pod (prometheus/prometheus v2.42.0 discovery/kubernetes/endpointslice.go).
    const target = (pod: number, port: string, portNumber: number, ready: string, service = am.serviceName) => ({
      address: `127.0.0.${pod}:${portNumber}`,
      labels: {
        __meta_kubernetes_service_name: service,
        __meta_kubernetes_endpointslice_port_name: port,
        __meta_kubernetes_endpointslice_endpoint_conditions_ready: ready,
      },
    });
    const [result] = await relabel([relabelCaseFromJob({ job_name: 'alertmanagers', relabel_configs: alerting.relabel_configs }, [
      target(1, 'web', 9093, 'true'), target(1, 'mesh-tcp', 9094, 'true'), target(2, 'web', 9093, 'false'), target(3, 'web', 9093, 'true', 'other'),
    ])]);
    expect(result.targets.map((t) => t.kept)).toEqual([true, false, false, false]);
  });

  test('the Watchdog rule is added to the stack once, and fires at once (promtool test rules)', () => {
    const { chart, stack } = build();
    new Alertmanager(chart, 'am2', { stack, defaultReceiver: 'x', receivers: [hook('x')] });
    const out = synthAndCheck(chart);
    expect(onlyConfig(out).rule_files).toEqual(['rules.yml']);
    expect(stack.config.ruleGroups.filter((g) => g.name === 'watchdog')).toHaveLength(1);
    const rules = findObjects(out.objects, 'ConfigMap').find((c: any) => c.data?.['rules.yml']).data['rules.yml'];
    testRules(rules, [
      'tests:',
      '  - interval: 1m',
      '    input_series: []',
      '    alert_rule_test:',
      '      - eval_time: 0m',
      '        alertname: Watchdog',
      '        exp_alerts:',
      '          - exp_labels: { severity: none }',
      '            exp_annotations:',
      ...Object.entries(YAML.parse(rules).groups[0].rules[0].annotations).map(([k, v]) => `              ${k}: ${JSON.stringify(v)}`),
    ].join('\n'));
  });

  test.each([
    [{ image: 'quay.io/prometheus/alertmanager:v0.24.0' }, "test/am: 'image' must be Alertmanager 0.25.0 or newer"],
    [{ image: 'alertmanager' }, "'image' must be an image reference with a tag or digest"],
    [{ replicas: 0 }, "'replicas' must be a positive integer"],
    [{ allowFrom: [] }, "'allowFrom' must name at least one source"],
  ])('fails on %j', (props, message) => {
    expectError(() => build(props as any), message);
  });

  test('a route to an unknown receiver fails synthesis with the construct path', () => {
    const { chart } = build({ criticalReceiver: 'pager' });
    expectError(() => Testing.synth(chart), "test/am: 'criticalReceiver' names a receiver that is not defined");
  });
});

describe('examples/alertmanager', () => {
  const run = () => runExampleProgram('alertmanager');

  test('synthesizes valid objects (alertmanager.yml through amtool), pinned', () => {
    const out = run();
    expect(out.objects.map((o) => o.kind)).toMatchSnapshot();
  });

  test('routing table (amtool config routes test): Weave alerts by severity, office-hours warnings, the Watchdog, the rest', () => {
    const secret = findObjects(run().objects, 'Secret')[0];
    const yaml = secret.stringData['alertmanager.yml'];
    const cases: RoutingCase[] = [
      // Label sets as the Weave alerts carry them (src/weave/alerts.ts: severity and job).
      { labels: { alertname: 'WeaveNetRouterDown', severity: 'critical', job: 'weave' }, receivers: ['pager'] },
      { labels: { alertname: 'WeaveNetIpamPendingAllocates', severity: 'warning', job: 'weave' }, receivers: ['network-team'] },
      { labels: { alertname: 'Watchdog', severity: 'none' }, receivers: ['deadmansswitch'] },
      { labels: { alertname: 'SomethingElse', severity: 'warning' }, receivers: ['slack'] },
      { labels: { alertname: 'SomethingElse', severity: 'info' }, receivers: ['slack'] },
      { labels: { alertname: 'NoSeverity' }, receivers: ['slack'] },
    ];
    expect(routesTest(yaml, cases)).toEqual(cases.map((c) => c.receivers));
  });
});

test('the README shows the message a route to a missing receiver gives (the example with the pager receiver renamed)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  let message = '';
  try {
    runExampleProgram('alertmanager', { replace: ["name: 'pager',", "name: 'pagers',"] });
  } catch (e) {
    message = (e as Error).message;
  }
  const line = message.split('\n').find((l) => l.includes("'criticalReceiver'"))!;
  expect(line).toContain('names a receiver that is not defined');
  expect(readme).toContain('```txt\n' + line.replace(/^.*?(alertmanager\/alertmanager: )/, '$1') + '\n```');
});
