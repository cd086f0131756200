import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { parseTarget } from './addresses';
import { weaveRuleGroup } from './alerts';
import { DaemonSetJson, daemonSetPatches, METRICS_ADDR_VARIABLE, NPC_CONTAINER, ROUTER_CONTAINER, STATUS_ADDR_VARIABLE } from './daemonset-patch';
import type * as DashboardModule from './dashboard';
import { kubernetesJob, PodSelection, staticJob } from './scrape-jobs';
import { WeaveDiscovery } from './weave-discovery';
import { WeaveStatusAddress } from './weave-status-address';
import { checkBoolean, checkInstance, checkStruct, fail, numberFix, requireProp } from '../../core/checks';
import { checkDnsLabel, checkNonEmpty, checkPort, formatMillis, millis } from '../../core/formats';
import { addWarning } from '../../core/warnings';
import { checkObjectNames } from '../../k8s/object-names';
import { RuleGroup, ScrapeJob } from '../../model/prometheus';
import { libraryQueries } from '../../model/prometheus/promql';
import { promDuration } from '../../model/prometheus/validate';
import { checkBinding, requireStack } from '../../stack/check-stack';
import { lazyDashboard } from '../../stack/content';
import { IntegrationConfig, IPrometheusIntegration } from '../../stack/integration';
import { PrometheusStack } from '../../stack/prometheus-stack';

/** Kubernetes label keys: an optional DNS-subdomain prefix and a name of at most 63 characters. */
const LABEL_KEY = /^(?:(?=.{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?(?=.{1,63}$)[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/**
 * The router's own listeners (weave 2.8.1 prog/weave-kube/launch.sh and the weave script):
 * the mesh on 6783 (every interface) and the control API on 127.0.0.1:6784.
 */
const WEAVE_OWN_PORTS = [6783, 6784];
const ADDRESS_FIX = 'Use WeaveStatusAddress.nodeIp(), WeaveStatusAddress.ip(address) or WeaveStatusAddress.allInterfaces()';
const LABEL_VALUE = /^(?=.{1,63}$)[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Properties of `WeaveMonitoring`.
 */
export interface WeaveMonitoringProps {
  /** The Prometheus server that scrapes Weave Net and evaluates its alerts. */
  readonly stack: PrometheusStack;
  /**
   * Where the Weave Net routers are: the weave-net DaemonSet discovered from Kubernetes, or
   * fixed endpoints of hosts started with `weave launch`.
   *
   * @default WeaveDiscovery.kubernetes()
   */
  readonly discovery?: WeaveDiscovery;
  /**
   * How often the endpoints are scraped; at least 1 second.
   *
   * @default Duration.seconds(15) (the Weave Net document's `scrape_interval: 15s`)
   */
  readonly scrapeInterval?: Duration;
  /**
   * The port of the router metrics endpoint: the port of `WEAVE_METRICS_ADDR` in the weave-net
   * DaemonSet (weave-kube), or of `WEAVE_STATUS_ADDR` on a `weave launch` host.
   *
   * @default 6782
   */
  readonly routerPort?: number;
  /**
   * The port of the network policy controller's metrics endpoint (the port of weave-npc's
   * `--metrics-addr`). Must differ from `routerPort`: both run in the host network of each node.
   * Neither may be 6783 or 6784, where the router listens for its mesh and control API.
   *
   * @default 6781
   */
  readonly npcPort?: number;
  /**
   * Scrape the network policy controller (weave-npc) too, in a job of its own, and alert on
   * blocked connections. With static targets, weave-npc is scraped only at the `npcTargets`
   * given.
   *
   * @default true
   */
  readonly networkPolicyController?: boolean;
  /**
   * The name of the router job: the `job` label of its series.
   *
   * @default 'weave'
   */
  readonly routerJobName?: string;
  /**
   * The name of the weave-npc job: the `job` label of its series.
   *
   * @default 'weave-npc'
   */
  readonly npcJobName?: string;
  /**
   * Add the alerting rules (a rule group named after the router job): no router found, router
   * down, router isolated, peer connections failing or stuck, connections flapping, IPAM
   * allocations or claims stuck, address space owned by unreachable peers, routers that
   * disagree about it (IPAM split brain), fast datapath without flows, and weave-npc blocking
   * connections at a high rate or failing to enforce policies (the README lists them).
   *
   * @default true
   */
  readonly alerts?: boolean;
  /**
   * The share of the IP address space owned by unreachable peers, in percent (0-100), above
   * which `WeaveNetIpamUnreachableSpace` fires.
   *
   * @default 10
   */
  readonly ipamUnreachablePercent?: number;
  /**
   * The rate of connections blocked by weave-npc on one host, per second, above which
   * `WeaveNetBlockedConnectionsHigh` fires.
   *
   * @default 1
   */
  readonly blockedConnectionsPerSecond?: number;
  /**
   * The number of fast datapath flows (`weave_flows`) of all the routers together below which
   * `WeaveNetFastDpFlowsLow` fires. How many flows are normal depends on the traffic of the
   * cluster, so there is no default (kube-prometheus's weave-net addon uses 15000).
   *
   * @default - no WeaveNetFastDpFlowsLow alert
   */
  readonly fastDpFlowsMinimum?: number;
}

/**
 * Prometheus monitoring of Weave Net: everything in the Weave Net monitoring document, typed
 * and checked.
 *
 * It adds to a `PrometheusStack` the `weave` job (router metrics, port 6782) and the
 * `weave-npc` job (network policy controller, port 6781), either discovered from the pods of
 * the weave-net DaemonSet in `kube-system` (the stack then gets a Role there, not a
 * ClusterRole) or at fixed addresses, and a rule group of alerts on the router metrics. It
 * creates no Kubernetes object of its own.
 *
 * The routers must publish their metrics where Prometheus can reach them:
 * `patchDaemonSet()` sets `WEAVE_METRICS_ADDR` (and weave-npc's `--metrics-addr`) on a
 * weave-net DaemonSet included in the chart, and `launchEnvironment()` gives the
 * `WEAVE_STATUS_ADDR` setting for `weave launch` hosts.
 *
 * @see https://github.com/weaveworks/weave/blob/master/site/tasks/manage/metrics.md
 */
export class WeaveMonitoring extends Construct implements IPrometheusIntegration {
  private readonly stack: PrometheusStack;
  /** How the routers are found. */
  public readonly discovery: WeaveDiscovery;
  /** The port of the router metrics endpoint. */
  public readonly routerPort: number;
  /** The port of the weave-npc metrics endpoint. */
  public readonly npcPort: number;
  /** The scrape interval of the jobs. */
  public readonly scrapeInterval: Duration;
  /** The router job. */
  public readonly routerJob: ScrapeJob;
  /**
   * The weave-npc job.
   *
   * @default - none, when `networkPolicyController` is false or static targets have no `npcTargets`
   */
  public readonly npcJob?: ScrapeJob;
  /**
   * The alerting rules; more rules can be added to it.
   *
   * @default - none, when `alerts` is false
   */
  public readonly ruleGroup?: RuleGroup;

  private readonly pods?: PodSelection;

  constructor(scope: Construct, id: string, props: WeaveMonitoringProps) {
    super(scope, id);
    checkObjectNames(this);
    const path = this.node.path;
    checkStruct(path, 'props', props, true);
    const stack = this.stack = requireStack(path, 'stack', props.stack);
    checkInstance(path, 'discovery', props.discovery, WeaveDiscovery, 'Use WeaveDiscovery.kubernetes() or WeaveDiscovery.staticTargets({ routerTargets })');
    for (const flag of ['alerts', 'networkPolicyController'] as const) checkBoolean(path, flag, props[flag]);

    this.routerPort = checkPort(path, 'routerPort', props.routerPort ?? 6782);
    this.npcPort = checkPort(path, 'npcPort', props.npcPort ?? 6781);
    if (this.npcPort === this.routerPort) {
      fail(path, 'npcPort', `must differ from 'routerPort' (${this.routerPort}): the router and weave-npc share each host's network`,
        this.npcPort);
    }
    for (const [prop, port] of [['routerPort', this.routerPort], ['npcPort', this.npcPort]] as const) {
      if (WEAVE_OWN_PORTS.includes(port)) {
        fail(path, prop, 'must not be 6783 or 6784, where the Weave Net router listens for its mesh and its control API', port);
      }
    }

    this.scrapeInterval = props.scrapeInterval ?? Duration.seconds(15);
    promDuration(path, 'scrapeInterval', this.scrapeInterval);
    if (millis(this.scrapeInterval) < 1000) {
      fail(path, 'scrapeInterval', 'must be at least 1s', formatMillis(millis(this.scrapeInterval)));
    }

    const routerJobName = checkNonEmpty(path, 'routerJobName', props.routerJobName ?? 'weave');
    const npcJobName = checkNonEmpty(path, 'npcJobName', props.npcJobName ?? 'weave-npc');
    const npcEnabled = props.networkPolicyController ?? true;
    if (npcEnabled && npcJobName === routerJobName) {
      fail(path, 'npcJobName', 'must differ from \'routerJobName\'', npcJobName);
    }
    const alerts = props.alerts ?? true;
    const ipamUnreachablePercent = props.ipamUnreachablePercent ?? 10;
    if (!Number.isFinite(ipamUnreachablePercent) || ipamUnreachablePercent < 0 || ipamUnreachablePercent >= 100) {
      fail(path, 'ipamUnreachablePercent', 'must be a percentage in 0-100 (100 excluded: the share cannot exceed it)', ipamUnreachablePercent,
        typeof ipamUnreachablePercent === 'number' ? undefined : numberFix(ipamUnreachablePercent));
    }
    const blockedConnectionsPerSecond = props.blockedConnectionsPerSecond ?? 1;
    if (!Number.isFinite(blockedConnectionsPerSecond) || blockedConnectionsPerSecond < 0) {
      fail(path, 'blockedConnectionsPerSecond', 'must be a number of connections per second, 0 or more', blockedConnectionsPerSecond,
        typeof blockedConnectionsPerSecond === 'number' ? undefined : numberFix(blockedConnectionsPerSecond));
    }
    const fastDpFlowsMinimum = props.fastDpFlowsMinimum;
    if (fastDpFlowsMinimum !== undefined && (!Number.isInteger(fastDpFlowsMinimum) || fastDpFlowsMinimum < 1)) {
      fail(path, 'fastDpFlowsMinimum', 'must be a whole number of flows, 1 or more', fastDpFlowsMinimum,
        typeof fastDpFlowsMinimum === 'number' ? undefined : numberFix(fastDpFlowsMinimum));
    }

    this.discovery = props.discovery ?? WeaveDiscovery.kubernetes();
    let npcJob: ScrapeJob | undefined;
    if (this.discovery._kubernetes) {
      const k = this.discovery._kubernetes;
      const namespaceName = checkDnsLabel(path, 'discovery.namespaceName', k.namespaceName ?? 'kube-system');
      const labels = Object.entries(k.podLabels ?? { name: 'weave-net' }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (labels.length === 0) {
        fail(path, 'discovery.podLabels', 'must have at least one label that selects the weave-net pods', {});
      }
      for (const [key, value] of labels) {
        if (!LABEL_KEY.test(key)) fail(path, `discovery.podLabels.${key}`, 'must be a Kubernetes label key', key);
        if (!LABEL_VALUE.test(value)) fail(path, `discovery.podLabels.${key}`, 'must be a non-empty Kubernetes label value', value);
      }
      this.pods = { namespaceName, podLabels: labels };
      this.routerJob = kubernetesJob({ jobName: routerJobName, container: ROUTER_CONTAINER, port: this.routerPort }, this.pods, this.scrapeInterval);
      if (npcEnabled) {
        npcJob = kubernetesJob({ jobName: npcJobName, container: NPC_CONTAINER, port: this.npcPort }, this.pods, this.scrapeInterval);
      }
    } else {
      const s = this.discovery._static!;
      const routerTargets = this.staticTargets('discovery.routerTargets', s.routerTargets, this.routerPort);
      const npcTargets = s.npcTargets && this.staticTargets('discovery.npcTargets', s.npcTargets, this.npcPort);
      if (npcTargets && !npcEnabled) {
        fail(path, 'discovery.npcTargets', 'must not be given when \'networkPolicyController\' is false', s.npcTargets);
      }
      const both = npcTargets?.find((t) => routerTargets.includes(t));
      if (both !== undefined) {
        fail(path, 'discovery.npcTargets', 'must not repeat a router target: one endpoint cannot serve both', both);
      }
      this.routerJob = staticJob(routerJobName, routerTargets, this.scrapeInterval);
      if (npcTargets) npcJob = staticJob(npcJobName, npcTargets, this.scrapeInterval);
    }
    this.npcJob = npcJob;

    const existing = stack.config.scrapeJobs.map((j) => j.jobName);
    for (const [prop, job] of [['routerJobName', this.routerJob], ['npcJobName', this.npcJob]] as const) {
      if (job && existing.includes(job.jobName)) {
        fail(path, prop, `must be unique in the stack '${stack.node.path}': it already has a job of that name`, job.jobName,
          `Give this WeaveMonitoring another '${prop}'`);
      }
    }
    if (alerts) {
      if (stack.config.ruleGroups.some((g) => g.name === routerJobName)) {
        fail(path, 'routerJobName', `names the rule group, and the stack '${stack.node.path}' already has a group of that name`, routerJobName);
      }
      this.ruleGroup = libraryQueries(() => weaveRuleGroup({
        name: routerJobName,
        routerJob: routerJobName,
        npcJob: this.npcJob?.jobName,
        ipamUnreachablePercent,
        blockedConnectionsPerSecond,
        fastDpFlowsMinimum,
      }));
    }

    stack.addIntegration(this);
  }

  /** Contributes the router and npc jobs, the alert rules and the Weave Net dashboard. */
  public bind(stack: PrometheusStack): IntegrationConfig {
    checkBinding(`${this.node.path}.bind()`, stack, [this.stack]);
    const router = this.routerJob.jobName;
    const npc = this.npcJob?.jobName;
    return {
      scrapeJobs: [this.routerJob, ...this.npcJob ? [this.npcJob] : []],
      ruleGroups: this.ruleGroup ? [this.ruleGroup] : [],
      dashboards: [lazyDashboard(`weave-${router}`, () => {
        // Loaded when a Grafana first asks for the dashboard (most apps have none).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { weaveDashboard } = require('./dashboard') as typeof DashboardModule;
        return weaveDashboard(router, npc, this.scrapeInterval);
      })],
    };
  }

  /**
   * Publishes the metrics endpoints of a weave-net DaemonSet on `address`, with JSON patches:
   * `WEAVE_METRICS_ADDR=<address>:<routerPort>` in its `weave` container and
   * `--metrics-addr=<address>:<npcPort>` in its `weave-npc` container (when it has one),
   * replacing earlier values.
   *
   * weave-kube's launch.sh passes `WEAVE_METRICS_ADDR` (default `0.0.0.0:6782`) to the router
   * as `--metrics-addr`, a listener that serves `/metrics` only. `WEAVE_STATUS_ADDR` is the
   * `weave launch` setting: in weave-kube it adds a second listener, for the status API and
   * the metrics, so a `WEAVE_STATUS_ADDR` on the router port in the `weave` container is
   * refused (the router would exit with "address already in use").
   *
   * Use it on the DaemonSet of weave's manifest included in the chart
   * (`new Include(chart, 'weave-net', { url })`) after its containers are defined. With the
   * Kubernetes discovery, the DaemonSet must be in the discovered namespace and its pods must
   * carry the discovered labels.
   *
   * @param daemonSet the weave-net DaemonSet
   * @param address where the endpoints listen: `WeaveStatusAddress.nodeIp()` (the default),
   * or `WeaveStatusAddress.allInterfaces()`, which prints a warning at synthesis
   */
  public patchDaemonSet(daemonSet: ApiObject, address?: WeaveStatusAddress): void {
    const where = this.node.path;
    const addr = checkInstance(where, 'address', address, WeaveStatusAddress, ADDRESS_FIX) ?? WeaveStatusAddress.nodeIp();
    if (!(requireProp(where, 'daemonSet', daemonSet) instanceof ApiObject)) {
      fail(where, 'daemonSet', 'must be the cdk8s ApiObject of the weave-net DaemonSet', daemonSet,
        'Pass the object Include or ApiObject made from weave\'s manifest, such as include.apiObjects.find((o) => o.kind === \'DaemonSet\')');
    }
    if (daemonSet.kind !== 'DaemonSet') {
      fail(where, 'daemonSet', 'must be a DaemonSet', `${daemonSet.kind} ${daemonSet.node.path}`);
    }
    if (!addr.usesNodeIp && !addr.listensOnAllInterfaces) {
      fail(where, 'address', 'must be WeaveStatusAddress.nodeIp() or allInterfaces() for a DaemonSet: a fixed IP exists on one node only',
        addr.host, 'Use WeaveStatusAddress.nodeIp()');
    }
    const json = daemonSet.toJson() as DaemonSetJson;
    if (this.pods) {
      const ns = json.metadata?.namespace;
      if (ns !== this.pods.namespaceName) {
        fail(where, 'daemonSet', `must be in the discovered namespace '${this.pods.namespaceName}'`, ns ?? '(no namespace)');
      }
      const labels = json.spec?.template?.metadata?.labels ?? {};
      const missing = this.pods.podLabels.filter(([k, v]) => labels[k] !== v);
      if (missing.length > 0) {
        fail(where, 'daemonSet', `must label its pods ${this.pods.podLabels.map(([k, v]) => `${k}=${v}`).join(',')} (the discovered labels)`, labels);
      }
    }
    const { patches, npcPatched } = daemonSetPatches(where, json, addr, this.routerPort, this.npcPort);
    if (addr.listensOnAllInterfaces) {
      this.warnAllInterfaces(`${METRICS_ADDR_VARIABLE}=${addr.withPort(this.routerPort)}${npcPatched ? ` and weave-npc --metrics-addr=${addr.withPort(this.npcPort)}` : ''}`,
        'the Weave Net metrics');
    }
    daemonSet.addJsonPatch(...patches);
  }

  /**
   * The environment setting that publishes the router metrics of a host started with
   * `weave launch` on `address` at `routerPort`, such as `WEAVE_STATUS_ADDR=10.0.0.21:6782`:
   * run `WEAVE_STATUS_ADDR=10.0.0.21:6782 weave launch` on that host.
   *
   * The `weave` script serves the status API (read-only) and the metrics on
   * `WEAVE_STATUS_ADDR`, by default `127.0.0.1:6782`, so that address publishes both. This is
   * not for the weave-net DaemonSet, whose variable is `WEAVE_METRICS_ADDR` (see
   * `patchDaemonSet()`).
   *
   * @param address a fixed IP (`WeaveStatusAddress.ip()`), or every interface
   * (`WeaveStatusAddress.allInterfaces()`, which prints a warning at synthesis)
   */
  public launchEnvironment(address: WeaveStatusAddress): string {
    checkInstance(this.node.path, 'address', requireProp(this.node.path, 'address', address, ADDRESS_FIX), WeaveStatusAddress, ADDRESS_FIX);
    if (address.usesNodeIp) {
      fail(this.node.path, 'address', 'must be a fixed IP or every interface for a `weave launch` host: the node IP exists only in '
        + 'a Kubernetes pod', address.host, 'Use WeaveStatusAddress.ip(), or patchDaemonSet() for the weave-net DaemonSet');
    }
    const setting = `${STATUS_ADDR_VARIABLE}=${address.withPort(this.routerPort)}`;
    if (address.listensOnAllInterfaces) this.warnAllInterfaces(setting, 'the Weave Net status API and metrics');
    return setting;
  }

  private staticTargets(prop: string, targets: string[], defaultPort: number): string[] {
    if (targets.length === 0) {
      fail(this.node.path, prop, 'must list at least one target', targets);
    }
    return [...new Set(targets.map((t, i) => parseTarget(this.node.path, `${prop}[${i}]`, t, defaultPort)))];
  }

  private warnAllInterfaces(setting: string, what: string): void {
    const message = `Setting ${setting} publishes ${what} on every interface of the host, which may expose them to `
      + 'the public internet: no NetworkPolicy applies to the host network. Prefer WeaveStatusAddress.nodeIp() (DaemonSet) '
      + 'or WeaveStatusAddress.ip() (weave launch), or firewall the ports.';
    addWarning(this, message);
  }
}
