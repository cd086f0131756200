import { IConstruct } from 'constructs';
import { requireStack } from './check-stack';
import { PrometheusStack } from './prometheus-stack';
import { checkEnum, checkRenamed, checkString, checkStringArray, checkStruct, requireProp } from '../core/checks';
import { checkDnsLabel, checkHttpPath, checkPort } from '../core/formats';
import { asWorkload } from '../core/plus';
import { KubernetesRole, Relabel, Scheme, ScrapeJob, ServiceDiscovery } from '../model/prometheus';

/**
 * Options of `PrometheusAnnotations.annotate()`.
 */
export interface PrometheusAnnotationOptions {
  /** The container port that serves the metrics (`prometheus.io/port`). */
  readonly metricsPort: number;
  /**
   * The HTTP path of the metrics (`prometheus.io/path`).
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * The protocol (`prometheus.io/scheme`).
   *
   * @default Scheme.HTTP
   */
  readonly scheme?: Scheme;
}

/**
 * Options of `PrometheusAnnotations.scrapeJob()`.
 */
export interface AnnotatedPodsJobOptions {
  /**
   * The job name.
   *
   * @default 'kubernetes-pods'
   */
  readonly jobName?: string;
  /**
   * The namespaces whose pods are discovered.
   *
   * @default - every namespace (the stack then needs a ClusterRole)
   */
  readonly namespaceNames?: string[];
}

/**
 * The `prometheus.io/scrape`, `prometheus.io/port`, `prometheus.io/path` and
 * `prometheus.io/scheme` pod annotations, and the scrape job that honours them.
 *
 * The annotations are a convention of the Prometheus helm chart's `kubernetes-pods` job, not of
 * Prometheus itself: they only work with a job like the one `scrapeJob()` returns.
 */
export class PrometheusAnnotations {
  /** The annotation that opts a pod in. */
  public static readonly SCRAPE = 'prometheus.io/scrape';
  /** The annotation that names the metrics port. */
  public static readonly PORT = 'prometheus.io/port';
  /** The annotation that names the metrics path. */
  public static readonly PATH = 'prometheus.io/path';
  /** The annotation that names the protocol. */
  public static readonly SCHEME = 'prometheus.io/scheme';

  /**
   * Adds the annotations to the pod template of a workload: a cdk8s-plus `Deployment`,
   * `StatefulSet`, `DaemonSet`, `Job`, `CronJob` or `Pod` of any cdk8s-plus version.
   */
  public static annotate(workload: IConstruct, options: PrometheusAnnotationOptions): void {
    const metadata = asWorkload('PrometheusAnnotations.annotate', 'workload', workload).podMetadata;
    const where = workload.node.path;
    checkStruct(where, 'options', options, true);
    checkRenamed(where, options, { portNumber: 'metricsPort', path: 'metricsPath' });
    checkPort(where, 'metricsPort', requireProp(where, 'metricsPort', options.metricsPort));
    checkEnum(where, 'scheme', options.scheme, Scheme, 'Scheme');
    if (options.metricsPath !== undefined) checkHttpPath(where, 'metricsPath', options.metricsPath);
    metadata.addAnnotation(PrometheusAnnotations.SCRAPE, 'true');
    metadata.addAnnotation(PrometheusAnnotations.PORT, String(options.metricsPort));
    metadata.addAnnotation(PrometheusAnnotations.PATH, options.metricsPath ?? '/metrics');
    if (options.scheme !== undefined) metadata.addAnnotation(PrometheusAnnotations.SCHEME, options.scheme);
  }

  /**
   * The scrape job that honours the annotations: it keeps pods annotated
   * `prometheus.io/scrape: "true"` that are running, scrapes the annotated port and path at the
   * pod IP (bracketed for IPv6 pod IPs), and labels targets with the namespace, pod, node and
   * the pod's labels.
   */
  public static scrapeJob(options: AnnotatedPodsJobOptions = {}): ScrapeJob {
    const annotation = (name: string) => `__meta_kubernetes_pod_annotation_prometheus_io_${name}`;
    const annotationPresent = (name: string) => `__meta_kubernetes_pod_annotationpresent_prometheus_io_${name}`;
    checkStruct('PrometheusAnnotations.scrapeJob', 'options', options);
    checkRenamed('PrometheusAnnotations.scrapeJob', options, { namespaces: 'namespaceNames' });
    checkString('PrometheusAnnotations.scrapeJob', 'jobName', options.jobName);
    checkStringArray('PrometheusAnnotations.scrapeJob', 'namespaceNames', options.namespaceNames);
    return new ScrapeJob({
      jobName: options.jobName ?? 'kubernetes-pods',
      discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.POD, namespaces: options.namespaceNames })],
      relabelConfigs: [
        Relabel.keep({ sourceLabels: [annotation('scrape')], regex: 'true' }),
        Relabel.drop({ sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed' }),
        Relabel.replace({ sourceLabels: [annotation('scheme')], regex: '(https?)', targetLabel: '__scheme__' }),
        Relabel.replace({ sourceLabels: [annotation('path')], regex: '(.+)', targetLabel: '__metrics_path__' }),
        // The pod role gives one target per container port; every one is pointed at the
        // annotated port, and Prometheus merges the identical targets. An IPv6 pod IP needs brackets.
        Relabel.replace({
          sourceLabels: [annotationPresent('port'), annotation('port'), '__meta_kubernetes_pod_ip'],
          regex: 'true;(\\d+);([0-9.]+)',
          targetLabel: '__address__',
          replacement: '${2}:${1}',
        }),
        Relabel.replace({
          sourceLabels: [annotationPresent('port'), annotation('port'), '__meta_kubernetes_pod_ip'],
          regex: 'true;(\\d+);([0-9A-Fa-f:]+:[0-9A-Fa-f:.]*)',
          targetLabel: '__address__',
          replacement: '[${2}]:${1}',
        }),
        Relabel.labelMap({ regex: `${annotation('param')}_(.+)`, replacement: '__param_${1}' }),
        Relabel.labelMap({ regex: '__meta_kubernetes_pod_label_(.+)' }),
        Relabel.replace({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
        Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
        Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }),
      ],
    });
  }

  /**
   * Makes sure the stack has the annotation-driven job for a namespace (one job per namespace,
   * shared by every caller), and returns it.
   */
  public static scrapeNamespace(stack: PrometheusStack, namespaceName: string): ScrapeJob {
    requireStack('PrometheusAnnotations.scrapeNamespace', 'stack', stack);
    checkDnsLabel(stack.node.path, 'namespaceName', namespaceName);
    // The stack holds the namespace's job under its name.
    const jobName = `pods/${namespaceName}`;
    const existing = stack.config.findScrapeJob(jobName);
    if (existing) return existing;
    const job = PrometheusAnnotations.scrapeJob({ jobName, namespaceNames: [namespaceName] });
    stack.addScrapeJob(job);
    return job;
  }

  private constructor() {}
}
