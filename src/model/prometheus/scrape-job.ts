import { Duration } from 'cdk8s';
import { KubernetesApiAccess } from './api-access';
import { Authentication, Credential, TlsOptions } from './credential';
import { DISCOVERY_FIX, RELABEL_FIX } from './fixes';
import { cleartextAuthWarning, httpClientCredentials, insecureTlsWarning, renderHttpClient } from './http-client';
import { Relabel } from './relabel';
import { KubernetesWatch, ServiceDiscovery } from './service-discovery';
import { checkTimeoutWithinInterval, promDuration } from './validate';
import { checkArray, checkBoolean, checkEnum, checkInstances, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkHttpPath, checkNonEmpty, checkPositiveInteger, compact, isCredentialName, millis } from '../../core/formats';

/**
 * The protocol Prometheus scrapes with.
 */
export enum Scheme {
  /** Plain HTTP. */
  HTTP = 'http',
  /** HTTPS; see `tls` for certificates. */
  HTTPS = 'https',
}

/**
 * Properties of a `ScrapeJob`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
 */
export interface ScrapeJobProps {
  /** The job name, unique within a Prometheus configuration; the default `job` label of its series. */
  readonly jobName: string;
  /**
   * Where the targets come from: static targets, Kubernetes, Kuma or file discovery.
   *
   * Fixed when the job is created, because a stack derives its RBAC from it.
   */
  readonly discovery: ServiceDiscovery[];
  /**
   * How often targets are scraped.
   *
   * @default - the global `scrape_interval`
   */
  readonly scrapeInterval?: Duration;
  /**
   * How long a scrape may take; at most `scrapeInterval`.
   *
   * @default - the global `scrape_timeout`, capped at the job's interval
   */
  readonly scrapeTimeout?: Duration;
  /**
   * The HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * The protocol.
   *
   * @default Scheme.HTTP
   */
  readonly scheme?: Scheme;
  /**
   * URL query parameters, such as `match[]` for federation.
   *
   * @default - none
   */
  readonly queryParams?: { [name: string]: string[] };
  /**
   * Keep the labels the target exposes when they clash with the target's labels
   * (for federation and Pushgateway).
   *
   * @default false
   */
  readonly honorLabels?: boolean;
  /**
   * Use the timestamps the target exposes.
   *
   * @default true
   */
  readonly honorTimestamps?: boolean;
  /**
   * How to authenticate to the targets.
   *
   * @default - no authentication
   */
  readonly auth?: Authentication;
  /**
   * TLS settings for `https` targets.
   *
   * @default - the system's trusted CAs, no client certificate
   */
  readonly tls?: TlsOptions;
  /**
   * HTTP headers whose values are secrets, such as `X-Api-Key`: each is read from a file
   * (`http_headers.<name>.files`, Prometheus 2.55 or newer), a key of a Secret that
   * `PrometheusStack` mounts. Use `auth` for the `Authorization` header.
   *
   * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#http_config
   * @default - none
   */
  readonly secretHeaders?: { [name: string]: Credential };
  /**
   * Relabelling applied to discovered targets before scraping (`relabel_configs`).
   *
   * @default - none
   */
  readonly relabelConfigs?: Relabel[];
  /**
   * Relabelling applied to scraped series before storage (`metric_relabel_configs`).
   *
   * @default - none
   */
  readonly metricRelabelConfigs?: Relabel[];
  /**
   * The most samples a scrape may return before it fails.
   *
   * @default - no limit
   */
  readonly sampleLimit?: number;
  /**
   * The most targets the job may have after relabelling.
   *
   * @default - no limit
   */
  readonly targetLimit?: number;
  /**
   * The most labels a scraped series may have before the scrape fails (Prometheus >= 2.27).
   *
   * @default - no limit
   */
  readonly labelLimit?: number;
  /**
   * What the scrapes themselves need from the Kubernetes API server (the kubelet's
   * `nodes/metrics`, the node proxy, the API server's `/metrics`). A `PrometheusStack` grants
   * it in its ClusterRole; discovery's own reads are derived from `discovery`.
   *
   * @default - nothing beyond discovery
   */
  readonly apiAccess?: KubernetesApiAccess[];
}

/**
 * One `scrape_configs` entry of prometheus.yml: where to find targets, how to scrape them,
 * and how to relabel them.
 *
 * Values are checked when they are given: durations, the timeout against the interval,
 * label names, and (in `Relabel`) regexes and replacements.
 */
export class ScrapeJob {
  /** The job name. */
  public readonly jobName: string;
  /**
   * The scrape interval.
   *
   * @default - the global scrape interval
   */
  public readonly scrapeInterval?: Duration;
  /**
   * The scrape timeout.
   *
   * @default - the global scrape timeout, capped at the job's interval
   */
  public readonly scrapeTimeout?: Duration;

  /**
   * A more specific way to give the CA than `tls.ca`, for jobs made by a factory.
   *
   * @internal
   */
  public _insecureTlsFix?: string;

  /**
   * Set when the discovered pods run on the host network (a DaemonSet such as weave-net): they
   * have their node's address, which no NetworkPolicy namespace or pod selector matches.
   *
   * @internal
   */
  public _hostNetworkTargets = false;

  private readonly props: ScrapeJobProps;
  private readonly discoveries: ServiceDiscovery[];
  private readonly relabels: Relabel[] = [];
  private readonly metricRelabels: Relabel[] = [];
  private readonly rendered: { [key: string]: unknown };

  constructor(props: ScrapeJobProps) {
    checkStruct('ScrapeJob', 'props', props, true);
    checkNonEmpty('ScrapeJob', 'jobName', props.jobName);
    const where = `ScrapeJob '${props.jobName}'`;
    checkInstances(where, 'discovery', requireProp(where, 'discovery', props.discovery, DISCOVERY_FIX), ServiceDiscovery, DISCOVERY_FIX);
    checkEnum(where, 'scheme', props.scheme, Scheme, 'Scheme');
    checkBoolean(where, 'honorLabels', props.honorLabels);
    checkBoolean(where, 'honorTimestamps', props.honorTimestamps);
    checkInstances(where, 'apiAccess', props.apiAccess, KubernetesApiAccess,
      'Use KubernetesApiAccess.nodeMetrics(), .nodeProxy() or .nonResourceUrls([...])');
    this.jobName = props.jobName;
    this.props = props;
    this.scrapeInterval = props.scrapeInterval;
    this.scrapeTimeout = props.scrapeTimeout;

    const interval = props.scrapeInterval && promDuration(where, 'scrapeInterval', props.scrapeInterval);
    const timeout = props.scrapeTimeout && promDuration(where, 'scrapeTimeout', props.scrapeTimeout);
    checkTimeoutWithinInterval(where, 'scrapeTimeout', props.scrapeTimeout && millis(props.scrapeTimeout), props.scrapeInterval && millis(props.scrapeInterval));
    if (props.metricsPath !== undefined) {
      checkHttpPath(where, 'metricsPath', props.metricsPath, 'Give the path in \'metricsPath\' and the query in \'queryParams\' '
        + '(such as { module: [\'http_2xx\'] })');
    }
    for (const [name, values] of Object.entries(checkStruct(where, 'queryParams', props.queryParams) ?? {})) {
      checkNonEmpty(where, 'queryParams', name);
      checkStringArray(where, `queryParams.${name}`, values);
      if (values.length === 0) fail(where, `queryParams.${name}`, 'must have at least one value', values);
      if (isCredentialName(name)) {
        fail(where, `queryParams.${name}`, 'looks like a credential, and query parameters are written into the ConfigMap', '<redacted>',
          'Prometheus reads no query parameter from a file: if the target accepts the credential in a header, pass it in '
          + '\'auth\' (Authentication.authorization(), Authentication.basic()) or \'secretHeaders\' with Credential.fromSecret(secretName, key)');
      }
    }
    checkPositiveInteger(where, 'sampleLimit', props.sampleLimit);
    checkPositiveInteger(where, 'targetLimit', props.targetLimit);
    checkPositiveInteger(where, 'labelLimit', props.labelLimit);

    this.rendered = compact({
      job_name: props.jobName,
      scrape_interval: interval,
      scrape_timeout: timeout,
      metrics_path: props.metricsPath,
      scheme: props.scheme,
      params: props.queryParams,
      honor_labels: props.honorLabels,
      honor_timestamps: props.honorTimestamps,
      sample_limit: props.sampleLimit,
      target_limit: props.targetLimit,
      label_limit: props.labelLimit,
      ...renderHttpClient(where, props),
    });

    if (props.discovery.length === 0) {
      fail(where, 'discovery', 'must have at least one target source', [],
        'Pass ServiceDiscovery.staticTargets(), .kubernetes(), .kuma() or .file()');
    }
    this.discoveries = [...props.discovery];
    this.addRelabelConfig(...checkArray(where, 'relabelConfigs', props.relabelConfigs) ?? []);
    this.addMetricRelabelConfig(...checkArray(where, 'metricRelabelConfigs', props.metricRelabelConfigs) ?? []);
  }

  /** Appends target relabelling steps (`relabel_configs`), applied in order. */
  public addRelabelConfig(...relabels: Relabel[]): void {
    checkInstances(`ScrapeJob '${this.jobName}'`, 'relabelConfigs', relabels, Relabel, RELABEL_FIX);
    this.relabels.push(...relabels);
  }

  /** Appends series relabelling steps (`metric_relabel_configs`), applied in order. */
  public addMetricRelabelConfig(...relabels: Relabel[]): void {
    checkInstances(`ScrapeJob '${this.jobName}'`, 'metricRelabelConfigs', relabels, Relabel, RELABEL_FIX);
    this.metricRelabels.push(...relabels);
  }

  /** The discoveries of this job (a copy). */
  public get discovery(): ServiceDiscovery[] {
    return [...this.discoveries];
  }

  /** The target relabelling steps (a copy). */
  public get relabelConfigs(): Relabel[] {
    return [...this.relabels];
  }

  /** The series relabelling steps (a copy). */
  public get metricRelabelConfigs(): Relabel[] {
    return [...this.metricRelabels];
  }

  /**
   * The files this job reads secrets from.
   *
   * @internal
   */
  public _credentials(): Credential[] {
    return httpClientCredentials(this.props);
  }

  /**
   * A warning when the job sends credentials over plain HTTP.
   *
   * @internal
   */
  public _cleartextAuth(): string | undefined {
    // Credentials to the pod's own loopback (Prometheus scraping itself) never cross a network.
    const loopbackOnly = this.discoveries.every((d) => {
      const { key, entry } = d._render();
      return key === 'static_configs' && (entry as { targets: string[] }).targets.every((t) => /^(localhost|127\.[\d.]+|\[::1\])(:\d+)?$/.test(t));
    });
    return loopbackOnly ? undefined
      : cleartextAuthWarning(`scrape job '${this.jobName}'`, this.props, (this.props.scheme ?? Scheme.HTTP) === Scheme.HTTP);
  }

  /**
   * A warning when the job does not verify its targets' certificates.
   *
   * @internal
   */
  public _insecureTls(): string | undefined {
    const warning = insecureTlsWarning(`scrape job '${this.jobName}'`, this.props);
    return warning && this._insecureTlsFix ? `${warning}. ${this._insecureTlsFix}` : warning;
  }

  /**
   * What the scrapes need from the Kubernetes API server.
   *
   * @internal
   */
  public _apiAccess(): KubernetesApiAccess[] {
    return [...this.props.apiAccess ?? []];
  }

  /**
   * What the job's Kubernetes discoveries watch in the local cluster.
   *
   * @internal
   */
  public _watches(): KubernetesWatch[] {
    return this.discoveries.flatMap((d) => d.watch ? [d.watch] : []);
  }

  /**
   * The job as it appears under `scrape_configs`.
   *
   * @internal
   */
  public _render(): { [key: string]: unknown } {
    return compact({
      ...this.rendered,
      ...ServiceDiscovery._renderAll(this.discoveries),
      relabel_configs: this.relabels.map((r) => r._render()),
      metric_relabel_configs: this.metricRelabels.map((r) => r._render()),
    });
  }
}
