import { expectError, gatewayConfig } from './helpers';
import { expectValidKrakendConfig } from './krakend-schema';
import { KrakendConfig, KrakendMetrics } from '../../src/integrations/krakend';
import { newChart, synthAndCheck } from '../util';

/** The legacy block of KrakenD's migration guide (seeds/004). */
const DOC_BLOCK = {
  sample_rate: 100,
  reporting_period: 0,
  exporters: {
    prometheus: {
      port: 9091,
      namespace: 'krakend',
      tag_host: false,
      tag_path: true,
      tag_method: true,
      tag_statuscode: false,
    },
  },
};
const DOC_CONFIG = { version: 3, extra_config: { 'telemetry/opencensus': DOC_BLOCK } };
const otel = (block: object) => ({ version: 3, extra_config: { 'telemetry/opentelemetry': block } });

describe('the document\'s example', () => {
  test('follows each rule of the guide exactly', () => {
    const m = KrakendMetrics.migrateOpenCensus(DOC_BLOCK);
    expect(m.result).toEqual({
      metric_reporting_period: 0,
      exporters: { prometheus: [{ port: 9091, name: 'krakend' }] },
    });
    expect(m.dropped).toEqual([
      'sample_rate',
      'exporters.prometheus.tag_host',
      'exporters.prometheus.tag_path',
      'exporters.prometheus.tag_method',
      'exporters.prometheus.tag_statuscode',
    ]);
    expectValidKrakendConfig(otel(m.result));
  });

  test('the whole file: the block is renamed in place', () => {
    const m = KrakendMetrics.migrateOpenCensusConfig(DOC_CONFIG);
    expect(m.result).toEqual({
      version: 3,
      extra_config: { 'telemetry/opentelemetry': { metric_reporting_period: 0, exporters: { prometheus: [{ port: 9091, name: 'krakend' }] } } },
    });
    expect(m.dropped).toEqual([
      'extra_config["telemetry/opencensus"].sample_rate',
      'extra_config["telemetry/opencensus"].exporters.prometheus.tag_host',
      'extra_config["telemetry/opencensus"].exporters.prometheus.tag_path',
      'extra_config["telemetry/opencensus"].exporters.prometheus.tag_method',
      'extra_config["telemetry/opencensus"].exporters.prometheus.tag_statuscode',
    ]);
    expectValidKrakendConfig(m.result);
  });

  test('the notes say what to do about the removed sample rate and the new metric names', () => {
    const m = KrakendMetrics.migrateOpenCensus(DOC_BLOCK);
    expect(m.notes).toEqual([
      'sample_rate (100) has no Prometheus equivalent and was removed; to sample traces, set trace_sample_rate, a share from 0 to 1',
      'metric names differ between OpenCensus and OpenTelemetry (for example http_server_duration_bucket): update dashboards and alerts',
    ]);
  });

  test('the migrated file deploys with its exporter port (9091) kept everywhere', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway', { config: KrakendConfig.fromObject(KrakendMetrics.migrateOpenCensusConfig(DOC_CONFIG).result) });
    const config = gatewayConfig(synthAndCheck(chart).objects);
    expectValidKrakendConfig(config);
    expect([gateway.exporterName, gateway.exporterPort]).toEqual(['krakend', 9091]);
    expect(config.extra_config['telemetry/opentelemetry'].exporters.prometheus).toEqual([{ port: 9091, name: 'krakend' }]);
  });

  test('the input is left unchanged', () => {
    const input = JSON.parse(JSON.stringify(DOC_CONFIG));
    KrakendMetrics.migrateOpenCensusConfig(input);
    expect(input).toEqual(DOC_CONFIG);
  });
});

describe('edge cases', () => {
  test('every other key of the file is kept, in its order', () => {
    const config = {
      $schema: 'https://www.krakend.io/schema/v2.10/krakend.json',
      version: 3,
      name: 'gw',
      endpoints: [{ endpoint: '/a', backend: [{ host: ['http://a'], url_pattern: '/a' }] }],
      extra_config: { 'security/cors': { allow_origins: ['*'] }, 'telemetry/opencensus': DOC_BLOCK, 'telemetry/logging': { level: 'INFO' } },
    };
    const m = KrakendMetrics.migrateOpenCensusConfig(config);
    expect(Object.keys(m.result)).toEqual(['$schema', 'version', 'name', 'endpoints', 'extra_config']);
    expect(Object.keys(m.result.extra_config)).toEqual(['security/cors', 'telemetry/opentelemetry', 'telemetry/logging']);
    expect(m.result.endpoints).toEqual(config.endpoints);
    expect(m.result.extra_config['telemetry/logging']).toEqual({ level: 'INFO' });
  });

  test('an exporter without namespace gets a name, and a note says so', () => {
    const m = KrakendMetrics.migrateOpenCensus({ exporters: { prometheus: { port: 9091 } } });
    expect(m.result.exporters.prometheus).toEqual([{ port: 9091, name: 'prometheus' }]);
    expect(m.notes).toContain('exporters.prometheus had no namespace: the exporter is named \'prometheus\' (OpenTelemetry exporters need a name)');
    expectValidKrakendConfig(otel(m.result));
  });

  test('an exporter already in a list is not wrapped twice', () => {
    const m = KrakendMetrics.migrateOpenCensus({ exporters: { prometheus: [{ port: 9091, namespace: 'a', tag_path: true }] } });
    expect(m.result.exporters.prometheus).toEqual([{ port: 9091, name: 'a' }]);
    expect(m.dropped).toEqual(['exporters.prometheus[0].tag_path']);
  });

  test('other OpenCensus exporters are dropped, with a note pointing to OTLP', () => {
    const m = KrakendMetrics.migrateOpenCensus({
      exporters: { jaeger: { endpoint: 'http://jaeger:14268/api/traces', service_name: 'gw' }, prometheus: { port: 9091, namespace: 'k' } },
    });
    expect(m.result.exporters).toEqual({ prometheus: [{ port: 9091, name: 'k' }] });
    expect(m.dropped).toEqual(['exporters.jaeger']);
    expect(m.notes[0]).toBe('exporters.jaeger: OpenTelemetry has no jaeger exporter; send its data through an otlp exporter (an OpenTelemetry Collector, or the vendor\'s OTLP endpoint)');
  });

  test('enabled_layers is dropped with a note on the new layers', () => {
    const m = KrakendMetrics.migrateOpenCensus({
      enabled_layers: { router: true, pipe: true, backend: false },
      exporters: { prometheus: { port: 9091 } },
    });
    expect(m.result).not.toHaveProperty('enabled_layers');
    expect(m.dropped).toEqual(['enabled_layers']);
    expect(m.notes[0]).toContain('"layers" (global, proxy, backend)');
  });

  test('comment keys are kept, unknown keys dropped', () => {
    const m = KrakendMetrics.migrateOpenCensus({ '@comment': 'metrics', 'colour': 'blue', 'exporters': { prometheus: { '@port': 'scraped', 'port': 9091, 'path': '/m' } } });
    expect(m.result).toEqual({ '@comment': 'metrics', 'exporters': { prometheus: [{ '@port': 'scraped', 'port': 9091, 'name': 'prometheus' }] } });
    expect(m.dropped).toEqual(['colour', 'exporters.prometheus.path']);
  });

  test('service-level only: an opencensus block elsewhere is reported, not touched', () => {
    const m = KrakendMetrics.migrateOpenCensusConfig({
      ...DOC_CONFIG,
      endpoints: [{ endpoint: '/a', extra_config: { 'telemetry/opencensus': { disabled: true } } }],
    });
    expect(m.result.endpoints[0].extra_config).toEqual({ 'telemetry/opencensus': { disabled: true } });
    expect(m.notes).toContain('endpoints[0].extra_config["telemetry/opencensus"] is not at the service level and was left as it is');
  });

  test('fails on a block that is not an object', () => {
    expectError(() => KrakendMetrics.migrateOpenCensus([] as any), "KrakendMetrics.migrateOpenCensus: 'block' must be a JSON object");
  });

  test('fails without a Prometheus exporter', () => {
    expectError(() => KrakendMetrics.migrateOpenCensus({ sample_rate: 10, exporters: { zipkin: { collector_url: 'http://z', service_name: 'gw' } } }),
      "KrakendMetrics.migrateOpenCensus: 'exporters.prometheus' is missing: there is no Prometheus exporter to migrate, got [\"zipkin\"]");
  });

  test('fails on an exporter that was migrated already', () => {
    expectError(() => KrakendMetrics.migrateOpenCensus({ exporters: { prometheus: { name: 'x', port: 9091 } } }), "'exporters.prometheus.name' is not an OpenCensus setting");
  });

  test('fails on an empty namespace', () => {
    expectError(() => KrakendMetrics.migrateOpenCensus({ exporters: { prometheus: { namespace: '' } } }), "'exporters.prometheus.namespace' must be a non-empty string");
  });

  test('fails on a reporting period that is not an integer', () => {
    expectError(() => KrakendMetrics.migrateOpenCensus({ reporting_period: '10s', exporters: { prometheus: {} } }),
      "'reporting_period' must be an integer number of seconds, got '10s'");
  });

  test('fails on a whole configuration given as a block', () => {
    expectError(() => KrakendMetrics.migrateOpenCensus(DOC_CONFIG), "'block' must be the opencensus block itself", 'migrateOpenCensusConfig()');
  });

  test('fails on a file without an OpenCensus block', () => {
    expectError(() => KrakendMetrics.migrateOpenCensusConfig({ version: 3, extra_config: { router: {} } }),
      'KrakendMetrics.migrateOpenCensusConfig: \'extra_config["telemetry/opencensus"]\' is missing: there is nothing to migrate, got ["router"]');
  });

  test('fails on a file that has both blocks', () => {
    expectError(() => KrakendMetrics.migrateOpenCensusConfig({ version: 3, extra_config: { 'telemetry/opencensus': DOC_BLOCK, 'telemetry/opentelemetry': { exporters: {} } } }),
      '\'extra_config["telemetry/opentelemetry"]\' already exists next to the OpenCensus block', 'Merge the two blocks by hand');
  });

  test('fails on a KrakenD 1.x file', () => {
    expectError(() => KrakendMetrics.migrateOpenCensusConfig({ ...DOC_CONFIG, version: 2 }), "'version' must be 3, the configuration format of KrakenD 2.x, got 2");
  });
});
