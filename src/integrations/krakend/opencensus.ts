// Migration of a legacy `telemetry/opencensus` block to `telemetry/opentelemetry`, following
// KrakenD's own rules (https://www.krakend.io/docs/telemetry/prometheus/, "Migrating from an old
// OpenCensus configuration"). Used by KrakendMetrics' static methods and by the CLI. Not
// exported from the package.
import { childPath, cloneJson, COMMENT_KEY, isObject, JsonObject } from './json';
import { KrakendConfig } from './krakend-config';
import { fail } from '../../core/checks';

export const OPENCENSUS_KEY = 'telemetry/opencensus';
export const OTEL_KEY = 'telemetry/opentelemetry';
/** The exporter name used when the OpenCensus exporter had no `namespace`. */
export const DEFAULT_MIGRATED_NAME = 'prometheus';

const TAGS = ['tag_host', 'tag_path', 'tag_method', 'tag_statuscode'];
const OPENCENSUS_EXPORTERS = ['datadog', 'influxdb', 'jaeger', 'logger', 'ocagent', 'stackdriver', 'xray', 'zipkin'];

/** What a migration produced. */
export interface Migration {
  /** The migrated block, or the whole migrated configuration. */
  readonly result: JsonObject;
  /** The settings left out, as paths in the input. */
  readonly dropped: string[];
  /** What needs the user's attention. */
  readonly notes: string[];
}

/**
 * Migrates the value of `extra_config["telemetry/opencensus"]`. `prefix` is the block's path in
 * the input, for the `dropped` paths.
 */
export function migrateBlock(where: string, block: unknown, prefix = ''): Migration {
  if (!isObject(block)) {
    fail(where, prefix || 'block', `must be a JSON object (the value of extra_config["${OPENCENSUS_KEY}"])`, block);
  }
  if ('version' in block || 'extra_config' in block || OPENCENSUS_KEY in block) {
    fail(where, prefix || 'block', 'must be the opencensus block itself, not a whole configuration', Object.keys(block),
      'Migrate a whole krakend.json with migrateOpenCensusConfig()');
  }
  const input = cloneJson(where, prefix || 'block', block) as JsonObject;
  const dropped: string[] = [];
  const notes: string[] = [];
  const at = (key: string) => childPath(prefix, key);
  const out: JsonObject = {};
  let exporters: JsonObject | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'sample_rate') {
      dropped.push(at(key));
      notes.push(`${at(key)} (${JSON.stringify(value)}) has no Prometheus equivalent and was removed; to sample traces, set trace_sample_rate, a share from 0 to 1`);
    } else if (key === 'reporting_period') {
      if (!Number.isInteger(value)) fail(where, at(key), 'must be an integer number of seconds', value);
      out.metric_reporting_period = value;
    } else if (key === 'exporters') {
      exporters = migrateExporters(where, value, at(key), dropped, notes);
      out.exporters = exporters;
    } else if (key === 'enabled_layers') {
      dropped.push(at(key));
      notes.push(`${at(key)} has no direct equivalent: OpenTelemetry reports every layer unless "layers" (global, proxy, backend) turns some off`);
    } else if (COMMENT_KEY.test(key)) {
      out[key] = value;
    } else {
      dropped.push(at(key));
      notes.push(`${at(key)} is not a setting of telemetry/opencensus and was removed`);
    }
  }
  if (!exporters || !Array.isArray(exporters.prometheus)) {
    fail(where, childPath(at('exporters'), 'prometheus'), 'is missing: there is no Prometheus exporter to migrate', input.exporters === undefined ? 'no exporters' : Object.keys(input.exporters as JsonObject),
      'Configure telemetry/opentelemetry with an otlp exporter for the other backends by hand');
  }
  notes.push('metric names differ between OpenCensus and OpenTelemetry (for example http_server_duration_bucket): update dashboards and alerts');
  return { result: out, dropped, notes };
}

/**
 * Migrates a whole configuration: the block under `extra_config` is replaced in place, every
 * other key is kept as it is.
 */
export function migrateConfig(where: string, config: unknown): Migration {
  if (!isObject(config)) fail(where, 'config', 'must be a JSON object', config);
  if (config.version !== KrakendConfig.VERSION) {
    fail(where, 'version', 'must be 3, the configuration format of KrakenD 2.x', config.version);
  }
  const extra = config.extra_config;
  if (!isObject(extra) || extra[OPENCENSUS_KEY] === undefined) {
    fail(where, `extra_config${childPath('', OPENCENSUS_KEY)}`, 'is missing: there is nothing to migrate', isObject(extra) ? Object.keys(extra) : 'no extra_config');
  }
  if (extra[OTEL_KEY] !== undefined) {
    fail(where, `extra_config${childPath('', OTEL_KEY)}`, 'already exists next to the OpenCensus block', Object.keys(extra[OTEL_KEY] as JsonObject),
      'Merge the two blocks by hand, or remove one');
  }
  const prefix = `extra_config${childPath('', OPENCENSUS_KEY)}`;
  const migration = migrateBlock(where, extra[OPENCENSUS_KEY], prefix);
  const input = cloneJson(where, 'config', config) as JsonObject;
  const newExtra: JsonObject = {};
  for (const [k, v] of Object.entries(input.extra_config as JsonObject)) {
    if (k === OPENCENSUS_KEY) newExtra[OTEL_KEY] = migration.result;
    else newExtra[k] = v;
  }
  const result: JsonObject = {};
  for (const [k, v] of Object.entries(input)) result[k] = k === 'extra_config' ? newExtra : v;
  const elsewhere = findKey(input, OPENCENSUS_KEY, '').filter((p) => p !== prefix);
  const notes = [
    ...migration.notes,
    ...elsewhere.map((p) => `${p} is not at the service level and was left as it is`),
  ];
  return { result, dropped: migration.dropped, notes };
}

function migrateExporters(where: string, value: unknown, prefix: string, dropped: string[], notes: string[]): JsonObject {
  if (!isObject(value)) fail(where, prefix, 'must be an object', value);
  const out: JsonObject = {};
  for (const [key, exporter] of Object.entries(value)) {
    const at = childPath(prefix, key);
    if (key === 'prometheus') {
      // `prometheus: {...}` becomes `prometheus: [{...}]`; a list (already migrated by hand) stays a list.
      const list = Array.isArray(exporter) ? exporter : [exporter];
      out.prometheus = list.map((e, i) => migratePrometheus(where, e, Array.isArray(exporter) ? `${at}[${i}]` : at, dropped, notes));
    } else if (COMMENT_KEY.test(key)) {
      out[key] = exporter;
    } else {
      dropped.push(at);
      notes.push(OPENCENSUS_EXPORTERS.includes(key)
        ? `${at}: OpenTelemetry has no ${key} exporter; send its data through an otlp exporter (an OpenTelemetry Collector, or the vendor's OTLP endpoint)`
        : `${at} is not an OpenCensus exporter and was removed`);
    }
  }
  return out;
}

function migratePrometheus(where: string, exporter: unknown, at: string, dropped: string[], notes: string[]): JsonObject {
  if (!isObject(exporter)) fail(where, at, 'must be an object', exporter);
  if (exporter.name !== undefined) {
    fail(where, childPath(at, 'name'), 'is not an OpenCensus setting: this exporter looks migrated already', exporter.name);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(exporter)) {
    const path = childPath(at, key);
    if (key === 'namespace') {
      if (typeof value !== 'string' || value.trim() === '') fail(where, path, 'must be a non-empty string to become the exporter\'s name', value);
      out.name = value;
    } else if (TAGS.includes(key)) {
      dropped.push(path);
    } else if (key === 'port') {
      if (!Number.isInteger(value)) fail(where, path, 'must be an integer', value);
      out.port = value;
    } else if (key === 'listen_ip' || COMMENT_KEY.test(key)) {
      out[key] = value;
    } else {
      dropped.push(path);
      notes.push(`${path} is not a setting of the Prometheus exporter and was removed`);
    }
  }
  if (out.name === undefined) {
    out.name = DEFAULT_MIGRATED_NAME;
    notes.push(`${at} had no namespace: the exporter is named '${DEFAULT_MIGRATED_NAME}' (OpenTelemetry exporters need a name)`);
  }
  return out;
}

/** The paths of every member named `key`, at any depth. */
function findKey(value: unknown, key: string, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findKey(v, key, `${at}[${i}]`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...k === key ? [childPath(at, k)] : [],
    ...findKey(v, key, childPath(at, k)),
  ]);
}
