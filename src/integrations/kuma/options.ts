import { Duration } from 'cdk8s';
import { KumaCaBackend } from './ca-backend';
import { KumaServiceTag } from './service-tag';
import { Scheme } from '../../model/prometheus';

/**
 * Which Kuma API expresses the metrics configuration.
 */
export enum KumaPolicyApi {
  /**
   * `Mesh.spec.metrics` and the source/destination policy `TrafficPermission`, as the Traffic
   * Metrics document shows (deprecated in Kuma 2.x, removed in 3.0).
   */
  SOURCE_DESTINATION = 'sourceDestination',
  /**
   * The targetRef policies `MeshMetric` and `MeshTrafficPermission`, for Kuma 2.6 and later.
   */
  TARGET_REF = 'targetRef',
}

/**
 * How the data plane proxies' metrics endpoint uses TLS (`conf.tls.mode`; in MeshMetric,
 * `prometheus.tls.mode` with the first letter upper-cased).
 */
export enum KumaMetricsTlsMode {
  /**
   * The control plane gives the endpoint the mesh's mTLS certificates: only clients of the
   * mesh (a Prometheus with a sidecar) can scrape it. No effect while mTLS is off.
   */
  ACTIVE_MTLS_BACKEND = 'activeMTLSBackend',
  /**
   * TLS with a certificate and key given to each proxy through
   * `KUMA_DATAPLANE_RUNTIME_METRICS_CERT_PATH` and `KUMA_DATAPLANE_RUNTIME_METRICS_KEY_PATH`.
   */
  PROVIDED_TLS = 'providedTLS',
  /** Plaintext. */
  DISABLED = 'disabled',
}

/**
 * An application next to a proxy whose metrics the proxy scrapes and serves together with its
 * own (legacy `conf.aggregate[]`, MeshMetric `default.applications[]`).
 */
export interface KumaAggregateMetrics {
  /** A name that identifies the application in the configuration; unique in the mesh. */
  readonly name: string;
  /** The port the application serves its metrics on. */
  readonly metricsPort: number;
  /**
   * The HTTP path of the application's metrics.
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * The address the application listens on.
   *
   * @default - the proxy's inbound address
   */
  readonly address?: string;
  /**
   * Whether the proxy scrapes the application. A disabled entry is kept in the legacy output
   * (`enabled: false`) and left out of a MeshMetric.
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * Which Envoy metrics the proxies expose (legacy `conf.envoy`).
 */
export interface KumaEnvoyMetricsOptions {
  /**
   * Expose only the Envoy stats whose name matches this RE2 regular expression. Envoy stat
   * names (`cluster.x.upstream_rq_total`) are not Prometheus names; MeshMetric has no
   * equivalent, so this is only valid with `KumaPolicyApi.SOURCE_DESTINATION`.
   *
   * @default - every metric
   */
  readonly filterRegex?: string;
  /**
   * Expose only the metrics Envoy has updated (counters incremented at least once, gauges
   * changed, histograms added to). In a MeshMetric this is `sidecar.includeUnused: false`.
   *
   * @default false
   */
  readonly usedOnly?: boolean;
}

/**
 * mTLS settings of the mesh (`spec.mtls`).
 *
 * @see https://kuma.io/docs/latest/policies/mutual-tls/
 */
export interface KumaMtlsOptions {
  /** The certificate authority backends; at least one. */
  readonly backends: KumaCaBackend[];
  /**
   * The name of the backend in use.
   *
   * @default - the first backend
   */
  readonly enabledBackend?: string;
  /**
   * Skip the validation of the CA.
   *
   * @default false
   */
  readonly skipValidation?: boolean;
}

/**
 * Options of `KumaMetricsMesh.overrideWorkload()`: the proxy of these pods exposes its
 * metrics elsewhere than the mesh's default.
 */
export interface KumaWorkloadMetricsOptions {
  /**
   * The port the proxy serves its metrics on (`prometheus.metrics.kuma.io/port`); must not be
   * a port of the workload's containers.
   *
   * @default - the mesh's `metricsPort`
   */
  readonly metricsPort?: number;
  /**
   * The HTTP path of the proxy's metrics (`prometheus.metrics.kuma.io/path`).
   *
   * @default - the mesh's `metricsPath`
   */
  readonly metricsPath?: string;
}

/**
 * Options of `KumaMetricsMesh.addApplicationMetrics()`.
 */
export interface KumaApplicationMetricsOptions {
  /** The container port that serves the application's metrics (`prometheus.io/port`). */
  readonly metricsPort: number;
  /**
   * The HTTP path of the metrics (`prometheus.io/path`).
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * The protocol (`prometheus.io/scheme`).
   *
   * @default Scheme.HTTP
   */
  readonly scheme?: Scheme;
  /**
   * The `kuma.io/service` tag of the application's proxies. With `secureMetrics`, Prometheus
   * (inside the mesh) may only reach the application once a permission names this tag.
   *
   * @default - no permission is added (a warning is printed when `secureMetrics` is on)
   */
  readonly service?: KumaServiceTag;
}

/**
 * An inbound of a Universal data plane proxy (`networking.inbound[]`).
 */
export interface KumaDataplaneInbound {
  /** The port the proxy listens on for the service. */
  readonly portNumber: number;
  /**
   * The port of the application the proxy forwards to.
   *
   * @default - the same as `portNumber`
   */
  readonly servicePort?: number;
  /** The `kuma.io/service` tag of the inbound. */
  readonly serviceName: string;
  /**
   * More tags of the inbound (`version`, `team`, ...).
   *
   * @default - only `kuma.io/service`
   */
  readonly tags?: { [tag: string]: string };
}

/**
 * Options of `KumaMetricsMesh.addUniversalDataplane()`: a Universal `Dataplane` and the
 * metrics settings that override the mesh's for it.
 */
export interface KumaUniversalDataplaneOptions {
  /** The name of the data plane proxy; unique in the mesh. */
  readonly name: string;
  /** The address other proxies and the control plane reach the proxy at (`networking.address`). */
  readonly address: string;
  /** The services the proxy stands in front of; at least one. */
  readonly inbound: KumaDataplaneInbound[];
  /**
   * The port this proxy serves its metrics on; must not be an inbound or service port.
   *
   * @default - the mesh's `metricsPort`
   */
  readonly metricsPort?: number;
  /**
   * The HTTP path of this proxy's metrics.
   *
   * @default - the mesh's `metricsPath`
   */
  readonly metricsPath?: string;
  /**
   * Serve this proxy's metrics without mTLS. Scraping with mTLS needs a transparent proxy, which
   * Universal deployments usually do not have.
   *
   * @default - the mesh's setting
   */
  readonly skipMtls?: boolean;
}

/**
 * Options of `KumaMetricsMesh.federateTo()`.
 */
export interface KumaFederationOptions {
  /**
   * The job name on the central Prometheus.
   *
   * @default 'kuma-federate-<mesh name>'
   */
  readonly jobName?: string;
  /**
   * The series selectors to federate (`match[]`).
   *
   * @default - every series of the mesh: `{mesh="<mesh name>"}`
   */
  readonly match?: string[];
  /**
   * How often the central Prometheus federates.
   *
   * @default - the central Prometheus's scrape interval
   */
  readonly scrapeInterval?: Duration;
  /**
   * The mesh's Prometheus as `host:port`, when it is not this construct's `stack` (another
   * cluster, or a Prometheus `kumactl install observability` deployed).
   *
   * @default - the Service of the mesh's `stack`
   */
  readonly target?: string;
}
