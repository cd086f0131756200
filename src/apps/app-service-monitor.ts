import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as monitoring from '../imports/monitoring.coreos.com';
import { NetworkPeer } from '../network-peer';
import { allowedPeers, ingressPolicy, podsInNamespace, podsInNamespacesLabelled } from '../network-policy';
import { namespaceOf } from '../pod';
import { PodSelection } from '../pod-selection';
import { Relabel, Scheme } from '../prometheus';
import { checkDnsLabel, checkHttpPath, checkPort, checkServiceType, fail, millis, promDuration } from '../prometheus/validate';
import { PrometheusStack } from '../stack';
import { addWarning } from '../warnings';
import { MultiprocessMetrics } from './multiprocess';
import { PrometheusAnnotations } from './prometheus-annotations';
import { scrapeServiceEndpoint } from './service-jobs';

/**
 * Properties of an `AppServiceMonitor`.
 */
export interface AppServiceMonitorProps {
  /**
   * The application's pods: `PodSelection.fromPods(workload)` for the cdk8s-plus workload
   * that runs them (of any cdk8s-plus version), or `PodSelection.fromLabels({ app: 'my-app' })`.
   * `prometheusAnnotations` and `multiprocess` change the pods, so they need the workload.
   */
  readonly pods: PodSelection;
  /** The container port that serves the metrics. */
  readonly portNumber: number;
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
   * @default - the same as `portNumber`
   */
  readonly servicePort?: number;
  /**
   * The HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly path?: string;
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
   * Metadata of the created objects: `namespace` (the application's namespace) and labels.
   *
   * @default - the namespace of `pods` when it has one, else the chart's, else 'default'
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
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Who may scrape the metrics port (the stack's Prometheus pods always may).
   *
   * @default - the namespaces labelled `component: monitoring` and, when `stack` is given,
   * the stack's Prometheus pods
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * A Prometheus server (which does not read ServiceMonitors) that scrapes the application
   * through a Kubernetes-discovered job. Applications of one namespace share one job.
   *
   * @default - only the ServiceMonitor
   */
  readonly stack?: PrometheusStack;
  /**
   * Also add the `prometheus.io/*` annotations to the pods (`pods` must then come from
   * `PodSelection.fromPods(workload)`)
   * and, on `stack`, the job that honours them in the application's namespace.
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
   * How the client library merges the workers' metrics; applied to the workload's containers
   * (`pods` must then come from `PodSelection.fromPods(workload)`).
   *
   * @default - nothing is changed
   */
  readonly multiprocess?: MultiprocessMetrics;
}

/** The label that tells the metrics Service apart from the application's other Services. */
const COMPONENT_LABEL = 'app.kubernetes.io/component';

/**
 * Gets an instrumented application's metrics into Prometheus, with or without
 * prometheus-operator: a Service with a named metrics port, a ServiceMonitor, a NetworkPolicy
 * that lets the monitoring namespace reach that port only, and, given a `stack`, the
 * equivalent Kubernetes-discovered scrape job.
 */
export class AppServiceMonitor extends Construct {
  /** The namespace of the application and of the created objects. */
  public readonly namespaceName: string;
  /** The name of the metrics Service. */
  public readonly serviceName: string;
  /** The name of the metrics port. */
  public readonly portName: string;
  /** The metrics Service. */
  public readonly service: kplus.k8s.KubeService;
  /**
   * The ServiceMonitor.
   *
   * @default - none when `serviceMonitor` is false
   */
  public readonly serviceMonitor?: monitoring.ServiceMonitor;

  constructor(scope: Construct, id: string, props: AppServiceMonitorProps) {
    super(scope, id);
    const path = this.node.path;

    checkPort(path, 'portNumber', props.portNumber);
    const servicePort = checkPort(path, 'servicePort', props.servicePort ?? props.portNumber);
    this.portName = checkPortName(path, props.portName ?? 'metrics');
    if (props.path !== undefined) checkHttpPath(path, 'path', props.path);
    const interval = props.scrapeInterval && promDuration(path, 'scrapeInterval', props.scrapeInterval);
    const timeout = props.scrapeTimeout && promDuration(path, 'scrapeTimeout', props.scrapeTimeout);
    if (props.scrapeInterval && props.scrapeTimeout && millis(props.scrapeTimeout) > millis(props.scrapeInterval)) {
      fail(path, 'scrapeTimeout', `must not exceed 'scrapeInterval' (${interval})`, timeout);
    }
    const serviceType = props.serviceType ?? kplus.ServiceType.CLUSTER_IP;
    checkServiceType(path, serviceType, props.nodePort);

    const selector = { ...props.pods.labels };
    const podsNamespace = props.pods.namespaceName;
    const workload = props.pods._workload;
    this.namespaceName = checkDnsLabel(path, 'metadata.namespace', namespaceOf(this, props.metadata?.namespace, podsNamespace));
    if (podsNamespace !== undefined && podsNamespace !== this.namespaceName) {
      fail(path, 'metadata.namespace', `must be the namespace of the pods '${podsNamespace}' (a Service selects pods of its own namespace only)`,
        this.namespaceName);
    }
    const labels = { ...props.metadata?.labels, ...selector, [COMPONENT_LABEL]: 'metrics' };
    const metadata = { namespace: this.namespaceName, labels, annotations: props.metadata?.annotations };

    this.service = new kplus.k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: serviceType,
        selector,
        ports: [{
          name: this.portName,
          protocol: 'TCP',
          port: servicePort,
          targetPort: kplus.k8s.IntOrString.fromNumber(props.portNumber),
          nodePort: props.nodePort,
        }],
      },
    });
    this.serviceName = this.service.name;

    if (props.serviceMonitor ?? true) {
      this.serviceMonitor = new monitoring.ServiceMonitor(this, 'Resource', {
        metadata: { ...metadata, labels: { ...props.metadata?.labels, ...props.serviceMonitorLabels } },
        spec: {
          selector: { matchLabels: { ...selector, [COMPONENT_LABEL]: 'metrics' } },
          endpoints: [{
            port: this.portName,
            path: props.path,
            interval,
            scrapeTimeout: timeout,
            scheme: props.scheme as unknown as monitoring.ServiceMonitorSpecEndpointsScheme | undefined,
            honorLabels: props.honorLabels,
            relabelings: props.relabelConfigs?.map((r) => relabelFields<monitoring.ServiceMonitorSpecEndpointsRelabelings>(r)),
            metricRelabelings: props.metricRelabelConfigs?.map((r) => relabelFields<monitoring.ServiceMonitorSpecEndpointsMetricRelabelings>(r)),
          }],
        },
      });
    }

    if (props.networkPolicy ?? true) {
      // The stack's own Prometheus may always scrape what it was given to scrape.
      const from = [
        ...allowedPeers(path, 'allowFrom', props.allowFrom, 'an empty list blocks every scrape') ?? [podsInNamespacesLabelled({ component: 'monitoring' })],
        ...props.stack ? [podsInNamespace(props.stack.namespaceName, props.stack.selectorLabels)] : [],
      ];
      ingressPolicy(this, 'NetworkPolicy', { metadata, podSelector: { matchLabels: selector }, rules: [{ from, ports: [props.portNumber] }] });
    }

    // With annotations, the stack scrapes the pods through the annotation job only, not twice.
    if (props.stack && !props.prometheusAnnotations) {
      scrapeServiceEndpoint(props.stack, this.namespaceName, {
        where: path,
        serviceName: this.serviceName,
        portName: this.portName,
        path: props.path,
        intervalMs: props.scrapeInterval && millis(props.scrapeInterval),
        timeoutMs: props.scrapeTimeout && millis(props.scrapeTimeout),
        scheme: props.scheme,
      }, { relabelConfigs: props.relabelConfigs, metricRelabelConfigs: props.metricRelabelConfigs, honorLabels: props.honorLabels });
    }

    if (props.prometheusAnnotations) {
      if (!workload) {
        fail(path, 'prometheusAnnotations', 'annotates the pod template, so it needs \'pods\' to come from the workload that runs the pods, '
          + 'not from labels only', selector, 'Pass pods: PodSelection.fromPods(workload)');
      }
      PrometheusAnnotations.annotate(workload, { portNumber: props.portNumber, path: props.path, scheme: props.scheme });
      if (props.stack) PrometheusAnnotations.scrapeNamespace(props.stack, this.namespaceName);
    }

    if (props.multiprocess) {
      if (!workload) {
        fail(path, 'multiprocess', 'mounts a directory in the containers, so it needs \'pods\' to come from the workload that runs the pods, '
          + 'not from labels only', selector, 'Pass pods: PodSelection.fromPods(workload)');
      }
      props.multiprocess._apply(workload);
    } else if (props.preforkingServer) {
      addWarning(this, 'the application runs several worker processes but \'multiprocess\' is not set: each scrape reaches one '
        + 'worker and sees only its counters. Set multiprocess: MultiprocessMetrics.python() (or .sharedDirectory(), '
        + 'or .handledByApplication() if the client library already merges workers).');
    }
  }
}

/** A Service port name must be an IANA service name, as the API server checks. */
function checkPortName(path: string, name: string): string {
  if (name.length > 15 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    fail(path, 'portName', 'must be an IANA service name: at most 15 characters, lowercase letters, digits and single \'-\', with at least one letter', name);
  }
  return name;
}

/** A relabel rule in the CRDs' camelCase form; the action enums carry the same wire strings. */
function relabelFields<T>(relabel: Relabel): T {
  const f = relabel._fields();
  return {
    action: f.action,
    sourceLabels: f.sourceLabels,
    separator: f.separator,
    regex: f.regex,
    modulus: f.modulus,
    targetLabel: f.targetLabel,
    replacement: f.replacement,
  } as unknown as T;
}
