// Merging the typed telemetry into the user's KrakenD configuration, and reading back what the
// Kubernetes objects and the scrape job are derived from. Not exported from the package.
import { isIP } from 'net';
import { childPath, COMMENT_KEY, deepEqual, isObject, JsonObject } from './json';
import { KrakendConfig } from './krakend-config';
import { OPENCENSUS_KEY, OTEL_KEY } from './opencensus';
import { KrakendTelemetry } from './telemetry';
import { fail } from '../prometheus/validate';

/** KrakenD's port when the configuration has no `port`. */
export const KRAKEND_DEFAULT_PORT = 8080;
/** The port of a Prometheus exporter that sets none (KrakenD's default: the port of Prometheus itself). */
export const KRAKEND_DEFAULT_EXPORTER_PORT = 9090;
export const DEFAULT_HEALTH_PATH = '/__health';

const USER_BLOCK = `config.extra_config${childPath('', OTEL_KEY)}`;
const PROMETHEUS_EXPORTER_KEYS = new Set(['name', 'port', 'listen_ip', 'process_metrics', 'go_metrics', 'disable_metrics']);

/** The Prometheus exporter that is scraped. */
export interface ScrapedExporter {
  readonly name: string;
  readonly port: number;
  readonly listenIp?: string;
  /** The property it came from, for error messages. */
  readonly source: string;
}

/** The configuration the gateways run with, and what is derived from it. */
export interface GatewayConfig {
  readonly json: JsonObject;
  readonly apiPort: number;
  readonly exporter: ScrapedExporter;
  /** The health endpoint, or undefined when the configuration disables it. */
  readonly healthPath?: string;
}

/**
 * The user's configuration with the telemetry merged in: objects are merged key by key,
 * lists are joined, and a setting given on both sides with different values is an error.
 */
export function buildGatewayConfig(where: string, config: KrakendConfig, telemetry: KrakendTelemetry, apiPortProp?: number): GatewayConfig {
  const json = config.toJson() as JsonObject;
  const extra = (json.extra_config ?? {}) as JsonObject;

  const legacy = extra[OPENCENSUS_KEY];
  if (isObject(legacy) && isObject(legacy.exporters) && legacy.exporters.prometheus !== undefined) {
    fail(where, `config.extra_config${childPath('', OPENCENSUS_KEY)}.exporters.prometheus`,
      'is the legacy OpenCensus exporter, which would serve a second, different set of metrics', legacy.exporters.prometheus,
      'Migrate it with KrakendMetrics.migrateOpenCensusConfig() or `npx cdk8s-prometheus-monitoring migrate-krakend krakend.json`');
  }

  const userBlock = extra[OTEL_KEY];
  let userExporters: JsonObject[] = [];
  if (userBlock !== undefined) userExporters = checkUserBlock(where, userBlock as JsonObject);
  const typed = telemetry._render(userExporters.length > 0);
  const merged = userBlock === undefined ? typed : mergeJson(where, userBlock, typed, '') as JsonObject;

  // Where each Prometheus exporter came from, in the merged order (the user's first).
  const typedCount = ((typed.exporters as JsonObject | undefined)?.prometheus as unknown[] | undefined)?.length ?? 0;
  const sources = [
    ...userExporters.map((_, i) => `${USER_BLOCK}.exporters.prometheus[${i}]`),
    ...Array.from({ length: typedCount }, (_, i) => telemetry._hasExplicitExporters ? `telemetry.prometheusExporters[${i}]` : 'telemetry (default exporter)'),
  ];
  const exportersBlock = (merged.exporters ?? {}) as JsonObject;
  const prometheus = (exportersBlock.prometheus ?? []) as JsonObject[];
  const otlp = Array.isArray(exportersBlock.otlp) ? exportersBlock.otlp as JsonObject[] : [];
  const seen = new Set(otlp.map((e) => e.name));
  prometheus.forEach((e, i) => {
    if (seen.has(e.name)) {
      fail(where, `${sources[i]}.name`, 'must be unique among the exporters of the configuration (KrakenD refuses duplicates)', e.name);
    }
    seen.add(e.name);
  });
  const enabled = prometheus.map((e, i) => ({ e, source: sources[i] })).filter(({ e }) => e.disable_metrics !== true);
  if (enabled.length === 0) {
    fail(where, 'telemetry.prometheusExporters', 'must have an enabled Prometheus exporter to scrape', prometheus.map((e) => e.name));
  }
  if (enabled.length > 1) {
    fail(where, 'telemetry.prometheusExporters', 'must have exactly one enabled Prometheus exporter (the one that is scraped)', enabled.map(({ e }) => e.name),
      'Set disableMetrics (disable_metrics) on the others, or remove them');
  }
  const { e: chosen, source } = enabled[0];
  const exporter: ScrapedExporter = {
    name: chosen.name as string,
    port: (chosen.port as number | undefined) ?? KRAKEND_DEFAULT_EXPORTER_PORT,
    listenIp: chosen.listen_ip as string | undefined,
    source,
  };

  // The API port: the prop, else the configuration's, else KrakenD's default; always written.
  if (apiPortProp !== undefined && config.port !== undefined && apiPortProp !== config.port) {
    fail(where, 'apiPort', `must match the configuration's port (${config.port}), or be left out`, apiPortProp);
  }
  const apiPort = apiPortProp ?? config.port ?? KRAKEND_DEFAULT_PORT;
  if (exporter.port === apiPort) {
    fail(where, `${source}.port`, `must differ from the API port (${apiPort}): the exporter and the API cannot share a port`, exporter.port,
      'Use another exporter port, such as 9091');
  }

  const router = extra.router;
  const healthPath = isObject(router) && router.disable_health === true
    ? undefined
    : (isObject(router) && typeof router.health_path === 'string' ? router.health_path : DEFAULT_HEALTH_PATH);

  // The user's keys in the user's order; `port` after `version` when it was missing.
  const outExtra: JsonObject = { ...extra, [OTEL_KEY]: merged };
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(json)) {
    out[k] = k === 'port' ? apiPort : k === 'extra_config' ? outExtra : v;
    if (k === 'version' && json.port === undefined) out.port = apiPort;
  }
  out.port = apiPort;
  out.extra_config = outExtra;
  return { json: out, apiPort, exporter, healthPath };
}

/** The exporters of the user's own block, checked against KrakenD's v2.x schema. */
function checkUserBlock(where: string, block: JsonObject): JsonObject[] {
  const exporters = block.exporters;
  if (exporters === undefined) return [];
  if (!isObject(exporters)) fail(where, `${USER_BLOCK}.exporters`, 'must be an object', exporters);
  const list = exporters.prometheus;
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    fail(where, `${USER_BLOCK}.exporters.prometheus`, 'must be a list of exporters', list,
      'Wrap the object in an array: "prometheus": [{...}] (a single object is the legacy OpenCensus shape)');
  }
  list.forEach((e, i) => {
    const prop = `${USER_BLOCK}.exporters.prometheus[${i}]`;
    if (!isObject(e)) fail(where, prop, 'must be an object', e);
    if (typeof e.name !== 'string' || e.name.trim() === '') {
      fail(where, `${prop}.name`, 'is required: KrakenD identifies exporters by name', e.name ?? '');
    }
    for (const key of Object.keys(e)) {
      if (key === 'host') {
        fail(where, `${prop}.host`, 'is not a setting of the Prometheus exporter (KrakenD\'s schema rejects it)', e.host, 'Use \'listen_ip\'');
      }
      if (!PROMETHEUS_EXPORTER_KEYS.has(key) && !COMMENT_KEY.test(key)) {
        fail(where, `${prop}.${key}`, `is not a setting of the Prometheus exporter (${[...PROMETHEUS_EXPORTER_KEYS].join(', ')})`, e[key]);
      }
    }
    if (e.port !== undefined && (!Number.isInteger(e.port) || (e.port as number) < 1 || (e.port as number) > 65535)) {
      fail(where, `${prop}.port`, 'must be a port number in 1-65535 (an integer; 0 picks a random port nobody can scrape)', e.port);
    }
    if (e.listen_ip !== undefined && (typeof e.listen_ip !== 'string' || (e.listen_ip !== '' && isIP(e.listen_ip) === 0))) {
      fail(where, `${prop}.listen_ip`, 'must be an IPv4 or IPv6 address', e.listen_ip);
    }
    for (const flag of ['process_metrics', 'go_metrics', 'disable_metrics']) {
      if (e[flag] !== undefined && typeof e[flag] !== 'boolean') fail(where, `${prop}.${flag}`, 'must be a boolean', e[flag]);
    }
  });
  return list as JsonObject[];
}

/** Deep merge: objects key by key, lists joined (exporter lists kept whole), equal values kept, different values refused. */
function mergeJson(where: string, mine: unknown, theirs: unknown, at: string): unknown {
  if (isObject(mine) && isObject(theirs)) {
    const out: JsonObject = { ...mine };
    for (const [k, v] of Object.entries(theirs)) {
      out[k] = k in mine ? mergeJson(where, mine[k], v, childPath(at, k)) : v;
    }
    return out;
  }
  if (Array.isArray(mine) && Array.isArray(theirs)) {
    if (at === 'exporters.prometheus' || at === 'exporters.otlp') return [...mine, ...theirs];
    return [...mine, ...theirs.filter((t) => !mine.some((m) => deepEqual(m, t)))];
  }
  if (deepEqual(mine, theirs)) return mine;
  return fail(where, `${USER_BLOCK}.${at}`, `conflicts with the KrakendTelemetry setting ${JSON.stringify(theirs)}`, mine,
    'Set it in one place');
}
