import { ApiObjectMetadataDefinition, Duration, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { lazyDashboard, StackContent } from './content';
import { prometheusDashboard } from './dashboard';
import { prometheusEgress } from './egress';
import { IPrometheusClientObserver, IPrometheusDataSource, IPrometheusIntegration, PodExtension, PrometheusClient, PrometheusConnection } from './integration';
import { PrometheusPod } from './pod';
import { checkScheduling } from './pod-scheduling';
import { accessGrants, accessRules, needsClusterRole, policyRules, watchedNamespaces } from './rbac';
import { checkPublishedWebPort, serverFlags } from './server-flags';
import { MAX_SHARDS, shardBuckets, shardRelabels } from './sharding';
import { PrometheusMode, PrometheusStackProps } from './stack-props';
import { PrometheusWebAuth } from './web-auth';
import { POD_NAME_ENV, prometheusServers, WEB_PORT } from './workload';
import { checkArray, checkBoolean, checkDuration, checkEnum, checkInstance, checkMetadata, checkSize, checkStruct, fail, problem, requireProp } from '../core/checks';
import { checkDnsLabel, checkPositiveInteger } from '../core/formats';
import { addWarning } from '../core/warnings';
import { checkImage } from '../k8s/checks';
import { NetworkPeer } from '../k8s/network-peer';
import { allowedPeers, podsInNamespace } from '../k8s/network-policy';
import { checkObjectNames, failOnObjectNames } from '../k8s/object-names';
import { checkResources, namespaceOf } from '../k8s/pod';
import { PrometheusStorage } from '../k8s/storage';
import {
  serviceHost, serviceUrl, webClients, webExposure, webIngressPolicy, webMetadata, webSelectorLabels, webService,
} from '../k8s/web-workload';
import {
  AlertmanagerEndpoint, KubernetesWatch, PrometheusConfig, Relabel, RemoteWrite, RuleGroup, Scheme, ScrapeJob, ServiceDiscovery,
} from '../model/prometheus';
import { checkLabelMap, checkLabelName } from '../model/prometheus/validate';
import { imageVersion } from '../model/prometheus/version';
import { gatedFlags, LATEST_PROMETHEUS, versionProblems } from '../model/prometheus/version-gates';

const k8s = kplus.k8s;

/** The self-monitoring job: every server scrapes itself, whatever its shard. */
const SELF_JOB = 'prometheus';

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
  /** The Prometheus pod, which `addContainer` and integrations extend. */
  private readonly pod: PrometheusPod;
  private readonly args: string[];
  /** For Prometheus 2.x, which cannot reload by itself: the reloader's interval in seconds. */
  private readonly reloaderIntervalSeconds?: number;
  private readonly replicaExternalLabel: string;
  private readonly shardExternalLabels: Array<{ [name: string]: string }>;
  private readonly buckets: number[][];
  private clusterRole?: kplus.k8s.KubeClusterRole;
  private readonly roles = new Map<string, kplus.k8s.KubeRole>();
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

    // The service
    const exposure = webExposure(path, props, { serviceType: kplus.ServiceType.NODE_PORT, servicePort: WEB_PORT, nodePort: 30900 });
    const { serviceType, publishesNodePort } = exposure;
    this.requestedServiceType = serviceType;
    this.serviceTypeExplicit = props.serviceType !== undefined || props.nodePort !== undefined;
    this.servicePort = exposure.servicePort;

    // The server flags. The lifecycle API is off by default where anyone could reach it.
    const openToAll = publishesNodePort && !props.allowFrom;
    const flags = serverFlags(path, props, { version, mode: this.mode, storage: this.storage, replicas: this.replicas, openToAll });
    this.args = flags.args;
    this.reloaderIntervalSeconds = flags.reloaderIntervalSeconds;
    this.webAuth = checkInstance(path, 'webAuth', props.webAuth, PrometheusWebAuth, 'Use PrometheusWebAuth.fromSecret(secretName, { username })');
    if (this.webAuth) this.args.push(`--web.config.file=${this.webAuth._webConfig.path}`);
    const flagProblems = versionProblems(path, this.image, version, gatedFlags(this.args));
    if (flagProblems.length > 0) throw new Error(flagProblems.join('\n'));
    checkPublishedWebPort(this, props, serviceType, publishesNodePort, openToAll, this.webAuth);

    this.config = PrometheusConfig._create(path, {
      scrapeInterval: props.scrapeInterval ?? Duration.seconds(15),
      scrapeTimeout: props.scrapeTimeout ?? Duration.seconds(10),
      evaluationInterval: this.mode === PrometheusMode.AGENT ? undefined : props.evaluationInterval ?? Duration.seconds(15),
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

    // A new claim is a claim template of the StatefulSet; an emptyDir or an existing claim a pod volume.
    const dataVolume = this.storage._newClaim ? undefined : this.storage._bind(this, metadata, 'data');
    const statefulSet = this.replicas > 1 || this.shards > 1 || this.storage._newClaim !== undefined;
    this.pod = new PrometheusPod(path, {
      image: this.image,
      args: this.args,
      resources: this.resources,
      serviceAccountName: this.serviceAccountName,
      config: this.config,
      webAuth: this.webAuth,
      dataVolume,
      persistent: this.storage.persistent,
      reloaderIntervalSeconds: this.reloaderIntervalSeconds,
      replicas: this.replicas,
      scheduling: props,
      selectorLabels: this.selectorLabels,
      sharded: statefulSet,
    });
    const servers = prometheusServers(this, {
      metadata,
      selectorLabels: this.selectorLabels,
      shards: this.shards,
      replicas: this.replicas,
      storage: this.storage,
      statefulSet,
      files: (shard) => this.renderFiles(shard),
      template: (shard, configMapName) => this.pod.template(shard, configMapName, this.podMetadata),
      serviceName: () => this.serviceName,
    });
    this.deployment = servers.deployment;
    this.statefulSets = servers.statefulSets;
    this.shardConfigMapNames = servers.configMapNames;
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
          const derived = prometheusEgress(this.config, this.namespaceName, this.pod.tokenRequired);
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
    return this.pod.addContainer(props);
  }

  /**
   * Mounts the ServiceAccount token in the Prometheus pod even when no job discovers targets
   * from Kubernetes (for example for a service mesh sidecar that authenticates with it).
   */
  public mountServiceAccountToken(): void {
    this.pod.tokenRequired = true;
  }

  /**
   * Mounts a volume into the Prometheus container, read-only (for example a directory a
   * sidecar writes file_sd files to). The volume is added to the pod.
   *
   * Fails if the path is taken.
   */
  public mountVolume(path: string, volume: kplus.Volume): void {
    this.pod.mountVolume(path, volume);
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
