import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { kumaDatasource } from './datasource';
import { KumaDataplaneDiscovery } from './discovery';
import { federationJob, MeshMembership } from './membership';
import { clusterScoped, legacyMeshSpec, meshMetricSpec, policyMetadata } from './mesh-spec';
import {
  KumaAggregateMetrics, KumaApplicationMetricsOptions, KumaEnvoyMetricsOptions, KumaFederationOptions, KumaMetricsTlsMode,
  KumaMtlsOptions, KumaPolicyApi, KumaUniversalDataplaneOptions, KumaWorkloadMetricsOptions,
} from './options';
import { MeshPermissions } from './permissions';
import { MeshSpec } from './proto-specs';
import { KumaServiceTag } from './service-tag';
import { meshSettings, SERVICE_TAG_FIX } from './settings';
import { UniversalMesh } from './universal';
import { WorkloadMetrics } from './workload-metrics';
import { checkInstance, fail, requireProp } from '../../core/checks';
import * as kuma from '../../imports/kuma.io';
import { checkObjectNames } from '../../k8s/object-names';
import { ScrapeJob } from '../../model/prometheus';
import { IntegrationConfig, IPrometheusIntegration } from '../../stack/integration';
import { PrometheusStack } from '../../stack/prometheus-stack';

/**
 * Properties of a `KumaMetricsMesh`.
 */
export interface KumaMetricsMeshProps {
  /**
   * The name of the mesh.
   *
   * @default 'default'
   */
  readonly meshName?: string;
  /**
   * Which Kuma API expresses the configuration: `Mesh.spec.metrics` with TrafficPermissions
   * (as in the document), or MeshMetric with MeshTrafficPermissions.
   *
   * @default KumaPolicyApi.SOURCE_DESTINATION
   */
  readonly policyApi?: KumaPolicyApi;
  /**
   * The version of the Kuma control plane, `major.minor` or `major.minor.patch` (such as
   * '2.6' or '2.12.14'). It decides what the output may use: MeshMetric needs 2.6, its
   * `sidecar.profiles` 2.7, policies target `Dataplane` labels from 2.10 (a top-level
   * `MeshSubset` before), and kuma-prometheus-sd cannot reach 2.7 or newer.
   *
   * @default '2.12'
   */
  readonly kumaVersion?: string;
  /**
   * The namespace of the control plane, where MeshMetric and MeshTrafficPermission policies
   * are created (`KumaPolicyApi.TARGET_REF`) and whose control plane `scrapeControlPlane` scrapes.
   *
   * @default 'kuma-system'
   */
  readonly controlPlaneNamespaceName?: string;
  /**
   * Scrape the control plane's own metrics too (job `kuma-control-plane`: every replica of the
   * `kuma-control-plane` Service on its `diagnostics` port 5680, `/metrics`), as the Prometheus of
   * `kumactl install observability` did through the Service's `prometheus.io/scrape` annotation.
   * Needs `stack`; the stack gets a Role to read the EndpointSlices in `controlPlaneNamespaceName`.
   *
   * @default false
   */
  readonly scrapeControlPlane?: boolean;
  /**
   * Provision Kuma's Grafana data source in the stack's Grafana, as `kumactl install
   * observability` did: the `kumahq-kuma-datasource` plugin 0.1.1 (unsigned, from its GitHub
   * release; Grafana is told to load it), reading the control plane's API server
   * (`http://kuma-control-plane.<controlPlaneNamespaceName>.svc:5681`) and the stack's Prometheus for the
   * mesh graph. Grafana downloads the plugin at start, so it needs egress to github.com, and
   * reaches the control plane on port 5681. Needs `stack`.
   *
   * @default false
   */
  readonly kumaDatasource?: boolean;
  /**
   * The name of the Prometheus metrics backend (`metrics.enabledBackend`).
   *
   * @default 'prometheus-1'
   */
  readonly backendName?: string;
  /**
   * The port every proxy serves its metrics on; must not be a port of the applications.
   *
   * @default 5670
   */
  readonly metricsPort?: number;
  /**
   * The HTTP path of the proxies' metrics.
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * The tags of the metrics endpoint, which TrafficPermissions match when mTLS secures it;
   * `kuma.io/service` is required. Only for `KumaPolicyApi.SOURCE_DESTINATION` (a MeshMetric endpoint has
   * no tags).
   *
   * @default { 'kuma.io/service': 'dataplane-metrics' }
   */
  readonly metricsTags?: { [tag: string]: string };
  /**
   * Serve the metrics without mTLS even when the mesh has mTLS (`conf.skipMTLS`).
   *
   * @default - false; true when `mtls` is set without `secureMetrics`, so that a Prometheus
   * outside the mesh can still scrape
   */
  readonly skipMtls?: boolean;
  /**
   * How the metrics endpoint uses TLS (`conf.tls.mode`).
   *
   * @default - not written: Kuma derives it from `skipMTLS` (a MeshMetric gets
   * ActiveMTLSBackend, or Disabled when `skipMtls` is true)
   */
  readonly tlsMode?: KumaMetricsTlsMode;
  /**
   * Applications next to the proxies whose metrics the proxies scrape and serve with their own.
   *
   * @default - none
   */
  readonly aggregate?: KumaAggregateMetrics[];
  /**
   * Which Envoy metrics the proxies expose.
   *
   * @default - every metric
   */
  readonly envoy?: KumaEnvoyMetricsOptions;
  /**
   * Enable mTLS in the mesh with these certificate authorities.
   *
   * @default - the Mesh object has no mTLS settings (with `KumaPolicyApi.TARGET_REF`, no Mesh
   * object is created)
   */
  readonly mtls?: KumaMtlsOptions;
  /**
   * Secure the metrics with the mesh's mTLS: Prometheus (`stack`) joins the mesh, and
   * permissions let it reach the proxies' metrics (`dataplane-metrics`) and
   * `prometheusComponents`, and let `prometheusClients` reach it. Needs `mtls` and `stack`.
   *
   * @default false
   */
  readonly secureMetrics?: boolean;
  /**
   * The Prometheus server that scrapes the mesh: the `kuma-dataplanes` job is added to it.
   *
   * @default - no scrape job
   */
  readonly stack?: PrometheusStack;
  /**
   * How `stack` finds the proxies.
   *
   * @default KumaDataplaneDiscovery.kumaSd()
   */
  readonly discovery?: KumaDataplaneDiscovery;
  /**
   * The name of the job that scrapes the proxies.
   *
   * @default 'kuma-dataplanes'
   */
  readonly jobName?: string;
  /**
   * How often the proxies are scraped (the document uses 5 seconds).
   *
   * @default - the stack's scrape interval
   */
  readonly scrapeInterval?: Duration;
  /**
   * Other Prometheus components in the mesh that Prometheus talks to (Alertmanager,
   * kube-state-metrics, Pushgateway), for `secureMetrics`. More can be added with
   * `allowFromPrometheus()`.
   *
   * @default - none
   */
  readonly prometheusComponents?: KumaServiceTag[];
  /**
   * The service tags of clients in the mesh that query Prometheus, for `secureMetrics`: a
   * Grafana this library does not run, a central Prometheus that federates. A `Grafana` that
   * reads the stack is let in without being listed. More can be added with `allowToPrometheus()`.
   *
   * @default - only the stack's own clients
   */
  readonly prometheusClients?: KumaServiceTag[];
}

/**
 * Kuma data plane proxy metrics in Prometheus: the mesh's Prometheus metrics backend (legacy
 * `Mesh.spec.metrics`, or a `MeshMetric`), mTLS with the permissions that secure metrics need
 * (`TrafficPermission` or `MeshTrafficPermission`), the `kuma-dataplanes` scrape job
 * (`kuma_sd_configs`, or `kuma-prometheus-sd` beside Prometheus), per-workload overrides,
 * application metrics next to the proxies, federation to a central Prometheus, and the
 * Universal form of all of it for `kumactl apply`.
 *
 * @see https://kuma.io/docs/latest/policies/traffic-metrics/
 */
export class KumaMetricsMesh extends Construct implements IPrometheusIntegration {
  /** The name of the mesh. */
  public readonly meshName: string;
  /** The Kuma API the configuration is written in. */
  public readonly policyApi: KumaPolicyApi;
  /** The version of the Kuma control plane the output is written for. */
  public readonly kumaVersion: string;
  /** The port the proxies serve their metrics on. */
  public readonly metricsPort: number;
  /** The HTTP path of the proxies' metrics. */
  public readonly metricsPath: string;
  /** Whether the metrics endpoint skips mTLS (`conf.skipMTLS`, after defaults). */
  public readonly skipMtls: boolean;
  /** Whether the mesh's mTLS secures the metrics. */
  public readonly secureMetrics: boolean;
  /**
   * The primary object: the Mesh (legacy API) or the MeshMetric (current API).
   */
  public readonly resource: ApiObject;
  /**
   * The job that scrapes the proxies.
   *
   * @default - none when no `stack` is given
   */
  public readonly scrapeJob?: ScrapeJob;
  /**
   * The service tag of the Prometheus server that scrapes the mesh.
   *
   * @default - none when no `stack` is given
   */
  public readonly prometheusService?: KumaServiceTag;

  private readonly stack?: PrometheusStack;
  /** What this mesh contributes to each stack it uses: the one that scrapes it, and central ones that federate it. */
  private readonly membership: MeshMembership;
  /** The permissions of Prometheus in the mesh, with `secureMetrics`. */
  private readonly permissions?: MeshPermissions;
  private readonly workloads: WorkloadMetrics;
  private readonly universal: UniversalMesh;

  constructor(scope: Construct, id: string, props: KumaMetricsMeshProps = {}) {
    super(scope, id);
    checkObjectNames(this);
    const path = this.node.path;
    const settings = meshSettings(this, props,
      (meshName) => Chart.of(this).node.findAll().find((c) => c !== this && c instanceof KumaMetricsMesh && c.meshName === meshName));
    this.meshName = settings.meshName;
    this.policyApi = settings.policyApi;
    this.kumaVersion = settings.kumaVersion;
    this.metricsPort = settings.metricsPort;
    this.metricsPath = settings.metricsPath;
    this.secureMetrics = settings.tls.secureMetrics;
    this.skipMtls = settings.tls.skipMtls;
    const { version, controlPlaneNamespaceName, mtls } = settings;
    const legacy = this.policyApi === KumaPolicyApi.SOURCE_DESTINATION;

    // The objects
    if (legacy) {
      this.resource = clusterScoped(new kuma.Mesh(this, 'Resource', {
        metadata: { name: this.meshName },
        spec: legacyMeshSpec(settings),
      }));
    } else {
      if (mtls) {
        clusterScoped(new kuma.Mesh(this, 'Mesh', {
          metadata: { name: this.meshName },
          spec: { mtls } satisfies MeshSpec,
        }));
      }
      this.resource = new kuma.MeshMetric(this, 'Resource', {
        metadata: policyMetadata(settings),
        spec: meshMetricSpec(settings),
      });
    }

    // Prometheus
    this.membership = new MeshMembership(this, this.meshName, controlPlaneNamespaceName, settings.tls.strictMtls);
    if (props.stack) {
      this.stack = props.stack;
      this.prometheusService = KumaServiceTag.fromStack(props.stack);
      const own = this.membership.contributionTo(props.stack);
      const attached = (props.discovery ?? KumaDataplaneDiscovery.kumaSd())
        ._attach(this, props.stack, props.jobName ?? 'kuma-dataplanes', version, props.scrapeInterval);
      this.scrapeJob = attached.job;
      if (attached.added) own.scrapeJobs.push(attached.job);
      if (attached.pod) own.pods.push(attached.pod);
      this.membership.addProxyDashboards(props.stack, this.scrapeJob.jobName, props.scrapeInterval);
      if (props.scrapeControlPlane) this.membership.addControlPlane(props.stack, props.scrapeInterval);
      if (props.kumaDatasource) own.grafanaDatasources.push(kumaDatasource(controlPlaneNamespaceName));
    } else {
      const jobProp = props.discovery ? 'discovery' : props.jobName !== undefined ? 'jobName' : props.scrapeInterval ? 'scrapeInterval'
        : props.scrapeControlPlane ? 'scrapeControlPlane' : undefined;
      if (jobProp) fail(path, jobProp, 'configures the job added to \'stack\', so it needs a \'stack\'', undefined);
      if (props.kumaDatasource) {
        fail(path, 'kumaDatasource', 'provisions the data source in the Grafana of \'stack\', so it needs a \'stack\'', true,
          'Pass the stack whose Grafana shows the mesh');
      }
    }
    if (this.secureMetrics && this.stack) {
      const permissions = this.permissions = new MeshPermissions(this, settings, this.stack, this.prometheusService!);
      this.membership.joinMesh(this.stack, true);
      if (legacy) permissions.allowMetricsEndpoint(settings.metricsTags);
      for (const c of props.prometheusComponents ?? []) permissions.allowFromPrometheus(c);
      for (const c of props.prometheusClients ?? []) permissions.allowToPrometheus(c);
      // The stack's clients (Grafana) join the mesh and may query Prometheus, by their real service tags.
      const own = this.membership.contributionTo(this.stack);
      own.clientPods = this.membership.meshPod(false);
      own.clientObserver = {
        clientAdmitted: (client) => {
          if (client.serviceName === undefined || client.servicePort === undefined) return;
          const tag = KumaServiceTag.kubernetesService({
            serviceName: client.serviceName, namespaceName: client.namespaceName, servicePort: client.servicePort,
          });
          permissions.allowToPrometheus(tag);
          if (client.scrapeJobName !== undefined) permissions.allowFromPrometheus(tag);
        },
      };
      if (legacy) permissions.addOutboundPermission();
    }
    this.workloads = new WorkloadMetrics(this, settings, this.stack, this.permissions);
    this.universal = new UniversalMesh(path, settings);
    this.node.addValidation({ validate: () => this.workloads.portClashes() });
    if (this.stack) this.stack.addIntegration(this);
  }

  /** Contributes to `stack` what this mesh gives it: its jobs, dashboards, data source and the mesh's sidecar in its pod. */
  public bind(stack: PrometheusStack): IntegrationConfig {
    // Each contribution is given once: federating into the same stack again contributes only the new job.
    return this.membership.bind(stack);
  }

  /**
   * Makes the proxy of a workload serve its metrics on another port or path than the mesh's
   * (the `prometheus.metrics.kuma.io/port` and `.../path` pod annotations; with the current
   * API, a MeshMetric for the workload's proxies).
   *
   * Fails when the port is one of the workload's container ports.
   *
   * @param workload a cdk8s-plus workload (`Deployment`, `StatefulSet`, ...) of any cdk8s-plus version
   */
  public overrideWorkload(workload: IConstruct, options: KumaWorkloadMetricsOptions): void {
    this.workloads.override(workload, options);
  }

  /**
   * Scrapes an application that runs next to a proxy, through the standard `prometheus.io/*`
   * pod annotations (the same mechanism as `AppServiceMonitor`'s `prometheusAnnotations`): the
   * workload is annotated and, with a `stack`, the stack gets the annotation-driven job of the
   * workload's namespace. With `secureMetrics`, `options.service` lets Prometheus reach it.
   *
   * Fails when the port is the one the workload's proxy serves its metrics on.
   *
   * @param workload a cdk8s-plus workload (`Deployment`, `StatefulSet`, ...) of any cdk8s-plus version
   */
  public addApplicationMetrics(workload: IConstruct, options: KumaApplicationMetricsOptions): void {
    this.workloads.addApplication(workload, options);
  }

  /**
   * Lets Prometheus (inside the mesh) reach a service: an Alertmanager, kube-state-metrics, a
   * Pushgateway, an application. Needs `secureMetrics`.
   */
  public allowFromPrometheus(destination: KumaServiceTag): void {
    checkInstance(this.node.path, 'destination', requireProp(this.node.path, 'destination', destination, SERVICE_TAG_FIX), KumaServiceTag, SERVICE_TAG_FIX);
    this.requirePermissions('allowFromPrometheus').allowFromPrometheus(destination);
  }

  /**
   * Lets a client in the mesh reach Prometheus: Grafana, or a central Prometheus that federates.
   * Needs `secureMetrics`.
   */
  public allowToPrometheus(source: KumaServiceTag): void {
    checkInstance(this.node.path, 'source', requireProp(this.node.path, 'source', source, SERVICE_TAG_FIX), KumaServiceTag, SERVICE_TAG_FIX);
    this.requirePermissions('allowToPrometheus').allowToPrometheus(source);
  }

  /**
   * Adds a Universal data plane proxy to the Universal output (`toUniversalYaml()`), with the
   * metrics settings that override the mesh's for it (`Dataplane.metrics`; with the current
   * API, a MeshMetric for that proxy).
   *
   * Fails when its metrics port is one of its inbound or service ports.
   */
  public addUniversalDataplane(options: KumaUniversalDataplaneOptions): void {
    this.universal.addDataplane(options);
  }

  /**
   * Federates the mesh's series into a central Prometheus (`/federate` with `match[]` and
   * `honor_labels`), as the document suggests for an existing Prometheus. With
   * `secureMetrics`, the central Prometheus joins the mesh and may reach the mesh's one.
   *
   * The mesh's Prometheus must let the central one in: with a ClusterIP Service, give its
   * stack an `allowFrom` that includes the central Prometheus's namespace.
   */
  public federateTo(central: PrometheusStack, options: KumaFederationOptions = {}): ScrapeJob {
    const job = federationJob(this.node.path, this.meshName, this.stack, central, options);
    this.membership.contributionTo(central).scrapeJobs.push(job);
    if (this.secureMetrics && options.target === undefined) {
      this.membership.joinMesh(central, false);
      this.allowToPrometheus(KumaServiceTag.fromStack(central));
    }
    central.addIntegration(this);
    return job;
  }

  /**
   * The configuration as Universal resources, for `kumactl apply -f` (YAML documents
   * separated by `---`): the Mesh, the policies, and the Universal data plane proxies.
   *
   * Fails with `secureMetrics`: scraping through mTLS needs a transparent proxy, which
   * Universal deployments do not have.
   */
  public toUniversalYaml(): string {
    if (this.secureMetrics) {
      fail(this.node.path, 'secureMetrics', 'is not available on Universal (scraping through mTLS needs a transparent proxy)', true,
        'Use a mesh without secureMetrics for the Universal output');
    }
    return this.universal.toYaml(this.resource.name);
  }

  private requirePermissions(method: string): MeshPermissions {
    if (!this.permissions) {
      fail(this.node.path, method, 'needs \'secureMetrics\' (permissions apply to mTLS traffic inside the mesh)', false);
    }
    return this.permissions;
  }
}
