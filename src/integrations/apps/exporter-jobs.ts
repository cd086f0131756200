// The scrape jobs behind PlatformExporters, labelled as kube-prometheus labels its targets. Not
// exported from the package.
import { Duration } from 'cdk8s';
import { ControlPlaneJobOptions, ExporterJobOptions } from './exporter-options';
import { checkDuration, checkInstance, checkRenamed, checkString, checkStringArray, checkStruct, fail } from '../../core/checks';
import { checkDnsLabel } from '../../core/formats';
import { Authentication, Credential, KubernetesApiAccess, KubernetesRole, Relabel, Scheme, ScrapeJob, ServiceDiscovery, TlsOptions } from '../../model/prometheus';
import { CREDENTIAL_FIX } from '../../model/prometheus/fixes';

/** Where kube-prometheus's names come from (README: Platform exporters). */
export const KUBE_SYSTEM = 'kube-system';
export const SLIS_INTERVAL = Duration.seconds(5);
export const DEFAULT_INTERVAL = Duration.seconds(30);
const TARGET_REF = ['__meta_kubernetes_endpointslice_address_target_kind', '__meta_kubernetes_endpointslice_address_target_name'];
export const KUBELET_PATHS = ['/metrics', '/metrics/cadvisor', '/metrics/probes', '/metrics/slis'];
// kube-prometheus v0.18.0 drops process_start_time_seconds from every /metrics/slis endpoint.
export const DROP_SLIS_START_TIME = Relabel.drop({ sourceLabels: ['__name__'], regex: 'process_start_time_seconds' });

/** The options every factory shares: a struct, `scrapeInterval` a Duration, `ca` a Credential. */
export function checkCommon<T extends { scrapeInterval?: Duration; ca?: Credential }>(where: string, options: T): T {
  checkStruct(where, 'options', options);
  checkRenamed(where, options, { serviceNamespace: 'serviceNamespaceName', portNumber: 'metricsPort' });
  checkDuration(where, 'scrapeInterval', options?.scrapeInterval);
  checkInstance(where, 'ca', options?.ca, Credential, CREDENTIAL_FIX);
  return options;
}

/** A job over the EndpointSlices of one Service, labelled as prometheus-operator labels ServiceMonitor targets. */
export function serviceJob(o: {
  jobName: string;
  namespace: string;
  keep: Array<{ label: string; value: string }>;
  portName: string;
  jobLabel: string;
  path?: string;
  scrapeInterval: Duration;
  tls?: TlsOptions;
  apiAccess?: KubernetesApiAccess[];
}): ScrapeJob {
  const serviceLabel = (label: string) => `__meta_kubernetes_service_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  return new ScrapeJob({
    jobName: o.jobName,
    discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.ENDPOINT_SLICE, namespaces: [o.namespace] })],
    scrapeInterval: o.scrapeInterval,
    metricsPath: o.path,
    scheme: o.tls ? Scheme.HTTPS : undefined,
    auth: o.tls ? Authentication.authorization({ credentials: Credential.serviceAccountToken() }) : undefined,
    tls: o.tls,
    apiAccess: o.apiAccess,
    relabelConfigs: [
      ...o.keep.map((k) => Relabel.keep({ sourceLabels: [serviceLabel(k.label)], regex: k.value })),
      Relabel.keep({ sourceLabels: ['__meta_kubernetes_endpointslice_port_name'], regex: o.portName }),
      // prometheus-operator v0.93.0 pkg/prometheus/promcfg.go generateServiceMonitorConfig, in its order.
      Relabel.replace({ sourceLabels: TARGET_REF, regex: 'Node;(.*)', targetLabel: 'node' }),
      Relabel.replace({ sourceLabels: TARGET_REF, regex: 'Pod;(.*)', targetLabel: 'pod' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: 'service' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_container_name'], targetLabel: 'container' }),
      Relabel.drop({ sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Failed|Succeeded' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: 'job' }),
      Relabel.replace({ sourceLabels: [serviceLabel(o.jobLabel)], regex: '(.+)', targetLabel: 'job' }),
      Relabel.replace({ targetLabel: 'endpoint', replacement: o.portName }),
    ],
    metricRelabelConfigs: o.path === '/metrics/slis' ? [DROP_SLIS_START_TIME] : undefined,
  });
}

/** The static pods of a kubeadm control-plane component (labels `component: <name>`, `tier: control-plane`). */
export function staticPodDiscovery(component: string): ServiceDiscovery {
  return ServiceDiscovery.kubernetes({
    role: KubernetesRole.POD,
    namespaces: [KUBE_SYSTEM],
    selectors: [{ role: KubernetesRole.POD, label: `component=${component}` }],
  });
}

/**
 * Keeps the running component container of each static pod and scrapes the pod's IP (the
 * node's, as the pods use the host network) on `port`: kubeadm's static pods declare no ports.
 */
export function staticPodSelection(component: string, port: number): Relabel[] {
  return [
    Relabel.keep({ sourceLabels: ['__meta_kubernetes_pod_label_component', '__meta_kubernetes_pod_container_name'], regex: `${component};${component}` }),
    Relabel.drop({ sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Failed|Succeeded' }),
    Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+:.+)', targetLabel: '__address__', replacement: `[\${1}]:${port}` }),
    Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '([^:]+)', targetLabel: '__address__', replacement: `\${1}:${port}` }),
  ];
}

/**
 * The controller manager's or scheduler's `/metrics` and `/metrics/slis`, labelled as
 * kube-prometheus labels them through the headless Service of its kubeadm platform
 * (platforms/kubeadm.libsonnet: `<component>-prometheus-discovery`, port `https-metrics`).
 */
export function staticPodJobs(component: string, port: number, options: ControlPlaneJobOptions): ScrapeJob[] {
  return ['/metrics', '/metrics/slis'].map((path) => {
    const slis = path === '/metrics/slis';
    const job = new ScrapeJob({
      jobName: slis ? `${component}-slis` : component,
      discovery: [staticPodDiscovery(component)],
      scrapeInterval: slis ? SLIS_INTERVAL : options.scrapeInterval ?? DEFAULT_INTERVAL,
      metricsPath: path,
      scheme: Scheme.HTTPS,
      auth: Authentication.authorization({ credentials: Credential.serviceAccountToken() }),
      tls: options.ca ? { ca: options.ca } : { insecureSkipVerify: true },
      apiAccess: [KubernetesApiAccess.nonResourceUrls([path])],
      relabelConfigs: [
        ...staticPodSelection(component, port),
        Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
        Relabel.replace({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
        Relabel.replace({ targetLabel: 'service', replacement: `${component}-prometheus-discovery` }),
        Relabel.replace({ targetLabel: 'job', replacement: component }),
        Relabel.replace({ targetLabel: 'endpoint', replacement: 'https-metrics' }),
      ],
      metricRelabelConfigs: slis ? [DROP_SLIS_START_TIME] : undefined,
    });
    const factory = component === 'kube-scheduler' ? 'kubeScheduler' : 'kubeControllerManager';
    job._insecureTlsFix = `Pass PlatformExporters.${factory}({ ca }) with the CA that signs its serving certificate (--tls-cert-file)`;
    return job;
  });
}

export function exporterJob(where: string, name: string, options: ExporterJobOptions, defaultPort: string | undefined,
  honorLabels: boolean, labels: Relabel[]): ScrapeJob {
  checkCommon(where, options);
  checkString(where, 'jobName', options.jobName);
  checkString(where, 'portName', options.portName);
  checkStringArray(where, 'targets', options.targets);
  const jobName = options.jobName ?? name;
  if (options.targets) {
    if (options.serviceNamespaceName !== undefined) {
      fail(where, 'serviceNamespaceName', 'must not be given with \'targets\' (choose fixed targets or discovery)', options.serviceNamespaceName);
    }
    return new ScrapeJob({
      jobName,
      honorLabels,
      scrapeInterval: options.scrapeInterval,
      discovery: [ServiceDiscovery.staticTargets({ targets: options.targets })],
    });
  }
  if (options.serviceNamespaceName === undefined) {
    fail(where, 'serviceNamespaceName', 'is required unless \'targets\' are given', undefined,
      'Name the namespace the platform installed the exporter in, or list its targets');
  }
  const serviceNamespaceName = checkDnsLabel(where, 'serviceNamespaceName', options.serviceNamespaceName);
  const serviceName = checkDnsLabel(where, 'serviceName', options.serviceName ?? name);
  const portName = options.portName ?? defaultPort;
  return new ScrapeJob({
    jobName,
    honorLabels,
    scrapeInterval: options.scrapeInterval,
    discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.ENDPOINT_SLICE, namespaces: [serviceNamespaceName] })],
    relabelConfigs: [
      portName === undefined
        ? Relabel.keep({ sourceLabels: ['__meta_kubernetes_service_name'], regex: serviceName })
        : Relabel.keep({
          sourceLabels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
          regex: `${serviceName};${checkDnsLabel(where, 'portName', portName)}`,
        }),
      ...labels,
    ],
  });
}
