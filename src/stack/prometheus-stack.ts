import { createHash } from 'crypto';
import { ApiObjectMetadata, ApiObjectMetadataDefinition, Duration, Lazy, Names, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { lazyDashboard, StackContent } from './content';
import { prometheusDashboard } from './dashboard';
import { prometheusEgress } from './egress';
import { IPrometheusClientObserver, IPrometheusDataSource, IPrometheusIntegration, PodExtension, PrometheusClient, PrometheusConnection } from './integration';
import { checkScheduling, renderScheduling } from './pod-scheduling';
import { accessGrants, accessRules, needsClusterRole, policyRules, watchedNamespaces } from './rbac';
import { PodToleration, PrometheusAffinity } from './scheduling';
import { MAX_SHARDS, shardBuckets, shardRelabels } from './sharding';
import { PrometheusWebAuth } from './web-auth';
import {
  CONFIG_DIR, CONFIG_FILE, DATA_DIR, deploymentSpec, POD_NAME_ENV, podTemplate, statefulSetSpec, WEB_PORT,
} from './workload';
import { checkArray, checkBoolean, checkDuration, checkEnum, checkInstance, checkMetadata, checkSize, checkStruct, fail, problem, requireProp } from '../core/checks';
import { checkAbsolutePath, checkDnsLabel, checkPositiveInteger, requireString } from '../core/formats';
import { addWarning } from '../core/warnings';
import { checkImage } from '../k8s/checks';
import { NetworkPeer } from '../k8s/network-peer';
import { allowedPeers, podsInNamespace } from '../k8s/network-policy';
import { checkObjectNames, failOnObjectNames } from '../k8s/object-names';
import { checkResources, namespaceOf, renderResources, restrictedContainerSecurityContext } from '../k8s/pod';
import { toQuantity } from '../k8s/quantity';
import { PrometheusStorage } from '../k8s/storage';
import {
  serviceHost, serviceUrl, webClients, webExposure, webIngressPolicy, webMetadata, webSelectorLabels, webService,
} from '../k8s/web-workload';
import {
  AlertmanagerEndpoint, KubernetesWatch, PrometheusConfig, Relabel, RemoteWrite, RuleGroup, Scheme, ScrapeJob, ServiceDiscovery,
} from '../model/prometheus';
import { SECRETS_MOUNT_PATH, SERVICE_ACCOUNT_DIR } from '../model/prometheus/credential';
import { checkLabelMap, checkLabelName, promDuration } from '../model/prometheus/validate';
import { imageVersion } from '../model/prometheus/version';
import { gatedFlags, LATEST_PROMETHEUS, versionProblems } from '../model/prometheus/version-gates';

const k8s = kplus.k8s;

/** The self-monitoring job: every server scrapes itself, whatever its shard. */
const SELF_JOB = 'prometheus';
/** The pod label that tells the shards of a stack apart. */
// The library's own label (prometheus.io/* belongs to the annotations Prometheus's helm chart reads).
const SHARD_LABEL = 'cdk8s-prometheus-monitoring/shard';
/** The share of a new claim the TSDB may fill when `retentionSize` is unset. */
const DEFAULT_RETENTION_SHARE = 0.8;

/**
 * What a Prometheus server does with what it scrapes.
 */
export enum PrometheusMode {
  /** Stores samples in its TSDB, evaluates rules, sends alerts and answers queries. */
  SERVER = 'server',
  /**
   * Agent mode: scrapes and forwards every sample by remote write, keeping only a write-ahead
   * log; no rules, alerting, remote read or local queries (`--agent` on 3.x,
   * `--enable-feature=agent` on 2.32 and later 2.x).
   *
   * @see https://prometheus.io/docs/prometheus/latest/feature_flags/#prometheus-agent
   */
  AGENT = 'agent',
}

/**
 * Properties of a `PrometheusStack`.
 */
export interface PrometheusStackProps {
  /**
   * Metadata of the stack's objects: `namespace` places every namespaced object; labels and
   * annotations are added to every object.
   *
   * @default - the chart's namespace, or 'default'
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * Create the namespace too, labelled `component: monitoring` (the label the
   * application NetworkPolicies of this library let scrape by default). Refused for the
   * namespaces the cluster owns (`default`, `kube-system`, `kube-public`, `kube-node-lease`):
   * deleting the app would delete them.
   *
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * The Prometheus container image; a 2.x or 3.x release (the flags are 2.x/3.x style).
   * With a 2.x image, a sidecar (the same image's shell) reloads Prometheus by signal when its
   * configuration changes; the pod then shares its process namespace.
   *
   * Its tag (`v2.55.1`, `2.55.1`, `v3.5.0-rc.0`, `v3.5.0@sha256:...`) tells the Prometheus
   * version: a flag or field that the version lacks fails synthesis, naming the version it
   * needs. A digest-only reference or a tag that is no version (`latest`) counts as the newest
   * supported release (3.5.0).
   *
   * @default 'quay.io/prometheus/prometheus:v3.5.0'
   */
  readonly image?: string;
  /**
   * The default scrape interval.
   *
   * @default Duration.seconds(15)
   */
  readonly scrapeInterval?: Duration;
  /**
   * The default scrape timeout; at most `scrapeInterval`.
   *
   * @default Duration.seconds(10)
   */
  readonly scrapeTimeout?: Duration;
  /**
   * How often rules are evaluated.
   *
   * @default Duration.seconds(15)
   */
  readonly evaluationInterval?: Duration;
  /**
   * Labels that identify this server's series outside it (remote write, federation, alerts),
   * such as `{ cluster: 'prod-eu-1' }`.
   *
   * @default - none
   */
  readonly externalLabels?: { [name: string]: string };
  /**
   * How long samples are kept (`--storage.tsdb.retention.time`). Not in agent mode.
   *
   * @default Duration.days(15)
   */
  readonly retention?: Duration;
  /**
   * The most disk the TSDB may use before the oldest blocks are deleted
   * (`--storage.tsdb.retention.size`). At most the size of a claim of
   * `PrometheusStorage.persistentVolumeClaim()`. Not in agent mode.
   *
   * @default - 80% of the claim with `PrometheusStorage.persistentVolumeClaim()` (so that the
   * TSDB deletes old blocks before the volume is full); otherwise no size limit
   */
  readonly retentionSize?: Size;
  /**
   * Where the TSDB (or, in agent mode, the write-ahead log) lives.
   *
   * @default PrometheusStorage.emptyDir()
   */
  readonly storage?: PrometheusStorage;
  /**
   * Server or agent mode. An agent scrapes and remote-writes only: it needs a remote write, and
   * refuses rule groups and Alertmanagers.
   *
   * @default PrometheusMode.SERVER
   */
  readonly mode?: PrometheusMode;
  /**
   * How often Prometheus checks its configuration files for a change, and reloads them: with
   * `--config.auto-reload-interval` on 3.x, with the reloader sidecar on 2.x. A change reaches
   * the pod when the kubelet syncs the ConfigMap (about a minute), then within this interval.
   *
   * @default Duration.seconds(30)
   */
  readonly configReloadInterval?: Duration;
  /**
   * Identical Prometheus pods per server (per shard), each scraping every target of its shard.
   * With more than one, Prometheus runs as a StatefulSet with a PodDisruptionBudget (one pod
   * down at a time), soft anti-affinity by node and spread over zones, and each pod's name as
   * the external label `replicaExternalLabel`, which tells the copies apart for deduplication
   * (Thanos, Mimir, Cortex).
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The external label whose value is the pod name, with more than one replica.
   *
   * @default 'prometheus_replica'
   */
  readonly replicaExternalLabel?: string;
  /**
   * Prometheus servers the targets are split over. Every job's targets are hashed by address
   * into 256 buckets, and each bucket belongs to one shard (rendezvous hashing, so adding a
   * shard moves about 1/(shards+1) of the targets). Each shard has its own ConfigMap and
   * StatefulSet, and `replicas` pods; every shard scrapes itself. Each shard holds part of the
   * series: query them together through a remote-write store (Mimir, Cortex, Thanos).
   *
   * @default 1
   */
  readonly shards?: number;
  /**
   * An external label whose value tells the shards apart, with more than one shard: the shard
   * number, or `<value>-<shard>` when `externalLabels` has the label too (such as
   * `cluster: prod` and `shardExternalLabel: 'cluster'` for Mimir's HA tracker, which elects
   * one replica per `cluster`).
   *
   * @default - no shard label (a target keeps its series when it moves to another shard)
   */
  readonly shardExternalLabel?: string;
  /**
   * Node labels the Prometheus pods must run on.
   *
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Taints of the nodes the Prometheus pods may run on.
   *
   * @default - none
   */
  readonly tolerations?: PodToleration[];
  /**
   * Node affinity, and how the replicas avoid each other.
   *
   * @default - with more than one replica, soft anti-affinity by node; otherwise none
   */
  readonly affinity?: PrometheusAffinity;
  /**
   * Spread the replicas of a shard over zones (`topology.kubernetes.io/zone`, `maxSkew: 1`,
   * `ScheduleAnyway`).
   *
   * @default - true with more than one replica
   */
  readonly topologySpreadByZone?: boolean;
  /**
   * The PriorityClass of the Prometheus pods.
   *
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * CPU and memory of the Prometheus container.
   *
   * @default - requests 250m CPU and 512Mi memory, limits 2Gi memory and no CPU limit
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The type of the Service in front of Prometheus.
   *
   * @default - kplus.ServiceType.NODE_PORT; ClusterIP once the Prometheus pod joins a service
   * mesh with strict mTLS (`KumaMetricsMesh` with `secureMetrics`), whose sidecar refuses
   * clients from outside the mesh. The NetworkPolicy and the lifecycle API keep the NodePort
   * defaults then: the mesh's permissions decide who may connect.
   */
  readonly serviceType?: kplus.ServiceType;
  /**
   * The port of the Service.
   *
   * @default 9090
   */
  readonly servicePort?: number;
  /**
   * The node port, for the NodePort and LoadBalancer service types.
   *
   * @default 30900 for a NodePort Service; assigned by Kubernetes for a LoadBalancer
   */
  readonly nodePort?: number;
  /**
   * Create a NetworkPolicy that lets only `allowFrom` reach the Prometheus web port.
   *
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Let the NetworkPolicy also restrict where Prometheus connects (the Egress policy type), to
   * what its configuration names: DNS (kube-system, UDP and TCP 53); the Kubernetes API (TCP
   * 443 and 6443, to any address: the API server's address is the cluster's own) when a job
   * discovers from it; each job's targets (the namespaces its Kubernetes discovery watches, on
   * the port its relabelling writes into the address when it does; static IPs as /32 or /128
   * blocks; Service names by namespace); the Alertmanagers; the remote writes. A job whose
   * targets no selector can name (nodes, host-network pods, Ingress hosts, Kuma proxies, file
   * discovery, static names outside the cluster) may connect to any address, on its ports when
   * known; the policy's `cdk8s-prometheus-monitoring/open-egress` annotation says which and why.
   * A cluster whose DNS is a node-local cache needs more: set false there.
   *
   * @default true (with `networkPolicy`)
   */
  readonly networkPolicyEgress?: boolean;
  /**
   * Who may reach the Prometheus web port, for example `NetworkPeer.fromNamespaceNames(['grafana'])`.
   *
   * @default - with a NodePort or LoadBalancer Service, every source (the port is published
   * on purpose); with a ClusterIP Service, the pods of the stack's namespace
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * Ask for credentials on the web port (and serve TLS), from a web configuration file in a
   * Secret (`--web.config.file`, Prometheus 2.24 and later). The probes then check the TCP port,
   * and the self-scrape job and Grafana's data source log in with the Secret's password.
   *
   * @default - no authentication: anyone who reaches the web port can query (a warning when the
   * Service is published on the nodes, as by default)
   */
  readonly webAuth?: PrometheusWebAuth;
  /**
   * Enable the lifecycle API (`--web.enable-lifecycle`: `POST /-/reload` and `/-/quit`).
   * Whoever can reach the web port can then stop Prometheus. Configuration changes do not need
   * it: Prometheus reloads them by itself (3.x) or on its reloader's signal (2.x).
   *
   * @default - true, unless the web port is published to every source (a NodePort or
   * LoadBalancer Service without `allowFrom`, as by default), where anyone could stop Prometheus;
   * `true` is refused there
   */
  readonly lifecycleApi?: boolean;
  /**
   * Scrape Prometheus's own metrics (job `prometheus`).
   *
   * @default true
   */
  readonly selfMonitoring?: boolean;
  /**
   * Scrape jobs; more can be added with `addScrapeJob()`.
   *
   * @default - only the self-monitoring job
   */
  readonly scrapeJobs?: ScrapeJob[];
  /**
   * Rule groups; more can be added with `addRuleGroup()`.
   *
   * @default - none
   */
  readonly ruleGroups?: RuleGroup[];
  /**
   * Remote-write targets; more can be added with `addRemoteWrite()`.
   *
   * @default - none
   */
  readonly remoteWrites?: RemoteWrite[];
  /**
   * Alertmanagers to send alerts to; more can be added with `addAlertmanager()`.
   *
   * @default - none
   */
  readonly alertmanagers?: AlertmanagerEndpoint[];
}

/**
 * A Prometheus server on Kubernetes, configured from typed scrape jobs, rules and remote
 * writes.
 *
 * It creates a ServiceAccount, the RBAC that its jobs' Kubernetes discovery needs (Roles in
 * the watched namespaces, a ClusterRole only for cluster-wide discovery), a ConfigMap with
 * prometheus.yml and the rules, a Deployment (probes, restricted security context, retention,
 * storage), a Service and a NetworkPolicy. Secrets that jobs and remote writes read
 * (`Credential.fromSecret()`) are mounted as files; they never appear in the ConfigMap.
 *
 * A configuration change never restarts Prometheus: the ConfigMap is mounted as a directory
 * and reloaded live. With persistent storage, replicas or shards, Prometheus runs as
 * StatefulSets (one per shard, with a PodDisruptionBudget when replicated) instead.
 *
 * Jobs, rules and remote writes can be added at any time before synthesis.
 */
export class PrometheusStack extends Construct implements IPrometheusDataSource {
  /** The namespace of the stack's objects. */
  public readonly namespaceName: string;
  /** The name of the Service in front of Prometheus. */
  public readonly serviceName: string;
  /** The port of the Service. */
  public readonly servicePort: number;
  /** The name of the ServiceAccount Prometheus runs as. */
  public readonly serviceAccountName: string;
  /** The name of the ConfigMap holding prometheus.yml. */
  public readonly configMapName: string;
  /** The labels that select the Prometheus pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** The Prometheus configuration this stack renders. */
  public readonly config: PrometheusConfig;
  /**
   * The Deployment running Prometheus.
   *
   * @default - none when Prometheus runs as StatefulSets (`statefulSets`)
   */
  public readonly deployment?: kplus.k8s.KubeDeployment;
  /**
   * The StatefulSets running Prometheus, one per shard (with persistent storage, replicas or
   * shards); empty when it runs as a Deployment.
   */
  public readonly statefulSets: kplus.k8s.KubeStatefulSet[];
  /** The names of the ConfigMaps holding each shard's prometheus.yml (the first is `configMapName`). */
  public readonly shardConfigMapNames: string[];
  /**
   * Labels and annotations of the Prometheus pods (for example a service mesh's injection
   * annotation). The selector labels are always added.
   */
  public readonly podMetadata: ApiObjectMetadataDefinition;
  /** The Prometheus container image. */
  public readonly image: string;
  /** Server or agent mode. */
  public readonly mode: PrometheusMode;
  /** Identical pods per shard. */
  public readonly replicas: number;
  /**
   * The authentication of the web port.
   *
   * @default - none
   */
  public readonly webAuth?: PrometheusWebAuth;
  /** The number of shards the targets are split over. */
  public readonly shards: number;

  /** The Service type asked for, or the NodePort default. */
  private readonly requestedServiceType: kplus.ServiceType;
  /** Whether the user chose the Service type (`serviceType` or `nodePort`). */
  private readonly serviceTypeExplicit: boolean;
  /** Set when the pod joins a strict-mTLS mesh and the Service type was left to its default. */
  private clusterIpInMesh = false;
  private readonly storage: PrometheusStorage;
  private readonly resources: kplus.ContainerResources;
  private readonly args: string[];
  private readonly dataVolume?: kplus.k8s.Volume;
  /** For Prometheus 2.x, which cannot reload by itself: the reloader's interval in seconds. */
  private readonly reloaderIntervalSeconds?: number;
  private readonly replicaExternalLabel: string;
  private readonly shardExternalLabels: Array<{ [name: string]: string }>;
  private readonly buckets: number[][];
  private readonly schedulingProps: PrometheusStackProps;
  private clusterRole?: kplus.k8s.KubeClusterRole;
  private readonly roles = new Map<string, kplus.k8s.KubeRole>();
  private readonly sidecars: kplus.Container[] = [];
  private readonly mounts: Array<{ path: string; volume: kplus.Volume }> = [];
  private tokenRequired = false;
  /** Egress rules integrations add (`_allowEgress`). */
  private readonly extraEgress: kplus.k8s.NetworkPolicyEgressRule[] = [];
  /** Who the NetworkPolicy admits besides `allowFrom`; undefined when it admits every source. */
  private admitted?: kplus.k8s.NetworkPolicyPeer[];
  /** What integrations contribute for the stack's clients. */
  private readonly content = new StackContent();
  private readonly clientList: PrometheusClient[] = [];
  private readonly clientObservers: IPrometheusClientObserver[] = [];
  /** Labels and annotations of every object (namespace excluded). */
  private readonly commonMetadata: { labels: { [key: string]: string }; annotations?: { [key: string]: string } };

  constructor(scope: Construct, id: string, props: PrometheusStackProps = {}) {
    super(scope, id);
    checkObjectNames(this);
    const path = this.node.path;
    checkStruct(path, 'props', props);
    checkMetadata(path, 'metadata', props.metadata);
    checkEnum(path, 'mode', props.mode, PrometheusMode, 'PrometheusMode');
    checkInstance(path, 'storage', props.storage, PrometheusStorage,
      'Use PrometheusStorage.emptyDir(), .persistentVolumeClaim({ size }) or .existingClaim(claimName)');
    checkResources(path, 'resources', props.resources);
    checkDuration(path, 'configReloadInterval', props.configReloadInterval);
    checkSize(path, 'retentionSize', props.retentionSize);
    for (const flag of ['createNamespace', 'lifecycleApi', 'networkPolicy', 'networkPolicyEgress', 'selfMonitoring'] as const) {
      checkBoolean(path, flag, props[flag]);
    }
    for (const list of ['scrapeJobs', 'ruleGroups', 'remoteWrites', 'alertmanagers'] as const) checkArray(path, list, props[list]);

    this.namespaceName = checkDnsLabel(path, 'metadata.namespace', namespaceOf(this, props.metadata?.namespace));
    this.image = props.image ?? 'quay.io/prometheus/prometheus:v3.5.0';
    checkImage(path, 'image', this.image, 'Pin a release, such as quay.io/prometheus/prometheus:v3.5.0');
    const version = imageVersion(this.image) ?? LATEST_PROMETHEUS;
    this.storage = props.storage ?? PrometheusStorage.emptyDir();
    this.resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(250) },
      memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) },
    };
    checkLabelMap(path, 'externalLabels', props.externalLabels);

    // Replicas and shards
    this.mode = props.mode ?? PrometheusMode.SERVER;
    this.replicas = props.replicas ?? 1;
    checkPositiveInteger(path, 'replicas', this.replicas);
    this.shards = props.shards ?? 1;
    checkPositiveInteger(path, 'shards', this.shards);
    if (this.shards > MAX_SHARDS) fail(path, 'shards', `must be at most ${MAX_SHARDS}`, this.shards);
    if (this.storage._claimName && (this.replicas > 1 || this.shards > 1)) {
      fail(path, 'storage', 'must give each pod its own volume with several replicas or shards (a ReadWriteOnce claim serves one pod)',
        `PrometheusStorage.existingClaim('${this.storage._claimName}')`, 'Use PrometheusStorage.persistentVolumeClaim()');
    }
    this.replicaExternalLabel = checkLabelName(path, 'replicaExternalLabel', props.replicaExternalLabel ?? 'prometheus_replica');
    if (this.replicas > 1 && props.externalLabels?.[this.replicaExternalLabel] !== undefined) {
      fail(path, `externalLabels.${this.replicaExternalLabel}`, 'is the replica label, whose value is each pod\'s name',
        props.externalLabels[this.replicaExternalLabel], 'Remove it, or set replicaExternalLabel to another name');
    }
    const shardLabel = props.shardExternalLabel !== undefined ? checkLabelName(path, 'shardExternalLabel', props.shardExternalLabel) : undefined;
    this.shardExternalLabels = Array.from({ length: this.shards }, (_, i) => {
      if (!shardLabel || this.shards === 1) return {};
      const base = props.externalLabels?.[shardLabel];
      return { [shardLabel]: base !== undefined ? `${base}-${i}` : String(i) };
    });
    this.buckets = shardBuckets(this.shards);
    checkScheduling(path, props);
    this.schedulingProps = props;

    // The service
    const exposure = webExposure(path, props, { serviceType: kplus.ServiceType.NODE_PORT, servicePort: WEB_PORT, nodePort: 30900 });
    const { serviceType, publishesNodePort } = exposure;
    this.requestedServiceType = serviceType;
    this.serviceTypeExplicit = props.serviceType !== undefined || props.nodePort !== undefined;
    this.servicePort = exposure.servicePort;

    // The server flags. The lifecycle API is off by default where anyone could reach it.
    const openToAll = publishesNodePort && !props.allowFrom;
    const lifecycleApi = props.lifecycleApi ?? !openToAll;
    const agent = this.mode === PrometheusMode.AGENT;
    if (agent) {
      for (const prop of ['retention', 'retentionSize'] as const) {
        if (props[prop] !== undefined) {
          fail(path, prop, 'has no effect in agent mode (an agent keeps a write-ahead log, not a TSDB)', String(props[prop]),
            'Leave it unset, or use PrometheusMode.SERVER');
        }
      }
    }
    const reloadInterval = props.configReloadInterval ?? Duration.seconds(30);
    const reloadSeconds = reloadInterval.toMilliseconds() / 1000;
    if (!Number.isInteger(reloadSeconds) || reloadSeconds < 1) {
      fail(path, 'configReloadInterval', 'must be a whole number of seconds, at least 1', `${reloadInterval.toMilliseconds()}ms`);
    }
    // 3.x reloads by itself (cmd/prometheus/main.go, config/reload.go); 2.x reloads on SIGHUP.
    const autoReload = version.major >= 3;
    this.reloaderIntervalSeconds = autoReload ? undefined : reloadSeconds;
    // 3.x expands ${VAR} in external_labels always, 2.x behind a feature flag (config/config.go).
    const expandLabels = this.replicas > 1 && !autoReload;
    const retentionBytes = agent ? undefined : (props.retentionSize ?? this.defaultRetentionSize());
    if (props.retentionSize && this.storage._newClaim) {
      const claim = this.storage._newClaim.size;
      if (props.retentionSize.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) > claim.toKibibytes({ rounding: SizeRoundingBehavior.NONE })) {
        fail(path, 'retentionSize', `must fit the volume (${sizeText(claim)}): Prometheus would fill it and stop`, sizeText(props.retentionSize),
          'Make retentionSize smaller than the claim (about 80% of it leaves room for the WAL and compaction), or the claim larger');
      }
    }
    this.args = [
      `--config.file=${CONFIG_FILE}`,
      ...agent ? [
        version.major >= 3 ? '--agent' : '--enable-feature=agent',
        `--storage.agent.path=${DATA_DIR}`,
      ] : [
        `--storage.tsdb.path=${DATA_DIR}`,
        `--storage.tsdb.retention.time=${promDuration(path, 'retention', props.retention ?? Duration.days(15))}`,
        ...retentionBytes ? [`--storage.tsdb.retention.size=${retentionSize(path, retentionBytes)}`] : [],
      ],
      ...autoReload ? ['--enable-feature=auto-reload-config', `--config.auto-reload-interval=${reloadSeconds}s`] : [],
      ...expandLabels ? ['--enable-feature=expand-external-labels'] : [],
      `--web.listen-address=:${WEB_PORT}`,
      ...lifecycleApi ? ['--web.enable-lifecycle'] : [],
    ];
    this.webAuth = checkInstance(path, 'webAuth', props.webAuth, PrometheusWebAuth, 'Use PrometheusWebAuth.fromSecret(secretName, { username })');
    if (this.webAuth) this.args.push(`--web.config.file=${this.webAuth._webConfig.path}`);
    const flagProblems = versionProblems(path, this.image, version, gatedFlags(this.args));
    if (flagProblems.length > 0) throw new Error(flagProblems.join('\n'));
    if (props.lifecycleApi && openToAll) {
      fail(path, 'lifecycleApi', `must not be on while the ${serviceType} Service admits every source: anyone who reaches a node could `
        + 'POST /-/quit and stop Prometheus', true, 'Set allowFrom to the clients that need Prometheus, use ServiceType.CLUSTER_IP, '
        + 'or leave lifecycleApi unset (configuration changes are reloaded without it)');
    }

    if (publishesNodePort && !this.webAuth) {
      addWarning(this, `the ${serviceType} Service publishes Prometheus on the nodes without authentication: whoever reaches a node `
        + 'can read every series and its labels. Set webAuth: PrometheusWebAuth.fromSecret(...) (basic auth with bcrypt hashes, TLS), '
        + 'or a ClusterIP Service.');
    }

    this.config = PrometheusConfig._create(path, {
      scrapeInterval: props.scrapeInterval ?? Duration.seconds(15),
      scrapeTimeout: props.scrapeTimeout ?? Duration.seconds(10),
      evaluationInterval: agent ? undefined : props.evaluationInterval ?? Duration.seconds(15),
      externalLabels: props.externalLabels,
    }, this.image);

    this.selectorLabels = webSelectorLabels(this, 'prometheus');
    const metadata = webMetadata(path, this.namespaceName, props.metadata, this.selectorLabels, 'server');
    this.commonMetadata = { labels: metadata.labels, annotations: metadata.annotations };

    if (props.createNamespace && SYSTEM_NAMESPACES.includes(this.namespaceName)) {
      fail(path, 'createNamespace', `must not create '${this.namespaceName}', a namespace the cluster owns: the app would own it, `
        + 'and deleting the app (kubectl delete -f, a GitOps prune) would delete it with everything in it', true,
      `Leave createNamespace unset to deploy into the existing '${this.namespaceName}', or use a namespace of your own such as 'monitoring'`);
    }
    if (props.createNamespace) {
      new k8s.KubeNamespace(this, 'Namespace', {
        metadata: { name: this.namespaceName, labels: { 'component': 'monitoring', 'kubernetes.io/metadata.name': this.namespaceName } },
      });
    }

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    this.serviceAccountName = serviceAccount.name;

    // One ConfigMap and one workload per shard; the first shard keeps the ids (and names) of a
    // single server, so adding shards leaves it in place.
    const statefulSet = this.replicas > 1 || this.shards > 1 || this.storage._newClaim !== undefined;
    // A new claim is a claim template of the StatefulSet; an emptyDir or an existing claim a pod volume.
    this.dataVolume = this.storage._newClaim ? undefined : this.storage._bind(this, metadata, 'data');
    this.statefulSets = [];
    this.shardConfigMapNames = [];
    for (let shard = 0; shard < this.shards; shard++) {
      const shardScope = shard === 0 ? this : new Construct(this, `Shard${shard}`);
      const configMap = new k8s.KubeConfigMap(shardScope, 'ConfigMap', {
        metadata,
        data: Lazy.any({ produce: () => this.renderFiles(shard) }),
      });
      this.shardConfigMapNames.push(configMap.name);
      if (!statefulSet) {
        this.deployment = new k8s.KubeDeployment(shardScope, 'Resource', {
          metadata,
          spec: Lazy.any({ produce: () => deploymentSpec(this.renderPod(0), this.selectorLabels, this.storage.persistent) }),
        });
        continue;
      }
      const shardSelector = { ...this.selectorLabels, [SHARD_LABEL]: String(shard) };
      this.statefulSets.push(new k8s.KubeStatefulSet(shardScope, 'Resource', {
        // Pod names are <name>-<ordinal>, and their controller-revision-hash label <name>-<hash>
        // must stay within 63 characters.
        metadata: { ...metadata, name: Names.toDnsLabel(shardScope, { maxLen: 52 }) },
        spec: Lazy.any({
          produce: () => statefulSetSpec({
            template: this.renderPod(shard),
            selector: shardSelector,
            replicas: this.replicas,
            serviceName: this.serviceName,
            claimTemplate: this.storage._claimTemplate('data', shardSelector),
          }),
        }),
      }));
      if (this.replicas > 1) {
        // A drain evicts one replica at a time; the others keep scraping.
        new k8s.KubePodDisruptionBudget(shardScope, 'DisruptionBudget', {
          metadata,
          spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: shardSelector } },
        });
      }
    }
    this.configMapName = this.shardConfigMapNames[0];
    this.podMetadata = new ApiObjectMetadataDefinition({ apiObject: this.deployment ?? this.statefulSets[0] });
    // However a job reaches the configuration (here or through `config`), its discovery gets RBAC.
    this.config._onWatch((watches) => this.grantDiscovery(watches));
    this.config._onWarning((warning) => addWarning(this, warning));
    // Rules can be added to a group after it was added, so this is checked once the app is built.
    this.node.addValidation({
      validate: () => this.config.ruleGroups.filter((g) => g.rules.length === 0)
        .map((g) => `${path}: rule group '${g.name}' must contain at least one rule, got none. Pass 'rules' or call addRule()`),
    });
    // Fields are checked against the image's version once every job and rule is added.
    this.node.addValidation({ validate: () => this.config._versionProblems() });
    // What agent mode refuses, and what sharding needs, once every job, rule and remote write is added.
    this.node.addValidation({ validate: () => this.modeProblems() });
    // The API server refuses a ConfigMap over 1 MiB, which many jobs or rules can reach.
    this.node.addValidation({ validate: () => this.sizeProblems() });

    // Rendered at synthesis: a mesh the pod joins later may change the default type.
    const service = webService(this, 'Service', {
      metadata,
      selectorLabels: this.selectorLabels,
      ports: [{ name: 'web', port: this.servicePort }],
      exposure: () => ({ serviceType: this.serviceType, nodePort: this.clusterIpInMesh ? undefined : exposure.nodePort }),
    });
    this.serviceName = service.name;
    // Other constructs take these names now (a Kuma service tag, a Grafana data source).
    failOnObjectNames(this);

    if (props.networkPolicy ?? true) {
      // The L1 object renders its props at synthesis, so peers admitted later (`_admit`) appear.
      this.admitted = webClients(path, props.allowFrom, serviceType,
        'an empty list would block every scrape of Prometheus itself and every query');
      const from = this.admitted;
      webIngressPolicy(this, 'NetworkPolicy', {
        metadata,
        selectorLabels: this.selectorLabels,
        rules: [{ from, ports: [WEB_PORT] }],
        egress: (props.networkPolicyEgress ?? true) ? () => {
          const derived = prometheusEgress(this.config, this.namespaceName, this.tokenRequired);
          return { rules: [...derived.rules, ...this.extraEgress], openReasons: derived.openReasons };
        } : undefined,
      });
    }

    if (props.selfMonitoring ?? true) {
      // Behind web auth, the job logs in like any client, and verifies the certificate for the Service's name.
      this.addScrapeJob(new ScrapeJob({
        jobName: SELF_JOB,
        discovery: [ServiceDiscovery.staticTargets({ targets: [`localhost:${WEB_PORT}`] })],
        auth: this.webAuth?._authentication(),
        scheme: this.webAuth?.tls ? Scheme.HTTPS : undefined,
        tls: this.webAuth?._tls(serviceHost(this.serviceName, this.namespaceName)),
      }));
    }
    for (const job of props.scrapeJobs ?? []) this.addScrapeJob(job);
    for (const group of props.ruleGroups ?? []) this.addRuleGroup(group);
    for (const rw of props.remoteWrites ?? []) this.addRemoteWrite(rw);
    for (const am of props.alertmanagers ?? []) this.addAlertmanager(am);
    this.content.addDashboardSource(lazyDashboard('prometheus', () => prometheusDashboard(this)));
  }

  /** The type of the Service. */
  public get serviceType(): kplus.ServiceType {
    return this.clusterIpInMesh ? kplus.ServiceType.CLUSTER_IP : this.requestedServiceType;
  }

  /**
   * Adds what an integration contributes (scrape jobs, rule groups, dashboards, data sources,
   * peers, pod extensions). Integrations of this library call it from their constructor; call
   * it for your own `IPrometheusIntegration`.
   */
  public addIntegration(integration: IPrometheusIntegration): void {
    const path = this.node.path;
    if (typeof (integration as Partial<IPrometheusIntegration> | undefined)?.bind !== 'function') {
      fail(path, 'integration', 'must implement IPrometheusIntegration (a bind(stack) method)', integration,
        'Pass a WeaveMonitoring, AppServiceMonitor, KumaMetricsMesh, KrakendMetrics or your own IPrometheusIntegration');
    }
    const config = checkStruct(path, 'integration.bind()', integration.bind(this) ?? {});
    for (const job of config.scrapeJobs ?? []) this.addScrapeJob(job);
    for (const group of config.ruleGroups ?? []) this.addRuleGroup(group);
    for (const peer of config.admit ?? []) this.admitPeer(peer);
    if (config.pod) this.extendPod(config.pod);
    for (const source of config.dashboards ?? []) this.content.addDashboardSource(source);
    for (const datasource of config.grafanaDatasources ?? []) {
      this.content.addGrafanaDatasource({ ...datasource, owner: datasource.owner ?? integration.node.path });
    }
    if (config.clientPods) this.content.extendPod(config.clientPods);
    if (config.clientObserver) {
      this.clientObservers.push(config.clientObserver);
      for (const client of this.clientList) config.clientObserver.clientAdmitted(client);
    }
  }

  /**
   * Admits `client` (the NetworkPolicy lets its pods reach the web port; with `scrapeJobName`,
   * the stack scrapes it through its Service).
   */
  public admitClient(client: PrometheusClient): void {
    const path = this.node.path;
    checkStruct(path, 'client', requireProp(path, 'client', client));
    this.admitted?.push(podsInNamespace(client.namespaceName, client.podLabels));
    if (client.scrapeJobName !== undefined) {
      if (this.config.findScrapeJob(client.scrapeJobName)) {
        fail(client.name, 'scrapeMetrics', `adds the job '${client.scrapeJobName}', which the stack '${path}' already has`, true,
          'Rename that job, or set scrapeMetrics: false');
      }
      this.addScrapeJob(new ScrapeJob({
        jobName: client.scrapeJobName,
        discovery: [ServiceDiscovery.staticTargets({ targets: [`${serviceHost(client.serviceName!, client.namespaceName)}:${client.servicePort}`] })],
      }));
    }
    this.clientList.push(client);
    for (const observer of this.clientObservers) observer.clientAdmitted(client);
  }

  /** How a client (Grafana) reaches this Prometheus. */
  public connection(): PrometheusConnection {
    const version = imageVersion(this.image);
    return {
      url: this.url,
      scrapeInterval: Duration.millis(this.config._globalTiming().intervalMs),
      version: version ? `${version.major}.${version.minor}.${version.patch}` : '',
      namespaceName: this.namespaceName,
      podLabels: this.selectorLabels,
      podPort: WEB_PORT,
      webAuth: this.webAuth,
      content: this.content,
    };
  }

  /** The clients that connected (Grafana), for integrations that extend them (a mesh's permissions). */
  public get clients(): PrometheusClient[] {
    return [...this.clientList];
  }

  /** Lets `peer` reach the web port through the stack's NetworkPolicy. */
  private admitPeer(peer: NetworkPeer): void {
    if (!this.admitted) return;
    this.admitted.push(...allowedPeers(this.node.path, 'integration.admit', [peer], 'a peer to admit') ?? []);
  }

  /** Applies what an integration gives the Prometheus pod. */
  private extendPod(pod: PodExtension): void {
    const path = this.node.path;
    checkStruct(path, 'integration.pod', pod);
    for (const [key, value] of Object.entries(pod.labels ?? {})) this.podMetadata.addLabel(key, value);
    for (const [key, value] of Object.entries(pod.annotations ?? {})) this.podMetadata.addAnnotation(key, value);
    if (pod.serviceAccountToken) this.mountServiceAccountToken();
    this.extraEgress.push(...pod.egress ?? []);
    for (const container of pod.containers ?? []) this.addContainer(container);
    for (const mount of pod.volumes ?? []) this.mountVolume(mount.path, mount.volume);
    if (pod.strictMtlsMesh !== undefined) {
      // A strict-mTLS sidecar refuses clients outside the mesh, so a node port is unreachable.
      if (!this.serviceTypeExplicit) {
        this.clusterIpInMesh = true;
      } else if (this.requestedServiceType !== kplus.ServiceType.CLUSTER_IP) {
        addWarning(this, `the pod ${pod.strictMtlsMesh}, whose sidecar accepts only mTLS from the mesh's proxies: the ${this.requestedServiceType} `
          + 'Service you asked for is unreachable from outside the mesh (a browser, a client without a sidecar). Leave serviceType and '
          + 'nodePort unset for a ClusterIP Service, and reach Prometheus from inside the mesh (Grafana in the mesh) or with kubectl port-forward.');
      }
    }
  }

  /**
   * The in-cluster URL of the Prometheus web API (`http://<service>.<namespace>.svc:<port>`;
   * https when `webAuth` serves TLS).
   */
  public get url(): string {
    return serviceUrl(this.serviceName, this.namespaceName, this.servicePort, this.webAuth?.tls);
  }


  /**
   * Adds a scrape job, and the RBAC its Kubernetes discovery needs.
   *
   * Fails if a job of the same name exists.
   */
  public addScrapeJob(job: ScrapeJob): void {
    this.config.addScrapeJob(job);
  }

  /** Adds a rule group; its rules are written to the rule file in the ConfigMap. */
  public addRuleGroup(group: RuleGroup): void {
    this.config.addRuleGroup(group);
  }

  /** Adds a remote-write target; Secrets its credentials come from are mounted. */
  public addRemoteWrite(remoteWrite: RemoteWrite): void {
    this.config.addRemoteWrite(remoteWrite);
  }

  /** Adds a set of Alertmanagers to send alerts to, and the RBAC their discovery needs. */
  public addAlertmanager(endpoint: AlertmanagerEndpoint): void {
    this.config.addAlertmanager(endpoint);
  }

  /**
   * Adds a container beside Prometheus in its pod (for example a service-discovery helper that
   * writes file_sd files to a shared volume). Volumes it mounts are added to the pod.
   *
   * Fails if a container of the same name exists.
   */
  public addContainer(props: kplus.ContainerProps): kplus.Container {
    checkStruct(this.node.path, 'container', requireProp(this.node.path, 'container', props, 'Pass the container\'s props, such as { image, name }'));
    checkResources(this.node.path, 'container.resources', props.resources);
    requireString(this.node.path, 'container.image', props.image);
    // Small resources unless given (kplus's defaults suit an application, not a helper).
    const container = new kplus.Container({
      ...props,
      resources: props.resources ?? { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) } },
    });
    if (container.name === 'prometheus' || this.sidecars.some((c) => c.name === container.name)) {
      fail(this.node.path, 'container.name', 'must be unique in the Prometheus pod', container.name);
    }
    this.sidecars.push(container);
    return container;
  }

  /**
   * Mounts the ServiceAccount token in the Prometheus pod even when no job discovers targets
   * from Kubernetes (for example for a service mesh sidecar that authenticates with it).
   */
  public mountServiceAccountToken(): void {
    this.tokenRequired = true;
  }

  /**
   * Mounts a volume into the Prometheus container, read-only (for example a directory a
   * sidecar writes file_sd files to). The volume is added to the pod.
   *
   * Fails if the path is taken.
   */
  public mountVolume(path: string, volume: kplus.Volume): void {
    checkAbsolutePath(this.node.path, 'path', path);
    const isVolume = typeof (volume as unknown as { _toKube?: unknown })?._toKube === 'function' && typeof volume.name === 'string';
    if (!isVolume) fail(this.node.path, 'volume', 'must be a cdk8s-plus Volume', volume, 'Use Volume.fromEmptyDir(scope, id, name) or another Volume factory of cdk8s-plus');
    const taken = [CONFIG_DIR, DATA_DIR, SECRETS_MOUNT_PATH, ...this.mounts.map((m) => m.path)];
    if (taken.some((t) => path === t || path.startsWith(`${t}/`) || t.startsWith(`${path}/`))) {
      fail(this.node.path, 'path', `must not overlap the mounts of the Prometheus container (${taken.join(', ')})`, path);
    }
    this.mounts.push({ path, volume });
  }

  /**
   * The pod template of one shard. It depends on the pod's own settings and on the volumes the
   * configuration needs (Secrets), never on the configuration's content: a new job, rule group
   * or remote write changes the ConfigMap only, and Prometheus reloads it live.
   */
  private renderPod(shard: number): kplus.k8s.PodTemplateSpec {
    const secretNames = [...new Set([
      ...this.config._credentials().flatMap((c) => c.secretName ? [c.secretName] : []),
      ...this.webAuth ? [this.webAuth.secretName] : [],
    ])].sort();
    const secrets = secretNames.map((secretName) => ({ secretName, volumeName: volumeName('secret', secretName) }));
    const mountsToken = this.tokenRequired || this.config._watches().length > 0
      || this.config._credentials().some((c) => c.path.startsWith(SERVICE_ACCOUNT_DIR));

    // Sidecars meet the restricted Pod Security Standard like Prometheus (kplus does not drop capabilities).
    const sidecars = this.sidecars.map((c) => {
      const kube = c._toKube();
      return { ...kube, securityContext: { ...restrictedContainerSecurityContext(), ...kube.securityContext, capabilities: { drop: ['ALL'] } } };
    });
    const extraVolumes = new Map<string, kplus.k8s.Volume>();
    for (const volume of [...this.mounts.map((m) => m.volume), ...this.sidecars.flatMap((c) => c.mounts.map((m) => m.volume))]) {
      if (volume.name === 'config' || volume.name === 'data' || secrets.some((s) => s.volumeName === volume.name)) {
        fail(this.node.path, 'volume.name', 'is used by the stack\'s own volumes (config, data, secret-*)', volume.name, 'Give the volume another name');
      }
      extraVolumes.set(volume.name, volume._toKube());
    }
    if (this.sidecars.some((c) => c.name === 'config-reloader') && this.reloaderIntervalSeconds !== undefined) {
      fail(this.node.path, 'container.name', 'is the reloader of Prometheus 2.x', 'config-reloader', 'Give the container another name');
    }
    const pod = this.podMetadata.toJson() ?? {};
    const shardLabels: { [key: string]: string } = this.statefulSets.length > 0 ? { [SHARD_LABEL]: String(shard) } : {};
    const labels = { ...pod.labels, ...this.selectorLabels, ...shardLabels };
    return podTemplate({
      image: this.image,
      args: this.args,
      resources: renderResources(this.resources),
      serviceAccountName: this.serviceAccountName,
      mountsToken,
      labels,
      annotations: pod.annotations,
      configMapName: this.shardConfigMapNames[shard],
      dataVolume: this.dataVolume,
      persistent: this.storage.persistent,
      secrets,
      mounts: this.mounts.map((m) => ({ path: m.path, volumeName: m.volume.name })),
      sidecars,
      extraVolumes: [...extraVolumes.values()],
      reloaderIntervalSeconds: this.reloaderIntervalSeconds,
      podNameEnv: this.replicas > 1,
      scheduling: renderScheduling(this.schedulingProps, this.replicas, { ...this.selectorLabels, ...shardLabels }),
      webAuth: this.webAuth !== undefined,
    });
  }

  /** The ConfigMap's files of one shard: prometheus.yml and, when there are rule groups, the rule file. */
  private renderFiles(shard: number): { [file: string]: string } {
    const replicated = this.replicas > 1;
    const files: { [file: string]: string } = {
      'prometheus.yml': this.config._toYaml({
        appendRelabels: this.shards > 1 ? shardRelabels(this.buckets[shard]) : undefined,
        unshardedJobs: [SELF_JOB],
        externalLabels: {
          // Prometheus expands ${POD_NAME} from the container's environment (the downward API).
          ...replicated ? { [this.replicaExternalLabel]: `\${${POD_NAME_ENV}}` } : {},
          ...this.shardExternalLabels[shard],
        },
        // Alertmanager deduplicates the replicas' alerts only when they carry the same labels.
        alertRelabels: replicated ? [Relabel.labelDrop({ regex: this.replicaExternalLabel })] : undefined,
      }),
    };
    const rules = this.config.rulesToYaml();
    if (rules !== undefined) files[this.config.ruleFile] = rules;
    return files;
  }

  /**
   * A ConfigMap whose data exceeds what the API server stores (k8s.io/api core/v1 types.go
   * `MaxSecretSize`, 1 MiB, which `ValidateConfigMap` applies to the sum of its values) fails with
   * the size of each file and the way out; over 256 KiB, a warning about client-side apply, whose
   * last-applied-configuration annotation cannot hold it (apimachinery `TotalAnnotationSizeLimitB`).
   */
  private sizeProblems(): string[] {
    // An empty rule group cannot be rendered; its own validation reports it.
    if (this.config.ruleGroups.some((g) => g.rules.length === 0)) return [];
    const problems: string[] = [];
    for (let shard = 0; shard < this.shards; shard++) {
      const files = this.renderFiles(shard);
      const sizes = Object.entries(files).map(([name, text]) => ({ name, bytes: Buffer.byteLength(text, 'utf8') }));
      const total = sizes.reduce((sum, f) => sum + f.bytes, 0);
      const listing = sizes.map((f) => `${f.name} ${f.bytes} bytes`).join(', ');
      const configMap = `ConfigMap '${this.shardConfigMapNames[shard]}'`;
      if (total > MAX_CONFIGMAP_BYTES) {
        const config = sizes.find((f) => f.name === 'prometheus.yml')!.bytes;
        const fix = config > total - config
          ? 'prometheus.yml is most of it: use fewer, discovery-based jobs (one kubernetes_sd job that keeps the annotated pods, '
            + 'as AppServiceMonitor and prometheusAnnotations do, instead of one job per app), and shorter externalLabels'
          : 'The rules are most of it: evaluate rule groups where the samples are remote-written (Mimir or Thanos ruler), or '
            + 'spread them over several stacks';
        problems.push(problem(this.node.path, 'config', `must fit in a ConfigMap (at most ${MAX_CONFIGMAP_BYTES} bytes, or the API server `
          + `refuses it as "Too long"); ${configMap} has ${listing}`, `${total} bytes`, fix));
      } else if (Buffer.byteLength(JSON.stringify(files), 'utf8') > CLIENT_SIDE_APPLY_BYTES) {
        // The annotation holds the object as JSON, where every newline takes two bytes.
        addWarning(this, `${configMap} holds ${total} bytes (${listing}): \`kubectl apply\` without --server-side copies it into the `
          + `last-applied-configuration annotation, which holds at most ${CLIENT_SIDE_APPLY_BYTES} bytes. Apply with \`kubectl apply --server-side\` `
          + '(or Argo CD / Flux server-side apply)');
      }
    }
    return problems;
  }

  /** What agent mode refuses, and the advice for shards. */
  private modeProblems(): string[] {
    const path = this.node.path;
    if (this.mode === PrometheusMode.AGENT) {
      const problems: string[] = [];
      const fix = 'An agent scrapes and remote-writes only: evaluate rules and send alerts where the samples go (Mimir or Thanos ruler), or use PrometheusMode.SERVER';
      const groups = this.config.ruleGroups.map((g) => g.name);
      if (groups.length > 0) problems.push(problem(path, 'ruleGroups', 'must be empty in agent mode (Prometheus refuses rule_files)', groups, fix));
      if (this.config._hasAlertmanagers()) {
        problems.push(problem(path, 'alertmanagers', 'must be empty in agent mode (Prometheus refuses alerting)', 'an Alertmanager endpoint', fix));
      }
      if (this.config.remoteWrites.length === 0) {
        problems.push(problem(path, 'remoteWrites', 'must name at least one remote write in agent mode (an agent only forwards)', [],
          'Add a RemoteWrite to Mimir, Cortex, Thanos Receive or a Prometheus with the remote-write receiver'));
      }
      return problems;
    }
    if (this.shards > 1 && this.config.remoteWrites.length === 0) {
      addWarning(this, `the ${this.shards} shards have no remote write: each holds part of the series, and no query sees them all. `
        + 'Remote-write to Mimir, Cortex or Thanos Receive and query there.');
    }
    if (this.shards > 1 && this.config.ruleGroups.length > 0) {
      addWarning(this, `each of the ${this.shards} shards evaluates every rule group over its own targets only: a rule that aggregates `
        + 'across targets (sum, count, absent) sees part of the data. Evaluate such rules where the shards remote-write to (Mimir or Thanos ruler).');
    }
    return [];
  }

  /** 80% of a new claim (rounded down to a whole MiB), the retention size when none is given. */
  private defaultRetentionSize(): Size | undefined {
    const claim = this.storage._newClaim?.size;
    if (!claim) return undefined;
    return Size.mebibytes(Math.floor(claim.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) * DEFAULT_RETENTION_SHARE));
  }

  /**
   * Creates the Roles and ClusterRole that discovery needs, when first needed. Their rules
   * are computed at synthesis from every job, so the order of calls does not matter.
   */
  private grantDiscovery(watches: KubernetesWatch[]): void {
    // What the scrapes themselves need (the kubelet's nodes/metrics, the API server's /metrics) is cluster-scoped too.
    const scrapesNeedAccess = this.config._apiAccess().length > 0;
    for (const watch of scrapesNeedAccess ? [...watches, undefined] : watches) {
      if ((watch === undefined || needsClusterRole(watch, this.namespaceName)) && !this.clusterRole) {
        this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
          metadata: this.commonMetadata,
          rules: Lazy.any({
            produce: () => [
              ...policyRules(this.config._watches(), this.namespaceName, 'cluster'),
              ...accessRules(accessGrants(this.config._apiAccess())),
            ],
          }),
        });
        new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
          metadata: this.commonMetadata,
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.name },
          subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespaceName }],
        });
      }
      if (watch === undefined) continue;
      const namespaces = watchedNamespaces(watch, this.namespaceName);
      if (namespaces === 'all') continue;
      for (const ns of namespaces) {
        if (this.roles.has(ns)) continue;
        const role = new k8s.KubeRole(this, `Role-${ns}`, {
          metadata: { ...this.commonMetadata, namespace: ns },
          rules: Lazy.any({ produce: () => policyRules(this.config._watches(), this.namespaceName, ns) }),
        });
        new k8s.KubeRoleBinding(this, `RoleBinding-${ns}`, {
          metadata: { ...this.commonMetadata, namespace: ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
          subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespaceName }],
        });
        this.roles.set(ns, role);
      }
    }
  }
}

/** The most bytes the API server stores in a ConfigMap's data (k8s.io/api core/v1 types.go `MaxSecretSize`). */
const MAX_CONFIGMAP_BYTES = 1024 * 1024;
/** The most bytes of annotations an object may have (k8s.io/apimachinery `TotalAnnotationSizeLimitB`), client-side apply's limit. */
const CLIENT_SIDE_APPLY_BYTES = 256 * 1024;

/** Namespaces every cluster has, which an app must never own. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A size as a Kubernetes quantity, for messages. */
function sizeText(size: Size): string {
  return toQuantity(size);
}

/** `--storage.tsdb.retention.size` takes base-2 units named KB, MB, GB, TB. */
function retentionSize(path: string, size: Size): string {
  const mb = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mb) || mb <= 0) {
    fail(path, 'retentionSize', 'must be a positive whole number of mebibytes', `${mb} MiB`);
  }
  return mb % 1024 === 0 ? `${mb / 1024}GB` : `${mb}MB`;
}

/** A volume name (DNS-1123 label) for a Secret, shortened with a hash when too long. */
function volumeName(prefix: string, name: string): string {
  const plain = `${prefix}-${name.replace(/\./g, '-')}`;
  if (plain.length <= 63) return plain;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${plain.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}
