// The alert rules of WeaveMonitoring, unit-tested with `promtool test rules`: each alert fires
// when its condition holds long enough, and does not fire otherwise.
import * as YAML from 'yaml';
import { PrometheusStack } from '../../src';
import { WeaveMonitoring } from '../../src/weave';
import { findObject, testRules } from '../harness';
import { newChart, synthAndCheck } from '../util';

const ROUTER_1 = { job: 'weave', instance: '10.0.1.5:6782', node: 'node-1', pod: 'weave-net-aaaaa' };
const ROUTER_2 = { job: 'weave', instance: '10.0.1.6:6782', node: 'node-2', pod: 'weave-net-bbbbb' };
const NPC_1 = { job: 'weave-npc', instance: '10.0.1.5:6781', node: 'node-1', pod: 'weave-net-aaaaa' };

/** The rule file of a zero-config WeaveMonitoring, and its rules by alert name. */
function ruleFile() {
  const chart = newChart();
  new WeaveMonitoring(chart, 'weave', { stack: new PrometheusStack(chart, 'prometheus') });
  const yaml: string = findObject(synthAndCheck(chart).objects, 'ConfigMap').data['rules.yml'];
  const byName = new Map<string, any>(YAML.parse(yaml).groups[0].rules.map((r: any) => [r.alert, r]));
  return { yaml, byName };
}

const { yaml: RULES, byName: RULE } = ruleFile();

/** A series selector in promtool's input format. */
function series(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

/** The rule's description with `{{ $labels.x }}` filled in (the descriptions use nothing else). */
function description(alert: string, labels: Record<string, string>): string {
  return (RULE.get(alert).annotations.description as string).replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k) => labels[k]);
}

interface Case {
  readonly alert: string;
  readonly fires: {
    readonly input: Array<[string, string]>;
    readonly at: string;
    readonly labels: Record<string, string>;
    readonly summary: string;
    /** An earlier time at which the condition already holds but not for long enough. */
    readonly pendingAt: string;
  };
  /** Inputs under which the alert never fires, checked at `at`. */
  readonly quiet: Array<{ readonly why: string; readonly input: Array<[string, string]>; readonly at: string }>;
}

/** A case under which the alert must not fire, checked at `at`. */
const quiet = (why: string, at: string, ...input: Array<[string, string]>) => ({ why, at, input });

const CASES: Case[] = [
  {
    alert: 'WeaveNetRouterDown',
    fires: {
      input: [[series('up', ROUTER_1), '1 1 0x10']],
      pendingAt: '5m',
      at: '8m',
      labels: { ...ROUTER_1, severity: 'critical' },
      summary: 'Weave Net router 10.0.1.5:6782 cannot be scraped',
    },
    quiet: [
      quiet('up', '20m', [series('up', ROUTER_1), '1x20']),
      quiet('a 3-minute blip', '10m', [series('up', ROUTER_1), '1 0 0 0 1x10']),
      quiet('another job is down', '20m', [series('up', { ...ROUTER_1, job: 'node' }), '0x20']),
    ],
  },
  {
    alert: 'WeaveNetRouterIsolated',
    fires: {
      input: [
        [series('weave_connections', { ...ROUTER_1, state: 'established' }), '1 1 0x10'],
        [series('weave_connections', { ...ROUTER_1, state: 'failed' }), '0 0 1x10'],
        [series('weave_connections', { ...ROUTER_2, state: 'established' }), '1x12'],
      ],
      pendingAt: '4m',
      at: '8m',
      labels: { ...ROUTER_1, severity: 'critical' },
      summary: 'Weave Net router 10.0.1.5:6782 has lost every peer connection',
    },
    quiet: [
      quiet('both routers connected', '20m',
        [series('weave_connections', { ...ROUTER_1, state: 'established' }), '1x20'],
        [series('weave_connections', { ...ROUTER_2, state: 'established' }), '1x20'],
      ),
      quiet('a single router has no peer to connect to', '20m',
        [series('weave_connections', { ...ROUTER_1, state: 'established' }), '0x20'],
      ),
    ],
  },
  {
    alert: 'WeaveNetPeerConnectionsFailing',
    fires: {
      input: [
        [series('weave_connections', { ...ROUTER_1, state: 'established' }), '2x30'],
        [series('weave_connections', { ...ROUTER_1, state: 'failed' }), '1x30'],
        [series('weave_connections', { ...ROUTER_1, state: 'retrying' }), '1x30'],
      ],
      pendingAt: '10m',
      at: '20m',
      labels: { ...ROUTER_1, severity: 'warning' },
      summary: 'Weave Net router 10.0.1.5:6782 cannot connect to 2 peer(s)',
    },
    quiet: [
      quiet('every connection established', '30m',
        [series('weave_connections', { ...ROUTER_1, state: 'established' }), '3x30'],
        [series('weave_connections', { ...ROUTER_1, state: 'failed' }), '0x30'],
        [series('weave_connections', { ...ROUTER_1, state: 'retrying' }), '0x30'],
      ),
      quiet('a connection that recovers within 15 minutes', '30m',
        [series('weave_connections', { ...ROUTER_1, state: 'failed' }), '1x10 0x20'],
      ),
    ],
  },
  {
    alert: 'WeaveNetIpamPendingAllocates',
    fires: {
      input: [[series('weave_ipam_pending_allocates', ROUTER_1), '0 3x20']],
      pendingAt: '5m',
      at: '12m',
      labels: { ...ROUTER_1, severity: 'warning' },
      summary: 'Weave Net router 10.0.1.5:6782 has 3 IP allocation(s) stuck',
    },
    quiet: [
      quiet('no pending allocation', '20m', [series('weave_ipam_pending_allocates', ROUTER_1), '0x20']),
      quiet('allocations served within 10 minutes', '20m', [series('weave_ipam_pending_allocates', ROUTER_1), '2x5 0x15']),
    ],
  },
  {
    alert: 'WeaveNetIpamPendingClaims',
    fires: {
      input: [[series('weave_ipam_pending_claims', ROUTER_1), '0 1x20']],
      pendingAt: '5m',
      at: '12m',
      labels: { ...ROUTER_1, severity: 'warning' },
      summary: 'Weave Net router 10.0.1.5:6782 has 1 IP claim(s) stuck',
    },
    quiet: [
      quiet('no pending claim', '20m', [series('weave_ipam_pending_claims', ROUTER_1), '0x20']),
      quiet('claims granted within 10 minutes', '20m', [series('weave_ipam_pending_claims', ROUTER_1), '1x8 0x12']),
    ],
  },
  {
    alert: 'WeaveNetIpamUnreachableSpace',
    fires: {
      // Every router reports the share; one alert for the job, with the highest.
      input: [
        [series('weave_ipam_unreachable_percentage', ROUTER_1), '0 12.5x30'],
        [series('weave_ipam_unreachable_percentage', ROUTER_2), '0 12.25x30'],
      ],
      pendingAt: '10m',
      at: '20m',
      labels: { job: 'weave', severity: 'warning' },
      summary: '12.5% of the Weave Net address space belongs to unreachable peers',
    },
    quiet: [
      quiet('a share under 10%', '30m', [series('weave_ipam_unreachable_percentage', ROUTER_1), '5x30']),
      quiet('peers back within 15 minutes', '30m', [series('weave_ipam_unreachable_percentage', ROUTER_1), '50x10 0x20']),
    ],
  },
  {
    alert: 'WeaveNetBlockedConnectionsHigh',
    fires: {
      // 120 blocked connections a minute (2/s) on port 80, 30 (0.5/s) on 443: 2.5/s on the host.
      input: [
        [series('weavenpc_blocked_connections_total', { ...NPC_1, protocol: 'tcp', dport: '80' }), '0+120x30'],
        [series('weavenpc_blocked_connections_total', { ...NPC_1, protocol: 'tcp', dport: '443' }), '0+30x30'],
      ],
      pendingAt: '10m',
      at: '20m',
      labels: { ...NPC_1, severity: 'warning' },
      summary: 'weave-npc at 10.0.1.5:6781 blocks 2.50 connections per second',
    },
    quiet: [
      quiet('0.5 blocked per second', '30m',
        [series('weavenpc_blocked_connections_total', { ...NPC_1, protocol: 'tcp', dport: '80' }), '0+30x30'],
      ),
      quiet('a burst shorter than 10 minutes', '30m',
        [series('weavenpc_blocked_connections_total', { ...NPC_1, protocol: 'udp', dport: '53' }), '0+600x5 3000x25'],
      ),
    ],
  },
];

test('every alert of the rule file has a unit test', () => {
  expect(CASES.map((c) => c.alert)).toEqual([...RULE.keys()]);
});

test.each(CASES.map((c) => [c.alert, c]))('%s fires when its condition holds, and not otherwise', (_, c) => {
  const { alert, fires, quiet: quietCases } = c as Case;
  const inputSeries = (input: Array<[string, string]>) => input.map(([s, values]) => ({ series: s, values }));
  const tests = {
    evaluation_interval: '1m',
    tests: [
      {
        name: `${alert} fires`,
        interval: '1m',
        input_series: inputSeries(fires.input),
        alert_rule_test: [
          { eval_time: fires.pendingAt, alertname: alert, exp_alerts: [] },
          {
            eval_time: fires.at,
            alertname: alert,
            exp_alerts: [{
              exp_labels: fires.labels,
              exp_annotations: { summary: fires.summary, description: description(alert, fires.labels) },
            }],
          },
        ],
      },
      ...quietCases.map((q) => ({
        name: `${alert} quiet: ${q.why}`,
        interval: '1m',
        input_series: inputSeries(q.input),
        alert_rule_test: [{ eval_time: q.at, alertname: alert, exp_alerts: [] }],
      })),
    ],
  };
  const output = testRules(RULES, YAML.stringify(tests));
  expect(output).toContain('SUCCESS');
});
