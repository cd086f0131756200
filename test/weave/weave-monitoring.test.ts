import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AlertingRule, PrometheusStack, RuleGroup, ScrapeJob, ServiceDiscovery } from '../../src';
import {
  WeaveConnectionState, WeaveDiscovery, WeaveIpFamily, WeaveMetrics, WeaveMonitoring, WeaveMonitoringProps, WeaveStatusAddress,
} from '../../src/integrations/weave';
import { promqlSyntaxError } from '../../src/model/prometheus/promql';
import { findObject, findObjects } from '../harness';
import { expectError, jobNamed, newChart, onlyConfig, printedBesidesWebAuth, synthAndCheck, warningsBesidesWebAuth } from '../util';

const ROUTER_RELABELS = (port: number, namespace = 'kube-system') => [
  { source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_label_name'], regex: `${namespace};weave-net`, action: 'keep' },
  { source_labels: ['__meta_kubernetes_pod_container_name'], regex: 'weave', action: 'keep' },
  { source_labels: ['__meta_kubernetes_pod_ip'], regex: '([^:]+)', target_label: '__address__', replacement: `\${1}:${port}`, action: 'replace' },
  { source_labels: ['__meta_kubernetes_pod_ip'], regex: '(.*:.*)', target_label: '__address__', replacement: `[\${1}]:${port}`, action: 'replace' },
  { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node', action: 'replace' },
  { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
];

const NPC_ALERTS = ['WeaveNetBlockedConnectionsHigh', 'WeaveNetPolicyEnforcementErrors'];
const ROUTER_ALERTS = [
  'WeaveNetRouterAbsent', 'WeaveNetRouterDown', 'WeaveNetRouterIsolated', 'WeaveNetPeerConnectionsFailing',
  'WeaveNetPeerConnectionsStuck', 'WeaveNetConnectionTerminationsHigh', 'WeaveNetIpamPendingAllocates',
  'WeaveNetIpamPendingClaims', 'WeaveNetIpamUnreachableSpace', 'WeaveNetIpamSplitBrain', 'WeaveNetFastDpFlowsOff',
];
const ALL_ALERTS = [...ROUTER_ALERTS, ...NPC_ALERTS];

/** A chart with a stack and a WeaveMonitoring with the given props. */
function build(props: Partial<WeaveMonitoringProps> = {}) {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  const weave = new WeaveMonitoring(chart, 'weave', { stack, ...props });
  return { chart, stack, weave };
}

function synthConfig(props: Partial<WeaveMonitoringProps> = {}) {
  const { chart } = build(props);
  return onlyConfig(synthAndCheck(chart));
}

function rules(chart: Chart): any[] {
  const cm = findObject(synthAndCheck(chart).objects, 'ConfigMap');
  return YAML.parse(cm.data['rules.yml']).groups;
}

const alertNames = (groups: any[]) => groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
const jobNames = (config: any) => config.scrape_configs.map((j: any) => j.job_name);

/** The DaemonSet of weave's manifest (the one the example includes), as a plain object. */
function weaveNetManifest(): any {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'weave-net', 'weave-net.yaml'), 'utf8'));
  return docs.map((d) => d.toJSON()).find((o) => o.kind === 'DaemonSet');
}

function addDaemonSet(chart: Chart, change: (ds: any) => void = () => undefined): ApiObject {
  const ds = weaveNetManifest();
  change(ds);
  return new ApiObject(chart, 'weave-net', ds);
}

const container = (ds: any, name: string) => ds.spec.template.spec.containers.find((c: any) => c.name === name);

describe('zero config', () => {
  test('gives the document\'s Kubernetes set-up, pinned exactly', () => {
    const { chart } = build();
    const out = synthAndCheck(chart);
    expect(out.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`)).toEqual([
      'ServiceAccount/default', 'ConfigMap/default', 'Deployment/default', 'Service/default', 'NetworkPolicy/default',
      'Role/kube-system', 'RoleBinding/kube-system',
    ]);
    // What WeaveMonitoring adds to the stack (the stack's own objects are pinned by its tests).
    const config = onlyConfig(out);
    expect({
      scrapeJobs: config.scrape_configs.filter((j: any) => j.job_name !== 'prometheus'),
      ruleFiles: config.rule_files,
      rules: findObject(out.objects, 'ConfigMap').data['rules.yml'],
      rbac: [findObject(out.objects, 'Role'), findObject(out.objects, 'RoleBinding')],
    }).toMatchSnapshot();
  });

  test('discovers the weave-net pods of kube-system only, filtered by the API server', () => {
    const config = synthConfig();
    for (const name of ['weave', 'weave-npc']) {
      expect(jobNamed(config, name).kubernetes_sd_configs).toEqual([{
        role: 'pod',
        namespaces: { names: ['kube-system'] },
        selectors: [{ role: 'pod', label: 'name=weave-net' }],
      }]);
    }
  });

  test('relabels as the document does: keep kube-system;weave-net, <pod ip>:6782, with IPv6 bracketed', () => {
    const config = synthConfig();
    expect(jobNamed(config, 'weave').relabel_configs).toEqual(ROUTER_RELABELS(6782));
  });

  test('scrapes weave-npc on 6781 in a job of its own, so its job label is weave-npc as in the document', () => {
    const config = synthConfig();
    expect(jobNames(config)).toEqual(['prometheus', 'weave', 'weave-npc']);
    const npc = jobNamed(config, 'weave-npc').relabel_configs;
    expect(npc[1]).toEqual({ source_labels: ['__meta_kubernetes_pod_container_name'], regex: 'weave-npc', action: 'keep' });
    expect(npc[2].replacement).toBe('${1}:6781');
    expect(npc[3].replacement).toBe('[${1}]:6781');
  });

  test('scrapes every 15 seconds, as the document does', () => {
    const config = synthConfig();
    expect(jobNamed(config, 'weave').scrape_interval).toBe('15s');
    expect(jobNamed(config, 'weave-npc').scrape_interval).toBe('15s');
  });

  test('grants read access to pods in kube-system with a Role, no ClusterRole', () => {
    const { chart, stack } = build();
    const { objects } = synthAndCheck(chart);
    expect(findObjects(objects, 'ClusterRole')).toHaveLength(0);
    const role = findObject(objects, 'Role');
    expect(role.metadata.namespace).toBe('kube-system');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    const binding = findObject(objects, 'RoleBinding');
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: stack.serviceAccountName, namespace: 'default' }]);
    expect(findObject(objects, 'Deployment').spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('adds the alerts as a rule group named after the router job', () => {
    const { chart } = build();
    const groups = rules(chart);
    expect(groups.map((g: any) => g.name)).toEqual(['weave']);
    expect(alertNames(groups)).toEqual(ALL_ALERTS);
  });

  test('exposes the jobs and the rule group it added to the stack', () => {
    const { stack, weave } = build();
    expect(stack.config.findScrapeJob('weave')).toBe(weave.routerJob);
    expect(stack.config.findScrapeJob('weave-npc')).toBe(weave.npcJob);
    expect(stack.config.ruleGroups).toEqual([weave.ruleGroup]);
    expect(weave.routerPort).toBe(6782);
    expect(weave.npcPort).toBe(6781);
    expect(weave.scrapeInterval.toSeconds()).toBe(15);
    expect(weave.discovery.isKubernetes).toBe(true);
  });

  test('every alert expression parses with Prometheus\'s grammar, whatever the job names (the rules are built without that check)', () => {
    const { weave } = build({
      routerJobName: 'weave "router" \\ 1', npcJobName: 'npc\'s', fastDpFlowsMinimum: 1000000, ipamUnreachablePercent: 99.5, blockedConnectionsPerSecond: 0,
    });
    const exprs = weave.ruleGroup!.rules.map((r) => r._render().expr as string);
    expect(exprs).toHaveLength(ALL_ALERTS.length + 1); // and FastDpFlowsLow, which needs a minimum
    expect(exprs.filter((e) => promqlSyntaxError(e) !== undefined)).toEqual([]);
    expect(exprs[0]).toContain('job="weave \\"router\\" \\\\ 1"');
  });

  test('synthesis is deterministic', () => {
    const synth = () => JSON.stringify(Testing.synth(build({ discovery: WeaveDiscovery.kubernetes({ podLabels: { tier: 'net', name: 'weave-net' } }) }).chart));
    expect(synth()).toBe(synth());
  });
});

describe('props', () => {
  test('stack: the jobs go to the given stack only', () => {
    const chart = newChart();
    // Another nodePort: two Services cannot both take the default 30900.
    const other = new PrometheusStack(chart, 'other', { metadata: { namespace: 'other' }, nodePort: 30901 });
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    new WeaveMonitoring(chart, 'weave', { stack });
    const configs = synthAndCheck(chart).prometheusConfigs;
    expect(jobNames(configs[stack.configMapName])).toEqual(['prometheus', 'weave', 'weave-npc']);
    expect(jobNames(configs[other.configMapName])).toEqual(['prometheus']);
  });

  test('discovery.namespaceName: watches that namespace, with a Role there', () => {
    const { chart } = build({ discovery: WeaveDiscovery.kubernetes({ namespaceName: 'weave' }) });
    const out = synthAndCheck(chart);
    const job = jobNamed(onlyConfig(out), 'weave');
    expect(job.kubernetes_sd_configs[0].namespaces).toEqual({ names: ['weave'] });
    expect(job.relabel_configs).toEqual(ROUTER_RELABELS(6782, 'weave'));
    expect(findObject(out.objects, 'Role').metadata.namespace).toBe('weave');
  });

  test('discovery.podLabels: selector and keep rule over every label, sanitized and sorted', () => {
    const config = synthConfig({
      discovery: WeaveDiscovery.kubernetes({ podLabels: { 'tier': 'network', 'app.kubernetes.io/name': 'weave-net' } }),
    });
    const job = jobNamed(config, 'weave');
    expect(job.kubernetes_sd_configs[0].selectors).toEqual([{ role: 'pod', label: 'app.kubernetes.io/name=weave-net,tier=network' }]);
    expect(job.relabel_configs[0]).toEqual({
      source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_label_app_kubernetes_io_name', '__meta_kubernetes_pod_label_tier'],
      regex: 'kube-system;weave-net;network',
      action: 'keep',
    });
  });

  test('discovery.podLabels: dots in values are matched literally', () => {
    const config = synthConfig({ discovery: WeaveDiscovery.kubernetes({ podLabels: { name: 'weave.net' } }) });
    expect(jobNamed(config, 'weave').relabel_configs[0].regex).toBe('kube-system;weave\\.net');
  });

  test('discovery.routerTargets: the document\'s static configuration, ports added, IPv6 bracketed, no RBAC', () => {
    const { chart, weave } = build({
      discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21', 'weave-1.example.com:9782', 'fd00::21', '[fd00::22]:6782', '10.0.0.21:6782'] }),
    });
    const out = synthAndCheck(chart);
    expect(jobNamed(onlyConfig(out), 'weave')).toEqual({
      job_name: 'weave',
      scrape_interval: '15s',
      static_configs: [{ targets: ['10.0.0.21:6782', 'weave-1.example.com:9782', '[fd00::21]:6782', '[fd00::22]:6782'] }],
    });
    expect(findObjects(out.objects, 'Role')).toHaveLength(0);
    expect(findObjects(out.objects, 'ClusterRole')).toHaveLength(0);
    expect(weave.discovery.isKubernetes).toBe(false);
  });

  test('discovery without npcTargets: no weave-npc job and no blocked-connections alert', () => {
    const { chart, weave } = build({ discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'] }) });
    expect(weave.npcJob).toBeUndefined();
    expect(alertNames(rules(chart))).toEqual(ROUTER_ALERTS);
  });

  test('discovery.npcTargets: a weave-npc job at those targets, port 6781 by default', () => {
    const config = synthConfig({ discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'], npcTargets: ['10.0.0.21'] }) });
    expect(jobNamed(config, 'weave-npc').static_configs).toEqual([{ targets: ['10.0.0.21:6781'] }]);
  });

  test('scrapeInterval', () => {
    const config = synthConfig({ scrapeInterval: Duration.seconds(30) });
    expect(jobNamed(config, 'weave').scrape_interval).toBe('30s');
    expect(jobNamed(config, 'weave-npc').scrape_interval).toBe('30s');
  });

  test('scrapeInterval of exactly 1s is allowed', () => {
    expect(jobNamed(synthConfig({ scrapeInterval: Duration.seconds(1) }), 'weave').scrape_interval).toBe('1s');
  });

  test('routerPort: the address rewrite and the default static port', () => {
    expect(jobNamed(synthConfig({ routerPort: 7782 }), 'weave').relabel_configs).toEqual(ROUTER_RELABELS(7782));
    const config = synthConfig({ routerPort: 7782, discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'] }) });
    expect(jobNamed(config, 'weave').static_configs).toEqual([{ targets: ['10.0.0.21:7782'] }]);
  });

  test('npcPort', () => {
    const relabels = jobNamed(synthConfig({ npcPort: 7781 }), 'weave-npc').relabel_configs;
    expect(relabels.map((r: any) => r.replacement).filter(Boolean)).toEqual(['${1}:7781', '[${1}]:7781']);
  });

  test('networkPolicyController: false drops the weave-npc job and its alert', () => {
    const { chart, weave } = build({ networkPolicyController: false });
    expect(weave.npcJob).toBeUndefined();
    const out = synthAndCheck(chart);
    expect(jobNames(onlyConfig(out))).toEqual(['prometheus', 'weave']);
    expect(alertNames(YAML.parse(findObject(out.objects, 'ConfigMap').data['rules.yml']).groups)).toEqual(ROUTER_ALERTS);
  });

  test('routerJobName and npcJobName: the job names, the alerts\' selectors and the group name', () => {
    const { chart } = build({ routerJobName: 'weave-router', npcJobName: 'weave-policy' });
    const out = synthAndCheck(chart);
    expect(jobNames(onlyConfig(out))).toEqual(['prometheus', 'weave-router', 'weave-policy']);
    const groups = YAML.parse(findObject(out.objects, 'ConfigMap').data['rules.yml']).groups;
    expect(groups.map((g: any) => g.name)).toEqual(['weave-router']);
    const exprs = groups[0].rules.map((r: any) => r.expr);
    expect(exprs.slice(0, 2)).toEqual(['absent(up{job="weave-router"})', 'up{job="weave-router"} == 0']);
    expect(exprs.slice(-2).map((e: string) => /\{job="[^"]+"\}/.exec(e)?.[0])).toEqual(['{job="weave-policy"}', '{job="weave-policy"}']);
    expect(exprs.filter((e: string) => e.includes('weave-router')).length).toBe(ROUTER_ALERTS.length);
  });

  test('alerts: false adds no rule group', () => {
    const { chart, weave } = build({ alerts: false });
    expect(weave.ruleGroup).toBeUndefined();
    const out = synthAndCheck(chart);
    expect(onlyConfig(out).rule_files).toBeUndefined();
    expect(findObject(out.objects, 'ConfigMap').data['rules.yml']).toBeUndefined();
  });

  test('ipamUnreachablePercent', () => {
    const { chart } = build({ ipamUnreachablePercent: 25 });
    const rule = rules(chart)[0].rules.find((r: any) => r.alert === 'WeaveNetIpamUnreachableSpace');
    expect(rule.expr).toBe('max by (job) (weave_ipam_unreachable_percentage{job="weave"}) > 25');
  });

  test('blockedConnectionsPerSecond', () => {
    const { chart } = build({ blockedConnectionsPerSecond: 0.5 });
    const rule = rules(chart)[0].rules.find((r: any) => r.alert === 'WeaveNetBlockedConnectionsHigh');
    expect(rule.expr).toBe('sum without (protocol, dport) (rate(weavenpc_blocked_connections_total{job="weave-npc"}[5m])) > 0.5');
  });

  test('fastDpFlowsMinimum adds WeaveNetFastDpFlowsLow over the job\'s flows', () => {
    const { chart } = build({ fastDpFlowsMinimum: 15000 });
    const rule = rules(chart)[0].rules.find((r: any) => r.alert === 'WeaveNetFastDpFlowsLow');
    expect(rule.expr).toBe('sum by (job) (weave_flows{job="weave"}) < 15000');
    expect(alertNames(rules(build().chart))).not.toContain('WeaveNetFastDpFlowsLow');
  });

  test('the rule group takes more rules', () => {
    const { chart, weave } = build();
    weave.ruleGroup!.addRule(new AlertingRule({
      alert: 'WeaveNetNoFastDp',
      expr: `${WeaveMetrics.FLOWS}{job="weave"} == 0`,
      forDuration: Duration.hours(1),
    }));
    expect(alertNames(rules(chart))).toEqual([...ALL_ALERTS, 'WeaveNetNoFastDp']);
  });

  test('two WeaveMonitorings share a stack: Kubernetes and static hosts, each alerting on its own jobs', () => {
    const { chart, stack } = build();
    new WeaveMonitoring(chart, 'weave-hosts', {
      stack,
      discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'] }),
      routerJobName: 'weave-hosts',
    });
    const groups = rules(chart);
    expect(groups.map((g: any) => g.name)).toEqual(['weave', 'weave-hosts']);
    expect(groups[1].rules.find((r: any) => r.alert === 'WeaveNetRouterDown').expr).toBe('up{job="weave-hosts"} == 0');
  });
});

describe('metric names', () => {
  // The names, labels and states of weave 2.8.1, parsed from its source (see the fixture's header).
  const UPSTREAM = YAML.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'weave-metrics-v2.8.1.yaml'), 'utf8'));
  const upstreamNames = (list: any[]) => list.map((m: any) => m.name);

  test('are the names the router exposes (prog/weaver/metrics.go), each once', () => {
    expect([...WeaveMetrics.ROUTER_METRICS].sort()).toEqual(upstreamNames(UPSTREAM.router).sort());
    expect(new Set(WeaveMetrics.ROUTER_METRICS).size).toBe(WeaveMetrics.ROUTER_METRICS.length);
  });

  test('are the names weave-npc exposes (npc/metrics/metrics.go)', () => {
    expect(WeaveMetrics.NPC_METRICS).toEqual(upstreamNames(UPSTREAM.npc));
    expect(WeaveMetrics.NPC_BLOCKED_CONNECTIONS_TOTAL).toBe(UPSTREAM.npc[0].name);
    expect(WeaveMetrics.NPC_POLICY_ENFORCEMENT_ERRORS).toBe(UPSTREAM.npc[1].name);
  });

  test('each constant names an upstream metric of the kind and labels its documentation gives', () => {
    const byName = new Map<string, any>([...UPSTREAM.router, ...UPSTREAM.npc].map((m: any) => [m.name, m]));
    const constants = Object.entries(WeaveMetrics).filter(([, v]) => typeof v === 'string') as Array<[string, string]>;
    for (const [key, name] of constants) {
      expect([key, byName.has(name)]).toEqual([key, true]);
    }
    // The labels the docs (and the rules) rely on.
    expect(byName.get(WeaveMetrics.CONNECTIONS).labels).toEqual(['state', 'type', 'encryption']);
    expect(byName.get(WeaveMetrics.IPS).labels).toEqual(['state']);
    expect(byName.get(WeaveMetrics.NPC_BLOCKED_CONNECTIONS_TOTAL).labels).toEqual(['protocol', 'dport']);
    expect(byName.get(WeaveMetrics.CONNECTION_TERMINATIONS_TOTAL).kind).toBe('counter');
    expect(byName.get(WeaveMetrics.NPC_POLICY_ENFORCEMENT_ERRORS).kind).toBe('counter');
    expect(byName.get(WeaveMetrics.FLOWS).kind).toBe('gauge');
  });

  test('the connection states are the ones weave_connections is emitted for (prog/weaver/http.go allConnectionStates)', () => {
    expect([WeaveConnectionState.ESTABLISHED, WeaveConnectionState.PENDING, WeaveConnectionState.RETRYING,
      WeaveConnectionState.FAILED, WeaveConnectionState.CONNECTING]).toEqual(UPSTREAM.connectionStates);
  });

  test('build rules that promtool accepts', () => {
    const { chart, stack } = build({ alerts: false });
    stack.addRuleGroup(new RuleGroup({
      name: 'weave-custom',
      rules: [new AlertingRule({
        alert: 'WeaveNetAddressSpaceFilling',
        expr: `sum(${WeaveMetrics.IPS}) / max(${WeaveMetrics.MAX_IPS}) > 0.9`,
      })],
    }));
    expect(alertNames(rules(chart))).toEqual(['WeaveNetAddressSpaceFilling']);
  });
});

describe('patchDaemonSet', () => {
  test('publishes the router and weave-npc on the node IP from the downward API', () => {
    const { chart, weave } = build();
    const ds = addDaemonSet(chart);
    weave.patchDaemonSet(ds);
    const out = findObject(synthAndCheck(chart).objects, 'DaemonSet');
    const nodeIp = { name: 'WEAVE_NODE_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } };
    expect(container(out, 'weave').env).toEqual([
      { name: 'INIT_CONTAINER', value: 'true' },
      { name: 'HOSTNAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
      nodeIp,
      { name: 'WEAVE_METRICS_ADDR', value: '$(WEAVE_NODE_IP):6782' },
    ]);
    expect(container(out, 'weave-npc').env).toEqual([
      { name: 'HOSTNAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
      nodeIp,
    ]);
    expect(container(out, 'weave-npc').args).toEqual(['--metrics-addr=$(WEAVE_NODE_IP):6781']);
    expect(out.spec.template.spec.initContainers[0].env).toBeUndefined();
  });

  test('brackets the node IP for IPv6 nodes', () => {
    const { chart, weave } = build();
    weave.patchDaemonSet(addDaemonSet(chart), WeaveStatusAddress.nodeIp({ ipFamily: WeaveIpFamily.IPV6 }));
    const out = findObject(synthAndCheck(chart).objects, 'DaemonSet');
    expect(container(out, 'weave').env.at(-1)).toEqual({ name: 'WEAVE_METRICS_ADDR', value: '[$(WEAVE_NODE_IP)]:6782' });
    expect(container(out, 'weave-npc').args).toEqual(['--metrics-addr=[$(WEAVE_NODE_IP)]:6781']);
  });

  test('uses the ports of the jobs', () => {
    const { chart, weave } = build({ routerPort: 7782, npcPort: 7781 });
    weave.patchDaemonSet(addDaemonSet(chart));
    const out = findObject(synthAndCheck(chart).objects, 'DaemonSet');
    expect(container(out, 'weave').env.at(-1).value).toBe('$(WEAVE_NODE_IP):7782');
    expect(container(out, 'weave-npc').args).toEqual(['--metrics-addr=$(WEAVE_NODE_IP):7781']);
  });

  test('replaces earlier settings, so the node IP is defined before its use', () => {
    const { chart, weave } = build();
    const ds = addDaemonSet(chart, (d) => {
      container(d, 'weave').env.unshift({ name: 'WEAVE_METRICS_ADDR', value: '0.0.0.0:6782' });
      container(d, 'weave-npc').args = ['--log-level=info', '--metrics-addr', ':6781', '--metrics-addr=:9999', '--allow-mcast'];
    });
    weave.patchDaemonSet(ds);
    const out = findObject(synthAndCheck(chart).objects, 'DaemonSet');
    expect(container(out, 'weave').env.map((e: any) => e.name)).toEqual(['INIT_CONTAINER', 'HOSTNAME', 'WEAVE_NODE_IP', 'WEAVE_METRICS_ADDR']);
    expect(container(out, 'weave').env.filter((e: any) => e.name === 'WEAVE_METRICS_ADDR')).toEqual([{ name: 'WEAVE_METRICS_ADDR', value: '$(WEAVE_NODE_IP):6782' }]);
    expect(container(out, 'weave-npc').args).toEqual(['--log-level=info', '--allow-mcast', '--metrics-addr=$(WEAVE_NODE_IP):6781']);
  });

  test('patches the router only when the DaemonSet has no weave-npc', () => {
    const { chart, weave } = build({ networkPolicyController: false });
    const ds = addDaemonSet(chart, (d) => {
      d.spec.template.spec.containers = d.spec.template.spec.containers.filter((c: any) => c.name !== 'weave-npc');
    });
    weave.patchDaemonSet(ds);
    const out = findObject(synthAndCheck(chart).objects, 'DaemonSet');
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['weave']);
    expect(container(out, 'weave').env.at(-1)).toEqual({ name: 'WEAVE_METRICS_ADDR', value: '$(WEAVE_NODE_IP):6782' });
  });

  test('allInterfaces listens on 0.0.0.0 and warns once, at synthesis', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { chart, weave } = build();
      weave.patchDaemonSet(addDaemonSet(chart), WeaveStatusAddress.allInterfaces());
      expect(printedBesidesWebAuth(warn)).toEqual([]);
      const out = findObject(synthAndCheck(chart).objects, 'DaemonSet');
      expect(container(out, 'weave').env.at(-1)).toEqual({ name: 'WEAVE_METRICS_ADDR', value: '0.0.0.0:6782' });
      expect(container(out, 'weave').env.map((e: any) => e.name)).not.toContain('WEAVE_NODE_IP');
      expect(container(out, 'weave-npc').args).toEqual(['--metrics-addr=0.0.0.0:6781']);
      expect(printedBesidesWebAuth(warn)).toHaveLength(1);
      expect(printedBesidesWebAuth(warn)[0]).toBe('[WARNING] test/weave: Setting WEAVE_METRICS_ADDR=0.0.0.0:6782 and weave-npc --metrics-addr=0.0.0.0:6781 '
        + 'publishes the Weave Net metrics on every interface of the host, which may expose them to the public internet: no '
        + 'NetworkPolicy applies to the host network. Prefer WeaveStatusAddress.nodeIp() (DaemonSet) or WeaveStatusAddress.ip() '
        + '(weave launch), or firewall the ports.');
      expect(warningsBesidesWebAuth(weave)).toHaveLength(1);
      Testing.synth(chart);
      expect(printedBesidesWebAuth(warn)).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });

  test('does not warn for the node IP', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { chart, weave } = build();
      weave.patchDaemonSet(addDaemonSet(chart));
      synthAndCheck(chart);
      expect(printedBesidesWebAuth(warn)).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('launchEnvironment', () => {
  test('gives the WEAVE_STATUS_ADDR setting for a weave launch host, with the router port', () => {
    const { weave } = build({ routerPort: 7782, discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'] }) });
    expect(weave.launchEnvironment(WeaveStatusAddress.ip('10.0.0.21'))).toBe('WEAVE_STATUS_ADDR=10.0.0.21:7782');
    expect(weave.launchEnvironment(WeaveStatusAddress.ip('fd00::21'))).toBe('WEAVE_STATUS_ADDR=[fd00::21]:7782');
    expect(weave.launchEnvironment(WeaveStatusAddress.ip('[fd00::22]'))).toBe('WEAVE_STATUS_ADDR=[fd00::22]:7782');
  });

  test('allInterfaces gives the document\'s 0.0.0.0 setting, with a warning at synthesis', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { chart, weave } = build({ discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'] }) });
      expect(weave.launchEnvironment(WeaveStatusAddress.allInterfaces())).toBe('WEAVE_STATUS_ADDR=0.0.0.0:6782');
      synthAndCheck(chart);
      expect(printedBesidesWebAuth(warn)).toHaveLength(1);
      expect(printedBesidesWebAuth(warn)[0]).toMatch(/^\[WARNING\] test\/weave: Setting WEAVE_STATUS_ADDR=0\.0\.0\.0:6782 publishes the Weave Net status API and metrics on every interface .* public internet/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('WeaveStatusAddress', () => {
  test('host, node IP and all-interfaces flags, withPort', () => {
    expect(WeaveStatusAddress.nodeIp()).toMatchObject({ host: '$(WEAVE_NODE_IP)', usesNodeIp: true, listensOnAllInterfaces: false });
    expect(WeaveStatusAddress.allInterfaces()).toMatchObject({ host: '0.0.0.0', usesNodeIp: false, listensOnAllInterfaces: true });
    expect(WeaveStatusAddress.ip('10.0.0.21').withPort(6782)).toBe('10.0.0.21:6782');
  });

  test('withPort fails on a port outside 1-65535', () => {
    expectError(() => WeaveStatusAddress.allInterfaces().withPort(0), "WeaveStatusAddress.withPort: 'port' must be a port number in 1-65535, got 0");
  });
});

describe('bad input', () => {
  test.each([0, 65536, 6782.5])('fails on a router port outside 1-65535 (%p)', (port) => {
    expectError(() => build({ routerPort: port }), "test/weave: 'routerPort' must be a port number in 1-65535", `got ${port}`);
  });

  test.each([-1, 70000])('fails on a weave-npc port outside 1-65535 (%p)', (port) => {
    expectError(() => build({ npcPort: port }), "test/weave: 'npcPort' must be a port number in 1-65535", `got ${port}`);
  });

  test('fails on the same port for the router and weave-npc', () => {
    expectError(() => build({ routerPort: 6781 }), "test/weave: 'npcPort' must differ from 'routerPort' (6781)", 'got 6781');
  });

  test('fails on an empty router target list', () => {
    expectError(() => build({ discovery: WeaveDiscovery.staticTargets({ routerTargets: [] }) }),
      "test/weave: 'discovery.routerTargets' must list at least one target, got []");
  });

  test('fails on an empty weave-npc target list', () => {
    expectError(() => build({ discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'], npcTargets: [] }) }),
      "test/weave: 'discovery.npcTargets' must list at least one target, got []");
  });

  test('fails on weave-npc targets when the network policy controller is off', () => {
    expectError(() => build({
      networkPolicyController: false,
      discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'], npcTargets: ['10.0.0.21'] }),
    }), "test/weave: 'discovery.npcTargets' must not be given when 'networkPolicyController' is false", 'got ["10.0.0.21"]');
  });

  test('fails on a target that is both a router and a weave-npc target', () => {
    expectError(() => build({ discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21:6782'], npcTargets: ['10.0.0.21:6782'] }) }),
      "test/weave: 'discovery.npcTargets' must not repeat a router target", "got '10.0.0.21:6782'");
  });

  test.each(['localhost:6782', 'localhost', '127.0.0.1:6782', '[::1]:6782', '::1'])('fails on a loopback target (%s), unreachable from a pod', (target) => {
    expectError(() => build({ discovery: WeaveDiscovery.staticTargets({ routerTargets: [target] }) }),
      "test/weave: 'discovery.routerTargets[0]' must not be a loopback address", `got '${target}'`, 'WEAVE_STATUS_ADDR');
  });

  test('fails on the unspecified address as a target', () => {
    expectError(() => build({ discovery: WeaveDiscovery.staticTargets({ routerTargets: ['0.0.0.0:6782'] }) }),
      "'discovery.routerTargets[0]' must be an address Prometheus can connect to", "got '0.0.0.0:6782'");
  });

  test.each([
    ['http://10.0.0.21:6782', 'without a scheme'],
    ['10.0.0.21:6782/metrics', 'without a path'],
    ['10.0.0.21:0', 'must have a port in 1-65535'],
    ['10.0.0.21:99999', 'must have a port in 1-65535'],
    ['weave_host:6782', 'IPv4 address or a DNS host name'],
    ['10.0.0.256', 'IPv4 address or a DNS host name'],
    ['[10.0.0.21]:6782', 'IPv6 address between the brackets'],
    ['10.0.0.21:6782:1', 'must be host, host:port, an IPv6 address or [IPv6]:port'],
    ['', 'must not be empty'],
  ])('fails on a malformed target (%p)', (target, fragment) => {
    expectError(() => build({ discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.22', target] }) }),
      "test/weave: 'discovery.routerTargets[1]'", fragment, `got '${target}'`);
  });

  test('fails on a scrape interval under 1 second', () => {
    expectError(() => build({ scrapeInterval: Duration.millis(500) }), "test/weave: 'scrapeInterval' must be at least 1s, got '500ms'");
  });

  test('fails on a scrape interval that is not a whole number of milliseconds', () => {
    expectError(() => build({ scrapeInterval: Duration.millis(1000.5) }), "test/weave: 'scrapeInterval' must be a whole number of milliseconds");
  });

  test('fails on an empty job name', () => {
    expectError(() => build({ routerJobName: '' }), "test/weave: 'routerJobName' must not be empty, got ''");
  });

  test('fails on the same name for both jobs', () => {
    expectError(() => build({ npcJobName: 'weave' }), "test/weave: 'npcJobName' must differ from 'routerJobName', got 'weave'");
  });

  test('fails on a job name the stack already has, naming the prop to change', () => {
    const { chart, stack } = build();
    expectError(() => new WeaveMonitoring(chart, 'weave-hosts', { stack, discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'] }) }),
      "test/weave-hosts: 'routerJobName' must be unique in the stack 'test/prometheus'", "got 'weave'. Give this WeaveMonitoring another 'routerJobName'");
  });

  test('fails on a rule group name the stack already has', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addRuleGroup(new RuleGroup({ name: 'weave', rules: [new AlertingRule({ alert: 'A', expr: 'up == 0' })] }));
    expectError(() => new WeaveMonitoring(chart, 'weave', { stack }),
      "test/weave: 'routerJobName' names the rule group, and the stack 'test/prometheus' already has a group of that name, got 'weave'");
  });

  test('a job of another name in the stack is no clash', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addScrapeJob(new ScrapeJob({ jobName: 'node', discovery: [ServiceDiscovery.staticTargets({ targets: ['10.0.0.1:9100'] })] }));
    new WeaveMonitoring(chart, 'weave', { stack });
    expect(jobNames(onlyConfig(synthAndCheck(chart)))).toEqual(['prometheus', 'node', 'weave', 'weave-npc']);
  });

  test('fails on a namespace that is not a DNS label', () => {
    expectError(() => build({ discovery: WeaveDiscovery.kubernetes({ namespaceName: 'Kube_System' }) }),
      "test/weave: 'discovery.namespaceName' must be a DNS-1123 label", "got 'Kube_System'");
  });

  test('fails on empty pod labels', () => {
    expectError(() => build({ discovery: WeaveDiscovery.kubernetes({ podLabels: {} }) }),
      "test/weave: 'discovery.podLabels' must have at least one label", 'got {}');
  });

  test('fails on a pod label key that Kubernetes refuses', () => {
    expectError(() => build({ discovery: WeaveDiscovery.kubernetes({ podLabels: { 'bad key': 'weave-net' } }) }),
      "test/weave: 'discovery.podLabels.bad key' must be a Kubernetes label key", "got 'bad key'");
  });

  test('fails on a pod label value that Kubernetes refuses', () => {
    expectError(() => build({ discovery: WeaveDiscovery.kubernetes({ podLabels: { name: 'weave net' } }) }),
      "test/weave: 'discovery.podLabels.name' must be a non-empty Kubernetes label value", "got 'weave net'");
  });

  test.each([100, -1, Number.NaN])('fails on an unreachable-space threshold outside 0-100 (%p)', (percent) => {
    expectError(() => build({ ipamUnreachablePercent: percent }), "test/weave: 'ipamUnreachablePercent' must be a percentage in 0-100", `got ${percent}`);
  });

  test.each([0, 1.5, -3])('fails on a fast datapath flow minimum that is not a whole number from 1 (%p)', (minimum) => {
    expectError(() => build({ fastDpFlowsMinimum: minimum }), "test/weave: 'fastDpFlowsMinimum' must be a whole number of flows, 1 or more", `got ${minimum}`);
  });

  test('fails on a negative blocked-connections threshold', () => {
    expectError(() => build({ blockedConnectionsPerSecond: -1 }), "test/weave: 'blockedConnectionsPerSecond' must be a number of connections per second, 0 or more, got -1");
  });

  test('patchDaemonSet fails on an object that is not a DaemonSet', () => {
    const { chart, weave } = build();
    const deployment = new ApiObject(chart, 'deploy', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } });
    expectError(() => weave.patchDaemonSet(deployment), "test/weave: 'daemonSet' must be a DaemonSet, got 'Deployment test/deploy'");
  });

  test('patchDaemonSet fails on a DaemonSet without a weave container', () => {
    const { chart, weave } = build();
    const ds = addDaemonSet(chart, (d) => { container(d, 'weave').name = 'router'; });
    expectError(() => weave.patchDaemonSet(ds), "test/weave: 'daemonSet' must have a container named 'weave'", 'got ["router","weave-npc"]');
  });

  test('patchDaemonSet fails on a DaemonSet outside the discovered namespace', () => {
    const { chart, weave } = build();
    const ds = addDaemonSet(chart, (d) => { d.metadata.namespace = 'weave'; });
    expectError(() => weave.patchDaemonSet(ds), "test/weave: 'daemonSet' must be in the discovered namespace 'kube-system', got 'weave'");
  });

  test('patchDaemonSet fails on a DaemonSet whose pods lack the discovered labels', () => {
    const { chart, weave } = build();
    const ds = addDaemonSet(chart, (d) => { d.spec.template.metadata.labels = { app: 'weave' }; });
    expectError(() => weave.patchDaemonSet(ds), "test/weave: 'daemonSet' must label its pods name=weave-net", 'got {"app":"weave"}');
  });

  test('patchDaemonSet fails on a fixed IP, which exists on one node only', () => {
    const { chart, weave } = build();
    expectError(() => weave.patchDaemonSet(addDaemonSet(chart), WeaveStatusAddress.ip('10.0.0.21')),
      "test/weave: 'address' must be WeaveStatusAddress.nodeIp() or allInterfaces() for a DaemonSet", "got '10.0.0.21'");
  });

  test('launchEnvironment fails on the node IP, which exists only in a pod', () => {
    const { weave } = build();
    expectError(() => weave.launchEnvironment(WeaveStatusAddress.nodeIp()),
      "test/weave: 'address' must be a fixed IP or every interface for a `weave launch` host", "got '$(WEAVE_NODE_IP)'");
  });

  test.each([
    ['10.0.0', 'must be an IPv4 or IPv6 address'],
    ['weave-1.example.com', 'must be an IPv4 or IPv6 address'],
    ['0.0.0.0', 'Use WeaveStatusAddress.allInterfaces()'],
    ['::', 'Use WeaveStatusAddress.allInterfaces()'],
    ['127.0.0.1', 'must not be a loopback address'],
    ['::1', 'must not be a loopback address'],
  ])('WeaveStatusAddress.ip fails on %p', (address, fragment) => {
    expectError(() => WeaveStatusAddress.ip(address), "WeaveStatusAddress.ip: 'address'", fragment, `got '${address}'`);
  });
});
