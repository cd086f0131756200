// patchDaemonSet() on weave's real DaemonSet (the weave 2.8.1 release manifest, see
// fixtures/weave-daemonset-k8s-1.11.yaml), checked by deriving what the router and weave-npc
// then listen on, the way Kubernetes and weave-kube's launch scripts derive it (weave-kube.ts).
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as YAML from 'yaml';
import { clashes, flagValue, Listener, listeners, Node, npcFlags, weaverFlags } from './weave-kube';
import { PrometheusStack } from '../../src';
import { WeaveIpFamily, WeaveMonitoring, WeaveMonitoringProps, WeaveStatusAddress } from '../../src/integrations/weave';
import { findObject } from '../harness';
import { expectError, jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';

const NODE: Node = { ip: '10.0.1.5', name: 'node-1' };
const NODE_V6: Node = { ip: 'fd00:10:0:1::5', name: 'node-2' };

/** The DaemonSet item of the weave 2.8.1 release manifest. */
function upstreamDaemonSet(): any {
  const list = YAML.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'weave-daemonset-k8s-1.11.yaml'), 'utf8'));
  return list.items.find((i: any) => i.kind === 'DaemonSet');
}

const container = (ds: any, name: string) => ds.spec.template.spec.containers.find((c: any) => c.name === name);

/** The release DaemonSet (changed by `change`), patched by a WeaveMonitoring, synthesized; and the stack's config. */
function patched(address?: WeaveStatusAddress, props: Partial<WeaveMonitoringProps> = {}, change: (ds: any) => void = () => undefined) {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  const weave = new WeaveMonitoring(chart, 'weave', { stack, ...props });
  const ds = upstreamDaemonSet();
  change(ds);
  weave.patchDaemonSet(new ApiObject(chart, 'weave-net', ds), address);
  const synthesized = synthAndCheck(chart); // weave's DaemonSet too goes through the strict schema
  return { out: findObject(synthesized.objects, 'DaemonSet'), config: onlyConfig(synthesized) };
}

const at = (all: Listener[], name: string, flag: string) => all.filter((l) => l.container === name && l.flag === flag);

describe('weave 2.8.1 as released (no patch)', () => {
  const spec = upstreamDaemonSet().spec.template.spec;

  test('weaver gets --metrics-addr=0.0.0.0:6782 and no --status-addr; weave-npc has no args, so :6781', () => {
    expect(weaverFlags(spec.containers.find((c: any) => c.name === 'weave'), NODE)).toEqual([
      '--port=6783', '--http-addr=127.0.0.1:6784', '--metrics-addr=0.0.0.0:6782',
    ]);
    const npc = spec.containers.find((c: any) => c.name === 'weave-npc');
    expect(npc.args).toBeUndefined();
    expect(npc.command).toBeUndefined();
    expect(npcFlags(npc, NODE)).toEqual([]);
  });

  test('listens on every interface for the metrics, with no clash', () => {
    const all = listeners(spec, NODE);
    expect(all.map((l) => `${l.container} ${l.flag} ${l.host}:${l.port}`)).toEqual([
      'weave --port :6783', 'weave --http-addr 127.0.0.1:6784', 'weave --metrics-addr 0.0.0.0:6782', 'weave-npc --metrics-addr :6781',
    ]);
    expect(clashes(all)).toEqual([]);
  });

  test('WEAVE_STATUS_ADDR on 6782 in the weave container (the old patch) gives two listeners on 6782: the router exits', () => {
    const router = spec.containers.find((c: any) => c.name === 'weave');
    const withStatus = {
      ...spec,
      containers: [{ ...router, env: [...router.env, { name: 'WEAVE_STATUS_ADDR', value: `${NODE.ip}:6782` }] }],
    };
    const all = listeners(withStatus, NODE);
    expect(at(all, 'weave', '--status-addr')).toEqual([{ container: 'weave', flag: '--status-addr', host: NODE.ip, port: 6782, serves: 'the status API and /metrics' }]);
    expect(clashes(all).map(([a, b]) => [a.flag, b.flag])).toEqual([['--status-addr', '--metrics-addr']]);
  });
});

describe('patchDaemonSet() on the release DaemonSet', () => {
  test('nodeIp(): the router serves /metrics only on <node ip>:6782 and weave-npc on <node ip>:6781, where the jobs scrape', () => {
    const { out, config } = patched(WeaveStatusAddress.nodeIp());
    const all = listeners(out.spec.template.spec, NODE);
    expect(clashes(all)).toEqual([]);
    expect(at(all, 'weave', '--metrics-addr').map((l) => `${l.host}:${l.port}`)).toEqual(['10.0.1.5:6782']);
    expect(at(all, 'weave', '--status-addr')).toEqual([]); // the status API stays unpublished
    expect(at(all, 'weave-npc', '--metrics-addr').map((l) => `${l.host}:${l.port}`)).toEqual(['10.0.1.5:6781']);
    expect(container(out, 'weave').env.map((e: any) => e.name)).not.toContain('WEAVE_STATUS_ADDR');

    // hostNetwork: the pod IP that discovery finds is the node IP, rewritten to <ip>:port.
    expect(out.spec.template.spec.hostNetwork).toBe(true);
    const scraped = (job: string) => jobNamed(config, job).relabel_configs.find((r: any) => r.regex === '([^:]+)').replacement.replace('${1}', NODE.ip);
    expect(scraped('weave')).toBe('10.0.1.5:6782');
    expect(scraped('weave-npc')).toBe('10.0.1.5:6781');
  });

  test('the default address is nodeIp()', () => {
    expect(patched().out).toEqual(patched(WeaveStatusAddress.nodeIp()).out);
  });

  test('nodeIp() on IPv6 nodes: bracketed, valid for both programs, and where the IPv6 rewrite scrapes', () => {
    const { out, config } = patched(WeaveStatusAddress.nodeIp({ ipFamily: WeaveIpFamily.IPV6 }));
    const all = listeners(out.spec.template.spec, NODE_V6);
    expect(clashes(all)).toEqual([]);
    expect(weaverFlags(container(out, 'weave'), NODE_V6)).toContain('--metrics-addr=[fd00:10:0:1::5]:6782');
    expect(flagValue(npcFlags(container(out, 'weave-npc'), NODE_V6), '--metrics-addr')).toBe('[fd00:10:0:1::5]:6781');
    const rewrite = jobNamed(config, 'weave').relabel_configs.find((r: any) => r.regex === '(.*:.*)').replacement;
    expect(rewrite.replace('${1}', NODE_V6.ip)).toBe('[fd00:10:0:1::5]:6782');
  });

  test('allInterfaces(): 0.0.0.0 on both ports, as weave-kube does unpatched, with no clash', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const all = listeners(patched(WeaveStatusAddress.allInterfaces()).out.spec.template.spec, NODE);
      expect(clashes(all)).toEqual([]);
      expect(at(all, 'weave', '--metrics-addr').map((l) => `${l.host}:${l.port}`)).toEqual(['0.0.0.0:6782']);
      expect(at(all, 'weave-npc', '--metrics-addr').map((l) => `${l.host}:${l.port}`)).toEqual(['0.0.0.0:6781']);
      expect(at(all, 'weave', '--status-addr')).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  test('other ports: the metrics bind where the jobs scrape', () => {
    const { out, config } = patched(WeaveStatusAddress.nodeIp(), { routerPort: 9782, npcPort: 9781 });
    const all = listeners(out.spec.template.spec, NODE);
    expect(clashes(all)).toEqual([]);
    expect(at(all, 'weave', '--metrics-addr').map((l) => l.port)).toEqual([9782]);
    expect(at(all, 'weave-npc', '--metrics-addr').map((l) => l.port)).toEqual([9781]);
    expect(jobNamed(config, 'weave').relabel_configs.find((r: any) => r.regex === '([^:]+)').replacement).toBe('${1}:9782');
  });

  test('the router\'s own ports are refused: the mesh (6783, every interface) and the control API (6784) would clash', () => {
    const router = upstreamDaemonSet().spec.template.spec;
    const onMesh = { ...router, containers: [{ ...router.containers[0], env: [...router.containers[0].env, { name: 'WEAVE_METRICS_ADDR', value: '10.0.1.5:6783' }] }] };
    expect(clashes(listeners(onMesh, NODE))).toHaveLength(1);
    expectError(() => patched(undefined, { routerPort: 6783 }), "test/weave: 'routerPort' must not be 6783 or 6784", 'got 6783');
    expectError(() => patched(undefined, { npcPort: 6784 }), "test/weave: 'npcPort' must not be 6783 or 6784", 'got 6784');
  });

  test('an earlier WEAVE_METRICS_ADDR is replaced, and weave-npc\'s --metrics-addr in EXTRA_ARGS is overridden by the args', () => {
    const { out } = patched(WeaveStatusAddress.nodeIp(), {}, (ds) => {
      container(ds, 'weave').env.push({ name: 'WEAVE_METRICS_ADDR', value: '0.0.0.0:6782' });
      container(ds, 'weave-npc').env.push({ name: 'EXTRA_ARGS', value: '--metrics-addr=0.0.0.0:6781 --log-level=info' });
    });
    expect(container(out, 'weave').env.filter((e: any) => e.name === 'WEAVE_METRICS_ADDR')).toEqual([{ name: 'WEAVE_METRICS_ADDR', value: '$(WEAVE_NODE_IP):6782' }]);
    const all = listeners(out.spec.template.spec, NODE);
    expect(all.filter((l) => l.flag === '--metrics-addr').map((l) => `${l.container} ${l.host}:${l.port}`)).toEqual([
      'weave 10.0.1.5:6782', 'weave-npc 10.0.1.5:6781',
    ]);
  });

  test('a WEAVE_STATUS_ADDR on the router port is refused, naming the clash and the fix', () => {
    for (const value of ['0.0.0.0:6782', '$(POD_IP):6782', '$(WEAVE_STATUS)']) {
      expectError(() => patched(WeaveStatusAddress.nodeIp(), {}, (ds) => container(ds, 'weave').env.push({ name: 'WEAVE_STATUS_ADDR', value })),
        "test/weave: 'daemonSet' must not set WEAVE_STATUS_ADDR in its 'weave' container on the router port 6782",
        `got '${value}'`, 'Remove WEAVE_STATUS_ADDR');
    }
  });

  test('a WEAVE_STATUS_ADDR on another port is kept: the status API stays where its owner put it, with no clash', () => {
    const { out } = patched(WeaveStatusAddress.nodeIp(), {}, (ds) => {
      container(ds, 'weave').env.push({ name: 'WEAVE_STATUS_ADDR', value: '127.0.0.1:6790' });
    });
    const all = listeners(out.spec.template.spec, NODE);
    expect(clashes(all)).toEqual([]);
    expect(at(all, 'weave', '--status-addr').map((l) => `${l.host}:${l.port}`)).toEqual(['127.0.0.1:6790']);
  });

  test('an empty WEAVE_STATUS_ADDR adds no listener (launch.sh tests -n) and is accepted', () => {
    const { out } = patched(WeaveStatusAddress.nodeIp(), {}, (ds) => container(ds, 'weave').env.push({ name: 'WEAVE_STATUS_ADDR', value: '' }));
    expect(at(listeners(out.spec.template.spec, NODE), 'weave', '--status-addr')).toEqual([]);
  });
});
