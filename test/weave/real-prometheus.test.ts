// WeaveMonitoring's jobs run by a real Prometheus: the relabelling of the discovered jobs over
// synthetic weave-net pods, and the static job scraping a local endpoint that serves Weave Net
// router metrics, with the alert rules loaded and evaluated and the Grafana dashboard's queries run.
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { connectionExposition, established, unreached } from './weave-collector';
import { Grafana, GrafanaAdminCredentials, PrometheusStack } from '../../src';
import { WeaveDiscovery, WeaveMetrics, WeaveMonitoring } from '../../src/integrations/weave';
import { findObject, relabel, relabelCaseFromJob, RelabelTarget, startMetricsServer, startPrometheus } from '../harness';
import { jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';

interface Pod {
  readonly container: string;
  readonly ip: string;
  /** `__address__` as the pod role sets it: the bare pod IP, or ip:port for a declared port. */
  readonly address?: string;
  readonly namespace?: string;
  /** The `name` label; null for a pod without it. */
  readonly label?: string | null;
  readonly pod?: string;
  readonly node?: string;
  readonly init?: boolean;
}

/** A target as Prometheus's pod role yields it for a container of the hostNetwork weave-net DaemonSet. */
function podTarget(p: Pod): RelabelTarget {
  const labels: Record<string, string> = {
    __meta_kubernetes_namespace: p.namespace ?? 'kube-system',
    __meta_kubernetes_pod_name: p.pod ?? 'weave-net-a1b2c',
    __meta_kubernetes_pod_ip: p.ip,
    __meta_kubernetes_pod_host_ip: p.ip,
    __meta_kubernetes_pod_node_name: p.node ?? 'node-1',
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_container_name: p.container,
    __meta_kubernetes_pod_container_image: `docker.io/weaveworks/${p.container === 'weave-npc' ? 'weave-npc' : 'weave-kube'}:2.8.1`,
    __meta_kubernetes_pod_container_init: p.init ? 'true' : 'false',
    __meta_kubernetes_pod_controller_kind: 'DaemonSet',
    __meta_kubernetes_pod_controller_name: 'weave-net',
    __meta_kubernetes_pod_uid: '3f1c0a52-8b7e-4c1d-9a3e-2d6f5b4e7c10',
  };
  if (p.label !== null) {
    labels.__meta_kubernetes_pod_label_name = p.label ?? 'weave-net';
    labels.__meta_kubernetes_pod_labelpresent_name = 'true';
  }
  return { address: p.address ?? p.ip, labels };
}

const PODS: Array<[string, Pod]> = [
  ['router, IPv4', { container: 'weave', ip: '10.0.1.5', pod: 'weave-net-aaaaa', node: 'node-1' }],
  ['weave-npc, IPv4', { container: 'weave-npc', ip: '10.0.1.5', pod: 'weave-net-aaaaa', node: 'node-1' }],
  ['router, IPv6', { container: 'weave', ip: 'fd00:10:0:1::6', pod: 'weave-net-bbbbb', node: 'node-2' }],
  ['weave-npc, IPv6', { container: 'weave-npc', ip: 'fd00:10:0:1::6', pod: 'weave-net-bbbbb', node: 'node-2' }],
  ['router, IPv4 with a port in the address', { container: 'weave', ip: '10.0.1.7', address: '10.0.1.7:8080', pod: 'weave-net-ccccc', node: 'node-3' }],
  ['router, IPv6 with a port in the address', { container: 'weave', ip: 'fd00:10:0:1::8', address: '[fd00:10:0:1::8]:8080', pod: 'weave-net-ddddd', node: 'node-4' }],
  ['init container', { container: 'weave-init', ip: '10.0.1.5', init: true }],
  ['wrong namespace', { container: 'weave', ip: '10.0.1.9', namespace: 'default' }],
  ['wrong label', { container: 'weave', ip: '10.0.1.10', label: 'weave-scope' }],
  ['no label', { container: 'weave', ip: '10.0.1.11', label: null }],
];
const targets = PODS.map(([, p]) => podTarget(p));

/** The seed's relabelling (Prometheus 1.3 era), for comparison. */
const SEED_RELABELS = [
  { source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_label_name'], action: 'keep', regex: '^kube-system;weave-net$' },
  { source_labels: ['__meta_kubernetes_pod_container_name', '__address__'], action: 'replace', target_label: '__address__', regex: '^weave;(.+?)(?::\\d+)?$', replacement: '$1:6782' },
  { source_labels: ['__meta_kubernetes_pod_container_name', '__address__'], action: 'replace', target_label: '__address__', regex: '^weave-npc;(.+?)(?::\\d+)?$', replacement: '$1:6781' },
  { source_labels: ['__meta_kubernetes_pod_container_name'], action: 'replace', target_label: 'job' },
];

// The two Prometheus tests run concurrently: each waits ~5 s for target discovery.
describe('a real Prometheus', () => {
  test.concurrent('keeps the weave and weave-npc containers of the weave-net pods, at <pod ip>:port, IPv6 bracketed', async () => {
    const chart = newChart();
    new WeaveMonitoring(chart, 'weave', { stack: new PrometheusStack(chart, 'prometheus') });
    const config = onlyConfig(synthAndCheck(chart));
    const [router, npc, seed] = await relabel([
      relabelCaseFromJob(jobNamed(config, 'weave'), targets),
      relabelCaseFromJob(jobNamed(config, 'weave-npc'), targets),
      { name: 'seed', relabelConfigs: SEED_RELABELS, targets: [targets[2]] },
    ]);

    expect(router.targets.map((t) => t.kept)).toEqual(PODS.map(([n]) => n.startsWith('router')));
    expect(router.kept).toEqual([
      { instance: '10.0.1.5:6782', job: 'weave', node: 'node-1', pod: 'weave-net-aaaaa' },
      { instance: '[fd00:10:0:1::6]:6782', job: 'weave', node: 'node-2', pod: 'weave-net-bbbbb' },
      { instance: '10.0.1.7:6782', job: 'weave', node: 'node-3', pod: 'weave-net-ccccc' },
      { instance: '[fd00:10:0:1::8]:6782', job: 'weave', node: 'node-4', pod: 'weave-net-ddddd' },
    ]);

    expect(npc.targets.map((t) => t.kept)).toEqual(PODS.map(([n]) => n.startsWith('weave-npc')));
    expect(npc.kept).toEqual([
      { instance: '10.0.1.5:6781', job: 'weave-npc', node: 'node-1', pod: 'weave-net-aaaaa' },
      { instance: '[fd00:10:0:1::6]:6781', job: 'weave-npc', node: 'node-2', pod: 'weave-net-bbbbb' },
    ]);

    // Why the seed's rules are not used as they are: `(.+?)(?::\d+)?` takes the last group of
    // the IPv6 address for a port and turns fd00:10:0:1::6 into another address, without a port.
    expect(seed.targets[0]).toMatchObject({ kept: true, labels: { instance: 'fd00:10:0:1::6782', job: 'weave' } });
  });

  test.concurrent('scrapes router metrics with the static job and evaluates the alerts on them', async () => {
    // A router with 3 established fastdp peers and one it fails to reach; weave_connections as
    // weave 2.8.1's collector writes it (weave-collector.ts), the other metrics as in
    // prog/weaver/metrics.go (names, labels and types).
    const exporter = await startMetricsServer([
      ...connectionExposition([...established(3), ...unreached(1, 'failed')]),
      `# TYPE ${WeaveMetrics.CONNECTION_TERMINATIONS_TOTAL} counter`,
      `${WeaveMetrics.CONNECTION_TERMINATIONS_TOTAL} 7`,
      `# TYPE ${WeaveMetrics.IPS} gauge`,
      `${WeaveMetrics.IPS}{state="local-used"} 12`,
      `# TYPE ${WeaveMetrics.MAX_IPS} gauge`,
      `${WeaveMetrics.MAX_IPS} 1048576`,
      `# TYPE ${WeaveMetrics.IPAM_PENDING_ALLOCATES} gauge`,
      `${WeaveMetrics.IPAM_PENDING_ALLOCATES} 2`,
      `# TYPE ${WeaveMetrics.IPAM_PENDING_CLAIMS} gauge`,
      `${WeaveMetrics.IPAM_PENDING_CLAIMS} 0`,
      `# TYPE ${WeaveMetrics.IPAM_UNREACHABLE_COUNT} gauge`,
      `${WeaveMetrics.IPAM_UNREACHABLE_COUNT} 0`,
      `# TYPE ${WeaveMetrics.IPAM_UNREACHABLE_PERCENTAGE} gauge`,
      `${WeaveMetrics.IPAM_UNREACHABLE_PERCENTAGE} 0`,
      `# TYPE ${WeaveMetrics.FLOWS} gauge`,
      `${WeaveMetrics.FLOWS} 5`,
      '',
    ].join('\n'));
    try {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus');
      const grafana = new Grafana(stack, 'Grafana', {
        prometheus: stack,
        adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin'),
        scrapeMetrics: false,
      });
      const weave = new WeaveMonitoring(chart, 'weave', {
        stack,
        discovery: WeaveDiscovery.staticTargets({ routerTargets: ['10.0.0.21'] }),
        scrapeInterval: Duration.seconds(1),
      });
      expect(weave.npcJob).toBeUndefined();
      const data = findObject(synthAndCheck(chart).objects, 'ConfigMap', stack.configMapName).data;
      // The only changes: the target is the local endpoint (a Prometheus pod cannot scrape
      // loopback addresses, so the library refuses them), and rules are evaluated every second.
      const config = YAML.parse(data['prometheus.yml']);
      const job = jobNamed(config, 'weave');
      expect(job.static_configs).toEqual([{ targets: ['10.0.0.21:6782'] }]);
      job.static_configs[0].targets = [exporter.address];
      config.global.evaluation_interval = '1s';
      const prometheus = await startPrometheus(YAML.stringify(config), { extraFiles: { 'rules.yml': data['rules.yml'] } });
      try {
        const scraped = await prometheus.waitFor(async () => {
          const r = await prometheus.query(`${WeaveMetrics.CONNECTIONS}{state="established"}`);
          return r.result.length > 0 ? r.result : undefined;
        }, 30_000, 'weave_connections scraped');
        const connection = { __name__: 'weave_connections', instance: exporter.address, job: 'weave', state: 'established', type: 'fastdp' };
        expect(scraped).toHaveLength(2);
        expect(scraped).toEqual(expect.arrayContaining([
          { metric: { ...connection, encryption: 'yes' }, value: [expect.any(Number), '0'] },
          { metric: connection, value: [expect.any(Number), '3'] }, // encryption="" is no label at all
        ]));
        const up = await prometheus.query('up{job="weave"}');
        expect(up.result.map((s) => s.value?.[1])).toEqual(['1']);

        // The rules loaded, and the ones whose condition holds are pending (their `for` is minutes).
        // An evaluation that ran before the first scrape also saw `absent(up)` hold, until the next
        // evaluation after the scrape: wait for the set the scraped series give.
        const expected = ['WeaveNetIpamPendingAllocates', 'WeaveNetPeerConnectionsFailing'];
        const pending = await prometheus.waitFor(async () => {
          const r = await prometheus.query('ALERTS{alertstate="pending"}');
          const names = r.result.map((x) => x.metric.alertname).sort();
          return JSON.stringify(names) === JSON.stringify(expected) ? r.result : undefined;
        }, 30_000, `alerts pending: exactly ${expected.join(', ')}`);
        expect(pending.map((s) => s.metric.alertname).sort()).toEqual(['WeaveNetIpamPendingAllocates', 'WeaveNetPeerConnectionsFailing']);
        const allocates = pending.find((s) => s.metric.alertname === 'WeaveNetIpamPendingAllocates')!;
        expect(allocates.metric).toEqual({
          __name__: 'ALERTS',
          alertname: 'WeaveNetIpamPendingAllocates',
          alertstate: 'pending',
          instance: exporter.address,
          job: 'weave',
          severity: 'warning',
        });
        const rules = await (await fetch(`${prometheus.url}/api/v1/rules`)).json() as any;
        expect(rules.data.groups.map((g: any) => [g.name, g.rules.length, g.rules.every((r: any) => r.health === 'ok')])).toEqual([['weave', 11, true]]);

        // The Grafana dashboard's panels show these figures (rates over 5 one-second scrapes).
        const dashboard = grafana.dashboards.find((d) => d.title === 'Weave Net (weave)')!;
        const run = async (expr: string) => (await prometheus.query(expr.replace(/\$__rate_interval/g, '5s'))).result;
        const rated = dashboard.queries.find((q) => q.panelTitle === 'Connection terminations')!.expr;
        await prometheus.waitFor(async () => (await run(rated)).length > 0, 30_000, 'two samples for rate()');
        const figures: Record<string, string[]> = {};
        for (const q of dashboard.queries) {
          const series = await run(q.expr);
          figures[`${q.panelTitle}/${q.legend ?? ''}`] = series.map((r) => r.value![1]);
        }
        expect(figures).toEqual({
          'Routers up/': ['1'],
          'Established connections/': ['3'],
          'Unreachable address space/': ['0'],
          'Addresses in use/': [String(12 / 1048576)],
          'Connections by state/{{state}}': ['3', '1'],
          'Established connections per router/{{instance}}': ['3'],
          'Connection terminations/{{instance}}': ['0'],
          'Fast datapath flows/{{instance}}': ['5'],
          'Pending address requests/allocations': ['2'],
          'Pending address requests/claims': ['0'],
        });
      } finally {
        await prometheus.stop();
      }
    } finally {
      await exporter.stop();
    }
  });
});
