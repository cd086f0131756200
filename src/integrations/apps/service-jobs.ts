// The scrape jobs that stand in for ServiceMonitors on a PrometheusStack. Not exported.
//
// Applications of one namespace share one job and one EndpointSlice discovery, so Prometheus's
// watches grow with the number of namespaces, not of applications, and the job's text does not
// grow at all: an application's scrape settings travel with its Service as annotations, and one
// fixed set of relabel rules reads them (EndpointSlice discovery gives every target its Service's
// annotations, prometheus v2.42.0 discovery/kubernetes/endpointslice.go `addServiceLabels`, as
// `__meta_kubernetes_service_annotation_<name>` and `..._annotationpresent_<name>`, the name
// sanitized to [a-zA-Z0-9_]: discovery/kubernetes/service.go `serviceLabels`,
// util/strutil/strconv.go `SanitizeLabelName`):
// - `scrape-port` names the Service port to scrape; `keepequal` (prometheus v2.41.0
//   model/relabel/relabel.go) keeps the targets whose port name equals it. Adding an
//   application to a watched namespace then changes its Service only, not prometheus.yml.
//   Before 2.41 (no `keepequal`) the job lists the (Service, port name) pairs instead.
// - `scrape-path`, `scrape-scheme`, `scrape-interval` and `scrape-timeout` set the
//   `__metrics_path__`, `__scheme__`, `__scrape_interval__` and `__scrape_timeout__` labels,
//   which Prometheus reads per target (v2.42.0 scrape/target.go `PopulateLabels`).
// - `scrape-param-<name>` sets `__param_<name>`, which becomes the URL query parameter <name>
//   (scrape/target.go `Target.URL`). A label holds one value: a parameter with several values,
//   or a name an annotation key cannot carry, needs the job's `params`.
// Each AppServiceMonitor's Service has one port, so a Service carries the settings of one port.
// What a label cannot carry (relabelling, honor_labels, TLS, credentials, several values of a
// parameter) gives the application a job of its own, which keeps its one Service and port and
// reads the same annotations for the rest.
import type * as DashboardModule from './dashboard';
import { fail } from '../../core/checks';
import { formatMillis } from '../../core/formats';
import { IDashboardSource } from '../../model/dashboard';
import { Authentication, KubernetesRole, Relabel, RelabelAction, Scheme, ScrapeJob, ServiceDiscovery, TlsOptions } from '../../model/prometheus';
import { checkTimeoutWithinInterval } from '../../model/prometheus/validate';
import { imageAtLeast } from '../../model/prometheus/version';
import { lazyDashboard } from '../../stack/content';
import { PrometheusStack } from '../../stack/prometheus-stack';

/** The prefix of the Service annotations that carry scrape settings (the library's own). */
const PREFIX = 'cdk8s-prometheus-monitoring/';

/** The Service annotations read by the jobs. */
const SCRAPE_ANNOTATIONS = {
  port: `${PREFIX}scrape-port`,
  path: `${PREFIX}scrape-path`,
  scheme: `${PREFIX}scrape-scheme`,
  interval: `${PREFIX}scrape-interval`,
  timeout: `${PREFIX}scrape-timeout`,
  /** Followed by the parameter's name. */
  param: `${PREFIX}scrape-param-`,
};

/** The first release with the `keepequal` action (prometheus v2.41.0 model/relabel/relabel.go). */
const KEEP_EQUAL_SINCE = '2.41.0';

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
  /** URL query parameters, checked. */
  readonly params?: { [name: string]: string[] };
  /** Adds an annotation to the Service. */
  readonly annotate: (key: string, value: string) => void;
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
  /** The (Service, port name) pairs kept when the job lists them (a job of its own, or Prometheus < 2.41). */
  private readonly listed: string[] = [];
  private readonly listing: boolean;

  /**
   * @param listing keep the registered Services by name, not by their `scrape-port` annotation
   */
  constructor(jobName: string, namespaceName: string, listing: boolean, options: OwnJobOptions & { params?: { [name: string]: string[] } } = {}) {
    super({
      jobName,
      discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.ENDPOINT_SLICE, namespaces: [namespaceName] })],
      queryParams: options.params,
      relabelConfigs: options.relabelConfigs,
      metricRelabelConfigs: options.metricRelabelConfigs,
      honorLabels: options.honorLabels,
      tls: options.tls,
      auth: options.auth,
    });
    this.listing = listing;
  }

  public register(endpoint: ServiceEndpoint): void {
    this.listed.push(`${endpoint.serviceName};${endpoint.portName}`);
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    const rendered = super._render();
    // The user's own relabelling comes last, as in a ServiceMonitor endpoint.
    const relabels = [...this.selection(), DROP_FINISHED_PODS, ...SETTINGS, ...STANDARD_LABELS, ...this.relabelConfigs];
    return { ...rendered, relabel_configs: relabels.map((r) => r._render()) };
  }

  /** Keeps the monitored port of each Service: the annotated one, or the listed pairs. */
  private selection(): Relabel[] {
    if (!this.listing) return SELECT_ANNOTATED_PORT;
    const pairs = this.listed;
    // Service and port names are DNS labels: no regex metacharacters to escape, nothing to re-check.
    return [Relabel._trusted(RelabelAction.KEEP, {
      sourceLabels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
      regex: pairs.length === 1 ? pairs[0] : `(?:${pairs.join('|')})`,
    })];
  }
}

/** The discovery label of a Service annotation. */
const annotationLabel = (key: string, present = false) =>
  `__meta_kubernetes_service_annotation${present ? 'present' : ''}_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;

const SELECT_ANNOTATED_PORT = [
  // A Service without the annotation is not scraped, not even a port without a name (where
  // both sides of the comparison below would be empty).
  Relabel._trusted(RelabelAction.KEEP, { sourceLabels: [annotationLabel(SCRAPE_ANNOTATIONS.port, true)], regex: 'true' }),
  Relabel._trusted(RelabelAction.KEEP_EQUAL, { sourceLabels: ['__meta_kubernetes_endpointslice_port_name'], targetLabel: annotationLabel(SCRAPE_ANNOTATIONS.port) }),
];

const DROP_FINISHED_PODS = Relabel._trusted(RelabelAction.DROP, { sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Failed|Succeeded' });

/** Path, scheme, interval, timeout and query parameters from the Service's annotations, when set. */
const SETTINGS = [
  ...([['path', '__metrics_path__'], ['scheme', '__scheme__'], ['interval', '__scrape_interval__'], ['timeout', '__scrape_timeout__']] as const)
    .map(([setting, targetLabel]) => Relabel._trusted(RelabelAction.REPLACE, {
      sourceLabels: [annotationLabel(SCRAPE_ANNOTATIONS[setting])], regex: '(.+)', targetLabel, replacement: '${1}',
    })),
  Relabel._trusted(RelabelAction.LABEL_MAP, { regex: `${annotationLabel(SCRAPE_ANNOTATIONS.param)}(.+)`, replacement: '__param_${1}' }),
];

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
 * Whether a query parameter can travel as an annotation and a `__param_` label: one non-empty
 * value, and a name that fits an annotation key after the prefix (at most 63 characters,
 * alphanumeric at the end) and that sanitizing leaves as it is.
 */
function travels(name: string, values: string[]): boolean {
  return values.length === 1 && values[0] !== '' && /^[A-Za-z0-9_]*[A-Za-z0-9]$/.test(name)
    && SCRAPE_ANNOTATIONS.param.length - PREFIX.length + name.length <= 63;
}

/**
 * Registers a Service port on the stack: annotates the Service with its settings, and adds it
 * to the namespace's shared job, or to a job of its own when it needs what labels cannot carry.
 */
export function scrapeServiceEndpoint(stack: PrometheusStack, namespaceName: string, endpoint: ServiceEndpoint,
  own: OwnJobOptions = {}): ScrapeJob | undefined {
  // Prometheus drops a target whose timeout exceeds its interval; the job's interval is the stack's unless set.
  const { intervalMs: globalInterval, timeoutMs: globalTimeout } = stack.config._globalTiming();
  const interval = endpoint.intervalMs ?? globalInterval;
  checkTimeoutWithinInterval(endpoint.where, 'scrapeTimeout', endpoint.timeoutMs, interval,
    endpoint.intervalMs === undefined ? 'the stack\'s scrape interval' : '\'scrapeInterval\'', 'Set scrapeInterval or shorten the timeout');

  // The settings that differ from the job's defaults (the stack's interval and timeout, /metrics, http).
  const a = SCRAPE_ANNOTATIONS;
  if (endpoint.path !== undefined && endpoint.path !== '/metrics') endpoint.annotate(a.path, endpoint.path);
  if (endpoint.scheme !== undefined && endpoint.scheme !== Scheme.HTTP) endpoint.annotate(a.scheme, endpoint.scheme);
  if (interval !== globalInterval) endpoint.annotate(a.interval, formatMillis(interval));
  const timeout = endpoint.timeoutMs ?? Math.min(globalTimeout, interval);
  if (timeout !== globalTimeout) endpoint.annotate(a.timeout, formatMillis(timeout));
  const jobParams: { [name: string]: string[] } = {};
  for (const [name, values] of Object.entries(endpoint.params ?? {})) {
    if (travels(name, values)) endpoint.annotate(`${a.param}${name}`, values[0]);
    else jobParams[name] = values;
  }

  const needsOwnJob = (own.relabelConfigs?.length ?? 0) > 0 || (own.metricRelabelConfigs?.length ?? 0) > 0 || own.honorLabels
    || own.tls !== undefined || own.auth !== undefined || Object.keys(jobParams).length > 0;
  if (needsOwnJob) {
    // No scrape-port annotation: the shared job must not keep this Service too.
    const job = new ServiceEndpointsJob(`apps/${namespaceName}/${endpoint.serviceName}`, namespaceName, true,
      { ...own, params: Object.keys(jobParams).length > 0 ? jobParams : undefined });
    job.register(endpoint);
    return job;
  }
  endpoint.annotate(a.port, endpoint.portName);
  // The stack holds the namespace's shared job under its name.
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
  // The image's tag tells whether Prometheus has keepequal; a tag that names no version counts as the newest.
  const job = new ServiceEndpointsJob(jobName, namespaceName, !imageAtLeast(stack.image, KEEP_EQUAL_SINCE));
  job.register(endpoint);
  return job;
}

/** The applications dashboard: every application contributes it, and Grafana shows it once. */
export function applicationsDashboardSource(stack: PrometheusStack): IDashboardSource {
  return lazyDashboard('applications', () => {
    // Loaded when a Grafana first asks for the dashboard (most apps have none).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { applicationsDashboard } = require('./dashboard') as typeof DashboardModule;
    return applicationsDashboard(stack.node.path);
  });
}
