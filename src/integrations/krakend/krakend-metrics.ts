import { ApiObjectMetadata, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type * as DashboardModule from './dashboard';
import { buildGatewayConfig } from './gateway-config';
import { KrakendGateways } from './gateways';
import { KrakendConfig } from './krakend-config';
import { migrateBlock, migrateConfig } from './opencensus';
import { KrakendTelemetry } from './telemetry';
import { checkBoolean, checkInstance, checkMetadata, checkRenamed, checkStruct, fail } from '../../core/checks';
import { checkDnsLabel, checkNonEmpty, checkPort, millis } from '../../core/formats';
import { NetworkPeer } from '../../k8s/network-peer';
import { allowedPeers, podsInNamespace, podsInNamespacesLabelled } from '../../k8s/network-policy';
import { checkObjectNames } from '../../k8s/object-names';
import { httpProbe, namespaceOf, renderResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../k8s/pod';
import { configChecksum, webIngressPolicy, webMetadata, webSelectorLabels, webService } from '../../k8s/web-workload';
import { WireDeployment } from '../../k8s/wire';
import { Dashboard } from '../../model/dashboard/dashboard';
import { KubernetesRole, Relabel, ScrapeJob, ServiceDiscovery } from '../../model/prometheus';
import { libraryQueries } from '../../model/prometheus/promql';
import { checkLabelMap, checkTimeoutWithinInterval, promDuration } from '../../model/prometheus/validate';
import { checkBinding, checkStack } from '../../stack/check-stack';
import { lazyDashboard } from '../../stack/content';
import { IntegrationConfig, IPrometheusIntegration } from '../../stack/integration';
import { PrometheusStack } from '../../stack/prometheus-stack';

const k8s = kplus.k8s;

/** Where the ConfigMap with krakend.json is mounted: the image's working directory and default `-c` path. */
const CONFIG_DIR = '/etc/krakend';
const CONFIG_FILE = 'krakend.json';
/** The user and group of the official KrakenD image. */
const KRAKEND_UID = 1000;
const API_PORT_NAME = 'http';
const METRICS_PORT_NAME = 'metrics';
/** Target labels the job sets itself. */
const RESERVED_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'service']);

/**
 * The result of an OpenCensus-to-OpenTelemetry migration.
 */
export interface OpenCensusMigration {
  /**
   * The migrated `telemetry/opentelemetry` block (from `migrateOpenCensus`) or the whole
   * migrated configuration (from `migrateOpenCensusConfig`), as plain JSON.
   */
  readonly result: { [key: string]: any };
  /** The settings that were removed, as paths in the input (`sample_rate`, `exporters.prometheus.tag_host`). */
  readonly dropped: string[];
  /** What needs attention after the migration (removed exporters, a default exporter name, renamed metrics). */
  readonly notes: string[];
}

/**
 * Properties of `KrakendMetrics`.
 */
export interface KrakendMetricsProps {
  /**
   * The Prometheus server that scrapes the gateways: the scrape job is added to it, and it
   * derives the RBAC of the job's discovery (a Role in the gateways' namespace).
   *
   * @default - no job is added; add `scrapeJob` to any Prometheus configuration
   */
  readonly stack?: PrometheusStack;
  /**
   * Which gateways are monitored: deployed by this construct, or running elsewhere.
   *
   * @default KrakendGateways.deploy()
   */
  readonly gateways?: KrakendGateways;
  /**
   * The KrakenD configuration (endpoints, backends, other `extra_config`), kept as it is;
   * the telemetry is merged into it.
   *
   * @default KrakendConfig.fromObject({ version: 3 })
   */
  readonly config?: KrakendConfig;
  /**
   * The `telemetry/opentelemetry` settings merged into `config`.
   *
   * @default new KrakendTelemetry(): one Prometheus exporter on port 9091, unless `config`
   * already has one
   */
  readonly telemetry?: KrakendTelemetry;
  /**
   * The port of the API (the configuration's root `port`).
   *
   * @default - the configuration's `port`, else 8080 (KrakenD's default)
   */
  readonly apiPort?: number;
  /**
   * Metadata of the gateway objects: `namespace` places them; labels and annotations are
   * added to each. Only for deployed gateways.
   *
   * @default - the chart's namespace, or 'default'
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The name of the scrape job, the `job` label of the gateways' series; unique per stack.
   *
   * @default 'krakend'
   */
  readonly jobName?: string;
  /**
   * How often the gateways are scraped.
   *
   * @default Duration.seconds(5) (as in KrakenD's documentation)
   */
  readonly scrapeInterval?: Duration;
  /**
   * How long a scrape may take; at most `scrapeInterval`.
   *
   * @default - the stack's scrape timeout, capped at `scrapeInterval`
   */
  readonly scrapeTimeout?: Duration;
  /**
   * Labels added to every target of the job, such as `{ app: 'kotel_example' }`.
   *
   * @default - none
   */
  readonly staticLabels?: { [name: string]: string };
  /**
   * Create a NetworkPolicy for deployed gateways: the API port stays open to every source,
   * the exporter port only to `metricsAllowFrom`.
   *
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Who may read the exporter port of deployed gateways.
   *
   * @default - the stack's Prometheus pods when `stack` is given, else the namespaces
   * labelled `component: monitoring`
   */
  readonly metricsAllowFrom?: NetworkPeer[];
}

/**
 * KrakenD API gateways with their Prometheus exporter: the `telemetry/opentelemetry`
 * configuration, the gateways on Kubernetes, and the scrape job.
 *
 * The exporter port comes from one place, the telemetry configuration: the container port,
 * the Service port and the scrape job are derived from it, so they cannot disagree. Deployed
 * gateways get a ConfigMap with krakend.json (mounted at /etc/krakend), a Deployment (probes on
 * the health endpoint, restricted security context, a checksum that rolls the pods when the
 * configuration changes), a Service with the `http` and `metrics` ports and a NetworkPolicy;
 * Prometheus finds them through the Service's EndpointSlices in their namespace. External
 * gateways are scraped at fixed addresses, as in KrakenD's documentation.
 *
 * @see https://www.krakend.io/docs/telemetry/prometheus/
 */
export class KrakendMetrics extends Construct implements IPrometheusIntegration {
  /**
   * Migrates a legacy `telemetry/opencensus` block to `telemetry/opentelemetry`, following
   * KrakenD's rules: `sample_rate` is removed, `reporting_period` becomes
   * `metric_reporting_period`, `exporters.prometheus` becomes a list, its `namespace` becomes
   * `name`, and the `tag_*` settings are removed. Other OpenCensus exporters have no
   * equivalent and are removed too; `dropped` and `notes` say what was left out.
   *
   * @param block the value of `extra_config["telemetry/opencensus"]`, as plain JSON
   * @see https://www.krakend.io/docs/telemetry/prometheus/
   */
  public static migrateOpenCensus(block: { [key: string]: any }): OpenCensusMigration {
    return migrateBlock('KrakendMetrics.migrateOpenCensus', block);
  }

  /**
   * Migrates a whole KrakenD configuration: its `telemetry/opencensus` block is replaced, in
   * place, by the `telemetry/opentelemetry` block `migrateOpenCensus` gives; every other key is
   * kept. Also available as `npx cdk8s-prometheus-monitoring migrate-krakend krakend.json`.
   *
   * @param config a krakend.json (`version: 3`), as plain JSON
   */
  public static migrateOpenCensusConfig(config: { [key: string]: any }): OpenCensusMigration {
    return migrateConfig('KrakendMetrics.migrateOpenCensusConfig', config);
  }

  /** The name of the scrape job. */
  public readonly jobName: string;
  /** The scrape job of the gateways (already added to `stack` when one was given). */
  public readonly scrapeJob: ScrapeJob;
  /** The port of the API. */
  public readonly apiPort: number;
  /** The port of the scraped Prometheus exporter. */
  public readonly exporterPort: number;
  /** The name of the scraped Prometheus exporter. */
  public readonly exporterName: string;
  /** The KrakenD configuration the gateways run with (krakend.json). */
  public readonly configJson: string;
  /**
   * The dashboard of this job's gateways, per gateway and endpoint: requests, status codes and
   * latency to clients, the proxy stage, each backend, and the round trip to each backend host.
   * Its metric names follow the configuration's `layers.global.semantic_convention`. The stack's
   * Grafana provisions it; add it to another Grafana with `addDashboard()`.
   */
  public get dashboard(): Dashboard {
    // Built, and its module loaded, on first use: many apps have no Grafana.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { krakendDashboard } = require('./dashboard') as typeof DashboardModule;
    return this.builtDashboard ??= libraryQueries(() => krakendDashboard(this.jobName, this.scrapeInterval, this.semanticConvention));
  }
  /**
   * The namespace of the gateway objects.
   *
   * @default - none: the gateways are external
   */
  public readonly namespaceName?: string;
  /**
   * The name of the gateways' Service.
   *
   * @default - none: the gateways are external
   */
  public readonly serviceName?: string;
  /**
   * The name of the ConfigMap with krakend.json.
   *
   * @default - none: the gateways are external
   */
  public readonly configMapName?: string;
  /**
   * The Deployment of the gateways.
   *
   * @default - none: the gateways are external
   */
  public readonly deployment?: kplus.k8s.KubeDeployment;
  private readonly scrapeInterval: Duration;
  private readonly semanticConvention: string;
  private builtDashboard?: Dashboard;

  private readonly stack?: PrometheusStack;

  constructor(scope: Construct, id: string, props: KrakendMetricsProps = {}) {
    super(scope, id);
    checkObjectNames(this);
    const path = this.node.path;
    checkStruct(path, 'props', props);
    checkRenamed(path, props, { targetLabels: 'staticLabels' });
    checkStack(path, 'stack', props.stack);
    checkInstance(path, 'gateways', props.gateways, KrakendGateways, 'Use KrakendGateways.deploy({...}) or KrakendGateways.external({ targets })');
    checkInstance(path, 'config', props.config, KrakendConfig, 'Use KrakendConfig.fromFile(path) or KrakendConfig.fromObject(json)');
    checkInstance(path, 'telemetry', props.telemetry, KrakendTelemetry, 'Use new KrakendTelemetry({...})');
    checkMetadata(path, 'metadata', props.metadata);
    checkBoolean(path, 'networkPolicy', props.networkPolicy);

    const gateways = props.gateways ?? KrakendGateways.deploy();
    if (props.apiPort !== undefined) checkPort(path, 'apiPort', props.apiPort);
    const gw = buildGatewayConfig(path, props.config ?? KrakendConfig.fromObject({ version: KrakendConfig.VERSION }),
      props.telemetry ?? new KrakendTelemetry(), props.apiPort);
    this.apiPort = gw.apiPort;
    this.exporterPort = gw.exporter.port;
    this.exporterName = gw.exporter.name;
    this.configJson = `${JSON.stringify(gw.json, undefined, 2)}\n`;

    this.jobName = checkNonEmpty(path, 'jobName', props.jobName ?? 'krakend');
    const staticLabels = props.staticLabels ?? {};
    checkLabelMap(path, 'staticLabels', staticLabels);
    for (const name of Object.keys(staticLabels)) {
      if (RESERVED_LABELS.has(name) || name.startsWith('__')) {
        fail(path, `staticLabels.${name}`, `must not be one of the labels the job sets itself (${[...RESERVED_LABELS].join(', ')}, __*)`, name);
      }
    }
    const scrapeInterval = props.scrapeInterval ?? Duration.seconds(5);
    promDuration(path, 'scrapeInterval', scrapeInterval);
    if (props.scrapeTimeout) promDuration(path, 'scrapeTimeout', props.scrapeTimeout);
    checkTimeoutWithinInterval(path, 'scrapeTimeout', props.scrapeTimeout && millis(props.scrapeTimeout), millis(scrapeInterval));
    const timing = { jobName: this.jobName, scrapeInterval, scrapeTimeout: props.scrapeTimeout, metricsPath: '/metrics' };

    if (gateways._deploy) {
      const deploy = gateways._deploy;
      const listenIp = gw.exporter.listenIp;
      if (listenIp !== undefined && !['', '0.0.0.0', '::'].includes(listenIp)) {
        fail(path, gw.exporter.listenProp, 'must listen on every interface (0.0.0.0 or ::) for Prometheus to reach the pods', listenIp);
      }
      if (gw.healthPath === undefined) {
        fail(path, 'config.extra_config.router.disable_health', 'must not be true: the probes of the gateway pods use the health endpoint', true);
      }
      if (props.metadata?.name !== undefined) {
        fail(path, 'metadata.name', 'is derived from the construct path for each object; it cannot be set', props.metadata.name);
      }
      const namespace = checkDnsLabel(path, 'metadata.namespace', namespaceOf(this, props.metadata?.namespace));
      const selectorLabels = webSelectorLabels(this, 'krakend');
      const metadata = webMetadata(path, namespace, props.metadata, selectorLabels, 'gateway');

      const configMap = new k8s.KubeConfigMap(this, 'ConfigMap', { metadata, data: { [CONFIG_FILE]: this.configJson } });
      this.deployment = new WireDeployment(this, 'Resource', {
        metadata,
        spec: {
          replicas: deploy.replicas,
          selector: { matchLabels: selectorLabels },
          template: {
            metadata: {
              labels: selectorLabels,
              annotations: configChecksum('config', this.configJson),
            },
            spec: {
              // KrakenD does not talk to the Kubernetes API.
              automountServiceAccountToken: false,
              securityContext: restrictedPodSecurityContext(KRAKEND_UID),
              containers: [{
                name: 'krakend',
                image: deploy.image,
                args: ['run', '-c', `${CONFIG_DIR}/${CONFIG_FILE}`],
                ports: [
                  { name: API_PORT_NAME, containerPort: this.apiPort, protocol: 'TCP' },
                  { name: METRICS_PORT_NAME, containerPort: this.exporterPort, protocol: 'TCP' },
                ],
                readinessProbe: httpProbe(gw.healthPath, API_PORT_NAME, { periodSeconds: 5 }),
                livenessProbe: httpProbe(gw.healthPath, API_PORT_NAME, { periodSeconds: 15 }),
                resources: renderResources(deploy.resources ?? {
                  cpu: { request: kplus.Cpu.millis(100) },
                  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
                }),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }],
              }],
              volumes: [{ name: 'config', configMap: { name: configMap.name } }],
            },
          },
        },
      });
      const service = webService(this, 'Service', {
        metadata,
        selectorLabels,
        ports: [{ name: API_PORT_NAME, port: this.apiPort }, { name: METRICS_PORT_NAME, port: this.exporterPort }],
      });

      if (props.networkPolicy ?? true) {
        const allowed = allowedPeers(path, 'metricsAllowFrom', props.metricsAllowFrom, 'an empty list would block every scrape');
        // The stack's own Prometheus may always scrape the gateways it was given.
        const stackPods = props.stack ? [podsInNamespace(props.stack.namespaceName, props.stack.selectorLabels)] : [];
        const scrapers = allowed
          ? [...allowed, ...stackPods]
          : (props.stack ? stackPods : [podsInNamespacesLabelled({ component: 'monitoring' })]);
        webIngressPolicy(this, 'NetworkPolicy', {
          metadata,
          selectorLabels,
          rules: [
            // The API is the gateway's purpose: every source may call it.
            { ports: [this.apiPort] },
            { from: scrapers, ports: [this.exporterPort] },
          ],
        });
      }

      this.namespaceName = namespace;
      this.serviceName = service.name;
      this.configMapName = configMap.name;
      this.scrapeJob = new ScrapeJob({
        ...timing,
        // The EndpointSlices of this Service only, in its namespace: the stack grants a Role there.
        discovery: [ServiceDiscovery.kubernetes({
          role: KubernetesRole.ENDPOINT_SLICE,
          namespaces: [namespace],
          selectors: [{ role: KubernetesRole.ENDPOINT_SLICE, label: `kubernetes.io/service-name=${service.name}` }],
        })],
        relabelConfigs: [
          Relabel.keep({
            sourceLabels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
            regex: `${service.name};${METRICS_PORT_NAME}`,
          }),
          Relabel.replace({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
          Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
          Relabel.replace({ sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: 'service' }),
          // A literal value: '$' is escaped so that it is not read as a group reference.
          ...Object.entries(staticLabels).map(([name, value]) => Relabel.replace({ targetLabel: name, replacement: value.replace(/\$/g, '$$$$') })),
        ],
      });
    } else {
      if (props.metadata !== undefined) fail(path, 'metadata', 'applies to deployed gateways only (gateways are external)', props.metadata);
      if (props.networkPolicy !== undefined) fail(path, 'networkPolicy', 'applies to deployed gateways only (gateways are external)', props.networkPolicy);
      if (props.metricsAllowFrom !== undefined) {
        fail(path, 'metricsAllowFrom', 'applies to deployed gateways only (gateways are external)', `${props.metricsAllowFrom.length} peer(s)`);
      }
      const targets = gateways._targets!.map((t) => {
        if (t.port !== undefined && t.port !== this.exporterPort) {
          fail(path, `gateways.${t.prop}`, `must use the exporter port ${this.exporterPort} (${gw.exporter.source}.port) or no port`, t.text,
            `Write '${t.host}' or '${t.host}:${this.exporterPort}'`);
        }
        return `${t.host}:${this.exporterPort}`;
      });
      this.scrapeJob = new ScrapeJob({
        ...timing,
        discovery: [ServiceDiscovery.staticTargets({ targets, labels: Object.keys(staticLabels).length > 0 ? staticLabels : undefined })],
      });
    }

    this.scrapeInterval = scrapeInterval;
    this.semanticConvention = gw.semanticConvention;
    this.stack = props.stack;
    props.stack?.addIntegration(this);
  }

  /** Contributes the exporter's job and the KrakenD dashboard. */
  public bind(stack: PrometheusStack): IntegrationConfig {
    checkBinding(`${this.node.path}.bind()`, stack, this.stack ? [this.stack] : []);
    return { scrapeJobs: [this.scrapeJob], dashboards: [lazyDashboard(`krakend-${this.jobName}`, () => this.dashboard)] };
  }
}
