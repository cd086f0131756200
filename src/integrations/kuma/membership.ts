// What a KumaMetricsMesh gives each PrometheusStack that uses it (the one that scrapes it, central
// ones that federate it), and how their pods join the mesh. Not exported from the package.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CONTROL_PLANE_JOB, controlPlaneJob } from './control-plane';
import type * as Dashboards from './dashboards';
import { KumaFederationOptions } from './options';
import { MESH_LABEL } from './settings';
import { checkString, checkStringArray, checkStruct, fail } from '../../core/checks';
import { addWarning } from '../../core/warnings';
import { IDashboardSource } from '../../model/dashboard';
import { ScrapeJob, ServiceDiscovery } from '../../model/prometheus';
import { checkBinding, requireStack } from '../../stack/check-stack';
import { lazyDashboard } from '../../stack/content';
import { GrafanaDatasourceSpec, IntegrationConfig, IPrometheusClientObserver, PodExtension } from '../../stack/integration';
import { PrometheusStack } from '../../stack/prometheus-stack';

/** What a mesh contributes to one stack, gathered until the stack binds it. */
export interface MeshContribution {
  scrapeJobs: ScrapeJob[];
  dashboards: IDashboardSource[];
  grafanaDatasources: GrafanaDatasourceSpec[];
  pods: PodExtension[];
  clientPods?: PodExtension;
  clientObserver?: IPrometheusClientObserver;
}

/** The contributions of one mesh, by stack, and the pod extension that puts a pod in the mesh. */
export class MeshMembership {
  private readonly contributions = new Map<PrometheusStack, MeshContribution>();

  /**
   * @param mesh the mesh construct (for error messages and warnings)
   * @param strictMtls whether the mesh's mTLS refuses plaintext, so its pods refuse clients outside the mesh
   */
  constructor(private readonly mesh: IConstruct, private readonly meshName: string, private readonly controlPlaneNamespaceName: string,
    private readonly strictMtls: boolean) {}

  /** What this mesh contributes to `stack`, gathered until the stack binds it. */
  public contributionTo(stack: PrometheusStack): MeshContribution {
    let own = this.contributions.get(stack);
    if (!own) this.contributions.set(stack, own = { scrapeJobs: [], dashboards: [], grafanaDatasources: [], pods: [] });
    return own;
  }

  /** The dashboards of the proxies that `jobName` of `stack` scrapes. */
  public addProxyDashboards(stack: PrometheusStack, jobName: string, scrapeInterval?: Duration): void {
    this.contributionTo(stack).dashboards.push(
      lazyDashboard(`kuma-${jobName}`, () => dashboards().kumaDashboard(jobName, scrapeInterval)),
      lazyDashboard(`kuma-mesh-${jobName}`, () => dashboards().kumaMeshDashboard(jobName, scrapeInterval)),
      lazyDashboard(`kuma-service-${jobName}`, () => dashboards().kumaServiceDashboard(jobName, scrapeInterval)),
      lazyDashboard(`kuma-service-to-service-${jobName}`, () => dashboards().kumaServiceToServiceDashboard(jobName, scrapeInterval)),
      lazyDashboard(`kuma-gateway-${jobName}`, () => dashboards().kumaGatewayDashboard(jobName, scrapeInterval)),
    );
  }

  /** The control plane's job (unless `stack` has it already) and its dashboard. */
  public addControlPlane(stack: PrometheusStack, scrapeInterval?: Duration): void {
    const own = this.contributionTo(stack);
    const cp = controlPlaneJob(stack, this.controlPlaneNamespaceName, scrapeInterval);
    if (cp.added) own.scrapeJobs.push(cp.job);
    own.dashboards.push(lazyDashboard(CONTROL_PLANE_JOB, () => dashboards().kumaControlPlaneDashboard(cp.job.scrapeInterval)));
  }

  /**
   * Puts the Prometheus pod of `stack` in the mesh (the stack applies it when it binds this mesh).
   * `scrapesProxies`: it scrapes each proxy's IP, not a Service, so it needs direct access.
   */
  public joinMesh(stack: PrometheusStack, scrapesProxies: boolean): void {
    const current = stack.podMetadata.getLabel(MESH_LABEL);
    if (current !== undefined && current !== this.meshName) {
      fail(this.mesh.node.path, 'stack', `is already in the mesh '${current}' (a pod belongs to one mesh)`, stack.node.path);
    }
    if (current === this.meshName) return;
    const own = this.contributionTo(stack);
    if (own.pods.some((p) => p.labels?.[MESH_LABEL] !== undefined)) return;
    own.pods.push({
      ...this.meshPod(scrapesProxies),
      // kumactl's observability Prometheus had a ClusterIP Service: a strict-mTLS sidecar refuses clients outside the mesh.
      strictMtlsMesh: this.strictMtls ? `joins the Kuma mesh '${this.meshName}' (${this.mesh.node.path}) with STRICT mTLS` : undefined,
    });
    addWarning(stack, `joins the Kuma mesh '${this.meshName}' (${this.mesh.node.path}): its pod gets a kuma-dp sidecar, which reads the `
      + 'ServiceAccount token (now mounted), and, unless the Kuma CNI is installed, a kuma-init container that needs the NET_ADMIN and '
      + 'NET_RAW capabilities, which a namespace enforcing the restricted Pod Security Standard rejects.');
  }

  /**
   * What a pod in the mesh gets: the injection and mesh labels, the ServiceAccount token the
   * sidecar authenticates with, and egress to the control plane (xDS and the CA).
   */
  public meshPod(scrapesProxies: boolean): PodExtension {
    return {
      labels: { 'kuma.io/sidecar-injection': 'enabled', [MESH_LABEL]: this.meshName },
      // The sidecar must originate mTLS to each proxy's IP, as `kumactl install observability` configures its own Prometheus.
      annotations: scrapesProxies ? { 'kuma.io/direct-access-services': '*' } : undefined,
      serviceAccountToken: true,
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.controlPlaneNamespaceName } } }] }],
    };
  }

  /** Gives `stack` what was gathered for it, once: binding again gives only what was added since. */
  public bind(stack: PrometheusStack): IntegrationConfig {
    checkBinding(`${this.mesh.node.path}.bind()`, stack, [...this.contributions.keys()]);
    const own = this.contributions.get(stack)!;
    this.contributions.delete(stack);
    const pod: PodExtension = {
      labels: Object.assign({}, ...own.pods.map((p) => p.labels ?? {})),
      annotations: Object.assign({}, ...own.pods.map((p) => p.annotations ?? {})),
      serviceAccountToken: own.pods.some((p) => p.serviceAccountToken),
      egress: own.pods.flatMap((p) => p.egress ?? []),
      strictMtlsMesh: own.pods.find((p) => p.strictMtlsMesh !== undefined)?.strictMtlsMesh,
      containers: own.pods.flatMap((p) => p.containers ?? []),
      volumes: own.pods.flatMap((p) => p.volumes ?? []),
    };
    return { ...own, pod, clientPods: own.clientPods, clientObserver: own.clientObserver };
  }
}

/**
 * The job of `central` that federates the mesh's series from the Prometheus at `target`
 * (`/federate` with `match[]` and `honor_labels`).
 */
export function federationJob(where: string, meshName: string, source: PrometheusStack | undefined, central: PrometheusStack,
  options: KumaFederationOptions): ScrapeJob {
  requireStack(where, 'central', central);
  checkStruct(where, 'options', options);
  checkString(where, 'target', options.target);
  checkStringArray(where, 'match', options.match);
  if (central === source) fail(where, 'central', 'must be another Prometheus than the mesh\'s own stack', central.node.path);
  let target = options.target;
  if (target === undefined) {
    if (!source) {
      fail(where, 'target', 'is required when the mesh has no \'stack\' to federate from', undefined);
    }
    target = `${source.serviceName}.${source.namespaceName}.svc:${source.servicePort}`;
  }
  const match = options.match ?? [`{mesh="${meshName}"}`];
  if (match.length === 0) fail(where, 'match', 'must have at least one series selector', match);
  match.forEach((m, i) => {
    if (!/^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{.*\})?$/.test(m) || m === '' || m === '{}') {
      fail(where, `match[${i}]`, 'must be a series selector such as {mesh="default"} or up{job="x"}', m);
    }
  });
  return new ScrapeJob({
    jobName: options.jobName ?? `kuma-federate-${meshName}`,
    scrapeInterval: options.scrapeInterval,
    metricsPath: '/federate',
    queryParams: { 'match[]': [...match] },
    honorLabels: true,
    discovery: [ServiceDiscovery.staticTargets({ targets: [target] })],
  });
}

/** The dashboard builders, loaded when a Grafana first asks for a dashboard (most apps have none). */
function dashboards(): typeof Dashboards {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./dashboards') as typeof Dashboards;
}
