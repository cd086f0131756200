import { ApiObject, Chart, Duration, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KumaCaBackend, KumaMtlsMode } from './ca-backend';
import { CONTROL_PLANE_JOB, controlPlaneJob } from './control-plane';
import type * as Dashboards from './dashboards';
import { kumaDatasource } from './datasource';
import { KumaDataplaneDiscovery } from './discovery';
import {
  KumaAggregateMetrics, KumaApplicationMetricsOptions, KumaDataplaneInbound, KumaEnvoyMetricsOptions, KumaFederationOptions, KumaMetricsTlsMode,
  KumaMtlsOptions, KumaPolicyApi, KumaUniversalDataplaneOptions, KumaWorkloadMetricsOptions,
} from './options';
import {
  AggregateSpec, DataplaneSpec, MeshSpec, MetricsBackendSpec, MtlsSpec, PrometheusConfSpec, SelectorSpec, TrafficPermissionSpec,
} from './proto-specs';
import { KumaServiceTag } from './service-tag';
import { toUniversalYaml, UniversalResource } from './universal';
import { checkArray, checkBoolean, checkEnum, checkInstance, checkInstances, checkString, checkStringArray, checkStringMap, checkStruct, checkUnique, fail, requireProp } from '../../core/checks';
import { checkDnsLabel, checkHttpPath, checkNonEmpty, checkPort, compact } from '../../core/formats';
import { PlusWorkload, asWorkload, containerPorts, workloadSelectorLabels } from '../../core/plus';
import { addWarning } from '../../core/warnings';
import * as kuma from '../../imports/kuma.io';
import { checkObjectNames } from '../../k8s/object-names';
import { namespaceOf } from '../../k8s/pod';
import { IDashboardSource } from '../../model/dashboard/dashboard';
import { Scheme, ScrapeJob, ServiceDiscovery } from '../../model/prometheus';
import { checkRegex } from '../../model/prometheus/validate';
import { parseVersion, Version, versionAtLeast } from '../../model/prometheus/version';
import { PrometheusAnnotations, PrometheusStack } from '../../stack';
import { checkBinding, checkStack, requireStack } from '../../stack/check-stack';
import { lazyDashboard } from '../../stack/content';
import { GrafanaDatasourceSpec, IntegrationConfig, IPrometheusClientObserver, IPrometheusIntegration, PodExtension } from '../../stack/integration';

/** The pod annotations that override the mesh's metrics port and path for one workload. */
const PORT_ANNOTATION = 'prometheus.metrics.kuma.io/port';
const PATH_ANNOTATION = 'prometheus.metrics.kuma.io/path';
const SERVICE_TAG = 'kuma.io/service';
const SERVICE_TAG_FIX = 'Use KumaServiceTag.fromStack(stack), .fromService(service), .kubernetesService({...}) or .custom(value)';
const MESH_LABEL = 'kuma.io/mesh';
/** The label Kuma gives a Kubernetes data plane proxy with its pod's namespace. */
const NAMESPACE_LABEL = 'k8s.kuma.io/namespace';
/** Kuma releases that changed what the current API can say (kumahq/kuma, at these tags). */
const KUMA = {
  /** MeshMetric (pkg/plugins/policies/meshmetric). */
  meshMetric: parseVersion('2.6')!,
  /** `sidecar.profiles`; without it the proxy serves the Basic profile (app/kuma-dp/pkg/dataplane/metrics/profiles.go). */
  profiles: parseVersion('2.7')!,
  /** `targetRef.kind: Dataplane` with `labels`, which 2.12 asks for instead of a top-level MeshSubset (api/common/v1alpha1/targetref.go). */
  dataplaneTargetRef: parseVersion('2.10')!,
};

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
   * @default KumaPolicyApi.LEGACY
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
   * are created (`KumaPolicyApi.CURRENT`) and whose control plane `scrapeControlPlane` scrapes.
   *
   * @default 'kuma-system'
   */
  readonly kumaNamespace?: string;
  /**
   * Scrape the control plane's own metrics too (job `kuma-control-plane`: every replica of the
   * `kuma-control-plane` Service on its `diagnostics` port 5680, `/metrics`), as the Prometheus of
   * `kumactl install observability` did through the Service's `prometheus.io/scrape` annotation.
   * Needs `stack`; the stack gets a Role to read the EndpointSlices in `kumaNamespace`.
   *
   * @default false
   */
  readonly scrapeControlPlane?: boolean;
  /**
   * Provision Kuma's Grafana data source in the stack's Grafana, as `kumactl install
   * observability` did: the `kumahq-kuma-datasource` plugin 0.1.1 (unsigned, from its GitHub
   * release; Grafana is told to load it), reading the control plane's API server
   * (`http://kuma-control-plane.<kumaNamespace>.svc:5681`) and the stack's Prometheus for the
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
   * `kuma.io/service` is required. Only for `KumaPolicyApi.LEGACY` (a MeshMetric endpoint has
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
   * @default - the Mesh object has no mTLS settings (with `KumaPolicyApi.CURRENT`, no Mesh
   * object is created)
   */
  readonly mtls?: KumaMtlsOptions;
  /**
   * Secure the metrics with the mesh's mTLS: Prometheus (`stack`) joins the mesh, and
   * permissions let it reach the proxies' metrics (`dataplane-metrics`) and
   * `prometheusComponents`, and let `grafana` reach it. Needs `mtls` and `stack`.
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
   * The service tag of a Grafana in the mesh that queries Prometheus, for `secureMetrics`.
   * Other clients can be added with `allowToPrometheus()`.
   *
   * @default - no permission for Grafana
   */
  readonly grafana?: KumaServiceTag;
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
  private readonly contributions = new Map<PrometheusStack, MeshContribution>();
  private readonly version: Version;
  private readonly kumaNamespace: string;
  private readonly backendName: string;
  private readonly metricsTags: { [tag: string]: string };
  private readonly tlsMode?: KumaMetricsTlsMode;
  private readonly aggregate: KumaAggregateMetrics[];
  private readonly envoy?: KumaEnvoyMetricsOptions;
  private readonly mtls?: MtlsSpec;
  /** Prometheus -> these services (tag maps), by key. */
  private readonly destinations = new Map<string, { [tag: string]: string }>();
  /** These services -> Prometheus, by tag. */
  private readonly sources = new Map<string, KumaServiceTag>();
  private prometheusAccess?: ApiObject;
  private readonly workloads = new Map<PlusWorkload, { port?: number; path?: string; appPort?: number }>();
  private readonly dataplanes: UniversalResource[] = [];
  private readonly dataplaneOverrides: Array<{ name: string; port?: number; path?: string; skipMtls?: boolean }> = [];

  constructor(scope: Construct, id: string, props: KumaMetricsMeshProps = {}) {
    super(scope, id);
    checkObjectNames(this);
    const path = this.node.path;
    checkStruct(path, 'props', props);
    checkStack(path, 'stack', props.stack);
    checkEnum(path, 'policyApi', props.policyApi, KumaPolicyApi, 'KumaPolicyApi');
    checkEnum(path, 'tlsMode', props.tlsMode, KumaMetricsTlsMode, 'KumaMetricsTlsMode');
    checkString(path, 'kumaVersion', props.kumaVersion);
    checkStringMap(path, 'metricsTags', props.metricsTags);
    checkInstance(path, 'discovery', props.discovery, KumaDataplaneDiscovery,
      'Use KumaDataplaneDiscovery.kumaSd() or KumaDataplaneDiscovery.kumaPrometheusSd()');
    checkInstance(path, 'grafana', props.grafana, KumaServiceTag, SERVICE_TAG_FIX);
    checkInstances(path, 'prometheusComponents', props.prometheusComponents, KumaServiceTag, SERVICE_TAG_FIX);
    checkArray(path, 'aggregate', props.aggregate, (w, p, a) => checkStruct(w, p, a, true));
    checkStruct(path, 'envoy', props.envoy);
    checkBoolean(path, 'envoy.usedOnly', props.envoy?.usedOnly);
    checkStruct(path, 'mtls', props.mtls);
    if (props.mtls) {
      checkInstances(path, 'mtls.backends', requireProp(path, 'mtls.backends', props.mtls.backends, 'Use [KumaCaBackend.builtin()]'), KumaCaBackend,
        'Use KumaCaBackend.builtin({...})');
      checkString(path, 'mtls.enabledBackend', props.mtls.enabledBackend);
      checkBoolean(path, 'mtls.skipValidation', props.mtls.skipValidation);
    }
    for (const flag of ['kumaDatasource', 'scrapeControlPlane', 'secureMetrics', 'skipMtls'] as const) checkBoolean(path, flag, props[flag]);

    this.meshName = checkDnsLabel(path, 'meshName', props.meshName ?? 'default');
    // Two constructs writing the Mesh of the same name into one chart would overwrite each other on apply.
    const owner = Chart.of(this).node.findAll().find((c) => c !== this && c instanceof KumaMetricsMesh && c.meshName === this.meshName);
    if (owner !== undefined) {
      fail(path, 'meshName', `must be unique in the chart: ${owner.node.path} already defines this mesh`, this.meshName);
    }
    this.policyApi = props.policyApi ?? KumaPolicyApi.LEGACY;
    this.kumaVersion = props.kumaVersion ?? '2.12';
    const version = /^\d+\.\d+(\.\d+)?$/.test(this.kumaVersion) ? parseVersion(this.kumaVersion) : undefined;
    if (!version) fail(path, 'kumaVersion', 'must be a Kuma release as major.minor or major.minor.patch, such as 2.12', this.kumaVersion);
    this.version = version;
    if (this.policyApi === KumaPolicyApi.CURRENT && !versionAtLeast(version, KUMA.meshMetric)) {
      fail(path, 'policyApi', `CURRENT writes MeshMetric policies, which Kuma ${this.kumaVersion} ('kumaVersion') does not have (they came in 2.6)`,
        this.policyApi, 'Use KumaPolicyApi.LEGACY');
    }
    this.kumaNamespace = checkDnsLabel(path, 'kumaNamespace', props.kumaNamespace ?? 'kuma-system');
    if (props.kumaNamespace !== undefined && this.policyApi !== KumaPolicyApi.CURRENT && !props.scrapeControlPlane && !props.kumaDatasource) {
      fail(path, 'kumaNamespace', 'only places the policies of KumaPolicyApi.CURRENT (the legacy Mesh and TrafficPermissions are cluster-scoped)',
        props.kumaNamespace, 'It also names the control plane that scrapeControlPlane scrapes and kumaDatasource reads');
    }
    this.backendName = checkNonEmpty(path, 'backendName', props.backendName ?? 'prometheus-1');
    this.metricsPort = checkPort(path, 'metricsPort', props.metricsPort ?? 5670);
    this.metricsPath = checkHttpPath(path, 'metricsPath', props.metricsPath ?? '/metrics');
    const legacy = this.policyApi === KumaPolicyApi.LEGACY;

    if (props.metricsTags !== undefined && !legacy) {
      fail(path, 'metricsTags', 'has no MeshMetric equivalent (the MeshMetric endpoint carries no tags); only KumaPolicyApi.LEGACY uses it',
        props.metricsTags);
    }
    this.metricsTags = { ...props.metricsTags ?? { [SERVICE_TAG]: 'dataplane-metrics' } };
    if (!this.metricsTags[SERVICE_TAG]) {
      fail(path, 'metricsTags', `must include a non-empty '${SERVICE_TAG}' tag`, this.metricsTags);
    }

    // The CA
    if (props.mtls) {
      const backends = props.mtls.backends;
      if (backends.length === 0) {
        fail(path, 'mtls.backends', 'must have at least one certificate authority backend to enable mTLS', [],
          'Add KumaCaBackend.builtin()');
      }
      const names = backends.map((b) => b.name);
      checkUnique(path, 'mtls.backends', names);
      const enabled = props.mtls.enabledBackend ?? names[0];
      if (!names.includes(enabled)) {
        fail(path, 'mtls.enabledBackend', `must name one of the backends (${names.join(', ')})`, enabled);
      }
      this.mtls = compact({ enabledBackend: enabled, backends: backends.map((b) => b._toSpec()), skipValidation: props.mtls.skipValidation });
    }

    // TLS of the metrics endpoint
    this.secureMetrics = props.secureMetrics ?? false;
    this.tlsMode = props.tlsMode;
    if (this.secureMetrics) {
      if (!this.mtls) {
        fail(path, 'secureMetrics', 'needs mTLS with a certificate authority backend', true,
          'Set mtls: { backends: [KumaCaBackend.builtin()] }');
      }
      if (props.skipMtls) {
        fail(path, 'skipMtls', 'contradicts \'secureMetrics\' (metrics secured by mTLS cannot skip it)', true,
          'Remove skipMtls, or turn secureMetrics off');
      }
      if (props.tlsMode !== undefined && props.tlsMode !== KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND) {
        fail(path, 'tlsMode', 'must be ACTIVE_MTLS_BACKEND with \'secureMetrics\' (the mesh\'s mTLS secures the endpoint)', props.tlsMode);
      }
      if (!props.stack) {
        fail(path, 'stack', 'is required with \'secureMetrics\': Prometheus must join the mesh to scrape through mTLS', undefined);
      }
    } else {
      if (props.grafana) fail(path, 'grafana', 'only takes effect with \'secureMetrics\' (permissions apply to mTLS traffic)', props.grafana.value);
      if (props.prometheusComponents?.length) {
        fail(path, 'prometheusComponents', 'only take effect with \'secureMetrics\' (permissions apply to mTLS traffic)',
          props.prometheusComponents.map((c) => c.value));
      }
    }
    if (props.skipMtls && props.tlsMode === KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND) {
      fail(path, 'tlsMode', 'ACTIVE_MTLS_BACKEND contradicts \'skipMtls\'', props.tlsMode);
    }
    // A Prometheus outside the mesh can only scrape proxies whose metrics skip the mesh's mTLS.
    this.skipMtls = props.skipMtls ?? (this.mtls !== undefined && !this.secureMetrics && props.tlsMode === undefined);
    const effectiveMode = props.tlsMode ?? (this.skipMtls ? KumaMetricsTlsMode.DISABLED : KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND);
    if (this.mtls && !this.secureMetrics && effectiveMode === KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND) {
      addWarning(this, 'the mesh has mTLS and the metrics endpoint requires it, but \'secureMetrics\' is off: a Prometheus '
        + 'outside the mesh cannot scrape the proxies. Set secureMetrics: true (Prometheus joins the mesh), or leave skipMtls and tlsMode unset.');
    }

    // What the proxies expose
    this.aggregate = (props.aggregate ?? []).map((a, i) => this.checkAggregate(a, i));
    checkUnique(path, 'aggregate', this.aggregate.map((a) => a.name));
    if (props.envoy?.filterRegex !== undefined) {
      if (!legacy) {
        fail(path, 'envoy.filterRegex', 'filters Envoy stat names, which a MeshMetric cannot express; only KumaPolicyApi.LEGACY uses it',
          props.envoy.filterRegex);
      }
      checkRegex(path, 'envoy.filterRegex', props.envoy.filterRegex);
    }
    this.envoy = props.envoy;

    // The objects
    if (legacy) {
      this.resource = clusterScoped(new kuma.Mesh(this, 'Resource', {
        metadata: { name: this.meshName },
        spec: this.legacyMeshSpec(),
      }));
    } else {
      if (this.mtls) {
        clusterScoped(new kuma.Mesh(this, 'Mesh', {
          metadata: { name: this.meshName },
          spec: { mtls: this.mtls } satisfies MeshSpec,
        }));
      }
      this.resource = new kuma.MeshMetric(this, 'Resource', {
        metadata: this.policyMetadata(),
        spec: this.meshMetricSpec(),
      });
    }

    // Prometheus
    if (props.stack) {
      this.stack = props.stack;
      this.prometheusService = KumaServiceTag.fromStack(props.stack);
      const own = this.contributionTo(props.stack);
      const attached = (props.discovery ?? KumaDataplaneDiscovery.kumaSd())
        ._attach(this, props.stack, props.jobName ?? 'kuma-dataplanes', this.version, props.scrapeInterval);
      this.scrapeJob = attached.job;
      if (attached.added) own.scrapeJobs.push(attached.job);
      if (attached.pod) own.pods.push(attached.pod);
      const jobName = this.scrapeJob.jobName;
      own.dashboards.push(
        lazyDashboard(`kuma-${jobName}`, () => dashboards().kumaDashboard(jobName, props.scrapeInterval)),
        lazyDashboard(`kuma-mesh-${jobName}`, () => dashboards().kumaMeshDashboard(jobName, props.scrapeInterval)),
        lazyDashboard(`kuma-service-${jobName}`, () => dashboards().kumaServiceDashboard(jobName, props.scrapeInterval)),
        lazyDashboard(`kuma-service-to-service-${jobName}`, () => dashboards().kumaServiceToServiceDashboard(jobName, props.scrapeInterval)),
        lazyDashboard(`kuma-gateway-${jobName}`, () => dashboards().kumaGatewayDashboard(jobName, props.scrapeInterval)),
      );
      if (props.scrapeControlPlane) {
        const cp = controlPlaneJob(props.stack, this.kumaNamespace, props.scrapeInterval);
        if (cp.added) own.scrapeJobs.push(cp.job);
        own.dashboards.push(lazyDashboard(CONTROL_PLANE_JOB, () => dashboards().kumaControlPlaneDashboard(cp.job.scrapeInterval)));
      }
      if (props.kumaDatasource) own.grafanaDatasources.push(kumaDatasource(this.kumaNamespace));
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
      this.joinMesh(this.stack, true);
      if (legacy) this.destinations.set(tagKey(this.metricsTags), this.metricsTags);
      for (const c of props.prometheusComponents ?? []) this.allowFromPrometheus(c);
      if (props.grafana) this.allowToPrometheus(props.grafana);
      // The stack's clients (Grafana) join the mesh and may query Prometheus, by their real service tags.
      const own = this.contributionTo(this.stack);
      own.clientPods = this.meshPod(false);
      own.clientObserver = {
        clientAdmitted: (client) => {
          if (client.serviceName === undefined || client.servicePort === undefined) return;
          const tag = KumaServiceTag.kubernetesService({
            serviceName: client.serviceName, namespaceName: client.namespaceName, portNumber: client.servicePort,
          });
          this.allowToPrometheus(tag);
          if (client.scrapeJobName !== undefined) this.allowFromPrometheus(tag);
        },
      };
      if (legacy) this.newTrafficPermission('MetricsPermissions', () => this.outboundPermission());
    }
    this.node.addValidation({ validate: () => this.portClashes() });
    if (this.stack) this.stack.addIntegration(this);
  }

  /** Contributes to `stack` what this mesh gives it: its jobs, dashboards, data source and the mesh's sidecar in its pod. */
  public bind(stack: PrometheusStack): IntegrationConfig {
    // Each contribution is given once: federating into the same stack again contributes only the new job.
    checkBinding(`${this.node.path}.bind()`, stack, [...this.contributions.keys()]);
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

  /** What this mesh contributes to `stack`, gathered until the stack binds it. */
  private contributionTo(stack: PrometheusStack): MeshContribution {
    let own = this.contributions.get(stack);
    if (!own) this.contributions.set(stack, own = { scrapeJobs: [], dashboards: [], grafanaDatasources: [], pods: [] });
    return own;
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
    const pod = asWorkload(this.node.path, 'workload', workload);
    const where = workload.node.path;
    checkStruct(where, 'options', options, true);
    if (options.portNumber === undefined && options.path === undefined) {
      fail(where, 'options', 'must set \'portNumber\' or \'path\'', options);
    }
    const state = this.workloads.get(pod) ?? {};
    if (state.port !== undefined || state.path !== undefined) {
      fail(where, 'workload', `already has a metrics override in ${this.node.path}`, workload.node.path);
    }
    if (options.portNumber !== undefined) {
      checkPort(where, 'portNumber', options.portNumber);
      const clash = containerPorts(pod).includes(options.portNumber) || state.appPort === options.portNumber;
      if (clash) {
        fail(where, 'portNumber', 'must not be a port of the workload\'s containers (the proxy and the application would both bind it)',
          options.portNumber);
      }
    }
    if (options.path !== undefined) checkHttpPath(where, 'path', options.path);
    this.workloads.set(pod, { ...state, port: options.portNumber, path: options.path });

    if (this.policyApi === KumaPolicyApi.LEGACY) {
      const metadata = pod.podMetadata;
      if (options.portNumber !== undefined) metadata.addAnnotation(PORT_ANNOTATION, String(options.portNumber));
      if (options.path !== undefined) metadata.addAnnotation(PATH_ANNOTATION, options.path);
    } else {
      // Kuma copies a pod's labels onto its Dataplane: a policy that targets the labels that select
      // the workload's pods reaches exactly its proxies.
      const pods = { ...workloadSelectorLabels(where, 'workload', pod), [NAMESPACE_LABEL]: namespaceOf(pod, pod.metadata.namespace) };
      new kuma.MeshMetric(this, `Override-${workload.node.addr.slice(0, 8)}`, {
        metadata: this.policyMetadata(),
        spec: {
          targetRef: this.dataplanesTargetRef(kuma.MeshMetricSpecTargetRefKind, pods),
          default: { backends: [this.prometheusBackend(options.portNumber, options.path)] },
        },
      });
    }
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
    const pod = asWorkload(this.node.path, 'workload', workload);
    const where = workload.node.path;
    checkStruct(where, 'options', options, true);
    checkEnum(where, 'scheme', options.scheme, Scheme, 'Scheme');
    checkInstance(where, 'service', options.service, KumaServiceTag, SERVICE_TAG_FIX);
    const state = this.workloads.get(pod) ?? {};
    const proxyPort = state.port ?? this.metricsPort;
    checkPort(where, 'portNumber', options.portNumber);
    if (options.portNumber === proxyPort) {
      fail(where, 'portNumber', `must not be the port the workload's proxy serves its metrics on (${proxyPort})`, options.portNumber,
        'Move the application\'s metrics, or the proxy\'s with overrideWorkload()');
    }
    if (state.appPort !== undefined) {
      fail(where, 'workload', `already has application metrics in ${this.node.path}`, workload.node.path);
    }
    PrometheusAnnotations.annotate(workload, { portNumber: options.portNumber, path: options.path, scheme: options.scheme });
    this.workloads.set(pod, { ...state, appPort: options.portNumber });
    if (this.stack) {
      const namespaceName = namespaceOf(pod, pod.metadata.namespace);
      PrometheusAnnotations.scrapeNamespace(this.stack, namespaceName);
    }
    if (this.secureMetrics) {
      if (options.service) {
        this.allowFromPrometheus(options.service);
      } else {
        addWarning(this, `${workload.node.path}: the metrics of this application are behind the mesh's mTLS, but no 'service' was `
          + 'given, so no permission lets Prometheus reach them. Pass service: KumaServiceTag.fromService(...).');
      }
    }
  }

  /**
   * Lets Prometheus (inside the mesh) reach a service: an Alertmanager, kube-state-metrics, a
   * Pushgateway, an application. Needs `secureMetrics`.
   */
  public allowFromPrometheus(destination: KumaServiceTag): void {
    checkInstance(this.node.path, 'destination', requireProp(this.node.path, 'destination', destination, SERVICE_TAG_FIX), KumaServiceTag, SERVICE_TAG_FIX);
    this.requireSecureMetrics('allowFromPrometheus');
    const match = { [SERVICE_TAG]: destination.value };
    const key = tagKey(match);
    if (this.destinations.has(key)) return;
    this.destinations.set(key, match);
    if (this.policyApi === KumaPolicyApi.CURRENT) {
      new kuma.MeshTrafficPermission(this, `FromPrometheus-${destination.value.replace(/[^A-Za-z0-9-]/g, '-')}`, {
        metadata: this.policyMetadata(),
        spec: {
          targetRef: { kind: kuma.MeshTrafficPermissionSpecTargetRefKind.MESH_SUBSET, tags: match },
          from: [{
            targetRef: { kind: kuma.MeshTrafficPermissionSpecFromTargetRefKind.MESH_SUBSET, tags: this.prometheusMatch() },
            default: { action: kuma.MeshTrafficPermissionSpecFromDefaultAction.ALLOW },
          }],
        },
      });
    }
  }

  /**
   * Lets a client in the mesh reach Prometheus: Grafana, or a central Prometheus that federates.
   * Needs `secureMetrics`.
   */
  public allowToPrometheus(source: KumaServiceTag): void {
    checkInstance(this.node.path, 'source', requireProp(this.node.path, 'source', source, SERVICE_TAG_FIX), KumaServiceTag, SERVICE_TAG_FIX);
    this.requireSecureMetrics('allowToPrometheus');
    if (this.sources.has(source.value)) return;
    this.sources.set(source.value, source);
    if (this.prometheusAccess) return;
    if (this.policyApi === KumaPolicyApi.LEGACY) {
      this.prometheusAccess = this.newTrafficPermission('PrometheusAccess', () => ({
        sources: [...this.sources.values()].map((s) => ({ match: { [SERVICE_TAG]: s.value } })),
        destinations: [{ match: this.prometheusMatch() }],
      }));
    } else {
      this.prometheusAccess = new kuma.MeshTrafficPermission(this, 'PrometheusAccess', {
        metadata: this.policyMetadata(),
        spec: Lazy.any({
          produce: (): kuma.MeshTrafficPermissionSpec => ({
            targetRef: this.dataplanesTargetRef(kuma.MeshTrafficPermissionSpecTargetRefKind,
              { ...this.stack!.selectorLabels, [NAMESPACE_LABEL]: this.stack!.namespaceName }),
            from: [...this.sources.values()].map((s) => ({
              targetRef: { kind: kuma.MeshTrafficPermissionSpecFromTargetRefKind.MESH_SUBSET, tags: { [SERVICE_TAG]: s.value } },
              default: { action: kuma.MeshTrafficPermissionSpecFromDefaultAction.ALLOW },
            })),
          }),
        }),
      });
    }
  }

  /**
   * Adds a Universal data plane proxy to the Universal output (`toUniversalYaml()`), with the
   * metrics settings that override the mesh's for it (`Dataplane.metrics`; with the current
   * API, a MeshMetric for that proxy).
   *
   * Fails when its metrics port is one of its inbound or service ports.
   */
  public addUniversalDataplane(options: KumaUniversalDataplaneOptions): void {
    checkStruct(this.node.path, 'options', options, true);
    const where = `${this.node.path}/Dataplane '${options.name}'`;
    checkArray(where, 'inbound', requireProp(where, 'inbound', options.inbound), (w, p, i: KumaDataplaneInbound) => {
      checkStruct(w, p, i, true);
      checkStringMap(w, `${p}.tags`, i.tags);
    });
    checkBoolean(where, 'skipMtls', options.skipMtls);
    checkDnsLabel(where, 'name', options.name);
    if (this.dataplanes.some((d) => d.name === options.name)) {
      fail(this.node.path, 'name', 'must be unique among the Universal data plane proxies', options.name);
    }
    checkNonEmpty(where, 'address', options.address);
    if (options.inbound.length === 0) fail(where, 'inbound', 'must list at least one inbound', []);
    const inbound = options.inbound.map((i, n) => {
      checkPort(where, `inbound[${n}].portNumber`, i.portNumber);
      if (i.servicePort !== undefined) checkPort(where, `inbound[${n}].servicePort`, i.servicePort);
      checkNonEmpty(where, `inbound[${n}].serviceName`, i.serviceName);
      return { port: i.portNumber, servicePort: i.servicePort, tags: { ...i.tags, [SERVICE_TAG]: i.serviceName } };
    });
    if (options.metricsPort !== undefined) checkPort(where, 'metricsPort', options.metricsPort);
    if (options.metricsPath !== undefined) checkHttpPath(where, 'metricsPath', options.metricsPath);
    const port = options.metricsPort ?? this.metricsPort;
    const appPorts = inbound.flatMap((i) => [i.port, i.servicePort ?? i.port]);
    if (appPorts.includes(port)) {
      const inherited = options.metricsPort === undefined;
      fail(where, 'metricsPort', `${inherited ? '(the mesh\'s) ' : ''}must not be an inbound or service port of the proxy `
        + `(${[...new Set(appPorts)].join(', ')})`, port, inherited ? 'Give this proxy its own metricsPort' : undefined);
    }
    const override = { name: options.name, port: options.metricsPort, path: options.metricsPath, skipMtls: options.skipMtls };
    const hasOverride = override.port !== undefined || override.path !== undefined || override.skipMtls !== undefined;
    const spec: DataplaneSpec = {
      networking: { address: options.address, inbound: inbound.map((i) => compact(i)) },
      metrics: hasOverride && this.policyApi === KumaPolicyApi.LEGACY ? {
        type: 'prometheus',
        conf: compact({ skipMTLS: override.skipMtls, port: override.port, path: override.path }),
      } : undefined,
    };
    this.dataplanes.push({ type: 'Dataplane', mesh: this.meshName, name: options.name, ...compact(spec) });
    if (hasOverride && this.policyApi === KumaPolicyApi.CURRENT) this.dataplaneOverrides.push(override);
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
    const where = this.node.path;
    requireStack(where, 'central', central);
    checkStruct(where, 'options', options);
    checkString(where, 'target', options.target);
    checkStringArray(where, 'match', options.match);
    if (central === this.stack) fail(where, 'central', 'must be another Prometheus than the mesh\'s own stack', central.node.path);
    let target = options.target;
    if (target === undefined) {
      if (!this.stack) {
        fail(where, 'target', 'is required when the mesh has no \'stack\' to federate from', undefined);
      }
      target = `${this.stack.serviceName}.${this.stack.namespaceName}.svc:${this.stack.servicePort}`;
    }
    const match = options.match ?? [`{mesh="${this.meshName}"}`];
    if (match.length === 0) fail(where, 'match', 'must have at least one series selector', match);
    match.forEach((m, i) => {
      if (!/^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{.*\})?$/.test(m) || m === '' || m === '{}') {
        fail(where, `match[${i}]`, 'must be a series selector such as {mesh="default"} or up{job="x"}', m);
      }
    });
    const job = new ScrapeJob({
      jobName: options.jobName ?? `kuma-federate-${this.meshName}`,
      scrapeInterval: options.scrapeInterval,
      metricsPath: '/federate',
      queryParams: { 'match[]': [...match] },
      honorLabels: true,
      discovery: [ServiceDiscovery.staticTargets({ targets: [target] })],
    });
    this.contributionTo(central).scrapeJobs.push(job);
    if (this.secureMetrics && options.target === undefined) {
      this.joinMesh(central, false);
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
    const docs: UniversalResource[] = [];
    if (this.policyApi === KumaPolicyApi.LEGACY) {
      docs.push({ type: 'Mesh', name: this.meshName, ...this.legacyMeshSpec() });
    } else {
      if (this.mtls) docs.push({ type: 'Mesh', name: this.meshName, mtls: this.mtls });
      const name = this.resource.name;
      docs.push({ type: 'MeshMetric', name, mesh: this.meshName, spec: this.meshMetricSpec() });
      for (const o of this.dataplaneOverrides) {
        docs.push({
          type: 'MeshMetric',
          name: `${name}-${o.name}`,
          mesh: this.meshName,
          spec: {
            targetRef: { kind: kuma.MeshMetricSpecTargetRefKind.DATAPLANE, name: o.name },
            default: { backends: [this.prometheusBackend(o.port, o.path, o.skipMtls)] },
          },
        });
      }
    }
    docs.push(...this.dataplanes);
    return toUniversalYaml(docs);
  }

  /** The legacy Mesh spec: mTLS and the Prometheus metrics backend. */
  private legacyMeshSpec(): MeshSpec {
    const conf: PrometheusConfSpec = {
      skipMTLS: this.skipMtls,
      port: this.metricsPort,
      path: this.metricsPath,
      tags: this.metricsTags,
      aggregate: this.aggregate.length ? this.aggregate.map((a): AggregateSpec => compact({
        name: a.name, port: a.portNumber, path: a.path, enabled: a.enabled, address: a.address,
      })) : undefined,
      envoy: this.envoy && (this.envoy.filterRegex !== undefined || this.envoy.usedOnly !== undefined)
        ? compact({ filterRegex: this.envoy.filterRegex, usedOnly: this.envoy.usedOnly }) : undefined,
      tls: this.tlsMode ? { mode: this.tlsMode } : undefined,
    };
    const backend: MetricsBackendSpec = { name: this.backendName, type: 'prometheus', conf: compact(conf) };
    return compact({ mtls: this.mtls, metrics: { enabledBackend: this.backendName, backends: [backend] } });
  }

  /** The mesh-wide MeshMetric spec: the same intent as the legacy metrics backend. */
  private meshMetricSpec(): kuma.MeshMetricSpec {
    const applications = this.aggregate.filter((a) => a.enabled ?? true).map((a) => compact({
      name: a.name, port: a.portNumber, path: a.path, address: a.address,
    }));
    return {
      targetRef: { kind: kuma.MeshMetricSpecTargetRefKind.MESH },
      default: compact({
        sidecar: {
          // Without profiles a proxy serves the Basic profile, a subset of Envoy's stats; the
          // legacy backend serves them all.
          profiles: versionAtLeast(this.version, KUMA.profiles)
            ? { appendProfiles: [{ name: kuma.MeshMetricSpecDefaultSidecarProfilesAppendProfilesName.ALL }] } : undefined,
          includeUnused: !(this.envoy?.usedOnly ?? false),
        },
        applications: applications.length ? applications : undefined,
        backends: [this.prometheusBackend()],
      }),
    };
  }

  /** A MeshMetric Prometheus backend, with the mesh's settings unless overridden. */
  private prometheusBackend(port?: number, path?: string, skipMtls?: boolean): kuma.MeshMetricSpecDefaultBackends {
    // Kuma's defaulting of the legacy backend: a given tls mode wins; otherwise skipMTLS true
    // means plaintext, and false the mesh's mTLS (which only applies once mTLS is on).
    let mode: KumaMetricsTlsMode;
    if (skipMtls === undefined) {
      mode = this.tlsMode ?? (this.skipMtls ? KumaMetricsTlsMode.DISABLED : KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND);
    } else if (skipMtls) {
      mode = KumaMetricsTlsMode.DISABLED;
    } else {
      mode = this.tlsMode && this.tlsMode !== KumaMetricsTlsMode.DISABLED ? this.tlsMode : KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND;
    }
    return {
      type: kuma.MeshMetricSpecDefaultBackendsType.PROMETHEUS,
      prometheus: {
        port: port ?? this.metricsPort,
        path: path ?? this.metricsPath,
        tls: { mode: meshMetricTlsMode(mode) },
      },
    };
  }

  /**
   * The top-level `targetRef` of a policy for the data plane proxies with these labels (the pod
   * labels and `k8s.kuma.io/namespace` Kuma copies onto each Kubernetes Dataplane):
   * `Dataplane` with `labels` from Kuma 2.10, a `MeshSubset` with the same tags before.
   */
  private dataplanesTargetRef<K>(kinds: { DATAPLANE: K; MESH_SUBSET: K }, labels: { [key: string]: string }) {
    return versionAtLeast(this.version, KUMA.dataplaneTargetRef)
      ? { kind: kinds.DATAPLANE, labels }
      : { kind: kinds.MESH_SUBSET, tags: labels };
  }

  /** Metadata of a current-API policy: in the control plane's namespace, labelled with the mesh. */
  private policyMetadata() {
    return { namespace: this.kumaNamespace, labels: { [MESH_LABEL]: this.meshName } };
  }

  /** The TrafficPermission that lets Prometheus reach the metrics and its components. */
  private outboundPermission(): TrafficPermissionSpec {
    return {
      sources: [{ match: this.prometheusMatch() }],
      destinations: [...this.destinations.values()].map((match): SelectorSpec => ({ match })),
    };
  }

  private newTrafficPermission(id: string, spec: () => TrafficPermissionSpec): ApiObject {
    return clusterScoped(new kuma.TrafficPermission(this, id, {
      mesh: this.meshName,
      spec: Lazy.any({ produce: spec }),
    }));
  }

  private prometheusMatch(): { [tag: string]: string } {
    return { [SERVICE_TAG]: this.prometheusService!.value };
  }

  private requireSecureMetrics(method: string): void {
    if (!this.secureMetrics) {
      fail(this.node.path, method, 'needs \'secureMetrics\' (permissions apply to mTLS traffic inside the mesh)', false);
    }
  }

  /**
   * Puts the Prometheus pod of `stack` in the mesh (the stack applies it when it binds this mesh).
   * `scrapesProxies`: it scrapes each proxy's IP, not a Service, so it needs direct access.
   */
  private joinMesh(stack: PrometheusStack, scrapesProxies: boolean): void {
    const current = stack.podMetadata.getLabel(MESH_LABEL);
    if (current !== undefined && current !== this.meshName) {
      fail(this.node.path, 'stack', `is already in the mesh '${current}' (a pod belongs to one mesh)`, stack.node.path);
    }
    if (current === this.meshName) return;
    const own = this.contributionTo(stack);
    if (own.pods.some((p) => p.labels?.[MESH_LABEL] !== undefined)) return;
    own.pods.push({
      ...this.meshPod(scrapesProxies),
      // kumactl's observability Prometheus had a ClusterIP Service: a strict-mTLS sidecar refuses clients outside the mesh.
      strictMtlsMesh: this.strictMtls() ? `joins the Kuma mesh '${this.meshName}' (${this.node.path}) with STRICT mTLS` : undefined,
    });
    addWarning(stack, `joins the Kuma mesh '${this.meshName}' (${this.node.path}): its pod gets a kuma-dp sidecar, which reads the `
      + 'ServiceAccount token (now mounted), and, unless the Kuma CNI is installed, a kuma-init container that needs the NET_ADMIN and '
      + 'NET_RAW capabilities, which a namespace enforcing the restricted Pod Security Standard rejects.');
  }

  /**
   * What a pod in the mesh gets: the injection and mesh labels, the ServiceAccount token the
   * sidecar authenticates with, and egress to the control plane (xDS and the CA).
   */
  private meshPod(scrapesProxies: boolean): PodExtension {
    return {
      labels: { 'kuma.io/sidecar-injection': 'enabled', [MESH_LABEL]: this.meshName },
      // The sidecar must originate mTLS to each proxy's IP, as `kumactl install observability` configures its own Prometheus.
      annotations: scrapesProxies ? { 'kuma.io/direct-access-services': '*' } : undefined,
      serviceAccountToken: true,
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.kumaNamespace } } }] }],
    };
  }

  /** Whether the mesh's mTLS refuses plaintext (STRICT, Kuma's default mode of a CA backend). */
  private strictMtls(): boolean {
    const backend = this.mtls?.backends.find((b) => b.name === this.mtls!.enabledBackend);
    return backend !== undefined && (backend.mode ?? KumaMtlsMode.STRICT) === KumaMtlsMode.STRICT;
  }

  private checkAggregate(a: KumaAggregateMetrics, i: number): KumaAggregateMetrics {
    const where = this.node.path;
    checkNonEmpty(where, `aggregate[${i}].name`, a.name);
    checkPort(where, `aggregate[${i}].portNumber`, a.portNumber);
    if (a.portNumber === this.metricsPort) {
      fail(where, `aggregate[${i}].portNumber`, `must not be the proxies' metrics port (${this.metricsPort})`, a.portNumber);
    }
    if (a.path !== undefined) checkHttpPath(where, `aggregate[${i}].path`, a.path);
    if (a.address !== undefined) checkNonEmpty(where, `aggregate[${i}].address`, a.address);
    return a;
  }

  /** Workloads whose containers use the mesh's metrics port, found once the app is complete. */
  private portClashes(): string[] {
    const problems: string[] = [];
    for (const [workload, state] of this.workloads) {
      if (state.port === undefined && containerPorts(workload).includes(this.metricsPort)) {
        problems.push(`${workload.node.path}: a container port equals the proxy's metrics port ${this.metricsPort} of mesh `
          + `'${this.meshName}'. Give the proxy another port with overrideWorkload(workload, { portNumber: ... })`);
      }
    }
    return problems;
  }
}


/** The MeshMetric spelling of a TLS mode. */
function meshMetricTlsMode(mode: KumaMetricsTlsMode): kuma.MeshMetricSpecDefaultBackendsPrometheusTlsMode {
  switch (mode) {
    case KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND: return kuma.MeshMetricSpecDefaultBackendsPrometheusTlsMode.ACTIVE_MTLS_BACKEND;
    case KumaMetricsTlsMode.PROVIDED_TLS: return kuma.MeshMetricSpecDefaultBackendsPrometheusTlsMode.PROVIDED_TLS;
    default: return kuma.MeshMetricSpecDefaultBackendsPrometheusTlsMode.DISABLED;
  }
}


/** Mesh and TrafficPermission are cluster-scoped: drop the namespace a chart would give them. */
function clusterScoped<T extends ApiObject>(obj: T): T {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

function tagKey(tags: { [tag: string]: string }): string {
  return JSON.stringify(Object.entries(tags).sort());
}

/** What a mesh contributes to one stack, gathered until the stack binds it. */
interface MeshContribution {
  scrapeJobs: ScrapeJob[];
  dashboards: IDashboardSource[];
  grafanaDatasources: GrafanaDatasourceSpec[];
  pods: PodExtension[];
  clientPods?: PodExtension;
  clientObserver?: IPrometheusClientObserver;
}

/** The dashboard builders, loaded when a Grafana first asks for a dashboard (most apps have none). */
function dashboards(): typeof Dashboards {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./dashboards') as typeof Dashboards;
}
