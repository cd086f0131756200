import { Duration } from 'cdk8s';
import { KubernetesRole, Relabel, ScrapeJob, ServiceDiscovery } from '../prometheus';
import { checkDnsLabel, fail } from '../prometheus/validate';

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
 * Ready-made scrape jobs for exporters that a platform installs (this library does not deploy
 * them): node-exporter on every node, kube-state-metrics once per cluster.
 */
export class PlatformExporters {
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

function exporterJob(where: string, name: string, options: ExporterJobOptions, defaultPort: string | undefined,
  honorLabels: boolean, labels: Relabel[]): ScrapeJob {
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
