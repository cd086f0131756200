import { Duration } from 'cdk8s';
import {
  checkCommon, DEFAULT_INTERVAL, DROP_SLIS_START_TIME, exporterJob, KUBE_SYSTEM, KUBELET_PATHS, serviceJob, SLIS_INTERVAL, staticPodDiscovery,
  staticPodJobs, staticPodSelection,
} from './exporter-jobs';
import {
  ControlPlaneJobOptions, CoreDnsJobOptions, EtcdJobOptions, ExporterJobOptions, KubeletJobOptions, KubeletScrapePath, PlatformJobsOptions,
} from './exporter-options';
import { checkBoolean, checkEnum, checkInstance, checkRenamed, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkDnsLabel, checkPort, requireString } from '../../core/formats';
import { Authentication, Credential, KubernetesApiAccess, KubernetesRole, PrometheusConfig, Relabel, Scheme, ScrapeJob, ServiceDiscovery } from '../../model/prometheus';

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
    checkRenamed(where, options, { exportersNamespace: 'exportersNamespaceName' });
    requireString(where, 'exportersNamespaceName', options.exportersNamespaceName);
    checkBoolean(where, 'managedCluster', options.managedCluster);
    const managed = options.managedCluster ?? false;
    const jobs = [
      ...PlatformExporters.kubelet(options.kubelet),
      ...PlatformExporters.apiServer(),
      ...managed ? [] : [PlatformExporters.etcd(options.etcd)],
      PlatformExporters.coreDns(),
      ...managed ? [] : [...PlatformExporters.kubeControllerManager(), ...PlatformExporters.kubeScheduler()],
      PlatformExporters.nodeExporter({ serviceNamespaceName: options.exportersNamespaceName }),
      PlatformExporters.kubeStateMetrics({ serviceNamespaceName: options.exportersNamespaceName }),
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
      namespace: checkDnsLabel(where, 'serviceNamespaceName', options.serviceNamespaceName ?? KUBE_SYSTEM),
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
    const port = checkPort(where, 'metricsPort', options.metricsPort ?? (options.tls ? 2379 : 2381));
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
