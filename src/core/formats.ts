// Checks of common string formats: DNS names, paths, URLs, ports, durations, credential-looking
// names and values. Shared by every layer. Not exported from the package.
import { Duration } from 'cdk8s';
import { checkString, fail, numberFix, requireProp } from './checks';

/** A string that must be given: the first check of every string validator below. */
export function requireString(where: string, prop: string, value: string): string {
  return checkString(where, prop, requireProp(where, prop, value));
}

/** Milliseconds of a duration already checked by promDuration. */
export function millis(duration: Duration): number {
  return duration.toMilliseconds({ integral: false });
}

export function formatMillis(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
  let rest = ms;
  let out = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/**
 * Names that say a value is a credential: query parameters (`api_key`, `access_token`), HTTP
 * headers (`X-Api-Key`, `X-Auth-Token`) and configuration keys (`client_secret`, `password`).
 */
const CREDENTIAL_NAME = /key|token|secret|passw|pwd|auth|credential|signature|^sig$|session|cookie/i;

/** Whether a name (query parameter, header, key) says its value is a credential. */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/**
 * Whether a value looks like a credential: an HTTP authentication scheme with its token
 * (`Bearer abc`, `Basic abc`), or a long random-looking string (at least 20 characters of
 * letters and digits, both present, with no word separator a readable name would have).
 */
export function isCredentialValue(value: string): boolean {
  if (/^(?:bearer|basic|token|apikey|digest)\s+\S+/i.test(value)) return true;
  const trimmed = value.trim();
  if (trimmed.length < 20 || /\s/.test(trimmed) || !/^[A-Za-z0-9+/=_.:~-]+$/.test(trimmed)) return false;
  if (!/[0-9]/.test(trimmed) || !/[A-Za-z]/.test(trimmed)) return false;
  // Readable identifiers (tenant-a, team_payments-prod) are words joined by separators; a token
  // has long runs of mixed letters and digits.
  return trimmed.split(/[-_.:]/).some((part) => part.length >= 16 && /[0-9]/.test(part) && /[A-Za-z]/.test(part));
}

/** The query parameters of a URL whose names say they carry credentials. */
function credentialParams(url: URL): string[] {
  return [...new Set([...url.searchParams.keys()].filter(isCredentialName))];
}

/** A URL with its user, password and credential-named query values replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  const noUser = url.replace(/\/\/[^@/]*@/, '//***@');
  return noUser.replace(/([?&][^=&#]*=)([^&#]*)/g, (all, name: string, _value: string) =>
    isCredentialName(decodeURIComponent(name.slice(1, -1))) ? `${name}***` : all);
}

/** An http(s) URL with a host, as Prometheus requires for remote_write, oauth2 and proxies. */
export function checkUrl(where: string, prop: string, url: string): string {
  requireString(where, prop, url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(where, prop, 'must be an absolute URL with a scheme (http:// or https://)', url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    fail(where, prop, 'must use the http or https scheme', url);
  }
  if (!parsed.hostname) {
    fail(where, prop, 'must name a host', url);
  }
  if (parsed.username || parsed.password) {
    fail(where, prop, 'must not contain credentials: they would be written into the ConfigMap', redactUrl(url),
      'Use \'auth\' with a Credential read from a Secret');
  }
  const params = credentialParams(parsed);
  if (params.length > 0) {
    fail(where, prop, `must not carry credentials in its query (${params.join(', ')}): they would be written into the ConfigMap`,
      redactUrl(url), 'Remove them from the URL and pass the credential from a Secret: \'auth\' (Authentication.authorization() '
      + 'for a bearer token, Authentication.basic()), or \'secretHeaders\' with Credential.fromSecret(secretName, key) when the '
      + 'server takes it in a header such as X-Api-Key (Prometheus 2.55 or newer)');
  }
  return url;
}

export function checkPositiveInteger(where: string, prop: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
    fail(where, prop, 'must be a positive integer', value, typeof value === 'number' ? undefined : numberFix(value));
  }
}

export function checkPort(where: string, prop: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(where, prop, 'must be a port number in 1-65535', port, typeof port === 'number' ? undefined : numberFix(port));
  }
  return port;
}

export function checkNonEmpty(where: string, prop: string, value: string): string {
  requireString(where, prop, value);
  if (value.trim() === '') {
    fail(where, prop, 'must not be empty', value);
  }
  return value;
}

/**
 * An HTTP path (`/metrics`), without a query or fragment: Prometheus escapes `?` and `#` in
 * a path, so the request would go to another path.
 */
export function checkHttpPath(where: string, prop: string, path: string, queryFix?: string): string {
  requireString(where, prop, path);
  if (!path.startsWith('/')) {
    fail(where, prop, 'must start with \'/\'', path);
  }
  if (/[?#]/.test(path)) {
    fail(where, prop, 'must be a path only, without \'?\' or \'#\' (they are sent escaped, as part of the path)', redactUrl(path),
      queryFix ?? 'Remove the query');
  }
  return path;
}

/** An absolute path, such as a file Prometheus reads. */
export function checkAbsolutePath(where: string, prop: string, path: string): string {
  requireString(where, prop, path);
  if (!path.startsWith('/')) {
    fail(where, prop, 'must be an absolute path', path);
  }
  return path;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes namespace or Service name (DNS-1123 label). */
export function checkDnsLabel(where: string, prop: string, name: string): string {
  requireString(where, prop, name);
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    fail(where, prop, 'must be a DNS-1123 label (lowercase alphanumerics and \'-\', at most 63 characters)', name);
  }
  return name;
}

export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name such as a Secret's (DNS-1123 subdomain). */
export function checkDnsSubdomain(where: string, prop: string, name: string): string {
  requireString(where, prop, name);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    fail(where, prop, 'must be a DNS-1123 subdomain (lowercase alphanumerics, \'-\' and \'.\', at most 253 characters)', name);
  }
  return name;
}

/** Drops undefined values and empty arrays/maps, so rendered YAML only has what is set. */
export function compact<T extends object>(obj: T): T {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out as T;
}
