// The dashboard of Weave Net's router and network policy controller. Not exported from the package.
import { Duration } from 'cdk8s';
import { WeaveConnectionState, WeaveMetrics } from './weave-metrics';
import { Dashboard, DashboardPanel, DashboardRow, GrafanaUnit } from '../grafana/dashboard';
import { uidFor } from '../grafana/uid';

/** Router health, address space and connections; blocked connections when weave-npc is scraped. */
export function weaveDashboard(routerJob: string, npcJob: string | undefined, scrapeInterval: Duration): Dashboard {
  const router = `job="${routerJob}"`;
  const m = WeaveMetrics;
  const rows = [
    new DashboardRow({
      title: 'Routers',
      panels: [
        DashboardPanel.stat({ title: 'Routers up', queries: [{ expr: `sum(up{${router}})` }] }),
        DashboardPanel.stat({
          title: 'Established connections',
          description: 'Peer-to-peer connections that carry traffic, over every router.',
          queries: [{ expr: `sum(${m.CONNECTIONS}{${router},state="${WeaveConnectionState.ESTABLISHED}"})` }],
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
          queries: [{ expr: `sum by (state) (${m.CONNECTIONS}{${router}})`, legend: '{{state}}' }],
          stacked: true,
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
