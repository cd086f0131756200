// Validation shared by the prometheus.yml model. Not exported from the package.
//
// Messages follow STYLE.md: `<where>: '<prop>' <constraint>, got <value>` plus the fix when
// there is one. `<where>` is a construct path when a construct received the value, otherwise
// the model object (`ScrapeJob 'weave'`, `Relabel.replace`).
import { BlockList, isIPv4, isIPv6 } from 'net';
import { Duration } from 'cdk8s';
import { checkDuration, checkStringMap, checkString, fail, numberFix, requireProp } from '../shape';

export { fail, problem } from '../shape';

type Re2 = { compile(pattern: string): { groupCount(): number; namedGroups(): { [name: string]: number } } };
let re2: Re2 | undefined;
/** re2js, loaded on first use (it is large, and many apps never write a regex). */
function RE2JS(): Re2 {
  // re2js ships ESM type declarations only; its CommonJS build is what runs under jsii.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return re2 ??= (require('re2js') as { RE2JS: Re2 }).RE2JS;
}

/** A string that must be given: the first check of every string validator below. */
export function requireString(where: string, prop: string, value: string): string {
  return checkString(where, prop, requireProp(where, prop, value));
}

/** Legacy Prometheus label names: valid on every Prometheus 2.x and 3.x. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/**
 * A relabel `target_label` of a replace action may contain group references
 * (Prometheus's own `relabelTarget` pattern).
 */
const TEMPLATED_LABEL = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

export function checkLabelName(where: string, prop: string, name: string): string {
  requireString(where, prop, name);
  if (!LABEL_NAME.test(name)) {
    fail(where, prop, 'must be a Prometheus label name matching [a-zA-Z_][a-zA-Z0-9_]*', name);
  }
  return name;
}

export function checkTemplatedLabelName(where: string, prop: string, name: string): string {
  requireString(where, prop, name);
  if (!TEMPLATED_LABEL.test(name)) {
    fail(where, prop, 'must be a label name, optionally with ${1}-style group references', name);
  }
  return name;
}

export function checkMetricName(where: string, prop: string, name: string): string {
  requireString(where, prop, name);
  if (!METRIC_NAME.test(name)) {
    fail(where, prop, 'must be a Prometheus metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*', name);
  }
  return name;
}

export function checkLabelMap(where: string, prop: string, labels: { [name: string]: string } | undefined): void {
  checkStringMap(where, prop, labels);
  for (const name of Object.keys(labels ?? {})) {
    checkLabelName(where, `${prop}.${name}`, name);
  }
}

/** The capture groups of a regex: how many, and the names of the named ones. */
export interface RegexGroups {
  readonly count: number;
  readonly names: string[];
}

/** A regex that is a literal string: printable ASCII, none of RE2's metacharacters `\.+*?()|[]{}^$`. */
const LITERAL_REGEX = /^[^\\.+*?()|[\]{}^$\x00-\x1f\x7f-\uffff]*$/;

/** The groups of the default relabel regex `(.*)`. */
export const DEFAULT_REGEX_GROUPS: RegexGroups = { count: 1, names: [] };

/**
 * Compiles a relabel regex the way Prometheus does (Go RE2, anchored as `^(?:RE)$`) and
 * returns its capture groups.
 *
 * JavaScript's RegExp accepts lookarounds and backreferences that Go rejects, so it must
 * never be used for this.
 */
export function checkRegex(where: string, prop: string, regex: string): RegexGroups {
  requireString(where, prop, regex);
  // Printable ASCII without RE2's metacharacters matches itself: no need to load re2js.
  if (LITERAL_REGEX.test(regex)) return { count: 0, names: [] };
  try {
    const compiled = RE2JS().compile(`^(?:${regex})$`);
    return { count: compiled.groupCount(), names: Object.keys(compiled.namedGroups()) };
  } catch (e) {
    const reason = (e as Error).message.replace(/^error parsing regexp: /, '');
    return fail(where, prop, `is not valid RE2 syntax (${reason})`, regex,
      'Prometheus uses Go\'s RE2: lookarounds (?=, ?<=) and backreferences (\\1) are not supported');
  }
}

/**
 * Checks a relabel `replacement` against Go's `Regexp.Expand` rules.
 *
 * `$1_suffix` is read by Go as the group named `1_suffix` and expands to nothing; a reference
 * to a group the regex does not have also expands to nothing.
 */
export function checkReplacement(where: string, prop: string, replacement: string, groups: RegexGroups): void {
  requireString(where, prop, replacement);
  const backslash = /\\(\d)/.exec(replacement);
  if (backslash) {
    fail(where, prop, `writes the group reference as '\\${backslash[1]}', which Go copies literally`, replacement,
      `Write '\${${backslash[1]}}' (or '$${backslash[1]}' when no letter, digit or _ follows)`);
  }
  const refs = /\$(?:\{(\w+)\}|(\w+))/g;
  const unescaped = replacement.replace(/\$\$/g, '');
  let m: RegExpExecArray | null;
  while ((m = refs.exec(unescaped)) !== null) {
    const braced = m[1] !== undefined;
    const name = m[1] ?? m[2];
    if (!braced && /^\d/.test(name) && !/^\d+$/.test(name)) {
      const digits = name.match(/^\d+/)![0];
      fail(where, prop, `reads '$${name}' as the group named '${name}', which expands to an empty string`, replacement,
        `Write '\${${digits}}${name.slice(digits.length)}'`);
    }
    if (/^\d+$/.test(name) && Number(name) > groups.count) {
      fail(where, prop, `refers to group ${name} but the regex has ${groups.count} capture group(s)`, replacement);
    }
    if (!/^\d/.test(name) && !groups.names.includes(name)) {
      fail(where, prop, `refers to the group '${name}', which the regex does not name, so it expands to an empty string`, replacement,
        groups.names.length > 0 ? `The regex names ${groups.names.join(', ')}` : 'Name it with (?P<name>...) or use a group number');
    }
  }
}

/** Renders a Duration as a Prometheus duration string (`1h30m`, `15s`, `500ms`). */
export function promDuration(where: string, prop: string, duration: Duration): string {
  checkDuration(where, prop, requireProp(where, prop, duration));
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms)) {
    fail(where, prop, 'must be a whole number of milliseconds', duration.toHumanString());
  }
  if (ms <= 0) {
    fail(where, prop, 'must be positive', duration.toHumanString());
  }
  return formatMillis(ms);
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
 * A container image pinned to a tag or digest. The tag is looked for after the last '/', so a
 * registry with a port (`registry.local:5000/prometheus:v3.5.0`) is fine.
 */
export function checkImage(where: string, prop: string, image: string, fix?: string): string {
  requireString(where, prop, image);
  const slash = image.lastIndexOf('/');
  const name = image.slice(slash + 1);
  const ok = /^[^\s@]+$/.test(image.split('@')[0])
    && /^[a-z0-9]+([._-][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(name)
    && /[:@]/.test(name);
  if (!ok) fail(where, prop, 'must be an image reference with a tag or digest', image, fix);
  return image;
}

/**
 * A Service type that selects pods (not ExternalName), and a node port only on a type that
 * publishes one.
 */
export function checkServiceType(where: string, serviceType: string, nodePort: number | undefined): void {
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(serviceType)) {
    fail(where, 'serviceType', 'must be ClusterIP, NodePort or LoadBalancer', serviceType,
      'Use ServiceType.CLUSTER_IP, ServiceType.NODE_PORT or ServiceType.LOAD_BALANCER from cdk8s-plus (the Kubernetes names, case-sensitive)');
  }
  if (nodePort === undefined) return;
  if (serviceType !== 'NodePort' && serviceType !== 'LoadBalancer') {
    fail(where, 'nodePort', `is only valid with a NodePort or LoadBalancer serviceType (serviceType is ${serviceType})`, nodePort);
  }
  if (!Number.isInteger(nodePort) || nodePort < 30000 || nodePort > 32767) {
    fail(where, 'nodePort', 'must be in 30000-32767', nodePort);
  }
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

/** Whether an IP literal (IPv6 without brackets) is a loopback address. */
export function isLoopbackIp(ip: string): boolean {
  if (isIPv4(ip)) return ip.startsWith('127.');
  if (!isIPv6(ip)) return false;
  const lower = ip.toLowerCase();
  if (expandIpv6(lower) === '0000:0000:0000:0000:0000:0000:0000:0001') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped !== null && mapped[1].startsWith('127.');
}

/** Whether an IP literal is the unspecified address (0.0.0.0 or ::). */
export function isUnspecifiedIp(ip: string): boolean {
  if (isIPv4(ip)) return ip === '0.0.0.0';
  return isIPv6(ip) && /^[0:]+$/.test(ip);
}

function expandIpv6(ip: string): string {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/**
 * The host of a static scrape target (an IP literal without brackets, or a DNS name) must be
 * reachable from a Prometheus pod: not loopback (`localhost`, 127.0.0.0/8, ::1), which in the
 * pod is Prometheus itself, and not the unspecified address. `fix` says what to write instead.
 */
export function checkScrapeHost(where: string, prop: string, host: string, target: string, fix: string): void {
  if (isLoopbackIp(host) || /^localhost$|\.localhost$/i.test(host)) {
    fail(where, prop, 'must not be a loopback address: Prometheus runs in a pod, where localhost is the pod itself', target, fix);
  }
  if (isUnspecifiedIp(host)) {
    fail(where, prop, 'must be an address Prometheus can connect to, not the unspecified address', target);
  }
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name such as a Secret's (DNS-1123 subdomain). */
export function checkDnsSubdomain(where: string, prop: string, name: string): string {
  requireString(where, prop, name);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    fail(where, prop, 'must be a DNS-1123 subdomain (lowercase alphanumerics, \'-\' and \'.\', at most 253 characters)', name);
  }
  return name;
}

const LABEL_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A StorageClass name (a DNS-1123 subdomain, as the API server checks `storageClassName`). */
export function checkStorageClassName(where: string, prop: string, name: string | undefined): void {
  checkString(where, prop, name);
  if (name === undefined || name === null) return;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    fail(where, prop, 'must be a StorageClass name (a DNS-1123 subdomain: lowercase alphanumerics, \'-\' and \'.\')', name,
      'Use the name `kubectl get storageclass` lists, such as \'fast-ssd\'');
  }
}

/** Kubernetes labels: `[prefix/]name` keys and values as the API server checks them. */
export function checkKubernetesLabels(where: string, prop: string, labels: { [key: string]: string } | undefined): { [key: string]: string } {
  checkStringMap(where, prop, labels);
  for (const [key, value] of Object.entries(labels ?? {})) {
    const slash = key.indexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
    if (!prefixOk || name.length > 63 || !LABEL_NAME_PART.test(name)) {
      fail(where, prop, 'keys must be Kubernetes label keys ([DNS subdomain/]name, the name at most 63 alphanumerics, \'-\', \'_\' or \'.\')', key,
        'Write keys such as \'team\' or \'example.com/team\'');
    }
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !LABEL_NAME_PART.test(value))) {
      fail(where, `${prop}.${key}`, 'must be a Kubernetes label value (empty, or at most 63 alphanumerics, \'-\', \'_\' or \'.\', '
        + 'starting and ending with an alphanumeric)', value, 'Replace spaces and other characters with \'-\', or move free text to an annotation');
    }
  }
  return { ...labels };
}

/** An IPv4 or IPv6 CIDR (`10.0.0.0/8`, `2001:db8::/32`): its address, prefix length and family. */
function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const family = isIPv4(m[1]) ? 'ipv4' : isIPv6(m[1]) ? 'ipv6' : undefined;
  const prefix = Number(m[2]);
  if (!family || prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  return { address: m[1], prefix, family };
}

/**
 * A NetworkPolicy ipBlock: `cidr` an IPv4 or IPv6 CIDR, and each of `except` a CIDR strictly
 * inside it, as the API server checks.
 */
export function checkIpBlock(where: string, props: { cidr: string; except: string }, cidr: string, except: string[]): void {
  const range = parseCidr(cidr);
  if (!range) fail(where, props.cidr, 'must be an IPv4 or IPv6 CIDR, such as 10.0.0.0/8 or 2001:db8::/32', cidr);
  const inside = new BlockList();
  inside.addSubnet(range.address, range.prefix, range.family);
  except.forEach((e, i) => {
    const sub = parseCidr(e);
    if (!sub) fail(where, `${props.except}[${i}]`, 'must be an IPv4 or IPv6 CIDR', e);
    if (sub.family !== range.family || sub.prefix <= range.prefix || !inside.check(sub.address, sub.family)) {
      fail(where, `${props.except}[${i}]`, `must be a CIDR strictly inside '${cidr}'`, e);
    }
  });
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
