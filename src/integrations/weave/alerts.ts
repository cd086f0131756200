// The alerting rules of WeaveMonitoring. Not exported from the package.
import { Duration } from 'cdk8s';
import { WeaveConnectionState, WeaveMetrics } from './weave-metrics';
import { AlertingRule, RuleGroup } from '../../model/prometheus';

/** What the rules need to know. */
export interface AlertOptions {
  /** The rule group name. */
  readonly name: string;
  /** The job label of the router targets. */
  readonly routerJob: string;
  /** The job label of the weave-npc targets, when they are scraped. */
  readonly npcJob?: string;
  /** Alert when a larger share (percent) of the address space belongs to unreachable peers. */
  readonly ipamUnreachablePercent: number;
  /** Alert when weave-npc blocks more connections per second than this, per host. */
  readonly blockedConnectionsPerSecond: number;
  /** Alert when the routers of the job have fewer fast datapath flows than this, together. */
  readonly fastDpFlowsMinimum?: number;
}

/** Terminations per second of one router above which its connections flap (kube-prometheus's threshold). */
const TERMINATIONS_PER_SECOND = 0.1;

/** A PromQL string literal. */
function str(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The rule group over the router (and weave-npc) metrics. Every expression selects one job
 * of this WeaveMonitoring, so two of them on one stack (Kubernetes and static hosts) never
 * alert twice for the same series; each rule also carries that job as a label (the value its
 * series already have), which keeps the rules of two WeaveMonitorings distinct for
 * `promtool check rules` (it refuses rules with the same name and labels).
 *
 * `weave_connections` has a series per `state`, `type` (fastdp, sleeve, unknown) and
 * `encryption` ("yes" or ""), and only for the states that have a connection (weave 2.8.1
 * `prog/weaver/metrics.go`): counts are summed over `type` and `encryption`, and a router
 * without an established connection has no such series at all.
 */
export function weaveRuleGroup(o: AlertOptions): RuleGroup {
  const job = `job=${str(o.routerJob)}`;
  const up = `up{${job}}`;
  /** The number of connections of each router in the given states (a regex of `WeaveConnectionState` values). */
  const connections = (...states: string[]) => {
    const state = states.length === 1 ? `state=${str(states[0])}` : `state=~${str(states.join('|'))}`;
    return `sum without (state, type, encryption) (${WeaveMetrics.CONNECTIONS}{${job},${state}})`;
  };
  const labels = (severity: string, jobLabel = o.routerJob) => ({ severity, job: jobLabel });
  const rules = [
    new AlertingRule({
      alert: 'WeaveNetRouterAbsent',
      expr: `absent(${up})`,
      forDuration: Duration.minutes(10),
      labels: labels('critical'),
      annotations: {
        summary: `Prometheus has found no Weave Net router to scrape (job ${o.routerJob})`,
        description: `The job ${o.routerJob} has had no target for 10 minutes: the weave-net pods are gone, or the discovery `
          + 'no longer finds them (namespace, pod labels, or the Role that lets Prometheus list pods there).',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetRouterDown',
      expr: `${up} == 0`,
      forDuration: Duration.minutes(5),
      labels: labels('critical'),
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} cannot be scraped',
        description: 'Prometheus has failed to scrape the Weave Net router metrics at {{ $labels.instance }} for 5 minutes: '
          + 'the router is down, or its metrics endpoint is not published where Prometheus can reach it '
          + '(WEAVE_METRICS_ADDR in the weave-net DaemonSet, WEAVE_STATUS_ADDR on a `weave launch` host).',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetRouterIsolated',
      expr: `${up} == 1 unless on (job, instance) (${connections(WeaveConnectionState.ESTABLISHED)} > 0) `
        + `and on (job) count by (job) (${up} == 1) > 1`,
      forDuration: Duration.minutes(5),
      labels: labels('critical'),
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} has no established connection to any peer',
        description: 'The router has had no established connection to any other peer for 5 minutes while other routers run: '
          + 'pods on its host cannot reach pods on other hosts. Check `weave status connections` on the host.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetPeerConnectionsFailing',
      expr: `${connections(WeaveConnectionState.FAILED, WeaveConnectionState.RETRYING)} > 0`,
      forDuration: Duration.minutes(15),
      labels: labels('warning'),
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} cannot connect to {{ $value }} peer(s)',
        description: 'Connections from this router to some peers have failed for 15 minutes. Check `weave status connections` '
          + 'on the host; remove peers that are gone for good with `weave forget`.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetPeerConnectionsStuck',
      expr: `${connections(WeaveConnectionState.CONNECTING, WeaveConnectionState.PENDING)} > 0`,
      forDuration: Duration.minutes(15),
      labels: labels('warning'),
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} has {{ $value }} connection(s) that never get established',
        description: 'Connections from this router have stayed in state connecting or pending for 15 minutes: the TCP connection '
          + 'or the handshake to those peers does not complete (a firewall on port 6783, or mismatched encryption passwords). '
          + 'Check `weave status connections` on the host.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetConnectionTerminationsHigh',
      expr: `rate(${WeaveMetrics.CONNECTION_TERMINATIONS_TOTAL}{${job}}[5m]) > ${TERMINATIONS_PER_SECOND}`,
      forDuration: Duration.minutes(10),
      labels: labels('warning'),
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} terminates {{ printf "%.2f" $value }} peer connections per second',
        description: `The router has ended more than ${TERMINATIONS_PER_SECOND} peer connections per second for 10 minutes: `
          + 'connections keep flapping. Check the router logs and `weave status connections`.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetIpamPendingAllocates',
      expr: `${WeaveMetrics.IPAM_PENDING_ALLOCATES}{${job}} > 0`,
      forDuration: Duration.minutes(10),
      labels: labels('warning'),
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} has {{ $value }} IP allocation(s) stuck',
        description: 'Containers on this host have waited 10 minutes for an IP address: IPAM has no free address space it can '
          + 'reach, or its peers have not agreed on the initial allocation. Check `weave status ipam`.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetIpamPendingClaims',
      expr: `${WeaveMetrics.IPAM_PENDING_CLAIMS}{${job}} > 0`,
      forDuration: Duration.minutes(10),
      labels: labels('warning'),
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} has {{ $value }} IP claim(s) stuck',
        description: 'Claims for the addresses of existing containers have waited 10 minutes, usually because the peer that '
          + 'owns that address space is unreachable. Check `weave status ipam`.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetIpamUnreachableSpace',
      expr: `max by (job) (${WeaveMetrics.IPAM_UNREACHABLE_PERCENTAGE}{${job}}) > ${o.ipamUnreachablePercent}`,
      forDuration: Duration.minutes(15),
      labels: labels('warning'),
      annotations: {
        summary: '{{ printf "%.1f" $value }}% of the Weave Net address space belongs to unreachable peers',
        description: `More than ${o.ipamUnreachablePercent}% of the IP address space has been owned by peers that cannot be `
          + 'reached for 15 minutes; no container can get an address from it. If those peers are gone for good, reclaim '
          + 'their space with `weave rmpeer` (see `weave status ipam`).',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetIpamSplitBrain',
      expr: `max by (job) (${WeaveMetrics.IPAM_UNREACHABLE_PERCENTAGE}{${job}}) `
        + `- min by (job) (${WeaveMetrics.IPAM_UNREACHABLE_PERCENTAGE}{${job}}) > 0`,
      forDuration: Duration.minutes(5),
      labels: labels('critical'),
      annotations: {
        summary: 'Weave Net routers disagree about which address space is unreachable',
        description: 'For 5 minutes the routers have reported shares of the address space owned by unreachable peers that '
          + 'differ by {{ printf "%.1f" $value }} points: the network is split, and each part sees the other unreachable. '
          + 'Compare `weave status ipam` on hosts of both parts.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetFastDpFlowsOff',
      expr: `${WeaveMetrics.FLOWS}{${job}} == 0 and on (job, instance) (${connections(WeaveConnectionState.ESTABLISHED)} > 0)`,
      forDuration: Duration.minutes(15),
      labels: labels('warning'),
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} has peers but no fast datapath flow',
        description: 'The router uses the fast datapath and has established connections, but its kernel datapath has had no '
          + 'flow for 15 minutes: traffic to other hosts does not use the fast datapath (or there is none). Check '
          + '`weave status connections` (fastdp or sleeve) and the router logs.',
      },
    }),
  ];
  if (o.fastDpFlowsMinimum !== undefined) {
    rules.push(new AlertingRule({
      alert: 'WeaveNetFastDpFlowsLow',
      expr: `sum by (job) (${WeaveMetrics.FLOWS}{${job}}) < ${o.fastDpFlowsMinimum}`,
      forDuration: Duration.minutes(10),
      labels: labels('warning'),
      annotations: {
        summary: 'The Weave Net routers have {{ $value }} fast datapath flows, fewer than usual',
        description: `The routers of job ${o.routerJob} have had fewer than ${o.fastDpFlowsMinimum} fast datapath flows `
          + 'together for 10 minutes: traffic between hosts has dropped, or moved off the fast datapath.',
      },
    }));
  }
  if (o.npcJob !== undefined) {
    const npc = `job=${str(o.npcJob)}`;
    rules.push(new AlertingRule({
      alert: 'WeaveNetBlockedConnectionsHigh',
      expr: `sum without (protocol, dport) (rate(${WeaveMetrics.NPC_BLOCKED_CONNECTIONS_TOTAL}{${npc}}[5m])) `
        + `> ${o.blockedConnectionsPerSecond}`,
      forDuration: Duration.minutes(10),
      labels: labels('warning', o.npcJob),
      annotations: {
        summary: 'weave-npc at {{ $labels.instance }} blocks {{ printf "%.2f" $value }} connections per second',
        description: `NetworkPolicies have blocked more than ${o.blockedConnectionsPerSecond} connection attempts per second `
          + 'on this host for 10 minutes: a policy may be missing for a legitimate client, or something is probing the pods. '
          + 'The weave-npc logs name each blocked source and destination.',
      },
    }), new AlertingRule({
      alert: 'WeaveNetPolicyEnforcementErrors',
      expr: `increase(${WeaveMetrics.NPC_POLICY_ENFORCEMENT_ERRORS}{${npc}}[5m]) > 0`,
      forDuration: Duration.minutes(10),
      labels: labels('warning', o.npcJob),
      annotations: {
        summary: 'weave-npc at {{ $labels.instance }} keeps failing to enforce network policies',
        description: 'weave-npc has failed to apply namespaces, pods or NetworkPolicies to iptables and ipsets on this host '
          + 'for 10 minutes ({{ printf "%.0f" $value }} errors in the last 5 minutes): some policies may not be enforced '
          + 'there. The weave-npc logs give each error.',
      },
    }));
  }
  return new RuleGroup({ name: o.name, rules });
}
