import { ApiObjectMetadataDefinition, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkClient } from './client-checks';
import { configMapSizeProblems, modeProblems } from './config-checks';
import { extendPodBasics, lazyDashboard, StackContent } from './content';
import type * as DashboardModule from './dashboard';
import { prometheusEgress } from './egress';
import { PrometheusExposure } from './exposure';
import {
  IPrometheusClientObserver, IPrometheusDataSource, IPrometheusIntegration, PodExtension, PrometheusClient, PrometheusConnection,
} from './integration';
import { PrometheusPod } from './pod';
import { checkScheduling } from './pod-scheduling';
import { DiscoveryRbac } from './rbac';
import { serverFlags } from './server-flags';
import { Replication, replication, SELF_JOB, shardFiles } from './sharding';
import { PrometheusMode, PrometheusStackProps } from './stack-props';
import { PrometheusWebAuth } from './web-auth';
import { prometheusServers, WEB_PORT } from './workload';
import {
  checkArray, checkBoolean, checkDuration, checkEnum, checkInstance, checkMetadata, checkRenamed, checkSize, checkStruct, fail,
} from '../core/checks';
import { checkDnsLabel } from '../core/formats';
import { addWarning } from '../core/warnings';
import { checkImage } from '../k8s/checks';
import { NetworkPeer } from '../k8s/network-peer';
import { allowedPeers, podsInNamespace } from '../k8s/network-policy';
import { checkObjectNames, failOnObjectNames } from '../k8s/object-names';
import { checkResources, namespaceOf } from '../k8s/pod';
import { DataStorage } from '../k8s/storage';
import { serviceHost, serviceUrl, webMetadata, webSelectorLabels } from '../k8s/web-workload';
import {
  AlertmanagerEndpoint, PrometheusConfig, RemoteWrite, RuleGroup, Scheme, ScrapeJob, ServiceDiscovery,
} from '../model/prometheus';
import { checkLabelMap } from '../model/prometheus/validate';
import { imageVersion } from '../model/prometheus/version';
import { gatedFlags, LATEST_PROMETHEUS, versionProblems } from '../model/prometheus/version-gates';

const k8s = kplus.k8s;


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

  /** The Service and NetworkPolicy, and the choices behind them. */
  private readonly exposure: PrometheusExposure;
  private readonly storage: DataStorage;
  private readonly resources: kplus.ContainerResources;
  /** The Prometheus pod, which `addContainer` and integrations extend. */
  private readonly pod: PrometheusPod;
  private readonly args: string[];
  /** For Prometheus 2.x, which cannot reload by itself: the reloader's interval in seconds. */
  private readonly reloaderIntervalSeconds?: number;
  private readonly replication: Replication;
  /** Egress rules integrations add (`_allowEgress`). */
  private readonly extraEgress: kplus.k8s.NetworkPolicyEgressRule[] = [];
  /** What integrations contribute for the stack's clients. */
  private readonly content = new StackContent();
  private readonly clientList: PrometheusClient[] = [];
  private readonly clientObservers: IPrometheusClientObserver[] = [];

  constructor(scope: Construct, id: string, props: PrometheusStackProps = {}) {
    super(scope, id);
    checkObjectNames(this);
    const path = this.node.path;
    checkStruct(path, 'props', props);
    checkRenamed(path, props, { grafana: 'Create Grafana beside the stack: new Grafana(scope, \'grafana\', { prometheus: stack, ...options })' });
    checkMetadata(path, 'metadata', props.metadata);
    checkEnum(path, 'mode', props.mode, PrometheusMode, 'PrometheusMode');
    checkInstance(path, 'storage', props.storage, DataStorage,
      'Use DataStorage.emptyDir(), .persistentVolumeClaim({ size }) or .existingClaim(claimName)');
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
    this.storage = props.storage ?? DataStorage.emptyDir();
    this.resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(250) },
      memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) },
    };
    checkLabelMap(path, 'externalLabels', props.externalLabels);

    // Replicas and shards
    this.mode = props.mode ?? PrometheusMode.SERVER;
    this.replication = replication(path, props, this.storage);
    this.replicas = this.replication.replicas;
    this.shards = this.replication.shards;
    checkScheduling(path, props);

    // The service
    this.exposure = new PrometheusExposure(this, props);
    this.servicePort = this.exposure.requested.servicePort;

    // The server flags. The lifecycle API is off by default where anyone could reach it.
    const flags = serverFlags(path, props,
      { version, mode: this.mode, storage: this.storage, replicas: this.replicas, openToAll: this.exposure.openToAll });
    this.args = flags.args;
    this.reloaderIntervalSeconds = flags.reloaderIntervalSeconds;
    this.webAuth = checkInstance(path, 'webAuth', props.webAuth, PrometheusWebAuth, 'Use PrometheusWebAuth.fromSecret(secretName, { username })');
    if (this.webAuth) this.args.push(`--web.config.file=${this.webAuth._webConfig.path}`);
    const flagProblems = versionProblems(path, this.image, version, gatedFlags(this.args));
    if (flagProblems.length > 0) throw new Error(flagProblems.join('\n'));
    this.exposure.checkPublished(this.webAuth);

    this.config = PrometheusConfig._create(path, {
      scrapeInterval: props.scrapeInterval ?? Duration.seconds(15),
      scrapeTimeout: props.scrapeTimeout ?? Duration.seconds(10),
      evaluationInterval: this.mode === PrometheusMode.AGENT ? undefined : props.evaluationInterval ?? Duration.seconds(15),
      externalLabels: props.externalLabels,
    }, this.image);

    this.selectorLabels = webSelectorLabels(this, 'prometheus');
    const metadata = webMetadata(path, this.namespaceName, props.metadata, this.selectorLabels, 'server');

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
    const rbac = new DiscoveryRbac(this, this.config, this.namespaceName, this.serviceAccountName,
      { labels: metadata.labels, annotations: metadata.annotations });
    this.config._onWatch((watches) => rbac.grant(watches));
    this.config._onWarning((warning) => addWarning(this, warning));
    // Rules can be added to a group after it was added, so this is checked once the app is built.
    this.node.addValidation({
      validate: () => this.config.ruleGroups.filter((g) => g.rules.length === 0)
        .map((g) => `${path}: rule group '${g.name}' must contain at least one rule, got none. Pass 'rules' or call addRule()`),
    });
    // Fields are checked against the image's version once every job and rule is added.
    this.node.addValidation({ validate: () => this.config._versionProblems() });
    // What agent mode refuses, and what sharding needs, once every job, rule and remote write is added.
    this.node.addValidation({ validate: () => modeProblems(this) });
    // The API server refuses a ConfigMap over 1 MiB, which many jobs or rules can reach.
    this.node.addValidation({ validate: () => configMapSizeProblems(this, (shard) => this.renderFiles(shard)) });

    // Rendered at synthesis: a mesh the pod joins later may change the default type.
    const service = this.exposure.service(metadata, this.selectorLabels);
    this.serviceName = service.name;
    // Other constructs take these names now (a Kuma service tag, a Grafana data source).
    failOnObjectNames(this);

    this.exposure.networkPolicy(metadata, this.selectorLabels, () => {
      const derived = prometheusEgress(this.config, this.namespaceName, this.pod.tokenRequired);
      return { rules: [...derived.rules, ...this.extraEgress], openReasons: derived.openReasons };
    });

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
    this.content.addDashboardSource(lazyDashboard('prometheus', () => {
      // Loaded when a Grafana first asks for the dashboard (most apps have none).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { prometheusDashboard } = require('./dashboard') as typeof DashboardModule;
      return prometheusDashboard(this);
    }));
  }

  /** The type of the Service. */
  public get serviceType(): kplus.ServiceType {
    return this.exposure.serviceType;
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
    checkClient(path, client);
    this.exposure.admit([podsInNamespace(client.namespaceName, client.podLabels)]);
    if (client.scrapeJobName !== undefined) {
      if (this.config.findScrapeJob(client.scrapeJobName)) {
        const owner = this.clientList.find((c) => c.scrapeJobName === client.scrapeJobName);
        fail(client.name, 'scrapeMetrics', `adds the job '${client.scrapeJobName}', which the stack '${path}' already has`
          + (owner ? ` for ${owner.name}` : ''), true,
        owner ? 'Set scrapeMetrics: false on one of them (a second Grafana of the stack is not scraped under the same job)'
          : `Rename the stack's job '${client.scrapeJobName}', or set scrapeMetrics: false`);
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
      shards: this.shards,
    };
  }

  /** The clients that connected (Grafana), for integrations that extend them (a mesh's permissions). */
  public get clients(): PrometheusClient[] {
    return [...this.clientList];
  }

  /** Lets `peer` reach the web port through the stack's NetworkPolicy. */
  private admitPeer(peer: NetworkPeer): void {
    if (!this.exposure.restricted) return;
    this.exposure.admit(allowedPeers(this.node.path, 'integration.admit', [peer], 'a peer to admit') ?? []);
  }

  /** Applies what an integration gives the Prometheus pod. */
  private extendPod(pod: PodExtension): void {
    const path = this.node.path;
    checkStruct(path, 'integration.pod', pod);
    extendPodBasics(path, {
      podMetadata: this.podMetadata,
      mountServiceAccountToken: () => this.mountServiceAccountToken(),
      allowEgress: (rules) => this.extraEgress.push(...rules),
    }, pod, true);
    for (const container of pod.containers ?? []) this.addContainer(container);
    for (const mount of pod.volumes ?? []) this.mountVolume(mount.path, mount.volume);
    if (pod.strictMtlsMesh !== undefined) this.exposure.joinStrictMtlsMesh(pod.strictMtlsMesh);
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

  /** The ConfigMap's files of one shard. */
  private renderFiles(shard: number): { [file: string]: string } {
    return shardFiles(this.config, this.replication, shard);
  }


}

/** Namespaces every cluster has, which an app must never own. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
