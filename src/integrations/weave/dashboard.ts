// The dashboard of Weave Net's router and network policy controller. Not exported from the package.
import { Duration } from 'cdk8s';
import { WeaveConnectionState, WeaveMetrics } from './weave-metrics';
import { uidFor } from '../../core/uid';
import { Dashboard, DashboardPanel, DashboardRow, GrafanaUnit } from '../../model/dashboard';

/**
 * Router health, address space and connections; blocked connections and policy errors when
 * weave-npc is scraped.
 *
 * `weave_connections` has a series per state, type and encryption, and none for a state
 * without connections (weave 2.8.1 `prog/weaver/metrics.go`): counts are sums over type and
 * encryption, and `or` supplies the 0 that the router does not report.
 */
export function weaveDashboard(routerJob: string, npcJob: string | undefined, scrapeInterval: Duration): Dashboard {
  const router = `job="${routerJob}"`;
  const m = WeaveMetrics;
  const established = `${m.CONNECTIONS}{${router},state="${WeaveConnectionState.ESTABLISHED}"}`;
  const rows = [
    new DashboardRow({
      title: 'Routers',
      panels: [
        DashboardPanel.stat({ title: 'Routers up', queries: [{ expr: `sum(up{${router}})` }] }),
        DashboardPanel.stat({
          title: 'Established connections',
          description: 'Peer-to-peer connections that carry traffic, summed over every router (so each one counts at both ends).',
          queries: [{ expr: `sum(${established}) or vector(0)` }],
        }),
        DashboardPanel.stat({
          title: 'Unreachable address space',
          description: 'Address space owned by peers that cannot be reached; addresses there cannot be handed out (weave rmpeer frees it).',
          unit: GrafanaUnit.PERCENT,
          queries: [{ expr: `max(${m.IPAM_UNREACHABLE_PERCENTAGE}{${router}})` }],
          thresholds: [{ value: 1, color: 'orange' }, { value: 10, color: 'red' }],
        }),
        DashboardPanel.stat({
          title: 'Addresses in use',
          unit: GrafanaUnit.PERCENT_UNIT,
          queries: [{ expr: `sum(${m.IPS}{${router},state="local-used"}) / max(${m.MAX_IPS}{${router}})` }],
          thresholds: [{ value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }],
        }),
        DashboardPanel.timeSeries({
          title: 'Connections by state',
          description: 'Over every router, whatever the overlay (fastdp, sleeve) and encryption.',
          queries: [{ expr: `sum by (state) (${m.CONNECTIONS}{${router}})`, legend: '{{state}}' }],
          stacked: true,
        }),
        DashboardPanel.timeSeries({
          title: 'Established connections per router',
          description: 'A router at 0 while others run is isolated: pods on its host cannot reach other hosts.',
          queries: [{
            expr: `sum by (instance) (${established}) or sum by (instance) (up{${router}} == 1) * 0`,
            legend: '{{instance}}',
          }],
        }),
        DashboardPanel.timeSeries({
          title: 'Connection terminations',
          description: 'Connections a router ended; a steady rate means flapping peers.',
          unit: GrafanaUnit.OPS_PER_SECOND,
          queries: [{ expr: `sum by (instance) (rate(${m.CONNECTION_TERMINATIONS_TOTAL}{${router}}[$__rate_interval]))`, legend: '{{instance}}' }],
        }),
        DashboardPanel.timeSeries({
          title: 'Fast datapath flows',
          queries: [{ expr: `sum by (instance) (${m.FLOWS}{${router}})`, legend: '{{instance}}' }],
        }),
        DashboardPanel.timeSeries({
          title: 'Pending address requests',
          description: 'Allocations and claims waiting for address space.',
          queries: [
            { expr: `sum(${m.IPAM_PENDING_ALLOCATES}{${router}})`, legend: 'allocations' },
            { expr: `sum(${m.IPAM_PENDING_CLAIMS}{${router}})`, legend: 'claims' },
          ],
        }),
      ],
    }),
  ];
  if (npcJob) {
    const npc = `job="${npcJob}"`;
    rows.push(new DashboardRow({
      title: 'Network policy controller',
      panels: [
        DashboardPanel.stat({ title: 'Controllers up', queries: [{ expr: `sum(up{${npc}})` }] }),
        DashboardPanel.timeSeries({
          title: 'Blocked connections',
          description: 'Connection attempts a NetworkPolicy blocked, by protocol and destination port.',
          unit: GrafanaUnit.OPS_PER_SECOND,
          width: 18,
          queries: [{
            expr: `sum by (protocol, dport) (rate(${m.NPC_BLOCKED_CONNECTIONS_TOTAL}{${npc}}[$__rate_interval]))`,
            legend: '{{protocol}}/{{dport}}',
          }],
        }),
        DashboardPanel.timeSeries({
          title: 'Policy enforcement errors',
          description: 'Errors of weave-npc while applying namespaces, pods and NetworkPolicies; the weave-npc logs give each one.',
          unit: GrafanaUnit.OPS_PER_SECOND,
          width: 24,
          queries: [{
            expr: `sum by (instance) (rate(${m.NPC_POLICY_ENFORCEMENT_ERRORS}{${npc}}[$__rate_interval]))`,
            legend: '{{instance}}',
          }],
        }),
      ],
    }));
  }
  return new Dashboard({
    uid: uidFor('weave-net', routerJob),
    title: `Weave Net (${routerJob})`,
    description: `Weave Net routers (job ${routerJob})${npcJob ? ` and network policy controllers (job ${npcJob})` : ''}.`,
    tags: ['weave-net'],
    minInterval: scrapeInterval,
    rows,
  });
}
