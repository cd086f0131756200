import { isIP } from 'net';
import { Duration } from 'cdk8s';
import { JsonObject } from './json';
import { checkArray, checkBoolean, checkDuration, checkEnum, checkString, checkStringArray, checkStringMap, checkStruct, checkUnique, fail } from '../../core/checks';
import { checkNonEmpty, checkPort, compact } from '../../core/formats';

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

/**
 * The `telemetry/opentelemetry` settings of a KrakenD gateway, with at least one Prometheus
 * exporter.
 *
 * `KrakendMetrics` merges them into the KrakenD configuration it is given; `toJson()` returns
 * the block alone, for gateways configured by other means.
 *
 * @see https://www.krakend.io/docs/telemetry/opentelemetry/
 */
export class KrakendTelemetry {
  /** The port of the default Prometheus exporter. */
  public static readonly DEFAULT_EXPORTER_PORT = 9091;
  /** The name of the default Prometheus exporter. */
  public static readonly DEFAULT_EXPORTER_NAME = 'prometheus';

  private readonly props: KrakendTelemetryProps;

  constructor(props: KrakendTelemetryProps = {}) {
    const where = 'KrakendTelemetry';
    checkStruct(where, 'props', props);
    checkDuration(where, 'metricReportingPeriod', props.metricReportingPeriod);
    checkStringArray(where, 'skipPaths', props.skipPaths);
    checkArray(where, 'prometheusExporters', props.prometheusExporters, (w, p, e: KrakendPrometheusExporterOptions) => {
      checkStruct(w, p, e, true);
      checkString(w, `${p}.name`, e.name);
      checkString(w, `${p}.listenIp`, e.listenIp);
      for (const flag of ['disableMetrics', 'goMetrics', 'processMetrics'] as const) checkBoolean(w, `${p}.${flag}`, e[flag]);
    });
    const layers = {
      'globalLayer': checkStruct(where, 'globalLayer', props.globalLayer),
      'proxyLayer': checkStruct(where, 'proxyLayer', props.proxyLayer),
      'backendLayer.metrics': checkStruct(where, 'backendLayer.metrics', checkStruct(where, 'backendLayer', props.backendLayer)?.metrics),
      'backendLayer.traces': checkStruct(where, 'backendLayer.traces', props.backendLayer?.traces),
    };
    for (const [name, layer] of Object.entries(layers) as Array<[string, { [key: string]: unknown } | undefined]>) {
      for (const [key, value] of Object.entries(layer ?? {})) {
        if (/StaticAttributes$|^staticAttributes$/.test(key)) checkStringMap(where, `${name}.${key}`, value as { [key: string]: string });
        else if (key !== 'semanticConvention') checkBoolean(where, `${name}.${key}`, value as boolean);
      }
    }
    checkEnum(where, 'globalLayer.semanticConvention', props.globalLayer?.semanticConvention, KrakendSemanticConvention, 'KrakendSemanticConvention');
    if (props.serviceName !== undefined) checkNonEmpty(where, 'serviceName', props.serviceName);
    if (props.serviceVersion !== undefined) checkNonEmpty(where, 'serviceVersion', props.serviceVersion);
    if (props.deployEnv !== undefined) checkNonEmpty(where, 'deployEnv', props.deployEnv);
    if (props.metricReportingPeriod !== undefined) reportingSeconds(where, props.metricReportingPeriod);
    const rate = props.traceSampleRate;
    if (rate !== undefined && !(Number.isFinite(rate) && rate >= 0 && rate <= 1)) {
      fail(where, 'traceSampleRate', 'must be between 0 and 1 (a share, not a percentage)', rate);
    }
    (props.skipPaths ?? []).forEach((p, i) => {
      if (p !== '' && !p.startsWith('/')) fail(where, `skipPaths[${i}]`, 'must be an endpoint path starting with \'/\' (or \'\' to skip nothing)', p);
    });
    if (props.prometheusExporters !== undefined && props.prometheusExporters.length === 0) {
      fail(where, 'prometheusExporters', 'must list at least one exporter', [],
        'Leave it out for the default exporter, or set disableMetrics on an exporter to keep it declared but silent');
    }
    (props.prometheusExporters ?? []).forEach((e, i) => {
      const prop = `prometheusExporters[${i}]`;
      if (e.name === undefined || e.name.trim() === '') {
        fail(where, `${prop}.name`, 'is required: KrakenD identifies exporters by name', e.name ?? '');
      }
      if (e.port !== undefined) checkPort(where, `${prop}.port`, e.port);
      if (e.listenIp !== undefined && isIP(e.listenIp) === 0) {
        fail(where, `${prop}.listenIp`, 'must be an IPv4 or IPv6 address', e.listenIp, 'Leave it out to listen on every interface');
      }
    });
    checkUnique(where, (i) => `prometheusExporters[${i}].name`, (props.prometheusExporters ?? []).map((e) => e.name),
      'must be unique among the exporters');
    for (const [layer, attrs] of Object.entries({
      'globalLayer.metricsStaticAttributes': props.globalLayer?.metricsStaticAttributes,
      'globalLayer.tracesStaticAttributes': props.globalLayer?.tracesStaticAttributes,
      'proxyLayer.metricsStaticAttributes': props.proxyLayer?.metricsStaticAttributes,
      'proxyLayer.tracesStaticAttributes': props.proxyLayer?.tracesStaticAttributes,
      'backendLayer.metrics.staticAttributes': props.backendLayer?.metrics?.staticAttributes,
      'backendLayer.traces.staticAttributes': props.backendLayer?.traces?.staticAttributes,
    })) {
      for (const [key, value] of Object.entries(attrs ?? {})) {
        if (key.trim() === '') fail(where, layer, 'must not have an empty key', key);
        if (value === '') fail(where, `${layer}.${key}`, 'must not be empty (KrakenD skips empty attributes)', value);
      }
    }
    this.props = props;
  }

  /**
   * The `telemetry/opentelemetry` block, as it appears under `extra_config` (with the
   * default exporter when no exporter was given), as plain JSON.
   */
  public toJson(): { [key: string]: any } {
    return this._render(false);
  }

  /**
   * Whether Prometheus exporters were given (rather than the default one).
   *
   * @internal
   */
  public get _hasExplicitExporters(): boolean {
    return this.props.prometheusExporters !== undefined;
  }

  /**
   * The block; without the default exporter when the configuration it is merged into has
   * its own Prometheus exporter.
   *
   * @internal
   */
  public _render(baseHasPrometheusExporter: boolean): JsonObject {
    const p = this.props;
    const exporters = p.prometheusExporters
      ?? (baseHasPrometheusExporter ? [] : [{ name: KrakendTelemetry.DEFAULT_EXPORTER_NAME }]);
    return compact({
      service_name: p.serviceName,
      service_version: p.serviceVersion,
      deploy_env: p.deployEnv,
      metric_reporting_period: p.metricReportingPeriod && reportingSeconds('KrakendTelemetry', p.metricReportingPeriod),
      trace_sample_rate: p.traceSampleRate,
      exporters: compact({
        prometheus: exporters.map((e) => compact({
          name: e.name,
          port: e.port ?? KrakendTelemetry.DEFAULT_EXPORTER_PORT,
          host: e.listenIp && exporterHost(e.listenIp),
          process_metrics: e.processMetrics ?? true,
          go_metrics: e.goMetrics ?? true,
          disable_metrics: e.disableMetrics,
        })),
      }),
      layers: compact({
        global: p.globalLayer && compact({
          disable_metrics: p.globalLayer.disableMetrics,
          disable_traces: p.globalLayer.disableTraces,
          disable_propagation: p.globalLayer.disablePropagation,
          report_headers: p.globalLayer.reportHeaders,
          metrics_static_attributes: attributes(p.globalLayer.metricsStaticAttributes),
          traces_static_attributes: attributes(p.globalLayer.tracesStaticAttributes),
          semantic_convention: p.globalLayer.semanticConvention,
        }),
        proxy: p.proxyLayer && compact({
          disable_metrics: p.proxyLayer.disableMetrics,
          disable_traces: p.proxyLayer.disableTraces,
          report_headers: p.proxyLayer.reportHeaders,
          metrics_static_attributes: attributes(p.proxyLayer.metricsStaticAttributes),
          traces_static_attributes: attributes(p.proxyLayer.tracesStaticAttributes),
        }),
        backend: p.backendLayer && compact({
          metrics: p.backendLayer.metrics && compact({
            disable_stage: p.backendLayer.metrics.disableStage,
            round_trip: p.backendLayer.metrics.roundTrip,
            read_payload: p.backendLayer.metrics.readPayload,
            detailed_connection: p.backendLayer.metrics.detailedConnection,
            static_attributes: attributes(p.backendLayer.metrics.staticAttributes),
          }),
          traces: p.backendLayer.traces && compact({
            disable_stage: p.backendLayer.traces.disableStage,
            round_trip: p.backendLayer.traces.roundTrip,
            read_payload: p.backendLayer.traces.readPayload,
            detailed_connection: p.backendLayer.traces.detailedConnection,
            report_headers: p.backendLayer.traces.reportHeaders,
            static_attributes: attributes(p.backendLayer.traces.staticAttributes),
          }),
        }),
      }),
      skip_paths: p.skipPaths ? [...p.skipPaths] : undefined,
    });
  }
}

/** A reporting period as KrakenD's integer seconds. */
function reportingSeconds(where: string, period: Duration): number {
  const seconds = period.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    fail(where, 'metricReportingPeriod', 'must be a positive whole number of seconds', period.toHumanString());
  }
  return seconds;
}

/**
 * A listen address as the exporter's `host`: KrakenD listens on `host:port`, so an IPv6 address
 * needs brackets (`[::1]:9091`; `::1:9091` does not parse and the exporter never starts).
 */
function exporterHost(ip: string): string {
  return isIP(ip) === 6 ? `[${ip}]` : ip;
}

/** `{ k: v }` as KrakenD's `[{ key, value }]` list. */
function attributes(attrs: { [key: string]: string } | undefined): Array<{ key: string; value: string }> | undefined {
  return attrs && Object.entries(attrs).map(([key, value]) => ({ key, value }));
}
