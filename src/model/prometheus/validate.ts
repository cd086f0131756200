// Validation shared by the prometheus.yml model. Not exported from the package.
//
// Messages follow STYLE.md: `<where>: '<prop>' <constraint>, got <value>` plus the fix when
// there is one. `<where>` is a construct path when a construct received the value, otherwise
// the model object (`ScrapeJob 'weave'`, `Relabel.replace`).
import { isIPv4, isIPv6 } from 'net';
import { Duration } from 'cdk8s';
import { checkDuration, checkStringMap, fail, requireProp } from '../../core/checks';
import { formatMillis, requireString } from '../../core/formats';

type Re2 = { compile(pattern: string): { groupCount(): number; namedGroups(): { [name: string]: number } } };

let re2: Re2 | undefined;

/** re2js, loaded on first use (it is large, and many apps never write a regex). */
function RE2JS(): Re2 {
  // re2js ships ESM type declarations only; its CommonJS build is what runs under jsii.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return re2 ??= (require('re2js') as { RE2JS: Re2 }).RE2JS;
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

/**
 * Fails when a scrape timeout is longer than the interval it applies to, which Prometheus refuses
 * ("scrape timeout greater than scrape interval", prometheus/prometheus config/config.go).
 *
 * Both are in milliseconds; nothing is checked while either is unknown. `interval` names the
 * interval in the message: the quoted prop when the same object sets both, else where the
 * interval comes from (`the global scrape interval`).
 */
export function checkTimeoutWithinInterval(where: string, prop: string, timeoutMs: number | undefined, intervalMs: number | undefined,
  interval = '\'scrapeInterval\'', fix = 'Shorten \'scrapeTimeout\' or lengthen \'scrapeInterval\''): void {
  if (timeoutMs !== undefined && intervalMs !== undefined && timeoutMs > intervalMs) {
    fail(where, prop, `must not exceed ${interval} (${formatMillis(intervalMs)})`, formatMillis(timeoutMs), fix);
  }
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
