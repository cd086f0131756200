// The scrape jobs that stand in for ServiceMonitors on a PrometheusStack. Not exported.
//
// Applications of one namespace share one job and one EndpointSlice discovery, so Prometheus's
// watches grow with the number of namespaces, not of applications. A keep rule lists the
// (Service, port name) pairs of the registered applications; per-application settings
// (path, interval, timeout, scheme) are set through the __metrics_path__, __scrape_interval__,
// __scrape_timeout__ and __scheme__ labels, which Prometheus reads per target. An application
// with relabelings of its own gets a job of its own, so its rules never touch other targets.
import { applicationsDashboard } from './dashboard';
import { fail } from '../../core/checks';
import { formatMillis } from '../../core/formats';
import { IDashboardSource } from '../../model/dashboard';
import { Authentication, KubernetesRole, Relabel, RelabelAction, Scheme, ScrapeJob, ServiceDiscovery, TlsOptions } from '../../model/prometheus';
import { PrometheusStack } from '../../stack';
import { lazyDashboard } from '../../stack/content';

/** What a job needs to know of one monitored Service port. */
export interface ServiceEndpoint {
  /** Where errors are reported. */
  readonly where: string;
  readonly serviceName: string;
  readonly portName: string;
  readonly path?: string;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly scheme?: Scheme;
}

/** Settings that give an application a job of its own. */
export interface OwnJobOptions {
  readonly relabelConfigs?: Relabel[];
  readonly metricRelabelConfigs?: Relabel[];
  readonly honorLabels?: boolean;
  /** TLS settings: a job's, not a target's, so an application with them gets a job of its own. */
  readonly tls?: TlsOptions;
  /** Credentials: likewise. */
  readonly auth?: Authentication;
}

/** A job over the EndpointSlices of one namespace, rendering its relabelling at synthesis. */
export class ServiceEndpointsJob extends ScrapeJob {
  private readonly endpoints: ServiceEndpoint[] = [];
  private readonly stack: PrometheusStack;

  constructor(jobName: string, namespaceName: string, stack: PrometheusStack, options: OwnJobOptions = {}) {
    super({
      jobName,
      discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.ENDPOINT_SLICE, namespaces: [namespaceName] })],
      relabelConfigs: options.relabelConfigs,
      metricRelabelConfigs: options.metricRelabelConfigs,
      honorLabels: options.honorLabels,
      tls: options.tls,
      auth: options.auth,
    });
    this.stack = stack;
  }

  public register(endpoint: ServiceEndpoint): void {
    this.endpoints.push(endpoint);
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    const rendered = super._render();
    // The user's own relabelling comes last, as in a ServiceMonitor endpoint.
    const relabels = [...this.selection(), ...this.perEndpointSettings(), ...STANDARD_LABELS, ...this.relabelConfigs];
    return { ...rendered, relabel_configs: relabels.map((r) => r._render()) };
  }

  /** Keeps the registered (Service, port name) pairs of running pods. */
  private selection(): Relabel[] {
    const pairs = this.endpoints.map((e) => `${e.serviceName};${e.portName}`);
    // Service and port names are DNS labels: no regex metacharacters to escape, nothing to re-check.
    return [
      Relabel._trusted(RelabelAction.KEEP, {
        sourceLabels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
        regex: pairs.length === 1 ? pairs[0] : `(?:${pairs.join('|')})`,
      }),
      DROP_FINISHED_PODS,
    ];
  }

  /** Path, interval, timeout and scheme of each Service that does not use the job's defaults. */
  private perEndpointSettings(): Relabel[] {
    const { intervalMs: globalInterval, timeoutMs: globalTimeout } = this.stack.config._globalTiming();
    const out: Relabel[] = [];
    for (const e of this.endpoints) {
      // `$` in a replacement starts a group reference in Go; `$$` is a literal dollar.
      const set = (targetLabel: string, value: string) => out.push(Relabel._trusted(RelabelAction.REPLACE, {
        sourceLabels: ['__meta_kubernetes_service_name'], regex: e.serviceName, targetLabel, replacement: value.replace(/\$/g, '$$$$'),
      }));
      if (e.path !== undefined && e.path !== '/metrics') set('__metrics_path__', e.path);
      if (e.intervalMs !== undefined && e.intervalMs !== globalInterval) set('__scrape_interval__', formatMillis(e.intervalMs));
      const timeout = e.timeoutMs ?? Math.min(globalTimeout, e.intervalMs ?? globalInterval);
      if (timeout !== globalTimeout) set('__scrape_timeout__', formatMillis(timeout));
      if (e.scheme !== undefined && e.scheme !== Scheme.HTTP) set('__scheme__', e.scheme);
    }
    return out;
  }
}

const DROP_FINISHED_PODS = Relabel._trusted(RelabelAction.DROP, { sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Failed|Succeeded' });

/** The labels prometheus-operator gives ServiceMonitor targets, `job` being the Service name. */
const STANDARD_LABELS = [
  Relabel.replace({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
  Relabel.replace({ sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: 'service' }),
  Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
  Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_container_name'], targetLabel: 'container' }),
  Relabel.replace({ sourceLabels: ['__meta_kubernetes_endpointslice_port_name'], targetLabel: 'endpoint' }),
  Relabel.replace({ sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: 'job' }),
];

/**
 * Registers a Service port on the stack: on the namespace's shared job, which the stack holds
 * under its name, or on a job of its own when it has relabelling or label handling of its own.
 * Returns the job when it is new, for the caller to contribute to the stack.
 */
export function scrapeServiceEndpoint(stack: PrometheusStack, namespaceName: string, endpoint: ServiceEndpoint,
  own: OwnJobOptions = {}): ScrapeJob | undefined {
  // Prometheus drops a target whose timeout exceeds its interval; the job's interval is the stack's unless set.
  const { intervalMs: globalInterval } = stack.config._globalTiming();
  const interval = endpoint.intervalMs ?? globalInterval;
  if (endpoint.timeoutMs !== undefined && endpoint.timeoutMs > interval) {
    fail(endpoint.where, 'scrapeTimeout', `must not exceed the scrape interval (${formatMillis(interval)}${endpoint.intervalMs === undefined ? ', the stack\'s' : ''})`,
      formatMillis(endpoint.timeoutMs), 'Set scrapeInterval or shorten the timeout');
  }
  const needsOwnJob = (own.relabelConfigs?.length ?? 0) > 0 || (own.metricRelabelConfigs?.length ?? 0) > 0 || own.honorLabels
    || own.tls !== undefined || own.auth !== undefined;
  if (needsOwnJob) {
    const job = new ServiceEndpointsJob(`apps/${namespaceName}/${endpoint.serviceName}`, namespaceName, stack, own);
    job.register(endpoint);
    return job;
  }
  const jobName = `apps/${namespaceName}`;
  const existing = stack.config.findScrapeJob(jobName);
  if (existing instanceof ServiceEndpointsJob) {
    existing.register(endpoint);
    return undefined;
  }
  if (existing) {
    fail(endpoint.where, 'stack', `has a job named '${jobName}', the name of the shared job of the applications of '${namespaceName}'`,
      stack.node.path, 'Rename that job');
  }
  const job = new ServiceEndpointsJob(jobName, namespaceName, stack);
  job.register(endpoint);
  return job;
}

/** The applications dashboard: every application contributes it, and Grafana shows it once. */
export function applicationsDashboardSource(stack: PrometheusStack): IDashboardSource {
  return lazyDashboard('applications', () => applicationsDashboard(stack.node.path));
}
