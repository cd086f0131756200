import { Duration } from 'cdk8s';
import { checkBoolean, checkDuration, checkEnum, checkInstance, checkString, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkDnsLabel, checkPort, requireString } from '../../core/formats';
import {
  Authentication, Credential, KubernetesApiAccess, KubernetesRole, PrometheusConfig, Relabel, Scheme, ScrapeJob, ServiceDiscovery, TlsOptions,
} from '../../model/prometheus';
import { CREDENTIAL_FIX } from '../../model/prometheus/fixes';

/** The options every factory shares: a struct, `scrapeInterval` a Duration, `ca` a Credential. */
function checkCommon<T extends { scrapeInterval?: Duration; ca?: Credential }>(where: string, options: T): T {
  checkStruct(where, 'options', options);
  checkDuration(where, 'scrapeInterval', options?.scrapeInterval);
  checkInstance(where, 'ca', options?.ca, Credential, CREDENTIAL_FIX);
  return options;
}

/**
 * Options of the `PlatformExporters` jobs: either fixed targets, or the exporter's Service
 * discovered through its EndpointSlices.
 */
export interface ExporterJobOptions {
  /**
   * Fixed targets (`host:port`), for exporters outside the cluster or reached by a stable name.
   *
   * @default - the exporter's Service is discovered in `serviceNamespace`
   */
  readonly targets?: string[];
  /**
   * The namespace of the exporter's Service. Required unless `targets` are given.
   *
   * @default - none: give `targets` instead
   */
  readonly serviceNamespace?: string;
  /**
   * The name of the exporter's Service.
   *
   * @default 'node-exporter' or 'kube-state-metrics'
   */
  readonly serviceName?: string;
  /**
   * The name of the Service port that serves the metrics.
   *
   * @default - every port for node-exporter; 'http-metrics' for kube-state-metrics
   */
  readonly portName?: string;
  /**
   * The scrape interval.
   *
   * @default - the stack's scrape interval
   */
  readonly scrapeInterval?: Duration;
  /**
   * The job name.
   *
   * @default 'node-exporter' or 'kube-state-metrics'
   */
  readonly jobName?: string;
}

/**
 * How Prometheus reaches the kubelets.
 */
export enum KubeletScrapePath {
  /**
   * Straight to each node's kubelet port (10250), with the service account's token; the
   * kubelet authorises it as `get` on `nodes/metrics`.
   */
  DIRECT = 'direct',
  /**
   * Through the API server's node proxy, `https://kubernetes.default.svc/api/v1/nodes/<node>/proxy/metrics...`,
   * for clusters whose nodes Prometheus cannot reach (as the Prometheus helm chart did up to
   * prometheus-28.6.1); needs `get` on `nodes/proxy`, and the API server's certificate is
   * verified with the service account's CA.
   */
  API_SERVER_PROXY = 'api-server-proxy',
}

/**
 * Options of `PlatformExporters.kubelet()`.
 */
export interface KubeletJobOptions {
  /**
   * How Prometheus reaches the kubelets.
   *
   * @default KubeletScrapePath.DIRECT
   */
  readonly scrapePath?: KubeletScrapePath;
  /**
   * The CA that signs the kubelets' serving certificates (kubeadm: `serverTLSBootstrap: true`
   * in the KubeletConfiguration, then the cluster CA), for the direct path.
   *
   * @default - the certificate is not verified (`insecure_skip_verify`, as kube-prometheus
   * does for the kubelet's self-signed serving certificate); synthesis warns
   */
  readonly ca?: Credential;
  /**
   * The scrape interval of `/metrics`, `/metrics/cadvisor` and `/metrics/probes`;
   * `/metrics/slis` is scraped every 5 s, as kube-prometheus does.
   *
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;
}

/**
 * Options of the jobs of one control-plane component (API server, controller manager, scheduler).
 */
export interface ControlPlaneJobOptions {
  /**
   * The CA that signs the component's serving certificate.
   *
   * @default - the API server: the service account's CA; the controller manager and the
   * scheduler: not verified (`insecure_skip_verify`, as kube-prometheus does for their
   * self-signed certificates); synthesis warns
   */
  readonly ca?: Credential;
  /**
   * The scrape interval of `/metrics`; `/metrics/slis` is scraped every 5 s, as
   * kube-prometheus does.
   *
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;
}

/**
 * Options of `PlatformExporters.etcd()`.
 */
export interface EtcdJobOptions {
  /**
   * The client certificate, its key and the CA of etcd's client port (2379), read from a
   * Secret mounted as files (kube-prometheus's addons/static-etcd.libsonnet names it
   * `kube-etcd-client-certs`, with the keys `etcd-client-ca.crt`, `etcd-client.crt` and
   * `etcd-client.key`).
   *
   * @default - the plain-HTTP metrics port (2381), which kubeadm opens on 127.0.0.1 only
   * (`listen-metrics-urls`)
   */
  readonly tls?: TlsOptions;
  /**
   * The port scraped.
   *
   * @default 2379 with `tls`, else 2381
   */
  readonly portNumber?: number;
  /**
   * Fixed etcd addresses (no port), for etcd outside the cluster; kube-prometheus's
   * static-etcd addon's `ips`.
   *
   * @default - the static etcd pods (`component=etcd`) in kube-system are discovered
   */
  readonly ips?: string[];
  /**
   * The scrape interval.
   *
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;
}

/**
 * Options of `PlatformExporters.coreDns()`.
 */
export interface CoreDnsJobOptions {
  /**
   * The namespace of the DNS Service.
   *
   * @default 'kube-system'
   */
  readonly serviceNamespace?: string;
  /**
   * The `k8s-app` label of the DNS Service (kube-prometheus's ServiceMonitor selects it).
   *
   * @default 'kube-dns'
   */
  readonly k8sAppLabel?: string;
  /**
   * The scrape interval.
   *
   * @default Duration.seconds(15)
   */
  readonly scrapeInterval?: Duration;
}

/**
 * Options of `PlatformExporters.addAll()`.
 */
export interface PlatformJobsOptions {
  /** The namespace of the node-exporter and kube-state-metrics Services. */
  readonly exportersNamespace: string;
  /**
   * A managed cluster (EKS, GKE, AKS) whose provider runs etcd, the scheduler and the
   * controller manager out of reach: their jobs are left out.
   *
   * @default false
   */
  readonly managedCluster?: boolean;
  /**
   * The kubelet jobs.
   *
   * @default - direct, with kube-prometheus's settings
   */
  readonly kubelet?: KubeletJobOptions;
  /**
   * The etcd job (unless `managedCluster`).
   *
   * @default - the plain-HTTP metrics port of the static etcd pods
   */
  readonly etcd?: EtcdJobOptions;
}

/** Where kube-prometheus's names come from (README: Platform exporters). */
const KUBE_SYSTEM = 'kube-system';
const SLIS_INTERVAL = Duration.seconds(5);
const DEFAULT_INTERVAL = Duration.seconds(30);
const TARGET_REF = ['__meta_kubernetes_endpointslice_address_target_kind', '__meta_kubernetes_endpointslice_address_target_name'];
const KUBELET_PATHS = ['/metrics', '/metrics/cadvisor', '/metrics/probes', '/metrics/slis'];
// kube-prometheus v0.18.0 drops process_start_time_seconds from every /metrics/slis endpoint.
const DROP_SLIS_START_TIME = Relabel.drop({ sourceLabels: ['__name__'], regex: 'process_start_time_seconds' });

/**
 * Ready-made scrape jobs for the platform's own exporters (this library does not deploy
 * them): the kubelets, the control plane, CoreDNS, node-exporter and kube-state-metrics.
 *
 * Job names and target labels follow kube-prometheus v0.18.0 (its ServiceMonitors and the
 * kubernetes-mixin selectors it configures), so the kubernetes-mixin's alerts and dashboards
 * work unchanged.
 */
export class PlatformExporters {
  /**
   * The jobs of all eight components on `config` (a stack's `config`): the kubelets, the API
   * server, etcd, CoreDNS, the controller manager, the scheduler, node-exporter and
   * kube-state-metrics; `managedCluster` leaves out etcd, the controller manager and the scheduler.
   *
   * @returns the jobs added
   */
  public static addAll(config: PrometheusConfig, options: PlatformJobsOptions): ScrapeJob[] {
    const where = 'PlatformExporters.addAll';
    checkInstance(where, 'config', requireProp(where, 'config', config, 'Pass stack.config'), PrometheusConfig, 'Pass stack.config');
    checkStruct(where, 'options', options, true);
    requireString(where, 'exportersNamespace', options.exportersNamespace);
    checkBoolean(where, 'managedCluster', options.managedCluster);
    const managed = options.managedCluster ?? false;
    const jobs = [
      ...PlatformExporters.kubelet(options.kubelet),
      ...PlatformExporters.apiServer(),
      ...managed ? [] : [PlatformExporters.etcd(options.etcd)],
      PlatformExporters.coreDns(),
      ...managed ? [] : [...PlatformExporters.kubeControllerManager(), ...PlatformExporters.kubeScheduler()],
      PlatformExporters.nodeExporter({ serviceNamespace: options.exportersNamespace }),
      PlatformExporters.kubeStateMetrics({ serviceNamespace: options.exportersNamespace }),
    ];
    jobs.forEach((j) => config.addScrapeJob(j));
    return jobs;
  }

  /**
   * The kubelet of every node: `/metrics`, `/metrics/cadvisor`, `/metrics/probes` and
   * `/metrics/slis`, four jobs (`kubelet`, `kubelet-cadvisor`, ...) whose targets all carry
   * `job="kubelet"` and a `metrics_path` label, as kube-prometheus's kubelet ServiceMonitor
   * gives them; the nodes are discovered (`role: node`).
   */
  public static kubelet(options: KubeletJobOptions = {}): ScrapeJob[] {
    const where = 'PlatformExporters.kubelet';
    checkCommon(where, options);
    checkEnum(where, 'scrapePath', options.scrapePath, KubeletScrapePath, 'KubeletScrapePath');
    const proxy = (options.scrapePath ?? KubeletScrapePath.DIRECT) === KubeletScrapePath.API_SERVER_PROXY;
    if (proxy && options.ca) {
      fail(where, 'ca', 'is for the direct path only: through the API server proxy, the API server\'s certificate is verified with the service account\'s CA', '<Credential>',
        'Leave ca out, or use KubeletScrapePath.DIRECT');
    }
    return KUBELET_PATHS.map((path) => {
      const suffix = path === '/metrics' ? '' : `-${path.split('/')[2]}`;
      const slis = path === '/metrics/slis';
      const job = new ScrapeJob({
        jobName: `kubelet${suffix}`,
        discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.NODE })],
        scrapeInterval: slis ? SLIS_INTERVAL : options.scrapeInterval ?? DEFAULT_INTERVAL,
        scheme: Scheme.HTTPS,
        metricsPath: proxy ? undefined : path,
        // The kubelet's series describe pods and containers: their namespace, pod and container win.
        honorLabels: true,
        // kube-prometheus: cAdvisor's timestamps are not honoured.
        honorTimestamps: path === '/metrics/cadvisor' ? false : undefined,
        auth: Authentication.authorization({ credentials: Credential.serviceAccountToken() }),
        tls: proxy ? { ca: Credential.serviceAccountCa() } : options.ca ? { ca: options.ca } : { insecureSkipVerify: true },
        apiAccess: [proxy ? KubernetesApiAccess.nodeProxy() : KubernetesApiAccess.nodeMetrics()],
        relabelConfigs: [
          // As the operator labels the targets of its kubelet Service, whose endpoints are the nodes.
          Relabel.replace({ sourceLabels: ['__meta_kubernetes_node_name'], targetLabel: 'node' }),
          Relabel.replace({ sourceLabels: ['__address__'], targetLabel: 'instance' }),
          Relabel.replace({ targetLabel: 'namespace', replacement: KUBE_SYSTEM }),
          Relabel.replace({ targetLabel: 'service', replacement: 'kubelet' }),
          Relabel.replace({ targetLabel: 'job', replacement: 'kubelet' }),
          Relabel.replace({ targetLabel: 'endpoint', replacement: 'https-metrics' }),
          Relabel.replace({ targetLabel: 'metrics_path', replacement: path }),
          ...proxy ? [
            Relabel.replace({ targetLabel: '__address__', replacement: 'kubernetes.default.svc:443' }),
            Relabel.replace({ sourceLabels: ['__meta_kubernetes_node_name'], regex: '(.+)', targetLabel: '__metrics_path__', replacement: `/api/v1/nodes/\${1}/proxy${path}` }),
          ] : [],
        ],
        metricRelabelConfigs: slis ? [DROP_SLIS_START_TIME] : undefined,
      });
      job._insecureTlsFix = 'Pass PlatformExporters.kubelet({ ca }) with the CA that signs the kubelets\' serving certificates';
      return job;
    });
  }

  /**
   * The API server: `/metrics` and `/metrics/slis` of the `kubernetes` Service in `default`,
   * `job="apiserver"`, verified with the service account's CA under the name `kubernetes`;
   * needs `get` on the non-resource URLs `/metrics` and `/metrics/slis`.
   */
  public static apiServer(options: ControlPlaneJobOptions = {}): ScrapeJob[] {
    checkCommon('PlatformExporters.apiServer', options);
    return ['/metrics', '/metrics/slis'].map((path) => serviceJob({
      jobName: path === '/metrics' ? 'apiserver' : 'apiserver-slis',
      namespace: 'default',
      keep: [{ label: 'component', value: 'apiserver' }, { label: 'provider', value: 'kubernetes' }],
      portName: 'https',
      jobLabel: 'component',
      path,
      scrapeInterval: path === '/metrics' ? options.scrapeInterval ?? DEFAULT_INTERVAL : SLIS_INTERVAL,
      tls: { ca: options.ca ?? Credential.serviceAccountCa(), serverName: 'kubernetes' },
      apiAccess: [KubernetesApiAccess.nonResourceUrls([path])],
    }));
  }

  /**
   * CoreDNS (kubeDns): the `metrics` port of the Service labelled `k8s-app=kube-dns` in
   * kube-system, `job` from the Service's `app.kubernetes.io/name` label, else the Service's
   * name (`kube-dns` on kubeadm).
   */
  public static coreDns(options: CoreDnsJobOptions = {}): ScrapeJob {
    const where = 'PlatformExporters.coreDns';
    checkCommon(where, options);
    return serviceJob({
      jobName: 'coredns',
      namespace: checkDnsLabel(where, 'serviceNamespace', options.serviceNamespace ?? KUBE_SYSTEM),
      keep: [{ label: 'k8s-app', value: checkDnsLabel(where, 'k8sAppLabel', options.k8sAppLabel ?? 'kube-dns') }],
      portName: 'metrics',
      jobLabel: 'app.kubernetes.io/name',
      scrapeInterval: options.scrapeInterval ?? Duration.seconds(15),
    });
  }

  /**
   * kube-controller-manager: HTTPS on 10257 of its static pods (`component=kube-controller-manager`
   * in kube-system), `/metrics` and `/metrics/slis`, `job="kube-controller-manager"`.
   * kubeadm binds it to 127.0.0.1: set `--bind-address=0.0.0.0` (README).
   */
  public static kubeControllerManager(options: ControlPlaneJobOptions = {}): ScrapeJob[] {
    return staticPodJobs('kube-controller-manager', 10257, checkCommon('PlatformExporters.kubeControllerManager', options));
  }

  /**
   * kube-scheduler: HTTPS on 10259 of its static pods (`component=kube-scheduler` in
   * kube-system), `/metrics` and `/metrics/slis`, `job="kube-scheduler"`.
   * kubeadm binds it to 127.0.0.1: set `--bind-address=0.0.0.0` (README).
   */
  public static kubeScheduler(options: ControlPlaneJobOptions = {}): ScrapeJob[] {
    return staticPodJobs('kube-scheduler', 10259, checkCommon('PlatformExporters.kubeScheduler', options));
  }

  /**
   * etcd, `job="etcd"` as kube-prometheus's addons/static-etcd.libsonnet names it: its static
   * pods (`component=etcd` in kube-system) or fixed `ips`, over HTTPS with client certificates
   * (`tls`) on 2379, or over plain HTTP on the metrics port 2381.
   */
  public static etcd(options: EtcdJobOptions = {}): ScrapeJob {
    const where = 'PlatformExporters.etcd';
    checkCommon(where, options);
    checkStringArray(where, 'ips', options.ips);
    const port = checkPort(where, 'portNumber', options.portNumber ?? (options.tls ? 2379 : 2381));
    // The labels kube-prometheus's etcd Service and its manual Endpoints give the targets.
    const labels = { namespace: KUBE_SYSTEM, service: 'etcd', endpoint: 'metrics' };
    const common = {
      jobName: 'etcd',
      scrapeInterval: options.scrapeInterval ?? DEFAULT_INTERVAL,
      scheme: options.tls ? Scheme.HTTPS : Scheme.HTTP,
      tls: options.tls,
    };
    if (options.ips) {
      if (options.ips.length === 0) fail(where, 'ips', 'must list at least one address', options.ips);
      return new ScrapeJob({
        ...common,
        discovery: [ServiceDiscovery.staticTargets({ targets: options.ips.map((ip) => `${ip.includes(':') ? `[${ip}]` : ip}:${port}`), labels })],
      });
    }
    return new ScrapeJob({
      ...common,
      discovery: [staticPodDiscovery('etcd')],
      relabelConfigs: [
        ...staticPodSelection('etcd', port),
        ...Object.entries(labels).map(([targetLabel, replacement]) => Relabel.replace({ targetLabel, replacement })),
      ],
    });
  }

  /**
   * node-exporter: one target per node, labelled `instance` and `node` with the node name.
   */
  public static nodeExporter(options: ExporterJobOptions = {}): ScrapeJob {
    return exporterJob('PlatformExporters.nodeExporter', 'node-exporter', options, undefined, false, [
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'instance' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }),
    ]);
  }

  /**
   * kube-state-metrics: its series describe other objects, so their `namespace` and `pod`
   * labels are kept (`honor_labels`).
   */
  public static kubeStateMetrics(options: ExporterJobOptions = {}): ScrapeJob {
    return exporterJob('PlatformExporters.kubeStateMetrics', 'kube-state-metrics', options, 'http-metrics', true, []);
  }

  private constructor() {}
}

/** A job over the EndpointSlices of one Service, labelled as prometheus-operator labels ServiceMonitor targets. */
function serviceJob(o: {
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
function staticPodDiscovery(component: string): ServiceDiscovery {
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
function staticPodSelection(component: string, port: number): Relabel[] {
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
function staticPodJobs(component: string, port: number, options: ControlPlaneJobOptions): ScrapeJob[] {
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

function exporterJob(where: string, name: string, options: ExporterJobOptions, defaultPort: string | undefined,
  honorLabels: boolean, labels: Relabel[]): ScrapeJob {
  checkCommon(where, options);
  checkString(where, 'jobName', options.jobName);
  checkString(where, 'portName', options.portName);
  checkStringArray(where, 'targets', options.targets);
  const jobName = options.jobName ?? name;
  if (options.targets) {
    if (options.serviceNamespace !== undefined) {
      fail(where, 'serviceNamespace', 'must not be given with \'targets\' (choose fixed targets or discovery)', options.serviceNamespace);
    }
    return new ScrapeJob({
      jobName,
      honorLabels,
      scrapeInterval: options.scrapeInterval,
      discovery: [ServiceDiscovery.staticTargets({ targets: options.targets })],
    });
  }
  if (options.serviceNamespace === undefined) {
    fail(where, 'serviceNamespace', 'is required unless \'targets\' are given', undefined,
      'Name the namespace the platform installed the exporter in, or list its targets');
  }
  const serviceNamespace = checkDnsLabel(where, 'serviceNamespace', options.serviceNamespace);
  const serviceName = checkDnsLabel(where, 'serviceName', options.serviceName ?? name);
  const portName = options.portName ?? defaultPort;
  return new ScrapeJob({
    jobName,
    honorLabels,
    scrapeInterval: options.scrapeInterval,
    discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.ENDPOINT_SLICE, namespaces: [serviceNamespace] })],
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
