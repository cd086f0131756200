// What one Kubernetes workload changes about a mesh's metrics: its proxy's port or path, and the
// metrics of an application next to its proxy. Not exported from the package.
import { Construct, IConstruct } from 'constructs';
import { dataplanesTargetRef, policyMetadata, prometheusBackend } from './mesh-spec';
import { KumaApplicationMetricsOptions, KumaPolicyApi, KumaWorkloadMetricsOptions } from './options';
import { MeshPermissions } from './permissions';
import { KumaServiceTag } from './service-tag';
import { MeshSettings, NAMESPACE_LABEL, SERVICE_TAG_FIX } from './settings';
import { checkEnum, checkInstance, checkRenamed, checkStruct, fail } from '../../core/checks';
import { checkHttpPath, checkPort } from '../../core/formats';
import { PlusWorkload, asWorkload, containerPorts, workloadSelectorLabels } from '../../core/plus';
import { addWarning } from '../../core/warnings';
import * as kuma from '../../imports/kuma.io';
import { namespaceOf } from '../../k8s/pod';
import { Scheme } from '../../model/prometheus';
import { PrometheusAnnotations } from '../../stack/prometheus-annotations';
import { PrometheusStack } from '../../stack/prometheus-stack';

/** The pod annotations that override the mesh's metrics port and path for one workload. */
const PORT_ANNOTATION = 'prometheus.metrics.kuma.io/port';
const PATH_ANNOTATION = 'prometheus.metrics.kuma.io/path';

/** The workloads of one mesh with their own metrics settings. */
export class WorkloadMetrics {
  private readonly workloads = new Map<PlusWorkload, { port?: number; path?: string; appPort?: number }>();

  /**
   * @param mesh the mesh construct, parent of the override policies
   * @param stack the stack that scrapes the mesh, when there is one
   * @param permissions the mesh's permissions, with `secureMetrics`
   */
  constructor(private readonly mesh: Construct, private readonly settings: MeshSettings,
    private readonly stack?: PrometheusStack, private readonly permissions?: MeshPermissions) {}

  /** See `KumaMetricsMesh.overrideWorkload()`. */
  public override(workload: IConstruct, options: KumaWorkloadMetricsOptions): void {
    const pod = asWorkload(this.mesh.node.path, 'workload', workload);
    const where = workload.node.path;
    checkStruct(where, 'options', options, true);
    checkRenamed(where, options, { portNumber: 'metricsPort', path: 'metricsPath' });
    if (options.metricsPort === undefined && options.metricsPath === undefined) {
      fail(where, 'options', 'must set \'metricsPort\' or \'metricsPath\'', options);
    }
    const state = this.workloads.get(pod) ?? {};
    if (state.port !== undefined || state.path !== undefined) {
      fail(where, 'workload', `already has a metrics override in ${this.mesh.node.path}`, workload.node.path);
    }
    if (options.metricsPort !== undefined) {
      checkPort(where, 'metricsPort', options.metricsPort);
      const clash = containerPorts(pod).includes(options.metricsPort) || state.appPort === options.metricsPort;
      if (clash) {
        fail(where, 'metricsPort', 'must not be a port of the workload\'s containers (the proxy and the application would both bind it)',
          options.metricsPort);
      }
    }
    if (options.metricsPath !== undefined) checkHttpPath(where, 'metricsPath', options.metricsPath);
    this.workloads.set(pod, { ...state, port: options.metricsPort, path: options.metricsPath });

    if (this.settings.policyApi === KumaPolicyApi.SOURCE_DESTINATION) {
      const metadata = pod.podMetadata;
      if (options.metricsPort !== undefined) metadata.addAnnotation(PORT_ANNOTATION, String(options.metricsPort));
      if (options.metricsPath !== undefined) metadata.addAnnotation(PATH_ANNOTATION, options.metricsPath);
    } else {
      // Kuma copies a pod's labels onto its Dataplane: a policy that targets the labels that select
      // the workload's pods reaches exactly its proxies.
      const pods = { ...workloadSelectorLabels(where, 'workload', pod), [NAMESPACE_LABEL]: namespaceOf(pod, pod.metadata.namespace) };
      new kuma.MeshMetric(this.mesh, `Override-${workload.node.addr.slice(0, 8)}`, {
        metadata: policyMetadata(this.settings),
        spec: {
          targetRef: dataplanesTargetRef(this.settings.version, kuma.MeshMetricSpecTargetRefKind, pods),
          default: { backends: [prometheusBackend(this.settings, options.metricsPort, options.metricsPath)] },
        },
      });
    }
  }

  /** See `KumaMetricsMesh.addApplicationMetrics()`. */
  public addApplication(workload: IConstruct, options: KumaApplicationMetricsOptions): void {
    const pod = asWorkload(this.mesh.node.path, 'workload', workload);
    const where = workload.node.path;
    checkStruct(where, 'options', options, true);
    checkRenamed(where, options, { portNumber: 'metricsPort', path: 'metricsPath' });
    checkEnum(where, 'scheme', options.scheme, Scheme, 'Scheme');
    checkInstance(where, 'service', options.service, KumaServiceTag, SERVICE_TAG_FIX);
    const state = this.workloads.get(pod) ?? {};
    const proxyPort = state.port ?? this.settings.metricsPort;
    checkPort(where, 'metricsPort', options.metricsPort);
    if (options.metricsPort === proxyPort) {
      fail(where, 'metricsPort', `must not be the port the workload's proxy serves its metrics on (${proxyPort})`, options.metricsPort,
        'Move the application\'s metrics, or the proxy\'s with overrideWorkload()');
    }
    if (state.appPort !== undefined) {
      fail(where, 'workload', `already has application metrics in ${this.mesh.node.path}`, workload.node.path);
    }
    PrometheusAnnotations.annotate(workload, { metricsPort: options.metricsPort, metricsPath: options.metricsPath, scheme: options.scheme });
    this.workloads.set(pod, { ...state, appPort: options.metricsPort });
    if (this.stack) {
      const namespaceName = namespaceOf(pod, pod.metadata.namespace);
      PrometheusAnnotations.scrapeNamespace(this.stack, namespaceName);
    }
    if (this.permissions) {
      if (options.service) {
        this.permissions.allowFromPrometheus(options.service);
      } else {
        addWarning(this.mesh, `${workload.node.path}: the metrics of this application are behind the mesh's mTLS, but no 'service' was `
          + 'given, so no permission lets Prometheus reach them. Pass service: KumaServiceTag.fromService(...).');
      }
    }
  }

  /** Workloads whose containers use the mesh's metrics port, found once the app is complete. */
  public portClashes(): string[] {
    const problems: string[] = [];
    const port = this.settings.metricsPort;
    for (const [workload, state] of this.workloads) {
      if (state.port === undefined && containerPorts(workload).includes(port)) {
        problems.push(`${workload.node.path}: a container port equals the proxy's metrics port ${port} of mesh `
          + `'${this.settings.meshName}'. Give the proxy another port with overrideWorkload(workload, { metricsPort: ... })`);
      }
    }
    return problems;
  }
}
