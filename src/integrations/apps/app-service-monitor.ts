import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppServiceMonitorProps, NamespaceIngress } from './app-service-monitor-props';
import { MultiprocessMetrics } from './multiprocess';
import { applicationsDashboardSource, scrapeServiceEndpoint } from './service-jobs';
import { serviceMonitorSpec, WireServiceMonitor } from './service-monitor';
import {
  checkBoolean, checkEnum, checkInstance, checkInstances, checkMetadata, checkRenamed, checkString, checkStringArray, checkStruct, fail,
  requireProp,
} from '../../core/checks';
import { checkDnsLabel, checkHttpPath, checkNonEmpty, checkPort, isCredentialName, millis } from '../../core/formats';
import { PlusWorkload } from '../../core/plus';
import { addWarning } from '../../core/warnings';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { checkKubernetesLabels, checkServiceType } from '../../k8s/checks';
import { allowedPeers, ingressPolicy, podsInNamespace, podsInNamespacesLabelled } from '../../k8s/network-policy';
import { FixedSpecService } from '../../k8s/node-ports';
import { failOnObjectNames } from '../../k8s/object-names';
import { namespaceOf } from '../../k8s/pod';
import { PodSelection } from '../../k8s/pod-selection';
import { Authentication, Relabel, Scheme } from '../../model/prometheus';
import { AUTH_FIX, RELABEL_FIX } from '../../model/prometheus/fixes';
import { checkTls } from '../../model/prometheus/http-client';
import { checkTimeoutWithinInterval, promDuration } from '../../model/prometheus/validate';
import { checkBinding, checkStack } from '../../stack/check-stack';
import { IntegrationConfig, IPrometheusIntegration } from '../../stack/integration';
import { PrometheusAnnotations } from '../../stack/prometheus-annotations';
import { PrometheusStack } from '../../stack/prometheus-stack';

const PODS_FIX = 'Use PodSelection.fromPods(deployment) or PodSelection.fromLabels({ app: \'my-app\' })';

/** The label that tells the metrics Service apart from the application's other Services. */
const COMPONENT_LABEL = 'app.kubernetes.io/component';
/**
 * The label, unique to each metrics Service, that its ServiceMonitor selects: several
 * AppServiceMonitors of one workload give Services with the same pod labels, and a
 * ServiceMonitor selecting those would keep every target once per ServiceMonitor.
 */
const SERVICE_LABEL = 'cdk8s-prometheus-monitoring/service';

/**
 * Gets an instrumented application's metrics into Prometheus, with or without
 * prometheus-operator: a Service with a named metrics port, a ServiceMonitor, a NetworkPolicy
 * that lets the monitoring namespace reach that port only, and, given a `stack`, the
 * equivalent Kubernetes-discovered scrape job.
 */
export class AppServiceMonitor extends Construct implements IPrometheusIntegration {
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

  /** What the application contributes to its stack, when it has one. */
  private contribution: IntegrationConfig = {};
  private readonly stack?: PrometheusStack;

  constructor(scope: Construct, id: string, props: AppServiceMonitorProps) {
    super(scope, id);
    const path = this.node.path;
    checkStruct(path, 'props', props, true);
    checkRenamed(path, props, { portNumber: 'metricsPort', path: 'metricsPath' });
    checkInstance(path, 'pods', requireProp(path, 'pods', props.pods, PODS_FIX), PodSelection, PODS_FIX);
    checkPort(path, 'metricsPort', requireProp(path, 'metricsPort', props.metricsPort, 'Give the container port the metrics are served on, such as 8080'));
    checkStack(path, 'stack', props.stack);
    checkMetadata(path, 'metadata', props.metadata);
    checkString(path, 'portName', props.portName);
    checkEnum(path, 'scheme', props.scheme, Scheme, 'Scheme');
    checkEnum(path, 'namespaceIngress', props.namespaceIngress, NamespaceIngress, 'NamespaceIngress');
    checkInstance(path, 'auth', props.auth, Authentication, AUTH_FIX);
    checkTls(path, props.tls);
    checkInstances(path, 'relabelConfigs', props.relabelConfigs, Relabel, RELABEL_FIX);
    checkInstances(path, 'metricRelabelConfigs', props.metricRelabelConfigs, Relabel, RELABEL_FIX);
    checkInstance(path, 'multiprocess', props.multiprocess, MultiprocessMetrics,
      'Use MultiprocessMetrics.python(), .sharedDirectory({ envVariable }) or .handledByApplication()');
    checkKubernetesLabels(path, 'serviceMonitorLabels', props.serviceMonitorLabels);
    for (const flag of ['honorLabels', 'networkPolicy', 'preforkingServer', 'prometheusAnnotations', 'serviceMonitor'] as const) {
      checkBoolean(path, flag, props[flag]);
    }
    const servicePort = checkPort(path, 'servicePort', props.servicePort ?? props.metricsPort);
    this.portName = checkPortName(path, props.portName ?? 'metrics');
    if (props.metricsPath !== undefined) checkHttpPath(path, 'metricsPath', props.metricsPath, 'Give the path in \'metricsPath\' and the query in \'queryParams\'');
    checkQueryParams(path, props.queryParams);
    const interval = props.scrapeInterval && promDuration(path, 'scrapeInterval', props.scrapeInterval);
    const timeout = props.scrapeTimeout && promDuration(path, 'scrapeTimeout', props.scrapeTimeout);
    checkTimeoutWithinInterval(path, 'scrapeTimeout', props.scrapeTimeout && millis(props.scrapeTimeout), props.scrapeInterval && millis(props.scrapeInterval));
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
    const labels = { ...checkKubernetesLabels(path, 'metadata.labels', props.metadata?.labels), ...selector, [COMPONENT_LABEL]: 'metrics' };
    const metadata: ApiObjectMetadata = { namespace: this.namespaceName, labels, annotations: props.metadata?.annotations };
    // cdk8s generates a name from the construct path unless `name` is set (even to undefined).
    if (props.metadata?.name !== undefined) Object.assign(metadata, { name: checkServiceName(path, props.metadata.name) });

    this.service = new FixedSpecService(this, 'Service', {
      metadata,
      spec: {
        type: serviceType,
        selector,
        ports: [{
          name: this.portName,
          protocol: 'TCP',
          port: servicePort,
          targetPort: kplus.k8s.IntOrString.fromNumber(props.metricsPort),
          nodePort: props.nodePort,
        }],
      },
    });
    this.serviceName = this.service.name;
    // Set once the name is known (generated from the path unless given).
    this.service.metadata.addLabel(SERVICE_LABEL, this.serviceName);

    if (props.serviceMonitor ?? true) {
      this.serviceMonitor = new WireServiceMonitor(this, 'Resource', {
        metadata: { ...metadata, labels: { ...props.metadata?.labels, ...props.serviceMonitorLabels } },
        spec: serviceMonitorSpec(path, props, SERVICE_LABEL, this.serviceName, this.portName, interval, timeout),
      });
    }

    let networkPolicy: ApiObject | undefined;
    if (this.wantsNetworkPolicy(props, workload)) {
      // The stack's own Prometheus may always scrape what it was given to scrape.
      const from = [
        ...allowedPeers(path, 'allowFrom', props.allowFrom, 'an empty list blocks every scrape') ?? [podsInNamespacesLabelled({ component: 'monitoring' })],
        ...props.stack ? [podsInNamespace(props.stack.namespaceName, props.stack.selectorLabels)] : [],
      ];
      networkPolicy = ingressPolicy(this, 'NetworkPolicy', { metadata, podSelector: { matchLabels: selector }, rules: [{ from, ports: [props.metricsPort] }] });
    }
    // Every object is created by now, with the name the construct path gives it.
    failOnObjectNames(this, [this.service, ...this.serviceMonitor ? [this.serviceMonitor] : [], ...networkPolicy ? [networkPolicy] : []]);

    if (props.stack) {
      const job = scrapeServiceEndpoint(props.stack, this.namespaceName, {
        where: path,
        serviceName: this.serviceName,
        portName: this.portName,
        path: props.metricsPath,
        intervalMs: props.scrapeInterval && millis(props.scrapeInterval),
        timeoutMs: props.scrapeTimeout && millis(props.scrapeTimeout),
        scheme: props.scheme,
        params: props.queryParams,
        // The stack's job reads the scrape settings from the Service's annotations.
        annotate: (key, value) => this.service.metadata.addAnnotation(key, value),
      }, {
        relabelConfigs: props.relabelConfigs,
        metricRelabelConfigs: props.metricRelabelConfigs,
        honorLabels: props.honorLabels,
        tls: props.tls,
        auth: props.auth,
      });
      this.contribution = { scrapeJobs: job ? [job] : [], dashboards: [applicationsDashboardSource(props.stack)] };
      this.stack = props.stack;
      props.stack.addIntegration(this);
    }

    if (props.prometheusAnnotations) {
      if (!workload) {
        fail(path, 'prometheusAnnotations', 'annotates the pod template, so it needs \'pods\' to come from the workload that runs the pods, '
          + 'not from labels only', selector, 'Pass pods: PodSelection.fromPods(workload)');
      }
      if (props.stack) {
        // The annotation job would label the targets job=pods/<namespace>, without service,
        // endpoint or container, and could not apply the interval, timeout, relabelling or
        // honorLabels: a second label contract for the same application.
        fail(path, 'prometheusAnnotations', 'cannot be combined with \'stack\': the stack scrapes the Service with the labels and settings of the ServiceMonitor', true,
          'Drop prometheusAnnotations (the stack already scrapes the application), or drop stack and let the Prometheus that honours the annotations scrape it');
      }
      PrometheusAnnotations.annotate(workload, { metricsPort: props.metricsPort, metricsPath: props.metricsPath, scheme: props.scheme });
      const ignored = (['scrapeInterval', 'scrapeTimeout', 'queryParams', 'relabelConfigs', 'metricRelabelConfigs', 'honorLabels'] as const)
        .filter((prop) => props[prop] !== undefined);
      if (ignored.length > 0) {
        addWarning(this, `the prometheus.io annotations carry the port, path and scheme only: a Prometheus that scrapes the pods through them ignores ${ignored.join(', ')}, which only the ServiceMonitor carries.`);
      }
    }

    if (props.multiprocess) {
      if (!workload) {
        fail(path, 'multiprocess', 'mounts a directory in the containers, so it needs \'pods\' to come from the workload that runs the pods, '
          + 'not from labels only', selector, 'Pass pods: PodSelection.fromPods(workload)');
      }
      props.multiprocess._apply(path, workload, props.metricsPort);
    } else if (props.preforkingServer) {
      addWarning(this, 'the application runs several worker processes but \'multiprocess\' is not set: each scrape reaches one '
        + 'worker and sees only its counters. Set multiprocess: MultiprocessMetrics.python() (or .sharedDirectory(), '
        + 'or .handledByApplication() if the client library already merges workers).');
    }
  }

  /** Contributes the application's job (the namespace's shared job, when it is the first) and the applications dashboard. */
  public bind(stack: PrometheusStack): IntegrationConfig {
    checkBinding(`${this.node.path}.bind()`, stack, this.stack ? [this.stack] : []);
    return this.contribution;
  }

  /**
   * Whether to create the NetworkPolicy; warns when the assumed default-deny model would cut
   * declared ports of the workload in a namespace that admits all ingress.
   */
  private wantsNetworkPolicy(props: AppServiceMonitorProps, workload: PlusWorkload | undefined): boolean {
    if (props.namespaceIngress === NamespaceIngress.ALLOW_ALL) {
      if (props.networkPolicy === true) {
        fail(this.node.path, 'networkPolicy', 'must not be true when \'namespaceIngress\' is NamespaceIngress.ALLOW_ALL (the policy would isolate the pods and cut their other clients)',
          true, 'Leave networkPolicy unset, or state NamespaceIngress.DEFAULT_DENY');
      }
      return false;
    }
    if (!(props.networkPolicy ?? true)) return false;
    if (props.namespaceIngress === undefined && workload) {
      const cut = [...new Set(workload.containers.flatMap((c) => c.ports.map((p) => p.number)))]
        .filter((port) => port !== props.metricsPort).sort((a, b) => a - b);
      if (cut.length > 0) {
        addWarning(this, `the NetworkPolicy isolates the pods and admits only the scrape of port ${props.metricsPort}: in a namespace that admits all ingress, `
          + `it cuts every other client, on port ${props.metricsPort} and on the declared port(s) ${cut.join(', ')}. `
          + 'State the namespace\'s model: namespaceIngress: NamespaceIngress.ALLOW_ALL (no policy is created) or NamespaceIngress.DEFAULT_DENY (its own policies admit the clients).');
      }
    }
    return true;
  }
}

/** A Service name must be a DNS-1035 label, as the API server checks. */
function checkServiceName(path: string, name: string): string {
  if (name.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    fail(path, 'metadata.name', 'must be a DNS-1035 label (lowercase letters, digits and \'-\', starting with a letter, at most 63 characters), as a Service name', name);
  }
  return name;
}

/** A Service port name must be an IANA service name, as the API server checks. */
/** Query parameters as `ScrapeJob` takes them: names, at least one value each, no credentials. */
function checkQueryParams(path: string, params: { [name: string]: string[] } | undefined): void {
  for (const [name, values] of Object.entries(checkStruct(path, 'queryParams', params) ?? {})) {
    checkNonEmpty(path, 'queryParams', name);
    checkStringArray(path, `queryParams.${name}`, values);
    if (values.length === 0) fail(path, `queryParams.${name}`, 'must have at least one value', values, 'Give the parameter a value, or leave it out');
    if (isCredentialName(name)) {
      fail(path, `queryParams.${name}`, 'looks like a credential, and query parameters are written into the ServiceMonitor and the Service', '<redacted>',
        'Pass credentials in \'auth\' (Authentication.authorization(), Authentication.basic())');
    }
  }
}

function checkPortName(path: string, name: string): string {
  if (name.length > 15 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    fail(path, 'portName', 'must be an IANA service name: at most 15 characters, lowercase letters, digits and single \'-\', with at least one letter', name);
  }
  return name;
}
