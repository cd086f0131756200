import { isIP } from 'net';
import { JsonObject } from './json';
import { KrakendPrometheusExporterOptions, KrakendSemanticConvention, KrakendTelemetryProps } from './telemetry-options';
import { renderTelemetry, reportingSeconds } from './telemetry-render';
import { checkArray, checkBoolean, checkDuration, checkEnum, checkString, checkStringArray, checkStringMap, checkStruct, checkUnique, fail } from '../../core/checks';
import { checkNonEmpty, checkPort } from '../../core/formats';

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
    return renderTelemetry(p, exporters, KrakendTelemetry.DEFAULT_EXPORTER_PORT);
  }
}
