/**
 * The rules of KrakenD's v2.x JSON schema (https://www.krakend.io/schema/v2.10/) that a
 * generated krakend.json must meet, for the parts this library writes: the root `version` and
 * `port`, and the whole `telemetry/opentelemetry` block (required exporter `name`, integer ports,
 * `listen_ip` but no `host`, no unknown keys). Checked with ajv, plus what KrakenD checks when
 * it starts (exporter names unique across otlp and prometheus).
 *
 * Written from the schema's rules for this test; the schema itself cannot be fetched here.
 */
import Ajv from 'ajv';

/** Keys starting with @ $ _ # are comments everywhere in KrakenD's schemas. */
const comments = { '^[@$_#]': {} };
const closed = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object', properties, required, patternProperties: comments, additionalProperties: false,
});
const port = { type: 'integer', minimum: 0, maximum: 65535 };
const bool = { type: 'boolean' };
const str = { type: 'string' };
const keyValues = { type: 'array', items: closed({ key: str, value: str }, ['key', 'value']) };
const looseKeyValues = { type: 'array', items: { type: 'object', properties: { key: str, value: str }, additionalProperties: false } };

const backendStage = (extra: Record<string, object>) => closed({
  disable_stage: bool, round_trip: bool, read_payload: bool, detailed_connection: bool, static_attributes: keyValues, ...extra,
});

/** `telemetry/opentelemetry`, as in the v2.x schema. */
export const OPENTELEMETRY_SCHEMA = closed({
  service_name: str,
  service_version: str,
  deploy_env: str,
  metric_reporting_period: { type: 'integer' },
  trace_sample_rate: { type: 'number', minimum: 0, maximum: 1 },
  skip_paths: { type: 'array', items: str },
  histograms: closed({ size_buckets: { type: 'array', items: { type: 'number' } }, time_buckets: { type: 'array', items: { type: 'number' } } }),
  exporters: {
    ...closed({
      prometheus: {
        type: 'array',
        minItems: 1,
        items: closed({ name: str, port, listen_ip: str, process_metrics: bool, go_metrics: bool, disable_metrics: bool }, ['name']),
      },
      otlp: {
        type: 'array',
        minItems: 1,
        items: closed({ name: str, host: str, port, use_http: bool, disable_metrics: bool, disable_traces: bool }, ['name', 'host']),
      },
    }),
    minProperties: 1,
  },
  layers: closed({
    global: closed({
      disable_metrics: bool,
      disable_traces: bool,
      disable_propagation: bool,
      report_headers: bool,
      semantic_convention: { enum: ['', '1.27'] },
      metrics_static_attributes: looseKeyValues,
      traces_static_attributes: looseKeyValues,
    }),
    proxy: closed({
      disable_metrics: bool,
      disable_traces: bool,
      report_headers: bool,
      metrics_static_attributes: looseKeyValues,
      traces_static_attributes: looseKeyValues,
    }),
    backend: closed({ metrics: backendStage({}), traces: backendStage({ report_headers: bool }) }),
  }),
}, ['exporters']);

/** The root of krakend.json: only what this library writes is closed; the rest is the user's. */
export const KRAKEND_SCHEMA = {
  type: 'object',
  required: ['version'],
  properties: {
    version: { const: 3 },
    port,
    extra_config: {
      type: 'object',
      properties: { 'telemetry/opentelemetry': OPENTELEMETRY_SCHEMA },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validateRoot = ajv.compile(KRAKEND_SCHEMA);

/** The problems of a krakend.json, as `path: message` strings (none when valid). */
export function krakendConfigProblems(config: unknown): string[] {
  const problems: string[] = [];
  if (!validateRoot(config)) {
    for (const e of validateRoot.errors ?? []) {
      const extra = e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : '';
      problems.push(`${e.instancePath || '/'}: ${e.message}${extra}`);
    }
  }
  const block = (config as any)?.extra_config?.['telemetry/opentelemetry'];
  const names = [...(block?.exporters?.otlp ?? []), ...(block?.exporters?.prometheus ?? [])].map((e: any) => e?.name);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) problems.push(`/extra_config/telemetry~1opentelemetry/exporters: duplicate exporter names ${JSON.stringify(duplicates)}`);
  return problems;
}

/** Asserts that a krakend.json (object or text) meets the v2.x rules above. */
export function expectValidKrakendConfig(config: unknown): void {
  const parsed = typeof config === 'string' ? JSON.parse(config) : config;
  expect(krakendConfigProblems(parsed)).toEqual([]);
}
