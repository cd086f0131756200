/**
 * `promtool` (Debian's Prometheus 2.42) as a validator for prometheus.yml, rule files and
 * rule unit tests.
 *
 * Debian's build has no `http_headers` (Prometheus 2.55): it is checked against the upstream
 * struct here and removed from the copy promtool checks.
 *
 * Debian's build has no Kubernetes or Kuma service discovery (nor Consul, Nomad, Linode):
 * promtool rejects `kubernetes_sd_configs` / `kuma_sd_configs` as unknown fields. `checkConfig`
 * therefore checks a copy in which those blocks are removed:
 *  - their own fields (role, namespaces, selectors, server, ...) are checked here, following
 *    Prometheus 2.42's `discovery/kubernetes` and `discovery/xds` validation;
 *  - their HTTP client fields (authorization, tls_config, basic_auth, oauth2, ...) are copied
 *    into extra scrape jobs (`harness-http-client-check-<n>`) so that promtool still checks
 *    them for real.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as YAML from 'yaml';
import { makeTempDir, removeTempDir, requireTool, writeFiles } from './tools';

/** The service discovery blocks Debian's promtool/prometheus do not know. */
export const UNSUPPORTED_DISCOVERY = ['kubernetes_sd_configs', 'kuma_sd_configs'] as const;

/** The result of one promtool run. */
export interface PromtoolRun {
  /** exit status (null when killed by a signal) */
  readonly status: number | null;
  /** stdout followed by stderr */
  readonly output: string;
}

/**
 * Runs `promtool <args>` in `cwd` and returns its exit status and output. Does not throw on a
 * non-zero exit.
 */
export function runPromtool(args: string[], cwd: string): PromtoolRun {
  const result = spawnSync(requireTool('promtool'), args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`promtool ${args.join(' ')}: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd() };
}

/** Options of `checkConfig`. */
export interface CheckConfigOptions {
  /** Rule files (file name -> YAML) to check with `promtool check rules` too. */
  readonly rulesYaml?: Record<string, string>;
}

/**
 * Checks a prometheus.yml with `promtool check config --syntax-only` (after replacing the
 * discovery blocks Debian's build lacks, see the module doc), and the given rule files with
 * `promtool check rules`.
 * @throws Error with promtool's full output and the YAML that was checked
 */
export function checkConfig(configYaml: string, opts: CheckConfigOptions = {}): void {
  const { yaml: checked, problems } = prepareConfig(configYaml, 'transplant');
  const dir = makeTempDir('promtool-config-');
  try {
    writeFiles(dir, { 'prometheus.yml': checked });
    const run = runPromtool(['check', 'config', '--syntax-only', 'prometheus.yml'], dir);
    if (run.status !== 0 || problems.length > 0) {
      const parts = ['checkConfig: prometheus.yml is invalid'];
      if (problems.length > 0) parts.push(`service discovery problems (checked by the harness):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      if (run.status !== 0) parts.push(`promtool check config --syntax-only (exit ${run.status}):\n${run.output}`);
      parts.push(`--- checked copy (line numbers as promtool reports them) ---\n${numbered(checked)}`);
      if (checked !== configYaml) parts.push(`--- original ---\n${configYaml}`);
      throw new Error(parts.join('\n\n'));
    }
  } finally {
    removeTempDir(dir);
  }
  for (const [name, rules] of Object.entries(opts.rulesYaml ?? {})) checkRules(rules, name);
}

/**
 * A copy of a prometheus.yml without `kubernetes_sd_configs` / `kuma_sd_configs` in
 * scrape jobs and in `alerting.alertmanagers`; an entry left with no service discovery at all
 * gets `static_configs: []`. Comments and formatting of the rest are kept.
 */
export function stripUnsupportedDiscovery(configYaml: string): string {
  return prepareConfig(configYaml, 'strip').yaml;
}

/**
 * Checks a rule file with `promtool check rules --lint=all --lint-fatal` (duplicate rules fail).
 * @param fileName the name promtool reports
 * @returns promtool's output
 * @throws Error with promtool's output and the numbered rule file
 */
export function checkRules(rulesYaml: string, fileName = 'rules.yml'): string {
  const name = safeFileName(fileName);
  const dir = makeTempDir('promtool-rules-');
  try {
    writeFiles(dir, { [name]: rulesYaml });
    const run = runPromtool(['check', 'rules', '--lint=all', '--lint-fatal', name], dir);
    if (run.status !== 0) {
      throw new Error(`checkRules: promtool check rules failed (exit ${run.status}):\n${run.output}\n\n--- ${name} ---\n${numbered(rulesYaml)}`);
    }
    return run.output;
  } finally {
    removeTempDir(dir);
  }
}

/**
 * Runs rule unit tests with `promtool test rules`.
 *
 * `rules` is one rule file's YAML, or several (file name -> YAML). When `testsYaml` has no
 * `rule_files`, it is set to the given file names; when it lists exactly one file and `rules`
 * is a string, the rules are written under that name; otherwise the listed names must be given.
 * A tests file without any `alert_rule_test` or `promql_expr_test` is refused: it cannot fail.
 * @returns promtool's output
 * @throws Error with promtool's output (expected vs. got) and the files
 */
export function testRules(rules: string | Record<string, string>, testsYaml: string): string {
  const doc = YAML.parseDocument(testsYaml, { version: '1.1' });
  if (doc.errors.length > 0) throw new Error(`testRules: tests YAML does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
  const tests: unknown = doc.get('tests');
  const testList = YAML.isSeq(tests) ? tests.items.map((t) => (YAML.isMap(t) ? t : undefined)) : [];
  const assertions = testList.filter((t) => t && (t.has('alert_rule_test') || t.has('promql_expr_test'))).length;
  if (testList.length === 0 || assertions === 0) {
    throw new Error('testRules: the tests YAML has no test with alert_rule_test or promql_expr_test, so it cannot fail');
  }
  const ruleFiles = doc.get('rule_files');
  const listed: unknown[] = YAML.isSeq(ruleFiles) ? ruleFiles.toJSON() as unknown[] : [];
  let files: Record<string, string>;
  if (typeof rules !== 'string') {
    files = { ...rules };
  } else if (listed.length === 1 && typeof listed[0] === 'string') {
    files = { [listed[0]]: rules }; // one rule file, named by the tests YAML
  } else {
    files = { 'rules.yml': rules };
  }
  for (const name of Object.keys(files)) safeFileName(name);
  if (ruleFiles === undefined || ruleFiles === null) {
    doc.set('rule_files', Object.keys(files));
  } else {
    const missing = listed.filter((f) => typeof f !== 'string' || !(f in files));
    if (missing.length > 0) {
      throw new Error(`testRules: tests YAML lists rule_files ${JSON.stringify(listed)}, but only ${JSON.stringify(Object.keys(files))} were given`);
    }
  }
  const testsText = doc.toString();
  const dir = makeTempDir('promtool-test-');
  try {
    writeFiles(dir, { ...files, 'tests.yml': testsText });
    const run = runPromtool(['test', 'rules', 'tests.yml'], dir);
    if (run.status !== 0) {
      const listing = Object.entries(files).map(([n, t]) => `--- ${n} ---\n${numbered(t)}`).join('\n');
      throw new Error(`testRules: promtool test rules failed (exit ${run.status}):\n${run.output}\n\n--- tests.yml ---\n${numbered(testsText)}\n${listing}`);
    }
    return run.output;
  } finally {
    removeTempDir(dir);
  }
}

// ---------------------------------------------------------------------------------------------

type Mode = 'strip' | 'transplant';

const DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;

/** Fields of prometheus/common's HTTPClientConfig (inlined in both discovery configs). */
const HTTP_CLIENT_FIELDS = new Set([
  'basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file', 'tls_config', 'proxy_url',
  'no_proxy', 'proxy_from_environment', 'proxy_connect_header', 'follow_redirects', 'enable_http2',
]);
const KUBERNETES_FIELDS = new Set(['api_server', 'role', 'kubeconfig_file', 'namespaces', 'selectors', 'attach_metadata']);
const KUMA_FIELDS = new Set(['server', 'refresh_interval', 'fetch_timeout', 'client_id']);
const KUBERNETES_SELECTOR_ROLES: Record<string, string[]> = {
  pod: ['pod'],
  service: ['service'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  endpoints: ['pod', 'service', 'endpoints'],
  node: ['node'],
  ingress: ['ingress'],
};

/**
 * `http_headers` (prometheus/common v0.65.0 config/headers.go, the version in the go.mod of
 * prometheus/prometheus v3.5.0): the headers it refuses (`ReservedHeaders`) and the fields of a
 * `Header`. Debian's 2.42 predates it, so the harness checks it against these and removes it from
 * the copy promtool checks.
 */
const HTTP_HEADERS_RESERVED = [
  'Authorization', 'Host', 'Content-Encoding', 'Content-Length', 'Content-Type', 'User-Agent', 'Connection', 'Keep-Alive',
  'Proxy-Authenticate', 'Proxy-Authorization', 'Www-Authenticate', 'Accept-Encoding', 'X-Prometheus-Remote-Write-Version',
  'X-Prometheus-Remote-Read-Version', 'X-Prometheus-Scrape-Timeout-Seconds', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256',
];
const HEADER_FIELDS = ['values', 'secrets', 'files'];

/** Go's http.CanonicalHeaderKey for token names: `x-api-key` -> `X-Api-Key`. */
function canonicalHeader(name: string): string {
  return name.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()).join('-');
}

/**
 * Checks an `http_headers` block as prometheus/common's `Headers` unmarshals and validates it,
 * plus this library's contract: secrets only as `files` (absolute paths), never inline `secrets`.
 */
export function checkHttpHeaders(value: unknown, where: string): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where}: must be a map of header names`];
  for (const [name, header] of Object.entries(value as Record<string, unknown>)) {
    const at = `${where}.${name}`;
    if (HTTP_HEADERS_RESERVED.includes(canonicalHeader(name))) problems.push(`${at}: setting header "${canonicalHeader(name)}" is not allowed`);
    if (typeof header !== 'object' || header === null || Array.isArray(header)) {
      problems.push(`${at}: must be a map with values, secrets or files`);
      continue;
    }
    for (const [field, list] of Object.entries(header as Record<string, unknown>)) {
      if (!HEADER_FIELDS.includes(field)) problems.push(`${at}.${field}: unknown field`);
      else if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) problems.push(`${at}.${field}: must be a list of strings`);
      if (field === 'secrets') problems.push(`${at}.secrets: inline secret values in prometheus.yml (use files)`);
      if (field === 'files' && Array.isArray(list)) {
        list.filter((f) => typeof f !== 'string' || !f.startsWith('/')).forEach((f) => problems.push(`${at}.files: ${JSON.stringify(f)} is not absolute`));
      }
    }
  }
  return problems;
}

function prepareConfig(configYaml: string, mode: Mode): { yaml: string; problems: string[] } {
  const doc = YAML.parseDocument(configYaml, { version: '1.1' });
  if (doc.errors.length > 0) return { yaml: configYaml, problems: [] }; // promtool reports it
  const problems: string[] = [];
  const httpChecks: Array<{ where: string; http: Record<string, unknown> }> = [];
  let changed = false;
  const stripHeaders = (entry: unknown, at: string) => {
    if (!YAML.isMap(entry) || !entry.has('http_headers')) return;
    problems.push(...checkHttpHeaders((entry.get('http_headers', true) as YAML.Node | undefined)?.toJSON(), `${at}.http_headers`));
    entry.delete('http_headers');
    changed = true;
  };
  const remoteWrites = doc.get('remote_write');
  if (YAML.isSeq(remoteWrites)) remoteWrites.items.forEach((rw, i) => stripHeaders(rw, `remote_write[${i}]`));
  const visit = (entry: unknown, at: string) => {
    if (!YAML.isMap(entry)) return;
    stripHeaders(entry, at);
    for (const key of UNSUPPORTED_DISCOVERY) {
      if (!entry.has(key)) continue;
      const removed: unknown = (entry.get(key, true) as YAML.Node | undefined)?.toJSON();
      entry.delete(key);
      changed = true;
      const list = Array.isArray(removed) ? removed : [];
      if (!Array.isArray(removed) && removed !== null) problems.push(`${at}.${key}: must be a list, got ${JSON.stringify(removed)}`);
      list.forEach((sd, i) => {
        const where = `${at}.${key}[${i}]`;
        const result = key === 'kubernetes_sd_configs' ? checkKubernetesSd(sd, where) : checkKumaSd(sd, where);
        problems.push(...result.problems);
        if (result.http && Object.keys(result.http).length > 0) httpChecks.push({ where, http: result.http });
      });
    }
    const hasDiscovery = entry.items.some((pair) => {
      const k = YAML.isScalar(pair.key) ? pair.key.value : pair.key;
      return typeof k === 'string' && (k.endsWith('_sd_configs') || k === 'static_configs');
    });
    if (!hasDiscovery) {
      const empty = doc.createNode([]);
      empty.flow = true;
      entry.set('static_configs', empty);
    }
  };
  const jobs = doc.get('scrape_configs');
  if (YAML.isSeq(jobs)) {
    jobs.items.forEach((job, i) => {
      const name = YAML.isMap(job) ? job.get('job_name') : undefined;
      visit(job, `scrape_configs[${i}]${typeof name === 'string' ? ` (job ${name})` : ''}`);
    });
  }
  const alertmanagers = doc.getIn(['alerting', 'alertmanagers']);
  if (YAML.isSeq(alertmanagers)) alertmanagers.items.forEach((am, i) => visit(am, `alerting.alertmanagers[${i}]`));
  if (mode === 'transplant' && httpChecks.length > 0) {
    // The HTTP client fields of the removed blocks go into extra scrape jobs: a job validates
    // its HTTP client config (conflicting auth, unknown fields, bad URLs) the way the Kubernetes
    // and Kuma discoveries do (http_sd_configs, in 2.42, does not run that validation).
    let seq = doc.get('scrape_configs');
    if (!YAML.isSeq(seq)) {
      seq = doc.createNode([]);
      doc.set('scrape_configs', seq);
    }
    httpChecks.forEach((check, n) => {
      const node = doc.createNode({ job_name: `harness-http-client-check-${n}`, ...check.http, static_configs: [] });
      node.commentBefore = ` harness: HTTP client fields of ${check.where}`;
      (seq as YAML.YAMLSeq).add(node);
    });
  }
  return { yaml: changed ? doc.toString() : configYaml, problems };
}

interface SdCheck {
  problems: string[];
  /** the HTTP client fields, for promtool to check */
  http?: Record<string, unknown>;
}

function splitFields(sd: Record<string, unknown>, own: Set<string>, where: string, problems: string[]) {
  const http: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sd)) {
    if (HTTP_CLIENT_FIELDS.has(k)) http[k] = v;
    else if (!own.has(k)) problems.push(`${where}.${k}: unknown field`);
  }
  return http;
}

/** Whether the HTTP client fields differ from prometheus/common's DefaultHTTPClientConfig. */
function isCustomHttpClient(http: Record<string, unknown>): boolean {
  return Object.entries(http).some(([k, v]) => !((k === 'follow_redirects' || k === 'enable_http2') && v === true));
}

function checkUrl(value: unknown, at: string, problems: string[]): boolean {
  if (typeof value !== 'string') {
    problems.push(`${at}: must be a URL string, got ${JSON.stringify(value)}`);
    return false;
  }
  try {
    const u = new URL(value);
    if (!u.host) throw new Error('no host');
    return true;
  } catch {
    problems.push(`${at}: must be a URL with a scheme and a host, got ${JSON.stringify(value)}`);
    return false;
  }
}

function checkKubernetesSd(sd: unknown, where: string): SdCheck {
  const problems: string[] = [];
  if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) return { problems: [`${where}: must be a map, got ${JSON.stringify(sd)}`] };
  const c = sd as Record<string, unknown>;
  const http = splitFields(c, KUBERNETES_FIELDS, where, problems);
  const role = c.role;
  const allowedSelectorRoles = typeof role === 'string' ? KUBERNETES_SELECTOR_ROLES[role] : undefined;
  if (role === undefined || role === '') {
    problems.push(`${where}.role: missing (one of: pod, service, endpoints, endpointslice, node, ingress)`);
  } else if (!allowedSelectorRoles) {
    problems.push(`${where}.role: unknown Kubernetes SD role ${JSON.stringify(role)}`);
  }
  const hasApiServer = c.api_server !== undefined && c.api_server !== null && c.api_server !== '';
  if (hasApiServer) checkUrl(c.api_server, `${where}.api_server`, problems);
  if (c.kubeconfig_file !== undefined) {
    if (typeof c.kubeconfig_file !== 'string') problems.push(`${where}.kubeconfig_file: must be a string`);
    if (hasApiServer) problems.push(`${where}: cannot use 'kubeconfig_file' and 'api_server' simultaneously`);
    if (isCustomHttpClient(http)) problems.push(`${where}: cannot use a custom HTTP client configuration together with 'kubeconfig_file'`);
  } else if (!hasApiServer && isCustomHttpClient(http)) {
    problems.push(`${where}: to use custom HTTP client configuration (${Object.keys(http).join(', ')}) please provide the 'api_server' URL explicitly`);
  }
  if (c.namespaces !== undefined && c.namespaces !== null) {
    const ns = c.namespaces;
    if (typeof ns !== 'object' || Array.isArray(ns)) {
      problems.push(`${where}.namespaces: must be a map with own_namespace and/or names`);
    } else {
      for (const [k, v] of Object.entries(ns as Record<string, unknown>)) {
        if (k === 'own_namespace') {
          if (typeof v !== 'boolean') problems.push(`${where}.namespaces.own_namespace: must be a boolean`);
        } else if (k === 'names') {
          if (v !== null && (!Array.isArray(v) || v.some((n) => typeof n !== 'string'))) problems.push(`${where}.namespaces.names: must be a list of strings`);
        } else {
          problems.push(`${where}.namespaces.${k}: unknown field`);
        }
      }
    }
  }
  if (c.selectors !== undefined && c.selectors !== null) {
    if (!Array.isArray(c.selectors)) {
      problems.push(`${where}.selectors: must be a list`);
    } else {
      const seen = new Set<unknown>();
      c.selectors.forEach((s: unknown, i: number) => {
        const at = `${where}.selectors[${i}]`;
        if (typeof s !== 'object' || s === null || Array.isArray(s)) {
          problems.push(`${at}: must be a map`);
          return;
        }
        const sel = s as Record<string, unknown>;
        for (const k of Object.keys(sel)) if (!['role', 'label', 'field'].includes(k)) problems.push(`${at}.${k}: unknown field`);
        if (seen.has(sel.role)) problems.push(`${at}.role: duplicated selector role: ${String(sel.role)}`);
        seen.add(sel.role);
        if (allowedSelectorRoles && !allowedSelectorRoles.includes(String(sel.role))) {
          problems.push(`${at}.role: ${String(role)} role supports only ${allowedSelectorRoles.join(', ')} selectors, got ${JSON.stringify(sel.role)}`);
        }
        for (const k of ['label', 'field']) {
          if (sel[k] !== undefined && typeof sel[k] !== 'string') problems.push(`${at}.${k}: must be a string`);
        }
      });
    }
  }
  if (c.attach_metadata !== undefined && c.attach_metadata !== null) {
    const am = c.attach_metadata;
    if (typeof am !== 'object' || Array.isArray(am)) {
      problems.push(`${where}.attach_metadata: must be a map`);
    } else {
      for (const [k, v] of Object.entries(am as Record<string, unknown>)) {
        if (k !== 'node') problems.push(`${where}.attach_metadata.${k}: unknown field`);
        else if (typeof v !== 'boolean') problems.push(`${where}.attach_metadata.node: must be a boolean`);
      }
    }
  }
  return { problems, http };
}

function checkKumaSd(sd: unknown, where: string): SdCheck {
  const problems: string[] = [];
  if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) return { problems: [`${where}: must be a map, got ${JSON.stringify(sd)}`] };
  const c = sd as Record<string, unknown>;
  const http = splitFields(c, KUMA_FIELDS, where, problems);
  if (c.server === undefined || c.server === '') {
    problems.push(`${where}.server: kuma SD server must not be empty`);
  } else {
    checkUrl(c.server, `${where}.server`, problems);
  }
  for (const k of ['refresh_interval', 'fetch_timeout']) {
    const v = c[k];
    if (v !== undefined && (typeof v !== 'string' || v === '' || !DURATION.test(v))) problems.push(`${where}.${k}: not a valid duration ${JSON.stringify(v)}`);
  }
  if (c.client_id !== undefined && typeof c.client_id !== 'string') problems.push(`${where}.client_id: must be a string`);
  return { problems, http };
}

function safeFileName(name: string): string {
  if (name !== path.basename(name) || name === '' || name === '.' || name === '..') {
    throw new Error(`harness: '${name}' must be a plain file name`);
  }
  return name;
}

function numbered(text: string): string {
  const lines = text.split('\n');
  const width = String(lines.length).length;
  return lines.map((l, i) => `${String(i + 1).padStart(width)}| ${l}`).join('\n');
}
