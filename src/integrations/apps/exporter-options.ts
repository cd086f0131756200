import { Duration } from 'cdk8s';
import { Credential, TlsOptions } from '../../model/prometheus';

/**
 * Options of the `PlatformExporters` jobs: either fixed targets, or the exporter's Service
 * discovered through its EndpointSlices.
 */
export interface ExporterJobOptions {
  /**
   * Fixed targets (`host:port`), for exporters outside the cluster or reached by a stable name.
   *
   * @default - the exporter's Service is discovered in `serviceNamespaceName`
   */
  readonly targets?: string[];
  /**
   * The namespace of the exporter's Service. Required unless `targets` are given.
   *
   * @default - none: give `targets` instead
   */
  readonly serviceNamespaceName?: string;
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
  readonly metricsPort?: number;
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
  readonly serviceNamespaceName?: string;
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
  readonly exportersNamespaceName: string;
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
