import { Duration } from 'cdk8s';

/**
 * A Prometheus exporter of KrakenD's OpenTelemetry integration: a port on each gateway that
 * serves `/metrics`.
 *
 * @see https://www.krakend.io/docs/telemetry/prometheus/
 */
export interface KrakendPrometheusExporterOptions {
  /** A name that identifies the exporter, unique among the exporters of the gateway. */
  readonly name: string;
  /**
   * The port of `/metrics`. Always written to the configuration, so KrakenD's own default
   * (9090, the port of Prometheus itself) never applies.
   *
   * @default 9091
   */
  readonly port?: number;
  /**
   * The address the exporter listens on, IPv4 or IPv6.
   *
   * Written as `host` (IPv6 in brackets), the key KrakenD 2.12.1 reads: its OpenTelemetry
   * integration (krakend-otel v0.13.0) listens on `host:port`. KrakenD's JSON schema names this
   * setting `listen_ip` and rejects `host`, but that release ignores `listen_ip` and would listen
   * on every interface. So a configuration with `listenIp` works but fails
   * `krakend check --lint`; leave it out (every interface) to keep it lint-clean. Deployed
   * gateways must listen on every interface anyway, for Prometheus to reach the pods.
   *
   * @default - every interface (no key is written)
   */
  readonly listenIp?: string;
  /**
   * Export metrics of the process: CPU, memory, file descriptors (`process_metrics`).
   *
   * @default true
   */
  readonly processMetrics?: boolean;
  /**
   * Export metrics of the Go runtime: garbage collection, goroutines (`go_metrics`).
   *
   * @default true
   */
  readonly goMetrics?: boolean;
  /**
   * Declare the exporter but export nothing (`disable_metrics`).
   *
   * @default false
   */
  readonly disableMetrics?: boolean;
}

/**
 * The `global` layer: the requests between clients and KrakenD.
 */
export interface KrakendGlobalLayerOptions {
  /**
   * Stop the metrics of this layer.
   *
   * @default false
   */
  readonly disableMetrics?: boolean;
  /**
   * Stop the traces of this layer.
   *
   * @default false
   */
  readonly disableTraces?: boolean;
  /**
   * Ignore the trace context clients send, so KrakenD's traces never continue theirs.
   *
   * @default false
   */
  readonly disablePropagation?: boolean;
  /**
   * Add the request headers to the traces.
   *
   * @default false
   */
  readonly reportHeaders?: boolean;
  /**
   * Attributes (labels) added to the metrics of this layer.
   *
   * @default - none
   */
  readonly metricsStaticAttributes?: { [key: string]: string };
  /**
   * Attributes added to the traces of this layer.
   *
   * @default - none
   */
  readonly tracesStaticAttributes?: { [key: string]: string };
  /**
   * The names of the HTTP metrics (`semantic_convention`). The dashboard follows it.
   *
   * @default KrakendSemanticConvention.ORIGINAL
   */
  readonly semanticConvention?: KrakendSemanticConvention;
}

/**
 * The OpenTelemetry semantic convention KrakenD names its HTTP metrics after
 * (`layers.global.semantic_convention`).
 *
 * @see https://www.krakend.io/docs/telemetry/opentelemetry/
 */
export enum KrakendSemanticConvention {
  /**
   * The names from before 1.27: `http_server_duration`, `http_client_duration` (no unit suffix).
   * KrakenD's default.
   */
  ORIGINAL = '',
  /**
   * The names of semantic convention 1.27: `http_server_request_duration_seconds`,
   * `http_client_request_duration_seconds`.
   */
  V1_27 = '1.27',
}

/**
 * The `proxy` layer: merging, transformations and the fan-out to backends of each endpoint.
 */
export interface KrakendProxyLayerOptions {
  /**
   * Stop the metrics of this layer.
   *
   * @default false
   */
  readonly disableMetrics?: boolean;
  /**
   * Stop the traces of this layer.
   *
   * @default false
   */
  readonly disableTraces?: boolean;
  /**
   * Add the headers that reach the proxy layer to the traces.
   *
   * @default false
   */
  readonly reportHeaders?: boolean;
  /**
   * Attributes (labels) added to the metrics of this layer.
   *
   * @default - none
   */
  readonly metricsStaticAttributes?: { [key: string]: string };
  /**
   * Attributes added to the traces of this layer.
   *
   * @default - none
   */
  readonly tracesStaticAttributes?: { [key: string]: string };
}

/**
 * The metrics of the `backend` layer.
 *
 * When this block is declared, every option is off unless set here; when it is not, KrakenD
 * reports the stage, round-trip, payload and connection metrics.
 */
export interface KrakendBackendMetricsOptions {
  /**
   * Stop every metric of the backend layer.
   *
   * @default false
   */
  readonly disableStage?: boolean;
  /**
   * Report the HTTP request to the backend itself (latency, size, status code).
   *
   * @default false
   */
  readonly roundTrip?: boolean;
  /**
   * Report the reading of the response body.
   *
   * @default false
   */
  readonly readPayload?: boolean;
  /**
   * Report connection details: DNS, TLS handshake, getting a connection.
   *
   * @default false
   */
  readonly detailedConnection?: boolean;
  /**
   * Attributes (labels) added to these metrics.
   *
   * @default - none
   */
  readonly staticAttributes?: { [key: string]: string };
}

/**
 * The traces of the `backend` layer.
 *
 * When this block is declared, every option is off unless set here; when it is not, KrakenD
 * traces the stage, round trip, payload and connection.
 */
export interface KrakendBackendTracesOptions {
  /**
   * Stop every span of the backend layer.
   *
   * @default false
   */
  readonly disableStage?: boolean;
  /**
   * Trace the HTTP request to the backend itself.
   *
   * @default false
   */
  readonly roundTrip?: boolean;
  /**
   * Trace the reading of the response body.
   *
   * @default false
   */
  readonly readPayload?: boolean;
  /**
   * Trace connection details: DNS, TLS handshake, getting a connection.
   *
   * @default false
   */
  readonly detailedConnection?: boolean;
  /**
   * Add the headers sent to the backend to the spans.
   *
   * @default false
   */
  readonly reportHeaders?: boolean;
  /**
   * Attributes added to these spans.
   *
   * @default - none
   */
  readonly staticAttributes?: { [key: string]: string };
}

/**
 * The `backend` layer: the requests between KrakenD and each backend.
 */
export interface KrakendBackendLayerOptions {
  /**
   * What is measured.
   *
   * @default - KrakenD's defaults: stage, round-trip, payload and connection metrics
   */
  readonly metrics?: KrakendBackendMetricsOptions;
  /**
   * What is traced.
   *
   * @default - KrakenD's defaults: stage, round trip, payload and connection
   */
  readonly traces?: KrakendBackendTracesOptions;
}

/**
 * Properties of `KrakendTelemetry`: the `extra_config["telemetry/opentelemetry"]` block of a
 * KrakenD configuration.
 *
 * @see https://www.krakend.io/docs/telemetry/opentelemetry/
 */
export interface KrakendTelemetryProps {
  /**
   * The name the gateway reports as (`service_name`).
   *
   * @default - the configuration's root `name`, else 'KrakenD'
   */
  readonly serviceName?: string;
  /**
   * The version the gateway reports (`service_version`), for deployment tracking.
   *
   * @default - none
   */
  readonly serviceVersion?: string;
  /**
   * The environment the gateway reports (`deploy_env`), such as 'production'.
   *
   * @default - none
   */
  readonly deployEnv?: string;
  /**
   * How often metrics are pushed (`metric_reporting_period`), in whole seconds. Only OTLP
   * exporters push; Prometheus pulls at its own scrape interval.
   *
   * @default - KrakenD's default, 30 seconds
   */
  readonly metricReportingPeriod?: Duration;
  /**
   * The share of requests traced (`trace_sample_rate`), from 0 to 1.
   *
   * @default - KrakenD's default, 1 (every request)
   */
  readonly traceSampleRate?: number;
  /**
   * Endpoints not reported (`skip_paths`), written as in the endpoint definitions
   * (`/foo/{bar}`). This replaces KrakenD's own list: include '/__health' to keep the probes
   * out of the metrics; `['']` skips nothing.
   *
   * @default - KrakenD's default: /__health, /__debug/, /__echo/, /__stats/
   */
  readonly skipPaths?: string[];
  /**
   * The Prometheus exporters (`exporters.prometheus`).
   *
   * @default - one exporter named 'prometheus' on port 9091, unless the configuration the
   * telemetry is merged into already has a Prometheus exporter
   */
  readonly prometheusExporters?: KrakendPrometheusExporterOptions[];
  /**
   * The `global` layer (`layers.global`).
   *
   * @default - KrakenD's defaults: metrics, traces and propagation on
   */
  readonly globalLayer?: KrakendGlobalLayerOptions;
  /**
   * The `proxy` layer (`layers.proxy`).
   *
   * @default - KrakenD's defaults: metrics and traces on
   */
  readonly proxyLayer?: KrakendProxyLayerOptions;
  /**
   * The `backend` layer (`layers.backend`).
   *
   * @default - KrakenD's defaults: every backend metric and trace on
   */
  readonly backendLayer?: KrakendBackendLayerOptions;
}
