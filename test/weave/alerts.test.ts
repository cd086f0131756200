// The alert rules of WeaveMonitoring, unit-tested with `promtool test rules`: each alert fires
// when its condition holds long enough, and does not fire otherwise. The weave_connections
// series are shaped as weave 2.8.1 emits them (see weave-collector.ts).
import * as YAML from 'yaml';
import { established, pending, Phase, connectionSeries, selector as series, unreached } from './weave-collector';
import { PrometheusStack } from '../../src';
import { WeaveMonitoring } from '../../src/integrations/weave';
import { findObject, testRules } from '../harness';
import { newChart, synthAndCheck } from '../util';

// Scrape targets as the discovered router and weave-npc jobs label them.
const ROUTER_1 = { job: 'weave', instance: '10.0.1.5:6782', node: 'node-1', pod: 'weave-net-aaaaa' };
const ROUTER_2 = { job: 'weave', instance: '10.0.1.6:6782', node: 'node-2', pod: 'weave-net-bbbbb' };
const ROUTER_3 = { job: 'weave', instance: '10.0.1.7:6782', node: 'node-3', pod: 'weave-net-ccccc' };
const NPC_1 = { job: 'weave-npc', instance: '10.0.1.5:6781', node: 'node-1', pod: 'weave-net-aaaaa' };

/** The rule file of a WeaveMonitoring with every alert (FastDpFlowsLow needs a minimum), and its rules by alert name. */
function ruleFile() {
  const chart = newChart();
  new WeaveMonitoring(chart, 'weave', { stack: new PrometheusStack(chart, 'prometheus'), fastDpFlowsMinimum: 100 });
  const yaml: string = findObject(synthAndCheck(chart).objects, 'ConfigMap').data['rules.yml'];
  const byName = new Map<string, any>(YAML.parse(yaml).groups[0].rules.map((r: any) => [r.alert, r]));
  return { yaml, byName };
}

const { yaml: RULES, byName: RULE } = ruleFile();

/** A router's `up` series and its weave_connections series over the phases (one sample a minute). */
function router(target: Record<string, string>, ...phases: Phase[]): Array<[string, string]> {
  const minutes = phases.reduce((n, p) => n + p.minutes, 0);
  return [[series('up', target), `1x${minutes - 1}`], ...connectionSeries(target, phases)];
}

/** A phase of `minutes` with these connections. */
const phase = (minutes: number, ...connections: Array<ReturnType<typeof established>>): Phase => ({ minutes, connections: connections.flat() });

/** An annotation with `{{ $labels.x }}`, `{{ $value }}` and `{{ printf "%.Nf" $value }}` filled in (the rules use nothing else). */
function render(template: string, labels: Record<string, string>, value?: number): string {
  return template
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k) => labels[k])
    .replace(/\{\{ printf "%\.(\d)f" \$value \}\}/g, (_, n) => value!.toFixed(Number(n)))
    .replace(/\{\{ \$value \}\}/g, () => String(value));
}

interface Firing {
  readonly why: string;
  readonly input: Array<[string, string]>;
  /** An earlier time at which the condition already holds but not for long enough. */
  readonly pendingAt: string;
  readonly at: string;
  /** The labels of each alert expected at `at`. */
  readonly alerts: Array<{ readonly labels: Record<string, string>; readonly value?: number }>;
  /** The expected summary of the first alert (checked against the rendered template too). */
  readonly summary: string;
}

interface Case {
  readonly alert: string;
  readonly fires: Firing[];
  /** Inputs under which the alert never fires, checked at `at`. */
  readonly quiet: Array<{ readonly why: string; readonly input: Array<[string, string]>; readonly at: string }>;
}

/** A case under which the alert must not fire, checked at `at`. */
const quiet = (why: string, at: string, ...input: Array<[string, string]>) => ({ why, at, input });

const CASES: Case[] = [
  {
    alert: 'WeaveNetRouterAbsent',
    fires: [{
      why: 'discovery finds no weave-net pod',
      input: [[series('up', { job: 'prometheus', instance: 'localhost:9090' }), '1x20']],
      pendingAt: '5m',
      at: '12m',
      alerts: [{ labels: { job: 'weave', severity: 'critical' } }],
      summary: 'Prometheus has found no Weave Net router to scrape (job weave)',
    }],
    quiet: [
      quiet('routers are discovered', '20m', ...router(ROUTER_1, phase(21, established(1))), ...router(ROUTER_2, phase(21, established(1)))),
      quiet('a router is discovered but down (WeaveNetRouterDown)', '20m', [series('up', ROUTER_1), '0x20']),
    ],
  },
  {
    alert: 'WeaveNetRouterDown',
    fires: [{
      why: 'a router cannot be scraped',
      input: [[series('up', ROUTER_1), '1 1 0x10']],
      pendingAt: '5m',
      at: '8m',
      alerts: [{ labels: { ...ROUTER_1, severity: 'critical' } }],
      summary: 'Weave Net router 10.0.1.5:6782 cannot be scraped',
    }],
    quiet: [
      quiet('up', '20m', [series('up', ROUTER_1), '1x20']),
      quiet('a 3-minute blip', '3m', [series('up', ROUTER_1), '1 0 0 0 1x10']),
      quiet('another job is down', '20m', [series('up', { ...ROUTER_1, job: 'node' }), '0x20']),
    ],
  },
  {
    alert: 'WeaveNetRouterIsolated',
    fires: [
      {
        why: 'a router loses its peers, which it keeps retrying, while the others stay connected to each other',
        input: [
          ...router(ROUTER_1, phase(2, established(2)), phase(10, unreached(1, 'failed'), unreached(1, 'retrying'))),
          ...router(ROUTER_2, phase(2, established(2)), phase(10, established(1), unreached(1, 'failed'))),
          ...router(ROUTER_3, phase(2, established(2)), phase(10, established(1), unreached(1, 'retrying'))),
        ],
        pendingAt: '4m',
        at: '9m',
        alerts: [{ labels: { ...ROUTER_1, severity: 'critical' } }],
        summary: 'Weave Net router 10.0.1.5:6782 has no established connection to any peer',
      },
      {
        why: 'an encrypted router with no connection at all, hence no weave_connections series',
        input: [
          ...router(ROUTER_1, phase(2, established(1, 'fastdp', true)), phase(10)),
          ...router(ROUTER_2, phase(12, established(1, 'fastdp', true))),
          ...router(ROUTER_3, phase(12, established(1, 'fastdp', true))),
        ],
        pendingAt: '4m',
        at: '9m',
        alerts: [{ labels: { ...ROUTER_1, severity: 'critical' } }],
        summary: 'Weave Net router 10.0.1.5:6782 has no established connection to any peer',
      },
    ],
    quiet: [
      quiet('a healthy unencrypted mesh (its encryption="yes" series are 0)', '20m',
        ...router(ROUTER_1, phase(21, established(2))),
        ...router(ROUTER_2, phase(21, established(2))),
        ...router(ROUTER_3, phase(21, established(2))),
      ),
      quiet('a healthy encrypted mesh (its encryption="" series are 0)', '20m',
        ...router(ROUTER_1, phase(21, established(2, 'fastdp', true))),
        ...router(ROUTER_2, phase(21, established(1, 'fastdp', true), established(1, 'sleeve', true))),
        ...router(ROUTER_3, phase(21, established(1, 'sleeve', true), established(1, 'fastdp', true))),
      ),
      quiet('a single-router cluster has no peer to connect to', '20m', ...router(ROUTER_1, phase(21))),
      quiet('a router reconnects within 5 minutes', '4m',
        ...router(ROUTER_1, phase(2, established(1)), phase(3, unreached(1, 'retrying')), phase(16, established(1))),
        ...router(ROUTER_2, phase(21, established(1))),
      ),
    ],
  },
  {
    alert: 'WeaveNetPeerConnectionsFailing',
    fires: [
      {
        why: 'one failed and one retrying peer: 2, counted over the encryption="yes" and "" series',
        input: router(ROUTER_1, phase(31, established(2), unreached(1, 'failed'), unreached(1, 'retrying'))),
        pendingAt: '10m',
        at: '20m',
        alerts: [{ labels: { ...ROUTER_1, severity: 'warning' }, value: 2 }],
        summary: 'Weave Net router 10.0.1.5:6782 cannot connect to 2 peer(s)',
      },
      {
        why: 'three failed peers of an encrypted router',
        input: router(ROUTER_2, phase(31, established(1, 'fastdp', true), unreached(3, 'failed'))),
        pendingAt: '10m',
        at: '20m',
        alerts: [{ labels: { ...ROUTER_2, severity: 'warning' }, value: 3 }],
        summary: 'Weave Net router 10.0.1.6:6782 cannot connect to 3 peer(s)',
      },
    ],
    quiet: [
      quiet('every connection established', '30m', ...router(ROUTER_1, phase(31, established(3)))),
      quiet('a connection that recovers within 15 minutes', '9m',
        ...router(ROUTER_1, phase(10, established(1), unreached(1, 'failed')), phase(21, established(2))),
      ),
      quiet('connections still being set up (WeaveNetPeerConnectionsStuck)', '30m',
        ...router(ROUTER_1, phase(31, established(1), pending(1), unreached(1, 'connecting'))),
      ),
    ],
  },
  {
    alert: 'WeaveNetPeerConnectionsStuck',
    fires: [{
      why: 'a pending and a connecting connection for 15 minutes',
      input: router(ROUTER_1, phase(31, established(1), pending(1, 'sleeve', true), unreached(1, 'connecting'))),
      pendingAt: '10m',
      at: '20m',
      alerts: [{ labels: { ...ROUTER_1, severity: 'warning' }, value: 2 }],
      summary: 'Weave Net router 10.0.1.5:6782 has 2 connection(s) that never get established',
    }],
    quiet: [
      quiet('connections established after 5 minutes', '4m',
        ...router(ROUTER_1, phase(5, pending(1), unreached(1, 'connecting')), phase(26, established(2))),
      ),
      quiet('failing connections (WeaveNetPeerConnectionsFailing)', '30m', ...router(ROUTER_1, phase(31, unreached(2, 'failed')))),
    ],
  },
  {
    alert: 'WeaveNetConnectionTerminationsHigh',
    fires: [{
      why: '12 terminations a minute',
      input: [[series('weave_connection_terminations_total', ROUTER_1), '0+12x30']],
      pendingAt: '8m',
      at: '20m',
      alerts: [{ labels: { ...ROUTER_1, severity: 'warning' }, value: 0.2 }],
      summary: 'Weave Net router 10.0.1.5:6782 terminates 0.20 peer connections per second',
    }],
    quiet: [
      quiet('3 terminations a minute', '30m', [series('weave_connection_terminations_total', ROUTER_1), '0+3x30']),
      quiet('a burst shorter than 10 minutes', '9m', [series('weave_connection_terminations_total', ROUTER_1), '0+60x5 300x25']),
    ],
  },
  {
    alert: 'WeaveNetIpamPendingAllocates',
    fires: [{
      why: '3 allocations wait',
      input: [[series('weave_ipam_pending_allocates', ROUTER_1), '0 3x20']],
      pendingAt: '5m',
      at: '12m',
      alerts: [{ labels: { ...ROUTER_1, severity: 'warning' }, value: 3 }],
      summary: 'Weave Net router 10.0.1.5:6782 has 3 IP allocation(s) stuck',
    }],
    quiet: [
      quiet('no pending allocation', '20m', [series('weave_ipam_pending_allocates', ROUTER_1), '0x20']),
      quiet('allocations served within 10 minutes', '5m', [series('weave_ipam_pending_allocates', ROUTER_1), '2x5 0x15']),
    ],
  },
  {
    alert: 'WeaveNetIpamPendingClaims',
    fires: [{
      why: 'a claim waits',
      input: [[series('weave_ipam_pending_claims', ROUTER_1), '0 1x20']],
      pendingAt: '5m',
      at: '12m',
      alerts: [{ labels: { ...ROUTER_1, severity: 'warning' }, value: 1 }],
      summary: 'Weave Net router 10.0.1.5:6782 has 1 IP claim(s) stuck',
    }],
    quiet: [
      quiet('no pending claim', '20m', [series('weave_ipam_pending_claims', ROUTER_1), '0x20']),
      quiet('claims granted within 10 minutes', '8m', [series('weave_ipam_pending_claims', ROUTER_1), '1x8 0x12']),
    ],
  },
  {
    alert: 'WeaveNetIpamUnreachableSpace',
    fires: [{
      // Every router reports the share; one alert for the job, with the highest.
      why: 'an eighth of the space belongs to unreachable peers',
      input: [
        [series('weave_ipam_unreachable_percentage', ROUTER_1), '0 12.5x30'],
        [series('weave_ipam_unreachable_percentage', ROUTER_2), '0 12.25x30'],
      ],
      pendingAt: '10m',
      at: '20m',
      alerts: [{ labels: { job: 'weave', severity: 'warning' }, value: 12.5 }],
      summary: '12.5% of the Weave Net address space belongs to unreachable peers',
    }],
    quiet: [
      quiet('a share under 10%', '30m', [series('weave_ipam_unreachable_percentage', ROUTER_1), '5x30']),
      quiet('peers back within 15 minutes', '10m', [series('weave_ipam_unreachable_percentage', ROUTER_1), '50x10 0x20']),
    ],
  },
  {
    alert: 'WeaveNetIpamSplitBrain',
    fires: [{
      why: 'one router sees a quarter of the space unreachable, the others see none',
      input: [
        [series('weave_ipam_unreachable_percentage', ROUTER_1), '0 25x20'],
        [series('weave_ipam_unreachable_percentage', ROUTER_2), '0x20'],
        [series('weave_ipam_unreachable_percentage', ROUTER_3), '0x20'],
      ],
      pendingAt: '4m',
      at: '10m',
      alerts: [{ labels: { job: 'weave', severity: 'critical' }, value: 25 }],
      summary: 'Weave Net routers disagree about which address space is unreachable',
    }],
    quiet: [
      quiet('every router sees the same share (a peer gone for good)', '20m',
        [series('weave_ipam_unreachable_percentage', ROUTER_1), '12.5x20'],
        [series('weave_ipam_unreachable_percentage', ROUTER_2), '12.5x20'],
      ),
      quiet('a restart that converges within 5 minutes', '3m',
        [series('weave_ipam_unreachable_percentage', ROUTER_1), '0 25x3 0x16'],
        [series('weave_ipam_unreachable_percentage', ROUTER_2), '0x20'],
      ),
      quiet('a single router', '20m', [series('weave_ipam_unreachable_percentage', ROUTER_1), '25x20']),
    ],
  },
  {
    alert: 'WeaveNetFastDpFlowsOff',
    fires: [{
      why: 'a router on the fast datapath with peers but no flow',
      input: [...router(ROUTER_1, phase(31, established(2))), [series('weave_flows', ROUTER_1), '0x30']],
      pendingAt: '10m',
      at: '20m',
      alerts: [{ labels: { ...ROUTER_1, severity: 'warning' } }],
      summary: 'Weave Net router 10.0.1.5:6782 has peers but no fast datapath flow',
    }],
    quiet: [
      quiet('flows', '30m', ...router(ROUTER_1, phase(31, established(2))), [series('weave_flows', ROUTER_1), '40x30']),
      quiet('a single router has no peer', '30m', ...router(ROUTER_1, phase(31)), [series('weave_flows', ROUTER_1), '0x30']),
      // weave 2.8.1 prog/weaver/metrics.go lines 93-97: no weave_flows without the fast datapath.
      quiet('a router without the fast datapath', '30m', ...router(ROUTER_1, phase(31, established(2, 'sleeve')))),
    ],
  },
  {
    alert: 'WeaveNetFastDpFlowsLow',
    fires: [{
      why: '80 flows in all, under the minimum of 100',
      input: [[series('weave_flows', ROUTER_1), '50x30'], [series('weave_flows', ROUTER_2), '30x30']],
      pendingAt: '5m',
      at: '20m',
      alerts: [{ labels: { job: 'weave', severity: 'warning' }, value: 80 }],
      summary: 'The Weave Net routers have 80 fast datapath flows, fewer than usual',
    }],
    quiet: [
      quiet('150 flows in all', '30m', [series('weave_flows', ROUTER_1), '70x30'], [series('weave_flows', ROUTER_2), '80x30']),
    ],
  },
  {
    alert: 'WeaveNetBlockedConnectionsHigh',
    fires: [{
      // 120 blocked connections a minute (2/s) on port 80, 30 (0.5/s) on 443: 2.5/s on the host.
      why: '2.5 blocked connections per second',
      input: [
        [series('weavenpc_blocked_connections_total', { ...NPC_1, protocol: 'tcp', dport: '80' }), '0+120x30'],
        [series('weavenpc_blocked_connections_total', { ...NPC_1, protocol: 'tcp', dport: '443' }), '0+30x30'],
      ],
      pendingAt: '10m',
      at: '20m',
      alerts: [{ labels: { ...NPC_1, severity: 'warning' }, value: 2.5 }],
      summary: 'weave-npc at 10.0.1.5:6781 blocks 2.50 connections per second',
    }],
    quiet: [
      quiet('0.5 blocked per second', '30m',
        [series('weavenpc_blocked_connections_total', { ...NPC_1, protocol: 'tcp', dport: '80' }), '0+30x30'],
      ),
      quiet('a burst shorter than 10 minutes', '9m',
        [series('weavenpc_blocked_connections_total', { ...NPC_1, protocol: 'udp', dport: '53' }), '0+600x5 3000x25'],
      ),
    ],
  },
  {
    alert: 'WeaveNetPolicyEnforcementErrors',
    fires: [{
      why: '2 errors a minute',
      input: [[series('weavenpc_policy_enforcement_errors', NPC_1), '0 0+2x30']],
      pendingAt: '4m',
      at: '20m',
      alerts: [{ labels: { ...NPC_1, severity: 'warning' }, value: 10 }],
      summary: 'weave-npc at 10.0.1.5:6781 keeps failing to enforce network policies',
    }],
    quiet: [
      quiet('no error', '30m', [series('weavenpc_policy_enforcement_errors', NPC_1), '0x30']),
      quiet('a single error, 5 minutes on', '15m', [series('weavenpc_policy_enforcement_errors', NPC_1), '0x10 1x20']),
    ],
  },
];

test('every alert of the rule file has a unit test', () => {
  expect(CASES.map((c) => c.alert)).toEqual([...RULE.keys()]);
});

test.each(CASES.map((c) => [c.alert, c]))('%s fires when its condition holds, and not otherwise', (_, c) => {
  const { alert, fires, quiet: quietCases } = c as Case;
  const inputSeries = (input: Array<[string, string]>) => input.map(([s, values]) => ({ series: s, values }));
  const rule = RULE.get(alert);
  for (const f of fires) {
    expect(render(rule.annotations.summary, f.alerts[0].labels, f.alerts[0].value)).toBe(f.summary);
  }
  const tests = {
    evaluation_interval: '1m',
    tests: [
      ...fires.map((f) => ({
        name: `${alert} fires: ${f.why}`,
        interval: '1m',
        input_series: inputSeries(f.input),
        alert_rule_test: [
          { eval_time: f.pendingAt, alertname: alert, exp_alerts: [] },
          {
            eval_time: f.at,
            alertname: alert,
            exp_alerts: f.alerts.map((a) => ({
              exp_labels: a.labels,
              exp_annotations: {
                summary: render(rule.annotations.summary, a.labels, a.value),
                description: render(rule.annotations.description, a.labels, a.value),
              },
            })),
          },
        ],
      })),
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

test('the shape of weave_connections: the old selectors would see an isolated router in a healthy unencrypted mesh', () => {
  // `state="established"` alone, summed without state only, leaves an encryption="yes" series
  // at 0 for every router of an unencrypted mesh: the rule this file replaces fired on it.
  const tests = {
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: [...router(ROUTER_1, phase(3, established(2))), ...router(ROUTER_2, phase(3, established(2)))]
        .map(([s, values]) => ({ series: s, values })),
      promql_expr_test: [{
        expr: 'sum without (state) (weave_connections{state="established"}) == 0',
        eval_time: '2m',
        exp_samples: [ROUTER_1, ROUTER_2].map((r) => ({ labels: series('', { ...r, encryption: 'yes', type: 'fastdp' }), value: 0 })),
      }],
    }],
  };
  expect(testRules(RULES, YAML.stringify(tests))).toContain('SUCCESS');
});
