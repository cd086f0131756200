import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MultiprocessMetrics } from './multiprocess';
import { NetworkPeer } from '../../k8s/network-peer';
import { PodSelection } from '../../k8s/pod-selection';
import { Authentication, Relabel, Scheme, TlsOptions } from '../../model/prometheus';
import { PrometheusStack } from '../../stack/prometheus-stack';

/**
 * Properties of an `AppServiceMonitor`.
 */
export interface AppServiceMonitorProps {
  /**
   * The application's pods: `PodSelection.fromPods(workload)` for the cdk8s-plus workload
   * that runs them (of any cdk8s-plus version), or `PodSelection.fromLabels({ app: 'my-app' })`.
   * `prometheusAnnotations` and `multiprocess` change the pods, so they need the workload.
   * A selection that names one namespace places the objects there; one that spans namespaces
   * is refused (a Service selects pods of its own namespace only).
   */
  readonly pods: PodSelection;
  /** The container port that serves the metrics. */
  readonly metricsPort: number;
  /**
   * The name of the Service's metrics port, which the ServiceMonitor refers to
   * (an IANA service name: at most 15 lowercase letters, digits and '-').
   *
   * @default 'metrics'
   */
  readonly portName?: string;
  /**
   * The port the Service exposes.
   *
   * @default - the same as `metricsPort`
   */
  readonly servicePort?: number;
  /**
   * The HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * How often the metrics are scraped.
   *
   * @default - the Prometheus server's scrape interval
   */
  readonly scrapeInterval?: Duration;
  /**
   * How long a scrape may take; at most `scrapeInterval`.
   *
   * @default - the Prometheus server's scrape timeout, capped at `scrapeInterval`
   */
  readonly scrapeTimeout?: Duration;
  /**
   * The protocol of the metrics endpoint.
   *
   * @default Scheme.HTTP
   */
  readonly scheme?: Scheme;
  /**
   * URL query parameters of the scrape, such as `{ format: ['prometheus'] }` (the
   * ServiceMonitor's `params`). With a `stack`, a parameter with one value travels with the
   * Service, like the path and interval; one with several values gives the application a job of
   * its own.
   *
   * @default - none
   */
  readonly queryParams?: { [name: string]: string[] };
  /**
   * TLS settings of the scrape (with `scheme: Scheme.HTTPS`): CA, client certificate and key,
   * server name, minimum version. On the ServiceMonitor, a `Credential.fromSecret` becomes a
   * Secret reference (prometheus-operator reads the Secret in the ServiceMonitor's namespace, the
   * application's), a `Credential.fromFile` a file path in the Prometheus pod; the `stack` mounts
   * the Secrets of its own namespace.
   *
   * @default - no TLS settings
   */
  readonly tls?: TlsOptions;
  /**
   * How Prometheus authenticates to the application: `Authentication.authorization()` (a bearer
   * token), `Authentication.basic()` or `Authentication.oauth2()`, secrets read from Secrets.
   *
   * @default - no authentication
   */
  readonly auth?: Authentication;
  /**
   * Metadata of the created objects: `name`, `namespace` (the application's namespace), labels
   * and annotations.
   *
   * `name` names the Service, the ServiceMonitor and the NetworkPolicy. The Service name is
   * the `job` label of every series of the application, whether prometheus-operator or the
   * `stack` scrapes it: give a name, so that alerts and dashboards keyed on `job` survive a
   * change of construct id. It must be a DNS-1035 label (what the API server requires of a
   * Service name).
   *
   * @default - names generated from the construct path; the namespace of `pods` when it names
   * one (a workload's namespace, or a selector's single namespace), else the chart's, else 'default'
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The type of the metrics Service.
   *
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;
  /**
   * The node port of a NodePort or LoadBalancer Service (30000-32767).
   *
   * @default - assigned by Kubernetes
   */
  readonly nodePort?: number;
  /**
   * Create a ServiceMonitor for prometheus-operator.
   *
   * @default true
   */
  readonly serviceMonitor?: boolean;
  /**
   * Labels of the ServiceMonitor. A prometheus-operator `Prometheus` only reads the
   * ServiceMonitors its `serviceMonitorSelector` matches (kube-prometheus-stack selects
   * `release: <helm release>` by default); a ServiceMonitor without them is silently ignored.
   *
   * @default - none
   */
  readonly serviceMonitorLabels?: { [key: string]: string };
  /**
   * Relabelling of the targets, before scraping.
   *
   * @default - none
   */
  readonly relabelConfigs?: Relabel[];
  /**
   * Relabelling of the scraped series, before storage.
   *
   * @default - none
   */
  readonly metricRelabelConfigs?: Relabel[];
  /**
   * Keep the labels the application exposes when they clash with target labels.
   *
   * @default false
   */
  readonly honorLabels?: boolean;
  /**
   * Create a NetworkPolicy that lets `allowFrom` reach the metrics port of the pods.
   *
   * @default - true, unless `namespaceIngress` is `NamespaceIngress.ALLOW_ALL`
   */
  readonly networkPolicy?: boolean;
  /**
   * What the application's namespace does with ingress that no policy of this construct
   * names, which decides whether a NetworkPolicy is created.
   *
   * A NetworkPolicy that selects pods isolates them: they then accept only what some policy
   * admits. `DEFAULT_DENY` (the namespace's own policies already isolate the pods and admit
   * the application's clients) gets a policy that adds the scrape. `ALLOW_ALL` (the namespace
   * has no policy for the pods) gets none: Prometheus can already connect, and a policy would
   * cut every other client of the pods, on every port, the metrics port included.
   *
   * @default - NamespaceIngress.DEFAULT_DENY, the Cloud Platform guide's model; synthesis warns
   * when the workload declares container ports other than the metrics port, which the policy
   * would cut in a namespace that admits all ingress
   */
  readonly namespaceIngress?: NamespaceIngress;
  /**
   * Who may scrape the metrics port (the stack's Prometheus pods always may).
   *
   * @default - the namespaces labelled `component: monitoring` and, when `stack` is given,
   * the stack's Prometheus pods
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * A Prometheus server (which does not read ServiceMonitors) that scrapes the application
   * through a Kubernetes-discovered job. Applications of one namespace share one job, which
   * reads each application's port, path, scheme, interval, timeout and query parameters from
   * `cdk8s-prometheus-monitoring/scrape-*` annotations written on its Service.
   *
   * @default - only the ServiceMonitor
   */
  readonly stack?: PrometheusStack;
  /**
   * Also add the `prometheus.io/*` annotations to the pods (`pods` must then come from
   * `PodSelection.fromPods(workload)`),
   * for a Prometheus outside this library that scrapes annotated pods (the Prometheus helm
   * chart's `kubernetes-pods` job). The annotations carry the port, path and scheme only.
   * Refused with a `stack`, which scrapes the Service with the ServiceMonitor's labels and
   * settings.
   *
   * @default false
   */
  readonly prometheusAnnotations?: boolean;
  /**
   * The application serves requests from several worker processes (a pre-forking server such
   * as gunicorn, unicorn or puma). Without `multiprocess`, this warns at synthesis: each
   * scrape would see one worker's counters.
   *
   * @default false
   */
  readonly preforkingServer?: boolean;
  /**
   * How the client library merges the workers' metrics; applied to the container of the
   * workload that serves `metricsPort` (the one that declares that port, or the only one;
   * `pods` must then come from `PodSelection.fromPods(workload)`).
   *
   * @default - nothing is changed
   */
  readonly multiprocess?: MultiprocessMetrics;
}

/**
 * What an application's namespace does with ingress that no policy of an `AppServiceMonitor`
 * names.
 */
export enum NamespaceIngress {
  /** The namespace's own policies isolate the pods and admit their clients; the scrape is added. */
  DEFAULT_DENY = 'default-deny',
  /** Nothing isolates the pods: every client may connect, Prometheus too; no policy is created. */
  ALLOW_ALL = 'allow-all',
}

