// The examples/weave-net program, run as it stands and checked like any chart.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { clashes, listeners } from './weave-kube';
import { findObject, findObjects, testRules } from '../harness';
import { jobNamed, onlyConfig, printedBesidesWebAuth, runExampleProgram } from '../util';

function weaveNet() {
  const out = runExampleProgram('weave-net');
  return { out };
}

describe('examples/weave-net', () => {
  test('synthesizes valid objects, pinned', () => {
    const { out } = weaveNet();
    expect(out.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`)).toEqual([
      'Namespace/', 'ServiceAccount/monitoring', 'ConfigMap/monitoring', 'Deployment/monitoring', 'Service/monitoring',
      'NetworkPolicy/monitoring', 'Role/kube-system', 'RoleBinding/kube-system',
      // weave's own manifest, included
      'ServiceAccount/kube-system', 'ClusterRole/', 'ClusterRoleBinding/', 'Role/kube-system', 'RoleBinding/kube-system',
      'DaemonSet/kube-system',
    ]);
    // What the Weave Net parts produce: the configuration and rules, the RBAC of the discovery
    // and the patched DaemonSet (the stack's own objects are pinned by its tests).
    expect({
      configMapData: findObject(out.objects, 'ConfigMap').data,
      rbac: [findObject(out.objects, 'Role', /prometheus/), findObject(out.objects, 'RoleBinding', /prometheus/)],
      daemonSet: findObject(out.objects, 'DaemonSet'),
    }).toMatchSnapshot();
  });

  test('both modes: the discovered weave and weave-npc jobs, and the static weave-hosts job every 30 seconds', () => {
    const config = onlyConfig(weaveNet().out);
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'weave', 'weave-npc', 'weave-hosts']);
    expect(jobNamed(config, 'weave').kubernetes_sd_configs[0].namespaces).toEqual({ names: ['kube-system'] });
    expect(jobNamed(config, 'weave-hosts')).toEqual({
      job_name: 'weave-hosts',
      scrape_interval: '30s',
      static_configs: [{ targets: ['10.0.0.21:6782', '10.0.0.22:6782'] }],
    });
  });

  test('Prometheus reads pods in kube-system through a Role, without a ClusterRole of its own', () => {
    const { out } = weaveNet();
    const role = findObject(out.objects, 'Role', /prometheus/);
    expect(role.metadata.namespace).toBe('kube-system');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(findObjects(out.objects, 'ClusterRole').map((r) => r.metadata.name)).toEqual(['weave-net']);
    expect(findObject(out.objects, 'RoleBinding', /prometheus/).subjects[0].name).toBe(findObject(out.objects, 'ServiceAccount', /prometheus/).metadata.name);
  });

  test('the weave-net DaemonSet publishes its metrics on the node IP, where the jobs scrape them', () => {
    const ds = findObject(weaveNet().out.objects, 'DaemonSet', 'weave-net');
    const [weave, npc] = ds.spec.template.spec.containers;
    expect(weave.env.slice(-2)).toEqual([
      { name: 'WEAVE_NODE_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } },
      { name: 'WEAVE_METRICS_ADDR', value: '$(WEAVE_NODE_IP):6782' },
    ]);
    expect(weave.env.map((e: any) => e.name)).not.toContain('WEAVE_STATUS_ADDR');
    expect(npc.args).toEqual(['--metrics-addr=$(WEAVE_NODE_IP):6781']);
    expect(ds.spec.template.spec.hostNetwork).toBe(true);
    const all = listeners(ds.spec.template.spec, { ip: '10.0.1.5', name: 'node-1' });
    expect(clashes(all)).toEqual([]);
    expect(all.filter((l) => l.flag === '--metrics-addr').map((l) => `${l.container} ${l.host}:${l.port}`)).toEqual([
      'weave 10.0.1.5:6782', 'weave-npc 10.0.1.5:6781',
    ]);
  });

  test('weave-net.yaml is weave 2.8.1\'s release DaemonSet, but for fully qualified images and empty or default fields', () => {
    const example = YAML.parseAllDocuments(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'weave-net', 'weave-net.yaml'), 'utf8'))
      .map((d) => d.toJSON()).find((o) => o.kind === 'DaemonSet');
    const upstream = YAML.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'weave-daemonset-k8s-1.11.yaml'), 'utf8')).items[0];
    const pod = upstream.spec.template.spec;
    for (const c of [...pod.initContainers, ...pod.containers]) {
      c.image = `docker.io/${c.image}`;
      if (c.env === null) delete c.env;
      for (const m of c.volumeMounts) if (m.readOnly === false) delete m.readOnly;
    }
    expect(pod.securityContext).toEqual({ seLinuxOptions: {} });
    delete pod.securityContext;
    expect(example).toEqual(upstream);
  });

  test('the weave launch hosts get their WEAVE_STATUS_ADDR settings', () => {
    expect(weaveNet().out.printed).toEqual(['WEAVE_STATUS_ADDR=10.0.0.21:6782 weave launch', 'WEAVE_STATUS_ADDR=10.0.0.22:6782 weave launch']);
  });

  test('remote write to Cortex reads the token from its Secret, never from the ConfigMap', () => {
    const { out } = weaveNet();
    const config = onlyConfig(out);
    expect(config.remote_write).toEqual([{
      url: 'https://cortex.example.com/api/prom/push',
      basic_auth: { username: 'weave-net', password_file: '/etc/prometheus/secrets/cortex-credentials/token' },
    }]);
    const configMap = findObject(out.objects, 'ConfigMap');
    expect(Object.keys(configMap.data)).toEqual(['prometheus.yml', 'rules.yml']);
    expect(JSON.stringify(YAML.parse(configMap.data['prometheus.yml']))).not.toMatch(/"password"|"credentials"|"bearer_token"/);
    const pod = findObject(out.objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'secret-cortex-credentials', secret: { secretName: 'cortex-credentials', defaultMode: 0o440 } });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'secret-cortex-credentials', mountPath: '/etc/prometheus/secrets/cortex-credentials', readOnly: true,
    });
    expect(findObjects(out.objects, 'Secret')).toHaveLength(0);
  });

  test('each WeaveMonitoring alerts on its own jobs', () => {
    const rules = YAML.parse(findObject(weaveNet().out.objects, 'ConfigMap').data['rules.yml']);
    // weave: 11 router alerts, 2 weave-npc alerts and the custom rule; weave-hosts: no weave-npc.
    expect(rules.groups.map((g: any) => [g.name, g.rules.length])).toEqual([['weave', 14], ['weave-hosts', 11]]);
    expect(rules.groups[1].rules.find((r: any) => r.alert === 'WeaveNetRouterDown'))
      .toMatchObject({ expr: 'up{job="weave-hosts"} == 0', labels: { severity: 'critical', job: 'weave-hosts' } });
    for (const rule of rules.groups[1].rules) expect(rule.expr).not.toMatch(/job="weave"/);
  });

  test('the custom rule built from the metric constants fires when the address space fills up, and not before', () => {
    const rulesYaml = findObject(weaveNet().out.objects, 'ConfigMap').data['rules.yml'];
    const router = (n: number) => `instance="10.0.1.${n}:6782",job="weave",node="node-${n}",pod="weave-net-${n}"`;
    const output = testRules(rulesYaml, YAML.stringify({
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          // Two routers: 800 then 950 addresses in use of 1000.
          { series: `weave_ips{${router(1)},state="local-used"}`, values: '400x10 500x40' },
          { series: `weave_ips{${router(2)},state="local-used"}`, values: '400x10 450x40' },
          { series: `weave_max_ips{${router(1)}}`, values: '1000x50' },
          { series: `weave_max_ips{${router(2)}}`, values: '1000x50' },
        ],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'WeaveNetAddressSpaceFilling', exp_alerts: [] },
          { eval_time: '35m', alertname: 'WeaveNetAddressSpaceFilling', exp_alerts: [] },
          {
            eval_time: '45m',
            alertname: 'WeaveNetAddressSpaceFilling',
            exp_alerts: [{
              exp_labels: { job: 'weave', severity: 'warning' },
              exp_annotations: { summary: 'More than 90% of the Weave Net IP address space is in use' },
            }],
          },
        ],
      }],
    }));
    expect(output).toContain('SUCCESS');
  });

  test('synthesis prints no warning: no endpoint listens on every interface', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      weaveNet();
      expect(printedBesidesWebAuth(warn)).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
