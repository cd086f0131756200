import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MultiprocessMetrics } from './multiprocess';
import { applicationsDashboardSource, scrapeServiceEndpoint } from './service-jobs';
import { FixedSpecService } from '../../k8s/node-ports';
import {
  checkBoolean, checkEnum, checkInstance, checkInstances, checkMetadata, checkString, checkStringArray, checkStruct, fail, requireProp,
} from '../../core/checks';
import { checkDnsLabel, checkHttpPath, checkNonEmpty, checkPort, isCredentialName, millis } from '../../core/formats';
import { PlusWorkload } from '../../core/plus';
import { addWarning } from '../../core/warnings';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { checkKubernetesLabels, checkServiceType } from '../../k8s/checks';
import { NetworkPeer } from '../../k8s/network-peer';
import { allowedPeers, ingressPolicy, podsInNamespace, podsInNamespacesLabelled } from '../../k8s/network-policy';
import { checkObjectNames } from '../../k8s/object-names';
import { namespaceOf } from '../../k8s/pod';
import { PodSelection } from '../../k8s/pod-selection';
import { Authentication, Credential, Relabel, Scheme, TlsOptions } from '../../model/prometheus';
import { AUTH_FIX, RELABEL_FIX } from '../../model/prometheus/fixes';
import { checkTls } from '../../model/prometheus/http-client';
import { checkTimeoutWithinInterval, promDuration } from '../../model/prometheus/validate';
import { PrometheusStack } from '../../stack';
import { checkBinding, checkStack } from '../../stack/check-stack';
import { IntegrationConfig, IPrometheusIntegration } from '../../stack/integration';
import { PrometheusAnnotations } from '../../stack/prometheus-annotations';

const PODS_FIX = 'Use PodSelection.fromPods(deployment) or PodSelection.fromLabels({ app: \'my-app\' })';

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
   * workload that serves `portNumber` (the one that declares that port, or the only one;
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
    checkObjectNames(this);
    const path = this.node.path;
    checkStruct(path, 'props', props, true);
    checkInstance(path, 'pods', requireProp(path, 'pods', props.pods, PODS_FIX), PodSelection, PODS_FIX);
    checkPort(path, 'portNumber', requireProp(path, 'portNumber', props.portNumber, 'Give the container port the metrics are served on, such as 8080'));
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
    const servicePort = checkPort(path, 'servicePort', props.servicePort ?? props.portNumber);
    this.portName = checkPortName(path, props.portName ?? 'metrics');
    if (props.path !== undefined) checkHttpPath(path, 'path', props.path, 'Give the path in \'path\' and the query in \'queryParams\'');
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
          targetPort: kplus.k8s.IntOrString.fromNumber(props.portNumber),
          nodePort: props.nodePort,
        }],
      },
    });
    this.serviceName = this.service.name;
    // Set once the name is known (generated from the path unless given).
    this.service.metadata.addLabel(SERVICE_LABEL, this.serviceName);

    if (props.serviceMonitor ?? true) {
      this.serviceMonitor = new monitoring.ServiceMonitor(this, 'Resource', {
        metadata: { ...metadata, labels: { ...props.metadata?.labels, ...props.serviceMonitorLabels } },
        spec: {
          // This Service only, whatever other Services select the same pods.
          selector: { matchLabels: { [SERVICE_LABEL]: this.serviceName } },
          endpoints: [{
            port: this.portName,
            path: props.path,
            interval,
            scrapeTimeout: timeout,
            scheme: props.scheme as unknown as monitoring.ServiceMonitorSpecEndpointsScheme | undefined,
            params: props.queryParams,
            honorLabels: props.honorLabels,
            ...operatorClientSettings(path, props.tls, props.auth),
            relabelings: props.relabelConfigs?.map((r) => relabelFields<monitoring.ServiceMonitorSpecEndpointsRelabelings>(r)),
            metricRelabelings: props.metricRelabelConfigs?.map((r) => relabelFields<monitoring.ServiceMonitorSpecEndpointsMetricRelabelings>(r)),
          }],
        },
      });
    }

    if (this.wantsNetworkPolicy(props, workload)) {
      // The stack's own Prometheus may always scrape what it was given to scrape.
      const from = [
        ...allowedPeers(path, 'allowFrom', props.allowFrom, 'an empty list blocks every scrape') ?? [podsInNamespacesLabelled({ component: 'monitoring' })],
        ...props.stack ? [podsInNamespace(props.stack.namespaceName, props.stack.selectorLabels)] : [],
      ];
      ingressPolicy(this, 'NetworkPolicy', { metadata, podSelector: { matchLabels: selector }, rules: [{ from, ports: [props.portNumber] }] });
    }

    if (props.stack) {
      const job = scrapeServiceEndpoint(props.stack, this.namespaceName, {
        where: path,
        serviceName: this.serviceName,
        portName: this.portName,
        path: props.path,
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
      PrometheusAnnotations.annotate(workload, { portNumber: props.portNumber, path: props.path, scheme: props.scheme });
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
      props.multiprocess._apply(path, workload, props.portNumber);
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
        .filter((port) => port !== props.portNumber).sort((a, b) => a - b);
      if (cut.length > 0) {
        addWarning(this, `the NetworkPolicy isolates the pods and admits only the scrape of port ${props.portNumber}: in a namespace that admits all ingress, `
          + `it cuts every other client, on port ${props.portNumber} and on the declared port(s) ${cut.join(', ')}. `
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
function checkPortName(path: string, name: string): string {
  if (name.length > 15 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    fail(path, 'portName', 'must be an IANA service name: at most 15 characters, lowercase letters, digits and single \'-\', with at least one letter', name);
  }
  return name;
}

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

/** A Credential as prometheus-operator's SecretKeySelector; fails for a file, naming the prop. */
function secretRef(path: string, prop: string, c: Credential): { name: string; key: string } {
  if (c.secretName === undefined || c.secretKey === undefined) {
    fail(path, prop, 'must come from a Secret on a ServiceMonitor (prometheus-operator takes no file for it)', c.path,
      'Use Credential.fromSecret(secretName, key), or set serviceMonitor: false');
  }
  return { name: c.secretName, key: c.secretKey };
}

/**
 * The endpoint's `tlsConfig`, `authorization`, `basicAuth` and `oauth2`, as prometheus-operator
 * v0.93.0 reads them (pkg/prometheus/promcfg.go addTLStoYaml, addAuthorizationToYaml,
 * addBasicAuthToYaml, addOAuth2ToYaml).
 */
function operatorClientSettings(path: string, tls: TlsOptions | undefined, auth: Authentication | undefined): object {
  const out: { [key: string]: unknown } = {};
  if (tls) {
    const file = (c: Credential | undefined) => (c && c.secretName === undefined ? c.path : undefined);
    const secret = (c: Credential | undefined) =>
      (c?.secretName !== undefined && c.secretKey !== undefined ? { name: c.secretName, key: c.secretKey } : undefined);
    out.tlsConfig = {
      ca: secret(tls.ca) && { secret: secret(tls.ca) },
      caFile: file(tls.ca),
      cert: secret(tls.cert) && { secret: secret(tls.cert) },
      certFile: file(tls.cert),
      keySecret: secret(tls.key),
      keyFile: file(tls.key),
      serverName: tls.serverName,
      minVersion: tls.minVersion,
      insecureSkipVerify: tls.insecureSkipVerify,
    };
  }
  const a = auth?._fields();
  if (a?.kind === 'authorization') {
    out.authorization = { type: a.type, credentials: secretRef(path, 'auth.credentials', a.secret) };
  } else if (a?.kind === 'basic') {
    if (a.username !== undefined) {
      fail(path, 'auth.username', 'cannot be written on a ServiceMonitor: prometheus-operator reads basicAuth.username from a Secret', a.username,
        'Use Authentication.authorization() (a token), leave the user name out, or set serviceMonitor: false');
    }
    out.basicAuth = { password: secretRef(path, 'auth.password', a.secret) };
  } else if (a?.kind === 'oauth2') {
    fail(path, 'auth', 'cannot be OAuth 2.0 on a ServiceMonitor: prometheus-operator reads oauth2.clientId from a Secret or ConfigMap', 'Authentication.oauth2()',
      'Set serviceMonitor: false (the stack\'s job supports it), or use Authentication.authorization()');
  }
  return out;
}
