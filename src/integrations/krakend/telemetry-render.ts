import { isIP } from 'net';
import { Duration } from 'cdk8s';
import { JsonObject } from './json';
import { KrakendPrometheusExporterOptions, KrakendTelemetryProps } from './telemetry-options';
import { fail } from '../../core/checks';
import { compact } from '../../core/formats';

/**
 * The `telemetry/opentelemetry` block of checked props, with `exporters` as the Prometheus
 * exporters it declares (`defaultPort` where one has no port).
 */
export function renderTelemetry(p: KrakendTelemetryProps, exporters: KrakendPrometheusExporterOptions[], defaultPort: number): JsonObject {
  return compact({
    service_name: p.serviceName,
    service_version: p.serviceVersion,
    deploy_env: p.deployEnv,
    metric_reporting_period: p.metricReportingPeriod && reportingSeconds('KrakendTelemetry', p.metricReportingPeriod),
    trace_sample_rate: p.traceSampleRate,
    exporters: compact({
      prometheus: exporters.map((e) => compact({
        name: e.name,
        port: e.port ?? defaultPort,
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

/** A reporting period as KrakenD's integer seconds. */
export function reportingSeconds(where: string, period: Duration): number {
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
