/**
 * The rules of KrakenD's JSON schema for KrakenD 2.12 that a generated krakend.json must meet,
 * for the parts this library writes: the root `version` and `port`, and the whole
 * `telemetry/opentelemetry` block (required exporter `name`, integer ports, `listen_ip` but no
 * `host` on a Prometheus exporter, no unknown keys). Checked with ajv, plus what KrakenD checks
 * when it starts (exporter names unique across otlp and prometheus).
 *
 * The structure (types, required keys, closed objects; titles and descriptions left out) is
 * from krakend/krakend-schema a69acad875691fd3e61470946effb155c46101a1 (the last change of
 * v2.12/) v2.12/telemetry/opentelemetry.json.
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
const strings = { type: 'array', items: str };
const keyValues = { type: 'array', items: closed({ key: str, value: str }, ['key', 'value']) };
const looseKeyValues = { type: 'array', items: { type: 'object', properties: { key: str, value: str }, additionalProperties: false } };

const backendStage = (extra: Record<string, object>) => closed({
  disable_stage: bool, round_trip: bool, read_payload: bool, detailed_connection: bool, static_attributes: keyValues, ...extra,
});

/** `telemetry/opentelemetry`, as in the v2.12 schema. */
export const OPENTELEMETRY_SCHEMA = closed({
  service_name: str,
  service_version: str,
  deploy_env: str,
  metric_reporting_period: { type: 'integer' },
  trace_sample_rate: { type: 'number', minimum: 0, maximum: 1 },
  skip_paths: strings,
  histograms: closed({ size_buckets: { type: 'array', items: { type: 'number' } }, time_buckets: { type: 'array', items: { type: 'number' } } }),
  exporters: {
    ...closed({
      prometheus: {
        type: 'array',
        minItems: 1,
        items: closed({
          name: str, port, listen_ip: str, process_metrics: bool, go_metrics: bool, disable_metrics: bool, custom_metric_reporting_period: { type: 'integer' },
        }, ['name']),
      },
      otlp: {
        type: 'array',
        minItems: 1,
        items: closed({
          name: str, host: str, port, use_http: bool, disable_metrics: bool, disable_traces: bool, custom_metric_reporting_period: { type: 'integer' },
        }, ['name', 'host']),
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
      skip_headers: strings,
      semantic_convention: { enum: ['', '1.27'] },
      metrics_static_attributes: looseKeyValues,
      traces_static_attributes: looseKeyValues,
    }),
    proxy: closed({
      disable_metrics: bool,
      disable_traces: bool,
      report_headers: bool,
      skip_headers: strings,
      metrics_static_attributes: looseKeyValues,
      traces_static_attributes: looseKeyValues,
    }),
    backend: closed({ metrics: backendStage({}), traces: backendStage({ report_headers: bool, skip_headers: strings }) }),
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

/** Asserts that a krakend.json (object or text) meets the v2.12 rules above. */
export function expectValidKrakendConfig(config: unknown): void {
  const parsed = typeof config === 'string' ? JSON.parse(config) : config;
  expect(krakendConfigProblems(parsed)).toEqual([]);
}

/**
 * The keys of `telemetry/opentelemetry` the schema allows, as paths (`exporters.prometheus[].name`;
 * comment keys left out).
 */
export function schemaFieldPaths(schema: any = OPENTELEMETRY_SCHEMA, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, sub] of Object.entries<any>(schema.properties ?? {})) {
    const p = prefix === '' ? key : `${prefix}.${key}`;
    out.push(p);
    if (sub.properties) out.push(...schemaFieldPaths(sub, p));
    if (sub.items?.properties) out.push(...schemaFieldPaths(sub.items, `${p}[]`));
  }
  return out;
}

/**
 * The keys of `telemetry/opentelemetry` KrakenD 2.12.1 reads: the json tags of the structs it
 * decodes the block into (encoding/json, unknown keys ignored), from krakend/krakend-otel v0.13.0
 * (the version krakend/krakend-ce v2.12.1 go.mod requires) config/config.go: ConfigData, Exporters,
 * OTLPExporter, PrometheusExporter, LayersOpts, GlobalOpts, PipeOpts, BackendOpts,
 * BackendMetricOpts, BackendTraceOpts, KeyValue.
 */
export const KRAKEND_OTEL_FIELDS: string[] = (() => {
  const keyValue = (p: string) => [p, `${p}[].key`, `${p}[].value`];
  return [
    'service_name', 'service_version', 'deploy_env', 'layers', 'exporters', 'skip_paths', 'metric_reporting_period', 'trace_sample_rate',
    'exporters.otlp', 'exporters.prometheus',
    ...['name', 'host', 'port', 'use_http', 'disable_metrics', 'disable_traces', 'custom_metric_reporting_period'].map((k) => `exporters.otlp[].${k}`),
    ...['name', 'port', 'host', 'process_metrics', 'go_metrics', 'disable_metrics'].map((k) => `exporters.prometheus[].${k}`),
    'layers.global', 'layers.proxy', 'layers.backend',
    ...['disable_metrics', 'disable_traces', 'disable_propagation', 'report_headers', 'skip_headers', 'semantic_convention'].map((k) => `layers.global.${k}`),
    ...keyValue('layers.global.metrics_static_attributes'), ...keyValue('layers.global.traces_static_attributes'),
    ...['disable_metrics', 'disable_traces', 'report_headers', 'skip_headers'].map((k) => `layers.proxy.${k}`),
    ...keyValue('layers.proxy.metrics_static_attributes'), ...keyValue('layers.proxy.traces_static_attributes'),
    'layers.backend.metrics', 'layers.backend.traces',
    ...['disable_stage', 'round_trip', 'read_payload', 'detailed_connection'].map((k) => `layers.backend.metrics.${k}`),
    ...keyValue('layers.backend.metrics.static_attributes'),
    ...['disable_stage', 'round_trip', 'read_payload', 'detailed_connection', 'report_headers', 'skip_headers'].map((k) => `layers.backend.traces.${k}`),
    ...keyValue('layers.backend.traces.static_attributes'),
  ];
})();

/** The keys of a JSON value, as paths (`exporters.prometheus[].name`), each once. */
export function jsonFieldPaths(value: unknown, prefix = ''): string[] {
  const out = new Set<string>();
  if (Array.isArray(value)) {
    for (const v of value) for (const p of jsonFieldPaths(v, `${prefix}[]`)) out.add(p);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      out.add(p);
      for (const q of jsonFieldPaths(v, p)) out.add(q);
    }
  }
  return [...out];
}
