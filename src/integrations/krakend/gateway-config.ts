// Merging the typed telemetry into the user's KrakenD configuration, and reading back what the
// Kubernetes objects and the scrape job are derived from. Not exported from the package.
import { isIP } from 'net';
import { childPath, COMMENT_KEY, deepEqual, isObject, JsonObject } from './json';
import { KrakendConfig } from './krakend-config';
import { OPENCENSUS_KEY, OTEL_KEY } from './opencensus';
import { checkNoSecrets } from './secrets';
import { KrakendTelemetry } from './telemetry';
import { checkUnique, fail } from '../../core/checks';

/** KrakenD's port when the configuration has no `port`. */
export const KRAKEND_DEFAULT_PORT = 8080;
/** The port of a Prometheus exporter that sets none (KrakenD's default: the port of Prometheus itself). */
export const KRAKEND_DEFAULT_EXPORTER_PORT = 9090;
export const DEFAULT_HEALTH_PATH = '/__health';

const USER_BLOCK = `config.extra_config${childPath('', OTEL_KEY)}`;
/**
 * The keys of a Prometheus exporter: those krakend-otel v0.13.0 (KrakenD 2.12.1) reads
 * (`config/config.go`), and `listen_ip`, the schema's name for `host`, which that release ignores.
 */
const PROMETHEUS_EXPORTER_KEYS = new Set(['name', 'port', 'host', 'listen_ip', 'process_metrics', 'go_metrics', 'disable_metrics']);
/** The values of `layers.global.semantic_convention` KrakenD knows. */
const SEMANTIC_CONVENTIONS = ['', '1.27'];

/** The Prometheus exporter that is scraped. */
export interface ScrapedExporter {
  readonly name: string;
  readonly port: number;
  /** The address it listens on (its `host`, without brackets), when it is not every interface. */
  readonly listenIp?: string;
  /** The property that sets the listen address, for error messages. */
  readonly listenProp: string;
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
  /** `layers.global.semantic_convention` of the merged block: '' or '1.27'. */
  readonly semanticConvention: string;
}

/**
 * The user's configuration with the telemetry merged in: objects are merged key by key,
 * lists are joined, and a setting given on both sides with different values is an error.
 */
export function buildGatewayConfig(where: string, config: KrakendConfig, telemetry: KrakendTelemetry, apiPortProp?: number): GatewayConfig {
  const json = config.toJson() as JsonObject;
  checkNoSecrets(where, json);
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
  // KrakenD checks the OTLP exporters, then the Prometheus ones (krakend/krakend-otel v0.13.0 config/config.go).
  checkUnique(where, (i) => i < otlp.length ? `${USER_BLOCK}.exporters.otlp[${i}].name` : `${sources[i - otlp.length]}.name`,
    [...otlp, ...prometheus].map((e) => e.name), 'must be unique among the exporters of the configuration (KrakenD refuses duplicates)');
  const enabled = prometheus.map((e, i) => ({ e, source: sources[i] })).filter(({ e }) => e.disable_metrics !== true);
  if (enabled.length === 0) {
    fail(where, 'telemetry.prometheusExporters', 'must have an enabled Prometheus exporter to scrape', prometheus.map((e) => e.name));
  }
  if (enabled.length > 1) {
    fail(where, 'telemetry.prometheusExporters', 'must have exactly one enabled Prometheus exporter (the one that is scraped)', enabled.map(({ e }) => e.name),
      'Set disableMetrics (disable_metrics) on the others, or remove them');
  }
  const { e: chosen, source } = enabled[0];
  const host = chosen.host as string | undefined;
  const exporter: ScrapedExporter = {
    name: chosen.name as string,
    port: (chosen.port as number | undefined) ?? KRAKEND_DEFAULT_EXPORTER_PORT,
    listenIp: host === undefined || host === '' ? undefined : host.replace(/^\[(.*)\]$/, '$1'),
    listenProp: source.startsWith('telemetry') ? `${source}.listenIp` : `${source}.host`,
    source,
  };
  const global = isObject(merged.layers) && isObject(merged.layers.global) ? merged.layers.global : {};
  const semanticConvention = global.semantic_convention ?? '';
  if (typeof semanticConvention !== 'string' || !SEMANTIC_CONVENTIONS.includes(semanticConvention)) {
    fail(where, `${USER_BLOCK}.layers.global.semantic_convention`, 'must be \'\' (the original metric names) or \'1.27\'', semanticConvention);
  }

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
  return { json: out, apiPort, exporter, healthPath, semanticConvention };
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
      if (!PROMETHEUS_EXPORTER_KEYS.has(key) && !COMMENT_KEY.test(key)) {
        fail(where, `${prop}.${key}`, `is not a setting of the Prometheus exporter (${[...PROMETHEUS_EXPORTER_KEYS].join(', ')})`, e[key]);
      }
    }
    if (e.port !== undefined && (!Number.isInteger(e.port) || (e.port as number) < 1 || (e.port as number) > 65535)) {
      fail(where, `${prop}.port`, 'must be a port number in 1-65535 (an integer; 0 picks a random port nobody can scrape)', e.port);
    }
    // krakend-otel v0.13.0 (KrakenD 2.12.1) listens on `host:port` and has no `listen_ip`
    // (config/config.go, exporter/prometheus/prometheus.go): a listen_ip is ignored.
    if (e.listen_ip !== undefined && (typeof e.listen_ip !== 'string' || (e.listen_ip !== '' && isIP(e.listen_ip) === 0))) {
      fail(where, `${prop}.listen_ip`, 'must be an IPv4 or IPv6 address', e.listen_ip);
    }
    if (typeof e.listen_ip === 'string' && !['', '0.0.0.0', '::'].includes(e.listen_ip)) {
      fail(where, `${prop}.listen_ip`, 'is ignored by KrakenD 2.12 (its exporter reads \'host\'), so the exporter would listen on every interface', e.listen_ip,
        `Write "host": "${isIP(e.listen_ip) === 6 ? `[${e.listen_ip}]` : e.listen_ip}" instead, or leave it out to listen on every interface`);
    }
    if (e.host !== undefined) {
      const bare = typeof e.host === 'string' ? e.host.replace(/^\[(.*)\]$/, '$1') : undefined;
      if (typeof e.host === 'string' && isIP(e.host) === 6) {
        fail(where, `${prop}.host`, 'must have an IPv6 address in brackets: KrakenD listens on host:port, and without brackets the exporter never starts', e.host,
          `Write "[${e.host}]"`);
      }
      if (bare === undefined || (e.host !== '' && isIP(bare) === 0) || (bare !== e.host && isIP(bare) !== 6)) {
        fail(where, `${prop}.host`, 'must be an IPv4 address, an IPv6 address in brackets, or \'\' (every interface)', e.host);
      }
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
