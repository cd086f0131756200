// The props of a Grafana.
import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GrafanaAdminCredentials } from './credentials';
import { GrafanaPlugin } from './plugins';
import { NetworkPeer } from '../k8s/network-peer';
import { DataStorage } from '../k8s/storage';
import { Dashboard } from '../model/dashboard/dashboard';
import { IPrometheusDataSource } from '../stack/integration';

/**
 * Options of a Grafana that reads a Prometheus (`new Grafana(scope, id, { prometheus, ... })`;
 * property).
 */
export interface GrafanaOptions {
  /** The admin user and password, from a Secret in Grafana's namespace. */
  readonly adminCredentials: GrafanaAdminCredentials;
  /**
   * Metadata of Grafana's objects: `namespace` places them; labels and annotations are added
   * to every object.
   *
   * @default - the stack's namespace
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The Grafana container image.
   *
   * @default 'docker.io/grafana/grafana:12.3.0'
   */
  readonly image?: string;
  /**
   * The type of Grafana's Service.
   *
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;
  /**
   * The port of the Service.
   *
   * @default 3000
   */
  readonly servicePort?: number;
  /**
   * The node port, for the NodePort and LoadBalancer service types.
   *
   * @default - assigned by Kubernetes
   */
  readonly nodePort?: number;
  /**
   * Create a NetworkPolicy that lets only `allowFrom` reach Grafana.
   *
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Let the NetworkPolicy also restrict where Grafana connects (the Egress policy type): DNS
   * (kube-system, UDP and TCP 53), the stack's Prometheus pods (TCP 9090), the hosts of the
   * other provisioned data sources (Kuma's control plane), and, when plugins are installed,
   * TCP 443 to any address (they are downloaded at start, from grafana.com or their URLs; the
   * policy's `cdk8s-prometheus-monitoring/open-egress` annotation says so). Anything else
   * Grafana should reach (an SMTP server, alert webhooks, OAuth) needs this set to false.
   *
   * @default true (with `networkPolicy`)
   */
  readonly networkPolicyEgress?: boolean;
  /**
   * Who may reach Grafana's web port.
   *
   * @default - with a NodePort or LoadBalancer Service, every source; with a ClusterIP
   * Service, the pods of Grafana's namespace
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * Let visitors who are not logged in view dashboards (as the Viewer role).
   *
   * @default false
   */
  readonly anonymousAccess?: boolean;
  /**
   * Plugins to install at start (before Grafana serves, so provisioning can use them).
   *
   * @default - none
   */
  readonly plugins?: GrafanaPlugin[];
  /**
   * Where Grafana keeps its database (users, preferences, annotations; dashboards and the data
   * source come from the ConfigMaps, so they survive without it).
   *
   * @default DataStorage.emptyDir()
   */
  readonly storage?: DataStorage;
  /**
   * CPU and memory of the Grafana container.
   *
   * @default - requests 100m CPU and 128Mi memory, limit 512Mi memory
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Other grafana.ini settings, as `section.option` keys (`'server.root_url'`,
   * `'auth.generic_oauth.enabled'`); each becomes a `GF_SECTION_OPTION` variable. The section
   * must be one of grafana.ini's (Grafana ignores a variable for any other), so a typo such as
   * `'aut.anonymous.enabled'` fails with the nearest section. A password or secret must be a
   * reference (`$__file{/path}` or `$__env{VAR}`), never the value itself.
   *
   * @default - none
   */
  readonly settings?: { [key: string]: string };
  /**
   * Dashboards to provision besides the integrations'; more can be added with `addDashboard()`.
   *
   * @default - none
   */
  readonly dashboards?: Dashboard[];
  /**
   * Provision the dashboards of the stack and of every integration that uses it (Weave Net,
   * applications, Kuma, KrakenD).
   *
   * @default true
   */
  readonly integrationDashboards?: boolean;
  /**
   * Let the stack scrape Grafana's own metrics (job `grafana`, through its Service).
   *
   * @default true
   */
  readonly scrapeMetrics?: boolean;
  /**
   * The URL the Prometheus data source queries instead of the stack's Service: the query
   * endpoint of the store that a sharded stack writes to, such as Thanos Query or Mimir's
   * Prometheus API (`https://mimir.example.com/prometheus`). The stack's web authentication is
   * then not used; Grafana's NetworkPolicy lets it reach the URL's host.
   *
   * @default - the stack's Service
   */
  readonly queryUrl?: string;
  /**
   * The uid of the provisioned Prometheus data source, which every dashboard panel names.
   *
   * @default 'prometheus'
   */
  readonly datasourceUid?: string;
  /**
   * The folder the dashboards appear in.
   *
   * @default 'Prometheus monitoring'
   */
  readonly dashboardFolder?: string;
}

/**
 * Properties of a `Grafana`.
 */
export interface GrafanaProps extends GrafanaOptions {
  /**
   * The Prometheus Grafana reads, such as a `PrometheusStack`: its data source, and the
   * dashboards and data sources of the integrations that use it.
   */
  readonly prometheus: IPrometheusDataSource;
}
