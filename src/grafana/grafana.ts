import { ApiObjectMetadata, ApiObjectMetadataDefinition, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GrafanaAdminCredentials } from './credentials';
import { GrafanaProps } from './options';
import { GrafanaPlugin } from './plugins';
import { DASHBOARDS_DIR, ExtraDatasource, PROMETHEUS_AUTH_DIR, provisioningFiles, queryProblems, renderDatasource } from './provisioning';
import { settingsEnv } from './settings';
import {
  checkArray, checkBoolean, checkInstance, checkInstances, checkMetadata, checkRenamed, checkString, checkStringMap, checkStruct,
  checkUnique, duplicates, fail, problem, requireProp,
} from '../core/checks';
import { checkDnsLabel, checkNonEmpty } from '../core/formats';
import { addWarning } from '../core/warnings';
import { checkImage } from '../k8s/checks';
import { dnsEgress, EgressRules, podsInNamespace, tcpPorts, urlEgress } from '../k8s/network-policy';
import { checkObjectNames } from '../k8s/object-names';
import { checkResources, httpProbe, renderResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../k8s/pod';
import { DataStorage } from '../k8s/storage';
import {
  configChecksum, serviceUrl, webClients, webExposure, webIngressPolicy, webMetadata, webSelectorLabels, webService,
} from '../k8s/web-workload';
import { WireDeployment } from '../k8s/wire';
import { Dashboard } from '../model/dashboard/dashboard';
import { extendPodBasics } from '../stack/content';
import { GrafanaDatasourceSpec, IPrometheusDataSource, PodExtension } from '../stack/integration';

const k8s = kplus.k8s;

const ADMIN_FIX = 'Use GrafanaAdminCredentials.fromSecretName(secretName) or GrafanaAdminCredentials.fromSecret(secret)';

/** The user and group of the official Grafana image. */
const GRAFANA_UID = 472;
const HTTP_PORT = 3000;
const DATA_DIR = '/var/lib/grafana';
const PROVISIONING_DIR = '/etc/grafana/provisioning';
/** The key of the dashboard JSON in each dashboard ConfigMap. */
const DASHBOARD_KEY = 'dashboard.json';
/** The API server refuses a ConfigMap over 1 MiB; leave room for the metadata. */
const CONFIG_MAP_MAX_BYTES = 1_000_000;

/** A dashboard Grafana provisions: given, or produced at synthesis by an integration. */
interface DashboardSource {
  readonly configMap: kplus.k8s.KubeConfigMap;
  readonly produce: () => Dashboard;
}

/**
 * Grafana on Kubernetes, reading a `PrometheusStack`, with its data source and dashboards
 * provisioned from ConfigMaps.
 *
 * It creates a ServiceAccount, a ConfigMap with the provisioning files (a Prometheus data
 * source pointing at the stack's Service, with a stable uid, and a dashboard provider), a
 * ConfigMap per dashboard, a Deployment (restricted security context, probes on
 * `/api/health`, the admin credentials from a Secret), a Service and a NetworkPolicy. The
 * stack's NetworkPolicy admits Grafana.
 *
 * Made with `new Grafana(scope, id, { prometheus: stack, adminCredentials })`.
 */
export class Grafana extends Construct {
  /** The namespace of Grafana's objects. */
  public readonly namespaceName: string;
  /** The name of Grafana's Service. */
  public readonly serviceName: string;
  /** The port of the Service. */
  public readonly servicePort: number;
  /** The labels that select the Grafana pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** The uid of the provisioned Prometheus data source. */
  public readonly datasourceUid: string;
  /** The Deployment running Grafana. */
  public readonly deployment: kplus.k8s.KubeDeployment;
  /** Labels and annotations of the Grafana pods. The selector labels are always added. */
  public readonly podMetadata: ApiObjectMetadataDefinition;
  private readonly prometheus: IPrometheusDataSource;
  private readonly serviceAccountName: string;
  private readonly props: GrafanaProps;
  private readonly image: string;
  private readonly metadata: ApiObjectMetadata;
  private readonly provisioning: kplus.k8s.KubeConfigMap;
  private readonly sources: DashboardSource[] = [];
  private readonly dataVolume: kplus.k8s.Volume;
  private readonly storage: DataStorage;
  /** Data sources and plugins that integrations add (`_addDatasource`, `_addPlugin`). */
  private readonly extraDatasources: ExtraDatasource[] = [];
  private readonly extraPlugins: GrafanaPlugin[] = [];
  private tokenRequired = false;
  private readonly extraEgress: kplus.k8s.NetworkPolicyEgressRule[] = [];

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    checkObjectNames(this);
    const path = this.node.path;
    checkStruct(path, 'props', props, true);
    checkRenamed(path, props, { stack: 'prometheus' });
    const source = requireProp(path, 'prometheus', props.prometheus, 'Pass the PrometheusStack Grafana reads');
    if (typeof source.connection !== 'function' || typeof source.admitClient !== 'function') {
      fail(path, 'prometheus', 'must be an IPrometheusDataSource, such as a PrometheusStack', source, 'Pass the PrometheusStack Grafana reads');
    }
    checkInstance(path, 'adminCredentials', requireProp(path, 'adminCredentials', props.adminCredentials, ADMIN_FIX),
      GrafanaAdminCredentials, ADMIN_FIX);
    checkMetadata(path, 'metadata', props.metadata);
    checkString(path, 'datasourceUid', props.datasourceUid);
    checkInstance(path, 'storage', props.storage, DataStorage, 'Use DataStorage.emptyDir() or .persistentVolumeClaim({ size })');
    checkStringMap(path, 'settings', props.settings);
    checkInstances(path, 'plugins', props.plugins, GrafanaPlugin, 'Use GrafanaPlugin.of(id, version) or GrafanaPlugin.fromUrl(id, version, url)');
    checkArray(path, 'dashboards', props.dashboards);
    checkResources(path, 'resources', props.resources);
    for (const flag of ['networkPolicy', 'networkPolicyEgress', 'anonymousAccess', 'integrationDashboards', 'scrapeMetrics'] as const) {
      checkBoolean(path, flag, props[flag]);
    }
    this.prometheus = source;
    const connection = source.connection();
    for (const warning of queryProblems(path, props.queryUrl, connection)) addWarning(this, warning);
    this.props = props;
    this.namespaceName = checkDnsLabel(path, 'metadata.namespace', props.metadata?.namespace ?? connection.namespaceName);
    this.image = checkImage(path, 'image', props.image ?? 'docker.io/grafana/grafana:12.3.0', 'Pin a release, such as docker.io/grafana/grafana:12.3.0');
    this.datasourceUid = props.datasourceUid ?? 'prometheus';
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(this.datasourceUid)) {
      fail(path, 'datasourceUid', 'must be 1 to 40 letters, digits, \'-\' or \'_\'', this.datasourceUid);
    }
    if (props.dashboardFolder !== undefined) checkNonEmpty(path, 'dashboardFolder', props.dashboardFolder);
    this.storage = props.storage ?? DataStorage.emptyDir();
    settingsEnv(path, props.settings ?? {});
    const plugins = props.plugins ?? [];
    checkUnique(path, 'plugins', plugins.map((p) => p.id), 'must name each plugin once');

    this.selectorLabels = webSelectorLabels(this, 'grafana');
    this.metadata = webMetadata(path, this.namespaceName, props.metadata, this.selectorLabels, 'dashboards');

    // The Service
    const exposure = webExposure(path, props, { serviceType: kplus.ServiceType.CLUSTER_IP, servicePort: HTTP_PORT });
    this.servicePort = exposure.servicePort;
    const service = webService(this, 'Service', {
      metadata: this.metadata,
      selectorLabels: this.selectorLabels,
      ports: [{ name: 'http', port: this.servicePort }],
      exposure: () => exposure,
    });
    this.serviceName = service.name;

    this.serviceAccountName = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: this.metadata }).name;
    this.provisioning = new k8s.KubeConfigMap(this, 'Provisioning', {
      metadata: this.metadata,
      data: Lazy.any({ produce: () => this.provisioningFiles() }),
    });
    this.dataVolume = this.storage._bind(this, this.metadata, 'data');

    this.deployment = new WireDeployment(this, 'Resource', {
      metadata: this.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    this.podMetadata = new ApiObjectMetadataDefinition({ apiObject: this.deployment });

    // Who reaches Grafana (and Prometheus, to scrape it); and Grafana must reach Prometheus.
    const scrapeMetrics = props.scrapeMetrics ?? true;
    if (props.networkPolicy ?? true) {
      const from = webClients(path, props.allowFrom, exposure.serviceType, 'an empty list would block every visitor');
      if (from && scrapeMetrics) from.push(podsInNamespace(connection.namespaceName, connection.podLabels));
      webIngressPolicy(this, 'NetworkPolicy', {
        metadata: this.metadata,
        selectorLabels: this.selectorLabels,
        rules: [{ from, ports: [HTTP_PORT] }],
        egress: (props.networkPolicyEgress ?? true) ? () => this.egress() : undefined,
      });
    }
    source.admitClient({
      name: path,
      namespaceName: this.namespaceName,
      podLabels: this.selectorLabels,
      podMetadata: this.podMetadata,
      serviceName: this.serviceName,
      servicePort: this.servicePort,
      scrapeJobName: scrapeMetrics ? 'grafana' : undefined,
    });

    for (const dashboard of props.dashboards ?? []) this.addDashboard(dashboard);
    const integrationDashboards = props.integrationDashboards ?? true;
    connection.content.subscribe({
      addDashboardSource: (d) => {
        if (integrationDashboards) this.provision(`Integration-${d.dashboardKey}`, () => d.produceDashboard());
      },
      addGrafanaDatasource: (d) => this.addDatasource(d),
      extendPod: (e) => this.extendPod(e),
    });
    this.node.addValidation({ validate: () => [...this.duplicates(), ...this.lateDashboardErrors()] });
    const secretNamespace = props.adminCredentials._secret?.secret.namespaceName;
    if (secretNamespace !== undefined && secretNamespace !== this.namespaceName) {
      fail(path, 'adminCredentials', `must be a Secret of Grafana's namespace '${this.namespaceName}' (a pod reads Secrets of its own namespace only), `
        + `but '${props.adminCredentials._secret!.path}' is in '${secretNamespace}'`, props.adminCredentials.secretName,
      `Create the Secret in '${this.namespaceName}', or set Grafana's metadata.namespace to '${secretNamespace}'`);
    }
    // The Secret may get its stringData after this constructor ran.
    this.node.addValidation({ validate: () => props.adminCredentials._literalPasswordProblems(path) });
    const early = props.adminCredentials._literalPasswordProblems(path);
    if (early.length > 0) throw new Error(early[0]);
  }

  /** The in-cluster URL of Grafana (`http://<service>.<namespace>.svc:<port>`). */
  public get url(): string {
    return serviceUrl(this.serviceName, this.namespaceName, this.servicePort);
  }

  /**
   * Provisions a dashboard, in a ConfigMap of its own.
   *
   * Fails if a dashboard with the same uid is provisioned already.
   */
  public addDashboard(dashboard: Dashboard): void {
    checkInstance(this.node.path, 'dashboard', requireProp(this.node.path, 'dashboard', dashboard), Dashboard, 'Use new Dashboard({ title, uid, rows })');
    const taken = this.sources.map((s) => s.produce().uid);
    if (taken.includes(dashboard.uid)) {
      fail(this.node.path, 'dashboards', 'must have unique uids (Grafana would show only one of them)', dashboard.uid,
        'Give the dashboard another uid');
    }
    this.provision(`Dashboard-${dashboard.uid}`, () => dashboard);
  }

  /** The dashboards Grafana provisions, as rendered at synthesis. */
  public get dashboards(): Dashboard[] {
    return this.sources.map((s) => s.produce());
  }

  /**
   * Mounts the ServiceAccount token in the Grafana pod (for example for a service mesh
   * sidecar that authenticates with it).
   */
  public mountServiceAccountToken(): void {
    this.tokenRequired = true;
  }

  /**
   * Provisions another data source next to the Prometheus (an integration's, such as Kuma's),
   * and installs its plugin unless `plugins` names that plugin already (the user's pin wins).
   * The same data source added twice is provisioned once; another one with the same uid fails.
   */
  private addDatasource(datasource: GrafanaDatasourceSpec): void {
    const owner = datasource.owner ?? this.node.path;
    const prop = datasource.ownerProp ?? 'grafanaDatasources';
    if (datasource.uid === this.datasourceUid) {
      fail(owner, prop, `adds the data source '${datasource.name}' with uid '${datasource.uid}', which the Prometheus data source of `
        + `${this.node.path} has`, true, 'Give the Prometheus data source another datasourceUid');
    }
    const rendered = renderDatasource(datasource, this.datasourceUid);
    const same = this.extraDatasources.find((d) => d.uid === rendered.uid);
    if (!same) {
      this.extraDatasources.push(rendered);
    } else if (JSON.stringify(same) !== JSON.stringify(rendered)) {
      fail(owner, prop, `adds the data source '${rendered.uid}' of ${rendered.url}, which ${this.node.path} provisions already for ${same.url}`,
        true, 'Provision it from one of them');
    }
    if (datasource.pluginUrl !== undefined && !this.plugins.some((p) => p.id === datasource.type)) {
      this.extraPlugins.push(GrafanaPlugin.fromUrl(datasource.type, datasource.pluginVersion ?? '', datasource.pluginUrl, datasource.pluginUnsigned ?? false));
    }
  }

  /** Applies what an integration gives the pods of the clients of its stack (a mesh's sidecar labels). */
  private extendPod(pod: PodExtension): void {
    extendPodBasics(this.node.path, {
      podMetadata: this.podMetadata,
      mountServiceAccountToken: () => this.mountServiceAccountToken(),
      allowEgress: (rules) => this.extraEgress.push(...rules),
    }, pod, false);
  }

  /** The plugins to install: `plugins`, then those integrations added. */
  private get plugins(): GrafanaPlugin[] {
    return [...this.props.plugins ?? [], ...this.extraPlugins];
  }

  /**
   * The Deployment spec.
   *
   * @internal
   */
  public _toKube(): kplus.k8s.DeploymentSpec {
    const props = this.props;
    const admin = props.adminCredentials;
    const persistent = this.storage.persistent;
    const plugins = this.plugins;
    const webAuth = this.prometheus.connection().webAuth;
    const files = this.provisioningFiles();
    const pod = this.podMetadata.toJson() ?? {};
    const env: kplus.k8s.EnvVar[] = [
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: admin.secretName, key: admin.userKey } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: admin.secretName, key: admin.passwordKey } } },
      { name: 'GF_PATHS_PROVISIONING', value: PROVISIONING_DIR },
      { name: 'GF_PATHS_DATA', value: DATA_DIR },
      // Logs to stdout only: the root filesystem is read-only.
      { name: 'GF_LOG_MODE', value: 'console' },
      // No calls home from inside the cluster.
      { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
      { name: 'GF_ANALYTICS_CHECK_FOR_UPDATES', value: 'false' },
      { name: 'GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', value: 'false' },
      ...props.anonymousAccess ? [
        { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'true' },
        { name: 'GF_AUTH_ANONYMOUS_ORG_ROLE', value: 'Viewer' },
      ] : [],
      // Installed before Grafana serves (Grafana >= 12.1), so provisioning can use them. Without
      // plugins, Grafana's default app plugins are not downloaded from grafana.com either.
      ...plugins.length > 0
        ? [{ name: 'GF_PLUGINS_PREINSTALL_SYNC', value: plugins.map((p) => p._spec).join(',') }]
        : [{ name: 'GF_PLUGINS_PREINSTALL_DISABLED', value: 'true' }],
      ...plugins.some((p) => p.unsigned)
        ? [{ name: 'GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS', value: plugins.filter((p) => p.unsigned).map((p) => p.id).join(',') }] : [],
      ...Object.entries(settingsEnv(this.node.path, props.settings ?? {}, (m) => addWarning(this, m))).map(([name, value]) => ({ name, value })),
    ];
    const resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(100) },
      memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
    };

    return {
      replicas: 1,
      selector: { matchLabels: this.selectorLabels },
      // SQLite on a ReadWriteOnce volume: one pod at a time.
      strategy: persistent ? { type: 'Recreate' } : undefined,
      template: {
        metadata: {
          labels: { ...pod.labels, ...this.selectorLabels },
          annotations: { ...pod.annotations, ...configChecksum('provisioning', files) },
        },
        spec: {
          serviceAccountName: this.serviceAccountName,
          automountServiceAccountToken: this.tokenRequired,
          securityContext: {
            ...restrictedPodSecurityContext(GRAFANA_UID, { fsGroup: true }),
            fsGroupChangePolicy: persistent ? 'OnRootMismatch' : undefined,
          },
          containers: [{
            name: 'grafana',
            image: this.image,
            env,
            ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
            readinessProbe: httpProbe('/api/health', 'http', { periodSeconds: 10 }),
            livenessProbe: httpProbe('/api/health', 'http', { periodSeconds: 15, failureThreshold: 5 }),
            // Database migrations and plugin installs on first start take a while.
            startupProbe: httpProbe('/api/health', 'http', { periodSeconds: 5, failureThreshold: 60 }),
            resources: renderResources(resources),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [
              // Only the two directories: the image's other provisioning directories stay.
              { name: 'provisioning', mountPath: `${PROVISIONING_DIR}/datasources`, subPath: 'datasources', readOnly: true },
              { name: 'provisioning', mountPath: `${PROVISIONING_DIR}/dashboards`, subPath: 'dashboards', readOnly: true },
              { name: 'dashboards', mountPath: DASHBOARDS_DIR, readOnly: true },
              { name: 'data', mountPath: DATA_DIR },
              { name: 'tmp', mountPath: '/tmp' },
              ...webAuth ? [{ name: 'prometheus-web', mountPath: PROMETHEUS_AUTH_DIR, readOnly: true }] : [],
            ],
          }],
          volumes: [
            {
              name: 'provisioning',
              configMap: {
                name: this.provisioning.name,
                items: [
                  { key: 'datasources.yaml', path: 'datasources/datasources.yaml' },
                  { key: 'dashboards.yaml', path: 'dashboards/dashboards.yaml' },
                ],
              },
            },
            {
              name: 'dashboards',
              projected: {
                sources: this.sources.map((s) => ({
                  configMap: { name: s.configMap.name, items: [{ key: DASHBOARD_KEY, path: `${s.configMap.name}.json` }] },
                })),
              },
            },
            this.dataVolume,
            { name: 'tmp', emptyDir: {} },
            // Only the client's keys: the web configuration (the hashes) stays out of Grafana.
            ...webAuth ? [{
              name: 'prometheus-web',
              secret: {
                secretName: webAuth.secretName,
                defaultMode: 0o440,
                items: [webAuth._password, ...webAuth._ca ? [webAuth._ca] : []].map((c) => ({ key: c.secretKey!, path: c.secretKey! })),
              },
            }] : [],
          ],
        },
      },
    };
  }

  /** Where Grafana connects: DNS, the stack's Prometheus, the other data sources, the plugin sources. */
  private egress(): EgressRules {
    const plugins = this.plugins;
    const connection = this.prometheus.connection();
    return {
      rules: [
        dnsEgress(),
        { to: [podsInNamespace(connection.namespaceName, connection.podLabels)], ports: tcpPorts([connection.podPort]) },
        ...this.props.queryUrl !== undefined ? [urlEgress(this.props.queryUrl)].flatMap((r) => r ?? []) : [],
        ...this.extraDatasources.flatMap((d) => urlEgress(d.url) ?? []),
        ...plugins.length > 0 ? [{ ports: tcpPorts([443]) }] : [],
        ...this.extraEgress,
      ],
      openReasons: plugins.length > 0
        ? [`the plugins ${plugins.map((p) => p.id).join(', ')} are downloaded at start, from grafana.com or their URLs (TCP 443)`] : [],
    };
  }

  /** A ConfigMap for one dashboard, its JSON rendered at synthesis. */
  private provision(id: string, produce: () => Dashboard): void {
    // Marks the dashboard ConfigMaps (Grafana mounts them itself; no sidecar looks for them). The
    // key is under the library's own prefix: Grafana defines no label of that kind.
    const configMap = new k8s.KubeConfigMap(this, id, {
      metadata: { ...this.metadata, labels: { ...this.metadata.labels, 'cdk8s-prometheus-monitoring/dashboard': '1' } },
      data: Lazy.any({
        produce: () => {
          const dashboard = produce();
          const json = JSON.stringify(dashboard.toJson(this.datasourceUid), undefined, 2);
          if (Buffer.byteLength(json) > CONFIG_MAP_MAX_BYTES) {
            fail(this.node.path, 'dashboards', `must each fit in a ConfigMap (1 MiB); '${dashboard.uid}' has ${Buffer.byteLength(json)} bytes`,
              dashboard.uid, 'Split it into smaller dashboards');
          }
          return { [DASHBOARD_KEY]: json };
        },
      }),
    });
    this.sources.push({ configMap, produce });
  }

  /** The data source and dashboard provider files. */
  private provisioningFiles(): { [file: string]: string } {
    const folder = this.props.dashboardFolder ?? 'Prometheus monitoring';
    const options = { queryUrl: this.props.queryUrl, datasourceUid: this.datasourceUid, extraDatasources: this.extraDatasources, folder };
    return provisioningFiles(this.prometheus.connection(), options);
  }

  /** Grafana shows one dashboard per uid, and warns about repeated titles in a folder. */
  private duplicates(): string[] {
    const dashboards = this.dashboards;
    return [
      ...duplicates(dashboards.map((d) => d.uid)).map((uid) => problem(this.node.path, 'dashboards',
        'must have unique uids (Grafana would show only one of them)', uid, 'Give one of them another uid')),
      ...duplicates(dashboards.map((d) => d.title)).map((title) => problem(this.node.path, 'dashboards',
        'must have unique titles (Grafana refuses a repeated title in a folder)', title, 'Give one of them another title')),
    ];
  }

  /** Dashboards whose rows got panels after they were added are checked here, with the path. */
  private lateDashboardErrors(): string[] {
    return this.dashboards.flatMap((d) => {
      try {
        d._check();
        return [];
      } catch (e) {
        return [`${this.node.path}: ${(e as Error).message}`];
      }
    });
  }
}
