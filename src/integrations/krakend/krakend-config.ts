import * as fs from 'fs';
import * as path from 'path';
import type * as Yaml from 'yaml';
import { childPath, cloneJson, isObject, JsonObject } from './json';
import { fail } from '../../core/checks';
import { requireString } from '../../core/formats';

/**
 * A KrakenD configuration (krakend.json) that `KrakendMetrics` adds its telemetry to.
 *
 * Every key of the configuration is kept: endpoints, backends and every `extra_config`
 * namespace. Only the `telemetry/opentelemetry` block is merged with the typed
 * `KrakendTelemetry`, and the root `port` is written when it is missing.
 *
 * @see https://www.krakend.io/docs/configuration/structure/
 */
export class KrakendConfig {
  /** The configuration format (`version`) KrakenD 2.x reads. */
  public static readonly VERSION = 3;

  /**
   * A configuration given as an object, such as the parsed content of a krakend.json.
   *
   * Any JSON object is accepted (KrakenD's configuration is open-ended, and this library
   * types only the telemetry it writes); fails unless it is plain JSON with `version: 3`
   * (the KrakenD 2.x format).
   */
  public static fromObject(config: { [key: string]: any }): KrakendConfig {
    return new KrakendConfig('KrakendConfig.fromObject', config);
  }

  /**
   * A configuration read from a file (`.json`, `.yaml` or `.yml`) when the chart is built.
   *
   * A relative path is resolved from the current directory. Flexible-configuration
   * templates (`{{ ... }}`) must be rendered first (`FC_OUT`), since they are not JSON.
   */
  public static fromFile(filePath: string): KrakendConfig {
    requireString('KrakendConfig.fromFile', 'filePath', filePath);
    const where = `KrakendConfig.fromFile '${filePath}'`;
    const ext = path.extname(filePath).toLowerCase();
    if (!['.json', '.yaml', '.yml'].includes(ext)) {
      fail(where, 'filePath', 'must name a .json, .yaml or .yml file', filePath);
    }
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(filePath), 'utf8');
    } catch (e) {
      return fail(where, 'filePath', `cannot be read (${(e as Error).message})`, filePath);
    }
    let parsed: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      parsed = ext === '.json' ? JSON.parse(text) : (require('yaml') as typeof Yaml).parse(text);
    } catch (e) {
      const template = text.includes('{{') ? ' It looks like a flexible-configuration template: render it first (FC_ENABLE=1 FC_OUT=out.json krakend check -c ...)' : '';
      return fail(where, 'filePath', `does not parse as ${ext === '.json' ? 'JSON' : 'YAML'} (${(e as Error).message})`, filePath, template.trim() || undefined);
    }
    return new KrakendConfig(where, parsed);
  }

  /**
   * The configuration's root `port` (the API port).
   *
   * @default - none: KrakenD listens on 8080
   */
  public readonly port?: number;

  private readonly json: JsonObject;

  private constructor(where: string, config: unknown) {
    if (!isObject(config)) {
      fail(where, 'config', 'must be a JSON object', Array.isArray(config) ? 'an array' : String(config));
    }
    const json = cloneJson(where, 'config', config) as JsonObject;
    if (json.version !== KrakendConfig.VERSION) {
      fail(where, 'version', 'must be 3, the configuration format of KrakenD 2.x', json.version,
        json.version === 2 ? 'This is a KrakenD 1.x configuration: migrate it to the 2.x format first' : undefined);
    }
    if (json.port !== undefined && (!Number.isInteger(json.port) || (json.port as number) < 1 || (json.port as number) > 65535)) {
      fail(where, 'port', 'must be a port number in 1-65535', json.port);
    }
    if (json.extra_config !== undefined && !isObject(json.extra_config)) {
      fail(where, 'extra_config', 'must be an object', json.extra_config);
    }
    for (const [key, block] of Object.entries((json.extra_config ?? {}) as JsonObject)) {
      if (key.startsWith('telemetry/') && !isObject(block)) {
        fail(where, childPath('extra_config', key), 'must be an object', block);
      }
    }
    this.json = json;
    this.port = json.port as number | undefined;
  }

  /** The configuration as a JSON object (a copy; plain JSON, untyped like the input). */
  public toJson(): { [key: string]: any } {
    return cloneJson('KrakendConfig', 'config', this.json) as JsonObject;
  }
}
