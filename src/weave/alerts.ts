// The alerting rules of WeaveMonitoring. Not exported from the package.
import { Duration } from 'cdk8s';
import { WeaveConnectionState, WeaveMetrics } from './weave-metrics';
import { AlertingRule, RuleGroup } from '../prometheus';

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
}

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
 */
export function weaveRuleGroup(o: AlertOptions): RuleGroup {
  const job = `job=${str(o.routerJob)}`;
  const established = `${WeaveMetrics.CONNECTIONS}{${job},state=${str(WeaveConnectionState.ESTABLISHED)}}`;
  const rules = [
    new AlertingRule({
      alert: 'WeaveNetRouterDown',
      expr: `up{${job}} == 0`,
      forDuration: Duration.minutes(5),
      labels: { severity: 'critical', job: o.routerJob },
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} cannot be scraped',
        description: 'Prometheus has failed to scrape the Weave Net router metrics at {{ $labels.instance }} for 5 minutes: '
          + 'the router is down, or its metrics endpoint (WEAVE_STATUS_ADDR) is not published where Prometheus can reach it.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetRouterIsolated',
      expr: `sum without (state) (${established}) == 0 and on () count(${established}) > 1`,
      forDuration: Duration.minutes(5),
      labels: { severity: 'critical', job: o.routerJob },
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} has lost every peer connection',
        description: 'The router has had no established connection to any other peer for 5 minutes while other routers run: '
          + 'pods on its host cannot reach pods on other hosts. Check `weave status connections` on the host.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetPeerConnectionsFailing',
      expr: `sum without (state) (${WeaveMetrics.CONNECTIONS}{${job},state=~"${WeaveConnectionState.FAILED}|${WeaveConnectionState.RETRYING}"}) > 0`,
      forDuration: Duration.minutes(15),
      labels: { severity: 'warning', job: o.routerJob },
      annotations: {
        summary: 'Weave Net router {{ $labels.instance }} cannot connect to {{ $value }} peer(s)',
        description: 'Connections from this router to some peers have failed for 15 minutes. Check `weave status connections` '
          + 'on the host; remove peers that are gone for good with `weave forget`.',
      },
    }),
    new AlertingRule({
      alert: 'WeaveNetIpamPendingAllocates',
      expr: `${WeaveMetrics.IPAM_PENDING_ALLOCATES}{${job}} > 0`,
      forDuration: Duration.minutes(10),
      labels: { severity: 'warning', job: o.routerJob },
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
      labels: { severity: 'warning', job: o.routerJob },
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
      labels: { severity: 'warning', job: o.routerJob },
      annotations: {
        summary: '{{ printf "%.1f" $value }}% of the Weave Net address space belongs to unreachable peers',
        description: `More than ${o.ipamUnreachablePercent}% of the IP address space has been owned by peers that cannot be `
          + 'reached for 15 minutes; no container can get an address from it. If those peers are gone for good, reclaim '
          + 'their space with `weave rmpeer` (see `weave status ipam`).',
      },
    }),
  ];
  if (o.npcJob !== undefined) {
    rules.push(new AlertingRule({
      alert: 'WeaveNetBlockedConnectionsHigh',
      expr: `sum without (protocol, dport) (rate(${WeaveMetrics.NPC_BLOCKED_CONNECTIONS_TOTAL}{job=${str(o.npcJob)}}[5m])) `
        + `> ${o.blockedConnectionsPerSecond}`,
      forDuration: Duration.minutes(10),
      labels: { severity: 'warning', job: o.npcJob },
      annotations: {
        summary: 'weave-npc at {{ $labels.instance }} blocks {{ printf "%.2f" $value }} connections per second',
        description: `NetworkPolicies have blocked more than ${o.blockedConnectionsPerSecond} connection attempts per second `
          + 'on this host for 10 minutes: a policy may be missing for a legitimate client, or something is probing the pods. '
          + 'The weave-npc logs name each blocked source and destination.',
      },
    }));
  }
  return new RuleGroup({ name: o.name, rules });
}
