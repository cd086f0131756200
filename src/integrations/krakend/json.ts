// JSON helpers of the KrakenD integration. Not exported from the package.
import { fail } from '../../core/checks';

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** KrakenD's schemas accept keys starting with @, $, _ or # anywhere, as comments. */
export const COMMENT_KEY = /^[@$_#]/;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of a JSON value, refusing what JSON cannot hold (functions, NaN, Infinity,
 * bigint, class instances). `undefined` object members are left out, as JSON.stringify does.
 */
export function cloneJson(where: string, prop: string, value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(where, prop, 'must be a finite number', String(value));
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => cloneJson(where, `${prop}[${i}]`, v));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      fail(where, prop, 'must be plain JSON (objects, arrays, strings, numbers, booleans, null)', String(value));
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as JsonObject)) {
      if (v !== undefined) out[k] = cloneJson(where, childPath(prop, k), v);
    }
    return out;
  }
  return fail(where, prop, 'must be plain JSON (objects, arrays, strings, numbers, booleans, null)', typeof value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** `parent.key`, or `parent["key"]` when the key is not an identifier (`extra_config["telemetry/opentelemetry"]`). */
export function childPath(parent: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return parent === '' ? part.replace(/^\./, '') : `${parent}${part}`;
}
