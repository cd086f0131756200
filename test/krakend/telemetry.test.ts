import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { expectError } from './helpers';
import { expectValidKrakendConfig, jsonFieldPaths, KRAKEND_OTEL_FIELDS, krakendConfigProblems, schemaFieldPaths } from './krakend-schema';
import { KrakendConfig, KrakendSemanticConvention, KrakendTelemetry } from '../../src/integrations/krakend';
import { withTempDir } from '../harness';

/** The block inside a krakend.json, checked against the v2.x rules. */
function block(telemetry: KrakendTelemetry): any {
  const json = telemetry.toJson();
  expectValidKrakendConfig({ version: 3, extra_config: { 'telemetry/opentelemetry': json } });
  return json;
}

describe('KrakendTelemetry', () => {
  test('zero config: one exporter, as in KrakenD\'s example, on 9091', () => {
    expect(block(new KrakendTelemetry())).toEqual({
      exporters: { prometheus: [{ name: 'prometheus', port: 9091, process_metrics: true, go_metrics: true }] },
    });
  });

  test('the document\'s example', () => {
    expect(block(new KrakendTelemetry({
      serviceName: 'krakend_prometheus_service',
      metricReportingPeriod: Duration.seconds(1),
      prometheusExporters: [{ name: 'local_prometheus', port: 9090, processMetrics: true, goMetrics: true }],
    }))).toEqual({
      service_name: 'krakend_prometheus_service',
      metric_reporting_period: 1,
      exporters: { prometheus: [{ name: 'local_prometheus', port: 9090, process_metrics: true, go_metrics: true }] },
    });
  });

  test('serviceName, serviceVersion, deployEnv', () => {
    expect(block(new KrakendTelemetry({ serviceName: 'gw', serviceVersion: '1.4.2', deployEnv: 'production' })))
      .toMatchObject({ service_name: 'gw', service_version: '1.4.2', deploy_env: 'production' });
  });

  test('metricReportingPeriod is whole seconds', () => {
    expect(block(new KrakendTelemetry({ metricReportingPeriod: Duration.minutes(1) })).metric_reporting_period).toBe(60);
  });

  test('traceSampleRate', () => {
    expect(block(new KrakendTelemetry({ traceSampleRate: 0.25 })).trace_sample_rate).toBe(0.25);
  });

  test('skipPaths, including the skip-nothing form', () => {
    expect(block(new KrakendTelemetry({ skipPaths: ['/__health', '/foo/{bar}'] })).skip_paths).toEqual(['/__health', '/foo/{bar}']);
    expect(block(new KrakendTelemetry({ skipPaths: [''] })).skip_paths).toEqual(['']);
  });

  test('every exporter setting; the listen address as `host`, the key KrakenD 2.12.1 reads', () => {
    const json = new KrakendTelemetry({
      prometheusExporters: [
        { name: 'private', port: 9092, listenIp: '::1', processMetrics: false, goMetrics: false, disableMetrics: true },
        { name: 'lan', port: 9094, listenIp: '10.0.0.5' },
        { name: 'public', port: 9093 },
      ],
    }).toJson();
    // krakend-otel v0.13.0 exporter/prometheus/prometheus.go listens on fmt.Sprintf("%s:%d", host, port):
    // an IPv6 address needs brackets.
    expect(json.exporters.prometheus).toEqual([
      { name: 'private', port: 9092, host: '[::1]', process_metrics: false, go_metrics: false, disable_metrics: true },
      { name: 'lan', port: 9094, host: '10.0.0.5', process_metrics: true, go_metrics: true },
      { name: 'public', port: 9093, process_metrics: true, go_metrics: true },
    ]);
    // The schema's only objection: `host`, which it calls `listen_ip` (ignored by that release).
    expect(krakendConfigProblems({ version: 3, extra_config: { 'telemetry/opentelemetry': json } })).toEqual([
      "/extra_config/telemetry~1opentelemetry/exporters/prometheus/0: must NOT have additional properties 'host'",
      "/extra_config/telemetry~1opentelemetry/exporters/prometheus/1: must NOT have additional properties 'host'",
    ]);
  });

  test('every key written is one KrakenD 2.12.1 reads, and one its schema allows except the exporter\'s `host`', () => {
    const attrs = { a: 'b' };
    const json = new KrakendTelemetry({
      serviceName: 'gw',
      serviceVersion: '1.0.0',
      deployEnv: 'production',
      metricReportingPeriod: Duration.seconds(10),
      traceSampleRate: 0.5,
      skipPaths: ['/__health'],
      prometheusExporters: [{ name: 'p', port: 9091, listenIp: '10.0.0.5', processMetrics: true, goMetrics: true, disableMetrics: false }],
      globalLayer: {
        disableMetrics: false,
        disableTraces: false,
        disablePropagation: false,
        reportHeaders: true,
        metricsStaticAttributes: attrs,
        tracesStaticAttributes: attrs,
        semanticConvention: KrakendSemanticConvention.V1_27,
      },
      proxyLayer: { disableMetrics: false, disableTraces: false, reportHeaders: true, metricsStaticAttributes: attrs, tracesStaticAttributes: attrs },
      backendLayer: {
        metrics: { disableStage: false, roundTrip: true, readPayload: true, detailedConnection: true, staticAttributes: attrs },
        traces: { disableStage: false, roundTrip: true, readPayload: true, detailedConnection: true, reportHeaders: true, staticAttributes: attrs },
      },
    }).toJson();
    const written = jsonFieldPaths(json);
    // Everything KrakenD reads is written, but OTLP exporters and the skipped headers.
    expect(KRAKEND_OTEL_FIELDS.filter((p) => !written.includes(p))).toEqual([
      'exporters.otlp',
      ...['name', 'host', 'port', 'use_http', 'disable_metrics', 'disable_traces', 'custom_metric_reporting_period'].map((k) => `exporters.otlp[].${k}`),
      'layers.global.skip_headers', 'layers.proxy.skip_headers', 'layers.backend.traces.skip_headers',
    ]);
    expect(written.filter((p) => !KRAKEND_OTEL_FIELDS.includes(p))).toEqual([]);
    const schema = schemaFieldPaths();
    expect(written.filter((p) => !schema.includes(p))).toEqual(['exporters.prometheus[].host']);
    // The other way round: what the schema calls the listen address, the code does not read.
    expect(schema.filter((p) => p.startsWith('exporters.prometheus[].') && !KRAKEND_OTEL_FIELDS.includes(p)))
      .toEqual(['exporters.prometheus[].listen_ip', 'exporters.prometheus[].custom_metric_reporting_period']);
  });

  test('globalLayer', () => {
    expect(block(new KrakendTelemetry({
      globalLayer: {
        disableMetrics: false,
        disableTraces: true,
        disablePropagation: true,
        reportHeaders: true,
        metricsStaticAttributes: { region: 'eu' },
        tracesStaticAttributes: { team: 'api' },
      },
    })).layers).toEqual({
      global: {
        disable_metrics: false,
        disable_traces: true,
        disable_propagation: true,
        report_headers: true,
        metrics_static_attributes: [{ key: 'region', value: 'eu' }],
        traces_static_attributes: [{ key: 'team', value: 'api' }],
      },
    });
  });

  test('globalLayer.semanticConvention', () => {
    expect(block(new KrakendTelemetry({ globalLayer: { semanticConvention: KrakendSemanticConvention.V1_27 } })).layers)
      .toEqual({ global: { semantic_convention: '1.27' } });
    expect(block(new KrakendTelemetry({ globalLayer: { semanticConvention: KrakendSemanticConvention.ORIGINAL } })).layers)
      .toEqual({ global: { semantic_convention: '' } });
  });

  test('proxyLayer (the key is `proxy`, not OpenCensus\'s `pipe`)', () => {
    expect(block(new KrakendTelemetry({
      proxyLayer: { disableMetrics: true, disableTraces: false, reportHeaders: true, metricsStaticAttributes: { a: 'b' }, tracesStaticAttributes: { c: 'd' } },
    })).layers).toEqual({
      proxy: {
        disable_metrics: true,
        disable_traces: false,
        report_headers: true,
        metrics_static_attributes: [{ key: 'a', value: 'b' }],
        traces_static_attributes: [{ key: 'c', value: 'd' }],
      },
    });
  });

  test('backendLayer', () => {
    expect(block(new KrakendTelemetry({
      backendLayer: {
        metrics: { disableStage: false, roundTrip: true, readPayload: true, detailedConnection: true, staticAttributes: { tier: 'core' } },
        traces: { disableStage: true, roundTrip: false, readPayload: false, detailedConnection: false, reportHeaders: true, staticAttributes: { x: 'y' } },
      },
    })).layers).toEqual({
      backend: {
        metrics: { disable_stage: false, round_trip: true, read_payload: true, detailed_connection: true, static_attributes: [{ key: 'tier', value: 'core' }] },
        traces: { disable_stage: true, round_trip: false, read_payload: false, detailed_connection: false, report_headers: true, static_attributes: [{ key: 'x', value: 'y' }] },
      },
    });
  });

  test('fails on a fractional reporting period', () => {
    expectError(() => new KrakendTelemetry({ metricReportingPeriod: Duration.millis(1500) }),
      "KrakendTelemetry: 'metricReportingPeriod' must be a positive whole number of seconds, got '1 second 500 millis'");
  });

  test('fails on a sample rate given as a percentage', () => {
    expectError(() => new KrakendTelemetry({ traceSampleRate: 100 }), "KrakendTelemetry: 'traceSampleRate' must be between 0 and 1 (a share, not a percentage), got 100");
  });

  test('fails on a skip path without a leading slash', () => {
    expectError(() => new KrakendTelemetry({ skipPaths: ['__health'] }), "KrakendTelemetry: 'skipPaths[0]' must be an endpoint path starting with '/'");
  });

  test('fails on an empty static attribute value', () => {
    expectError(() => new KrakendTelemetry({ proxyLayer: { metricsStaticAttributes: { region: '' } } }), "'proxyLayer.metricsStaticAttributes.region' must not be empty");
  });
});

describe('KrakendConfig', () => {
  const withFile = <T>(name: string, content: string, fn: (file: string) => T) => withTempDir((dir) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return fn(file);
  });

  test('fromObject copies the object (later changes do not leak in)', () => {
    const obj: any = { version: 3, endpoints: [] };
    const config = KrakendConfig.fromObject(obj);
    obj.endpoints.push({ endpoint: '/late' });
    expect(config.toJson()).toEqual({ version: 3, endpoints: [] });
  });

  test('fromFile reads JSON', () => {
    const config = withFile('krakend.json', '{"version": 3, "port": 8000, "name": "gw"}', (f) => KrakendConfig.fromFile(f));
    expect(config.toJson()).toEqual({ version: 3, port: 8000, name: 'gw' });
    expect(config.port).toBe(8000);
  });

  test('fromFile reads YAML', () => {
    const config = withFile('krakend.yaml', 'version: 3\nendpoints:\n  - endpoint: /a\n', (f) => KrakendConfig.fromFile(f));
    expect(config.toJson()).toEqual({ version: 3, endpoints: [{ endpoint: '/a' }] });
  });

  test('fails on a file that does not exist', () => {
    expectError(() => KrakendConfig.fromFile('/nonexistent/krakend.json'), "KrakendConfig.fromFile '/nonexistent/krakend.json': 'filePath' cannot be read");
  });

  test('fails on an unsupported extension', () => {
    expectError(() => KrakendConfig.fromFile('krakend.toml'), "'filePath' must name a .json, .yaml or .yml file, got 'krakend.toml'");
  });

  test('fails on a flexible-configuration template, saying how to render it', () => {
    withFile('krakend.json', '{"version": 3, "endpoints": [{{ template "endpoints" . }}]}', (f) =>
      expectError(() => KrakendConfig.fromFile(f), "'filePath' does not parse as JSON", 'flexible-configuration template', 'FC_OUT'));
  });

  test('fails on something that is not an object', () => {
    expectError(() => KrakendConfig.fromObject([] as any), "KrakendConfig.fromObject: 'config' must be a JSON object, got 'an array'");
  });

  test('fails on values JSON cannot hold', () => {
    expectError(() => KrakendConfig.fromObject({ version: 3, timeout: NaN }), "'config.timeout' must be a finite number, got 'NaN'");
  });

  test('fails on objects that are not plain JSON', () => {
    expectError(() => KrakendConfig.fromObject({ version: 3, created: new Date(0) }), "'config.created' must be plain JSON");
  });

  test('fails on an extra_config that is not an object', () => {
    expectError(() => KrakendConfig.fromObject({ version: 3, extra_config: [] }), "KrakendConfig.fromObject: 'extra_config' must be an object, got []");
  });

  test('fails on a bad root port', () => {
    expectError(() => KrakendConfig.fromObject({ version: 3, port: 80.5 }), "KrakendConfig.fromObject: 'port' must be a port number in 1-65535, got 80.5");
  });

  test('fails on a telemetry block that is not an object', () => {
    expectError(() => KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': [] } }),
      '\'extra_config["telemetry/opentelemetry"]\' must be an object');
  });
});

describe('the KrakenD v2.12 schema rules used by these tests', () => {
  const withBlock = (b: object) => ({ version: 3, extra_config: { 'telemetry/opentelemetry': b } });
  const valid = { exporters: { prometheus: [{ name: 'p', port: 9091 }] } };

  test('accept a valid configuration', () => {
    expect(krakendConfigProblems(withBlock(valid))).toEqual([]);
  });

  test('reject version 2', () => {
    expect(krakendConfigProblems({ version: 2 })).toEqual(['/version: must be equal to constant']);
  });

  test('reject an exporter without a name', () => {
    expect(krakendConfigProblems(withBlock({ exporters: { prometheus: [{ port: 9091 }] } })))
      .toEqual(["/extra_config/telemetry~1opentelemetry/exporters/prometheus/0: must have required property 'name'"]);
  });

  test('reject `host` on a Prometheus exporter', () => {
    expect(krakendConfigProblems(withBlock({ exporters: { prometheus: [{ name: 'p', host: 'x' }] } })))
      .toEqual(["/extra_config/telemetry~1opentelemetry/exporters/prometheus/0: must NOT have additional properties 'host'"]);
  });

  test('reject a port that is not an integer', () => {
    expect(krakendConfigProblems(withBlock({ exporters: { prometheus: [{ name: 'p', port: '9091' }] } })))
      .toEqual(['/extra_config/telemetry~1opentelemetry/exporters/prometheus/0/port: must be integer']);
  });

  test('reject `pipe` (the OpenCensus name of the proxy layer)', () => {
    expect(krakendConfigProblems(withBlock({ ...valid, layers: { pipe: {} } })))
      .toEqual(["/extra_config/telemetry~1opentelemetry/layers: must NOT have additional properties 'pipe'"]);
  });

  test('reject duplicate exporter names', () => {
    expect(krakendConfigProblems(withBlock({ exporters: { prometheus: [{ name: 'p' }], otlp: [{ name: 'p', host: 'c' }] } })))
      .toEqual(['/extra_config/telemetry~1opentelemetry/exporters: duplicate exporter names ["p"]']);
  });

  test('accept comment keys', () => {
    expect(krakendConfigProblems(withBlock({ ...valid, '@comment': 'scraped by Prometheus' }))).toEqual([]);
  });
});
