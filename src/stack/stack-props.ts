// The props of a PrometheusStack, and the modes a server runs in.
import { ApiObjectMetadata, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PodToleration, PrometheusAffinity } from './scheduling';
import { PrometheusWebAuth } from './web-auth';
import { NetworkPeer } from '../k8s/network-peer';
import { DataStorage } from '../k8s/storage';
import { AlertmanagerEndpoint, RemoteWrite, RuleGroup, ScrapeJob } from '../model/prometheus';

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
   * `DataStorage.persistentVolumeClaim()`. Not in agent mode.
   *
   * @default - 80% of the claim with `DataStorage.persistentVolumeClaim()` (so that the
   * TSDB deletes old blocks before the volume is full); otherwise no size limit
   */
  readonly retentionSize?: Size;
  /**
   * Where the TSDB (or, in agent mode, the write-ahead log) lives.
   *
   * @default DataStorage.emptyDir()
   */
  readonly storage?: DataStorage;
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
