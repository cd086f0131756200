// The one seam between a PrometheusStack and what builds on it: integrations contribute to the
// stack through `IPrometheusIntegration.bind()`, and clients such as Grafana read it through
// `IPrometheusDataSource.connect()`. Everything that crosses the seam is data.
import { ApiObjectMetadataDefinition, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { PrometheusStack } from './prometheus-stack';
import type { PrometheusWebAuth } from './web-auth';
import { NetworkPeer } from '../k8s/network-peer';
import { IDashboardSource } from '../model/dashboard/dashboard';
import { RuleGroup } from '../model/prometheus/rules';
import { ScrapeJob } from '../model/prometheus/scrape-job';

/**
 * A Grafana data source an integration provisions next to the stack's Prometheus, in Grafana's
 * provisioning format (`datasources[]` of `provisioning/datasources/*.yaml`).
 */
export interface GrafanaDatasourceSpec {
  /** The name shown in Grafana. */
  readonly name: string;
  /** The data source plugin's id, such as `kumahq-kuma-datasource`. */
  readonly type: string;
  /** A stable uid; must differ from the Prometheus data source's. */
  readonly uid: string;
  /** The URL the plugin talks to. */
  readonly url: string;
  /**
   * The plugin's own settings, arbitrary JSON as the plugin defines it. The text
   * `${PROMETHEUS_DATASOURCE_UID}` in a string value is replaced by the uid of Grafana's
   * Prometheus data source.
   *
   * @default - none
   */
  readonly jsonData?: { [key: string]: any };
  /**
   * Where Grafana downloads the plugin, when it is not built into Grafana.
   *
   * @default - the plugin is built into Grafana
   */
  readonly pluginUrl?: string;
  /**
   * The plugin's version, with `pluginUrl`.
   *
   * @default - none
   */
  readonly pluginVersion?: string;
  /**
   * Whether the plugin is unsigned, so Grafana must be told to load it.
   *
   * @default false
   */
  readonly pluginUnsigned?: boolean;
  /**
   * Who contributed the data source, for error messages (a construct path).
   *
   * @default - the integration's path
   */
  readonly owner?: string;
  /**
   * The property of the owner that asked for the data source, for error messages.
   *
   * @default 'grafanaDatasources'
   */
  readonly ownerProp?: string;
}

/**
 * What a pod gets from an integration: the Prometheus pod (`IntegrationConfig.pod`), or the pod
 * of every client that reads the stack, such as Grafana (`IntegrationConfig.clientPods`).
 */
export interface PodExtension {
  /**
   * Labels of the pod.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the pod.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Mount the pod's ServiceAccount token (a mesh sidecar authenticates with it).
   *
   * @default false
   */
  readonly serviceAccountToken?: boolean;
  /**
   * Egress rules the pod's NetworkPolicy adds (a mesh sidecar's control plane).
   *
   * @default - none
   */
  readonly egress?: kplus.k8s.NetworkPolicyEgressRule[];
  /**
   * The pod joins a service mesh with strict mTLS, which refuses clients outside the mesh: why,
   * in a few words (`joins the Kuma mesh 'default' (chart/mesh) with STRICT mTLS`). The
   * Prometheus Service then defaults to ClusterIP.
   *
   * @default - the pod is not in a strict-mTLS mesh
   */
  readonly strictMtlsMesh?: string;
  /**
   * Containers added beside the main one (a discovery helper).
   *
   * @default - none
   */
  readonly containers?: kplus.ContainerProps[];
  /**
   * Volumes mounted into the main container, by absolute path.
   *
   * @default - none
   */
  readonly volumes?: VolumeMount[];
}

/** A volume mounted at a path. */
export interface VolumeMount {
  /** The absolute path in the container. */
  readonly path: string;
  /** The volume. */
  readonly volume: kplus.Volume;
}

/** What an integration contributes to a stack. Every field is optional. */
export interface IntegrationConfig {
  /**
   * Scrape jobs.
   *
   * @default - none
   */
  readonly scrapeJobs?: ScrapeJob[];
  /**
   * Rule groups.
   *
   * @default - none
   */
  readonly ruleGroups?: RuleGroup[];
  /**
   * Dashboards that the stack's Grafana provisions.
   *
   * @default - none
   */
  readonly dashboards?: IDashboardSource[];
  /**
   * Data sources that the stack's Grafana provisions.
   *
   * @default - none
   */
  readonly grafanaDatasources?: GrafanaDatasourceSpec[];
  /**
   * Peers the stack's NetworkPolicy admits to the web port.
   *
   * @default - none
   */
  readonly admit?: NetworkPeer[];
  /**
   * What the Prometheus pod gets.
   *
   * @default - nothing
   */
  readonly pod?: PodExtension;
  /**
   * What the pod of every client of the stack (Grafana) gets, now or when it connects: labels,
   * annotations, its token and egress (a client refuses containers and volumes).
   *
   * @default - nothing
   */
  readonly clientPods?: PodExtension;
  /**
   * Told of every client of the stack, those admitted so far and those to come (a mesh lets
   * them reach Prometheus through its permissions).
   *
   * @default - none
   */
  readonly clientObserver?: IPrometheusClientObserver;
}

/** Learns of the clients of a stack (`IntegrationConfig.clientObserver`). */
export interface IPrometheusClientObserver {
  /** Called once for each client the stack admits. */
  clientAdmitted(client: PrometheusClient): void;
}

/**
 * Something that monitors through a `PrometheusStack`: Weave Net, applications, a Kuma mesh, a
 * KrakenD gateway, or your own. `stack.addIntegration(integration)` calls `bind()` once.
 */
export interface IPrometheusIntegration extends IConstruct {
  /** Returns what the integration contributes to `stack`. */
  bind(stack: PrometheusStack): IntegrationConfig;
}

/** A client of a Prometheus stack's web API, such as Grafana. */
export interface PrometheusClient {
  /** The client's construct path, for messages. */
  readonly name: string;
  /** The namespace of the client's pods. */
  readonly namespaceName: string;
  /** The labels that select the client's pods. */
  readonly podLabels: { [key: string]: string };
  /**
   * The metadata of the client's pod template, which integrations extend (a mesh adds its
   * sidecar labels).
   */
  readonly podMetadata: ApiObjectMetadataDefinition;
  /**
   * The client's Service, for integrations that name it (a mesh's permissions).
   *
   * @default - the client has no Service
   */
  readonly serviceName?: string;
  /**
   * The port of the client's Service.
   *
   * @default - the client has no Service
   */
  readonly servicePort?: number;
  /**
   * The name of a job that scrapes the client's metrics through its Service, which the stack
   * adds (and admits the client's ingress policy for).
   *
   * @default - the stack does not scrape the client
   */
  readonly scrapeJobName?: string;
}

/**
 * How a client reaches a Prometheus stack. Fields are added as the stack learns to serve more
 * (credentials, the query endpoint of replicas or shards); each is optional or has a default.
 */
export interface PrometheusConnection {
  /** The URL of the web API, such as `http://prometheus.monitoring.svc:9090`. */
  readonly url: string;
  /** The scrape interval of the stack, which dashboards' rate windows build on. */
  readonly scrapeInterval: Duration;
  /** The Prometheus version, from the image tag (`3.5.0`). */
  readonly version: string;
  /** The namespace of the Prometheus pods. */
  readonly namespaceName: string;
  /** The labels that select the Prometheus pods. */
  readonly podLabels: { [key: string]: string };
  /** The port of the web API on the pods. */
  readonly podPort: number;
  /**
   * The web authentication of the Prometheus server: the client logs in with its password and
   * verifies its certificate.
   *
   * @default - no authentication
   */
  readonly webAuth?: PrometheusWebAuth;
  /** What integrations contribute for the client to show: dashboards and data sources. */
  readonly content: IPrometheusContent;
  /**
   * How many servers split the targets behind `url`. With more than one, each holds part of the
   * series, and a query through `url` answers from one of them: clients should read the store
   * the shards write to.
   *
   * @default 1
   */
  readonly shards?: number;
}

/**
 * What a stack's integrations contribute for its clients, told to a subscriber as it comes:
 * integrations may bind before or after the client connects.
 */
export interface IPrometheusContent {
  /** Tells `subscriber` of every contribution so far, and of each one to come. */
  subscribe(subscriber: IPrometheusContentSubscriber): void;
}

/** A client that shows what a stack's integrations contribute (Grafana). */
export interface IPrometheusContentSubscriber {
  /** A dashboard to provision; one call per `dashboardKey`. */
  addDashboardSource(source: IDashboardSource): void;
  /** A data source to provision. */
  addGrafanaDatasource(datasource: GrafanaDatasourceSpec): void;
  /** What the client's pod gets. */
  extendPod(extension: PodExtension): void;
}

/** A Prometheus that clients such as Grafana read. `PrometheusStack` is one. */
export interface IPrometheusDataSource {
  /** How a client reaches this Prometheus. */
  connection(): PrometheusConnection;
  /**
   * Admits `client`: the NetworkPolicy lets its pods reach the web port and, with
   * `scrapeJobName`, the stack scrapes it.
   */
  admitClient(client: PrometheusClient): void;
}
