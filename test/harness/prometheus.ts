/**
 * Real Prometheus (and node exporter) processes on 127.0.0.1, for relabelling and scrape tests.
 *
 * Every process started here is tracked: `stopAll()` ends them, an `afterAll` hook registered
 * in each jest test file that imports this module calls it, and a process 'exit' hook kills
 * whatever is left, so a failing test never leaves a Prometheus behind.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import * as YAML from 'yaml';
import { freePort, makeTempDir, removeTempDir, requireTool, writeFiles } from './tools';

/** A target as `/api/v1/targets` reports an active one. */
export interface ActiveTarget {
  readonly discoveredLabels: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly scrapePool: string;
  readonly scrapeUrl: string;
  readonly globalUrl?: string;
  readonly lastError: string;
  readonly lastScrape: string;
  readonly lastScrapeDuration: number;
  readonly health: 'up' | 'down' | 'unknown';
  readonly scrapeInterval?: string;
  readonly scrapeTimeout?: string;
}

/** A target as `/api/v1/targets` reports a dropped one. */
export interface DroppedTarget {
  readonly discoveredLabels: Record<string, string>;
}

/** One series of a query result. */
export interface QuerySample {
  readonly metric: Record<string, string>;
  /** [unix seconds, value] for instant vectors */
  readonly value?: [number, string];
  /** for range vectors */
  readonly values?: Array<[number, string]>;
}

/** The `data` of a `/api/v1/query` answer. */
export interface QueryData {
  readonly resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  readonly result: QuerySample[];
}

/** A running Prometheus server. */
export interface RunningPrometheus {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** its working directory (prometheus.yml, data/, extra files) */
  readonly dir: string;
  /** the process id */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes `dir`. */
  stop(): Promise<void>;
  /** `/api/v1/targets?state=any` */
  targets(): Promise<{ active: ActiveTarget[]; dropped: DroppedTarget[] }>;
  /** An instant query; throws when Prometheus answers with an error. */
  query(promql: string): Promise<QueryData>;
  /**
   * Polls `probe` (every 250 ms) until it returns something other than undefined/false/null,
   * and returns that.
   * @throws Error after `timeoutMs` with `what` and the server's log tail
   */
  waitFor<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs?: number, what?: string): Promise<T>;
  /** stdout + stderr so far */
  log(): string;
}

/** Options of `startPrometheus`. */
export interface StartPrometheusOptions {
  /** More files (relative path -> content) in the working directory, e.g. rule files. */
  readonly extraFiles?: Record<string, string>;
  /** More command-line flags. */
  readonly extraArgs?: string[];
  /** How long to wait for /-/ready. @default 30000 */
  readonly readyTimeoutMs?: number;
  /**
   * The configuration file, relative to the working directory, for a layout made by `prepare`
   * (such as a kubelet-style ConfigMap directory); `configYaml` is then not written.
   * @default 'prometheus.yml'
   */
  readonly configFile?: string;
  /** Called with the working directory before Prometheus starts (after `extraFiles` are written). */
  readonly prepare?: (dir: string) => void;
  /**
   * The storage flag pointing at `<dir>/data`: agent mode refuses `--storage.tsdb.path`.
   * @default '--storage.tsdb.path'
   */
  readonly storageFlag?: string;
  /** More environment variables of the process. */
  readonly env?: Record<string, string>;
  /**
   * Run as this user and group, without any capability (as in a pod of the restricted Pod
   * Security Standard), when the tests run as root; the working directory is given to them.
   * @default - the test's own user
   */
  readonly user?: number;
  /**
   * Log in with these credentials (the server has a `--web.config.file` with basic auth) for
   * the readiness check and the API calls.
   * @default - no credentials
   */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /**
   * The port to listen on, from `freePort()`, when the configuration must name it (a job that
   * scrapes Prometheus itself).
   * @default - a free port
   */
  readonly port?: number;
}

/** The command that runs `binary args` as `user` with no capabilities (setpriv, util-linux), when root. */
export function asUser(user: number | undefined, binary: string, args: string[]): [string, string[]] {
  if (user === undefined || process.getuid?.() !== 0) return [binary, args];
  const setpriv = '/usr/bin/setpriv';
  if (!fs.existsSync(setpriv)) throw new Error('asUser: /usr/bin/setpriv not found: install util-linux');
  return [setpriv, [`--reuid=${user}`, `--regid=${user}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', binary, ...args]];
}

/** A process started by `spawnTracked`. */
export interface Tracked {
  /** the supervising /bin/sh (process group leader) */
  readonly child: ChildProcess;
  readonly name: string;
  /** the pid of the real program, once the supervisor has reported it */
  programPid?: number;
  output: string;
  exited: boolean;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  readonly exitPromise: Promise<void>;
}

/**
 * Runs "$@" in a process group of its own and
 *  - reports the program's pid on stderr,
 *  - forwards SIGTERM/SIGINT/SIGHUP to it and waits for it to exit (so stop() returns once
 *    the program is gone, not just the shell),
 *  - SIGKILLs it when the Node process that started it disappears (a crashed or killed jest
 *    worker): jest's sandbox never sees process 'exit', so an exit hook alone is not enough.
 */
const SUPERVISOR = [
  '"$@" &',
  'child=$!',
  "printf 'harness: pid %s\\n' \"$child\" >&2",
  "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT HUP",
  '( while kill -0 "$PPID" 2>/dev/null; do sleep 1; done; kill -KILL "$child" 2>/dev/null ) </dev/null >/dev/null 2>&1 &',
  'watcher=$!',
  'while :; do',
  '  wait "$child"; code=$?',
  '  kill -0 "$child" 2>/dev/null || break',
  'done',
  'kill "$watcher" 2>/dev/null',
  'exit "$code"',
].join('\n');

const running = new Set<Tracked>();
let exitHookInstalled = false;

function signalGroup(t: Tracked, signal: NodeJS.Signals): void {
  if (t.exited || t.child.pid === undefined) return;
  try {
    process.kill(-t.child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts `binary args` under the supervisor and tracks it (the harness's other servers use it too). */
export function spawnTracked(name: string, binary: string, args: string[], cwd?: string, env?: Record<string, string>): Tracked {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Effective outside jest (plain node scripts); inside jest the supervisor does the job.
    process.on('exit', () => {
      for (const t of running) signalGroup(t, 'SIGKILL');
    });
  }
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, `harness-${name}`, binary, ...args], {
    cwd,
    env: env ? { ...process.env, ...env } : undefined,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let resolveExit: () => void = () => undefined;
  const exitPromise = new Promise<void>((resolve) => { resolveExit = resolve; });
  const t: Tracked = { child, name, output: '', exited: false, exitCode: null, exitSignal: null, exitPromise };
  const append = (chunk: Buffer) => {
    let text = chunk.toString('utf8');
    if (t.programPid === undefined) {
      const m = /^harness: pid (\d+)\n/m.exec(text);
      if (m) {
        t.programPid = Number(m[1]);
        text = text.replace(m[0], '');
      }
    }
    t.output += text;
    if (t.output.length > 1_000_000) t.output = t.output.slice(-500_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.on('error', (err) => { append(Buffer.from(`\n[harness] ${name}: ${err.message}\n`)); });
  child.on('exit', (code, signal) => {
    t.exited = true;
    t.exitCode = code;
    t.exitSignal = signal;
    running.delete(t);
    resolveExit();
  });
  running.add(t);
  return t;
}

/** SIGTERM to the program, SIGKILL to its whole group after 5 s; resolves once it has exited. */
export async function terminate(t: Tracked): Promise<void> {
  if (!t.exited) {
    signalGroup(t, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(t, 'SIGKILL'), 5_000);
    try {
      await t.exitPromise;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Stop functions of the HTTP servers the harness runs, called by `stopAll`. */
export const openServers = new Set<() => Promise<void>>();

/** Stops every process and metrics server this module started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(terminate));
  await Promise.all([...openServers].map((close) => close()));
}

// Inside a jest test file, stop whatever the file's tests left running.
const jestAfterAll = (globalThis as { afterAll?: (fn: () => Promise<void>) => void }).afterAll;
if (typeof jestAfterAll === 'function') jestAfterAll(stopAll);

function chownTree(dir: string, user: number): void {
  fs.lchownSync(dir, user, user);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else fs.lchownSync(p, user, user);
  }
}

export function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a TCP connection to host:port succeeds. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function getText(url: string, timeoutMs = 5_000, basicAuth?: StartPrometheusOptions['basicAuth']): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = basicAuth
    ? { Authorization: `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}` } : {};
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
  return { status: res.status, body: await res.text() };
}

/**
 * Starts `prometheus` with `configYaml` in a fresh temporary directory on a free port of
 * 127.0.0.1 and waits until `/-/ready` answers 200.
 * @throws Error with the server's output if it exits or is not ready within 30 s
 */
export async function startPrometheus(configYaml: string, opts: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const binary = requireTool('prometheus');
  const dir = makeTempDir('prometheus-');
  writeFiles(dir, { ...opts.configFile ? {} : { 'prometheus.yml': configYaml }, ...(opts.extraFiles ?? {}) });
  opts.prepare?.(dir);
  const port = opts.port ?? await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${path.join(dir, opts.configFile ?? 'prometheus.yml')}`,
    `${opts.storageFlag ?? '--storage.tsdb.path'}=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=info',
    ...(opts.extraArgs ?? []),
  ];
  if (opts.user !== undefined && process.getuid?.() === 0) chownTree(dir, opts.user);
  const [command, commandArgs] = asUser(opts.user, binary, args);
  const t = spawnTracked('prometheus', command, commandArgs, dir, opts.env);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminate(t);
    removeTempDir(dir);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (t.exited) {
      await stop();
      throw new Error(`startPrometheus: prometheus exited (code ${t.exitCode}, signal ${t.exitSignal}) before it was ready:\n${tail(t.output)}\n--- prometheus.yml ---\n${configYaml}`);
    }
    try {
      if ((await getText(`${url}/-/ready`, 1_000, opts.basicAuth)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`startPrometheus: not ready after ${opts.readyTimeoutMs ?? 30_000} ms:\n${tail(t.output)}`);
    }
    await sleep(100);
  }

  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const { status, body } = await getText(`${url}${pathAndQuery}`, undefined, opts.basicAuth);
    let parsed: { status?: string; data?: T; error?: string; errorType?: string };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      throw new Error(`prometheus ${pathAndQuery}: HTTP ${status}, not JSON: ${body.slice(0, 500)}`);
    }
    if (parsed.status !== 'success' || parsed.data === undefined) {
      throw new Error(`prometheus ${pathAndQuery}: HTTP ${status} ${parsed.errorType ?? ''}: ${parsed.error ?? body.slice(0, 500)}`);
    }
    return parsed.data;
  };

  const server: RunningPrometheus = {
    url,
    dir,
    get pid() { return t.programPid ?? -1; },
    stop,
    log: () => t.output,
    targets: async () => {
      const data = await api<{ activeTargets: ActiveTarget[]; droppedTargets: DroppedTarget[] }>('/api/v1/targets?state=any');
      return { active: data.activeTargets ?? [], dropped: data.droppedTargets ?? [] };
    },
    query: async (promql: string) => api<QueryData>(`/api/v1/query?query=${encodeURIComponent(promql)}`),
    waitFor: async <T>(probe: () => Promise<T | undefined | false | null>, timeoutMs = 30_000, what = 'condition') => {
      const until = Date.now() + timeoutMs;
      let lastError: unknown;
      for (;;) {
        if (t.exited) throw new Error(`waitFor(${what}): prometheus exited (code ${t.exitCode}):\n${tail(t.output)}`);
        try {
          const value = await probe();
          if (value !== undefined && value !== false && value !== null) return value;
        } catch (e) {
          lastError = e;
        }
        if (Date.now() > until) {
          const last = lastError instanceof Error ? `\nlast error: ${lastError.message}` : '';
          throw new Error(`waitFor(${what}): timed out after ${timeoutMs} ms${last}\n--- prometheus log ---\n${tail(t.output)}`);
        }
        await sleep(250);
      }
    },
  };
  return server;
}

// ---------------------------------------------------------------------------------------------
// relabelling over synthetic targets
//
// Each input target gets a scrape job of its own (job_name `<case>[<index>]`), with the label
// `job: <case>` set on the target so that relabel rules see the case name as `job`, as they
// would in a real job. The scrape pool then tells which input produced which output, without
// relying on `discoveredLabels`, which Prometheus 2.42 corrupts when relabelling rewrites
// `__address__` or uses `labelkeep` (the reported "discovered" labels show the rewritten
// address, or lose labels). The discovered labels are therefore computed here, exactly as
// Prometheus builds them before relabelling.

/** A synthetic target: the labels a service discovery would have produced. */
export interface RelabelTarget {
  /** `__address__`. @default - a unique 127.0.0.x address nothing listens on */
  readonly address?: string;
  /** `__meta_*` and other labels (keys starting with `__` are fine) */
  readonly labels: Record<string, string>;
}

/** One scrape job's relabelling over some targets. */
export interface RelabelCase {
  /** The job name (the `job` label the rules see); unique among the cases. */
  readonly name: string;
  /** Rendered Prometheus relabel_configs (snake_case, as in prometheus.yml). */
  readonly relabelConfigs: object[];
  readonly targets: RelabelTarget[];
  /**
   * More fields of the scrape job (`metrics_path`, `scheme`, `params`, ...).
   * `job_name`, `static_configs`, `relabel_configs` and the scrape interval/timeout are the harness's.
   */
  readonly jobFields?: Record<string, unknown>;
}

/** What happened to one input target. */
export interface RelabelTargetResult {
  /** Whether the target survived relabelling. */
  readonly kept: boolean;
  /** Final target labels (kept targets only), keys sorted. */
  readonly labels?: Record<string, string>;
  /** The URL Prometheus scrapes (kept targets only): shows `__scheme__`, `__address__`, `__metrics_path__`, `__param_*`. */
  readonly scrapeUrl?: string;
  /** The target's scrape interval after relabelling (`__scrape_interval__`; kept targets only). */
  readonly scrapeInterval?: string;
  /** The target's scrape timeout after relabelling (`__scrape_timeout__`; kept targets only). */
  readonly scrapeTimeout?: string;
  /** The labels relabelling started from (meta labels, `__address__`, `job`, `__scheme__`, ...), keys sorted. */
  readonly discovered: Record<string, string>;
  /**
   * Why Prometheus refused the target after relabelling (e.g. an empty `__address__`);
   * only with `allowInvalidTargets`.
   */
  readonly error?: string;
}

/** The outcome of one `RelabelCase`. */
export interface RelabelResult {
  readonly name: string;
  /** final labels of the kept targets, in input order */
  readonly kept: Array<Record<string, string>>;
  /** discovered labels of the dropped targets, in input order */
  readonly dropped: Array<Record<string, string>>;
  /** per input target, aligned with `RelabelCase.targets` */
  readonly targets: RelabelTargetResult[];
}

/** Options of `relabel`. */
export interface RelabelOptions {
  /** How long to wait for all targets to show up. @default 30000 */
  readonly timeoutMs?: number;
  /**
   * Report targets that Prometheus refuses after relabelling (`error`) instead of throwing.
   * @default false
   */
  readonly allowInvalidTargets?: boolean;
}

/** The scrape job fields that change the labels relabelling starts from. */
const LABEL_AFFECTING_JOB_FIELDS = ['metrics_path', 'scheme', 'params'];

/**
 * A `RelabelCase` from a rendered scrape job (an entry of prometheus.yml's `scrape_configs`):
 * its `job_name`, its `relabel_configs`, and the fields that set `__metrics_path__`,
 * `__scheme__` and `__param_*`. Discovery blocks and HTTP client settings (credential and CA
 * files that do not exist here) are left out: they do not take part in relabelling.
 */
export function relabelCaseFromJob(job: Record<string, unknown>, targets: RelabelTarget[]): RelabelCase {
  if (typeof job.job_name !== 'string') throw new Error(`relabelCaseFromJob: job has no job_name: ${JSON.stringify(job).slice(0, 200)}`);
  const relabelConfigs = job.relabel_configs ?? [];
  if (!Array.isArray(relabelConfigs)) throw new Error(`relabelCaseFromJob: ${job.job_name}: relabel_configs is not a list`);
  const jobFields: Record<string, unknown> = {};
  for (const k of LABEL_AFFECTING_JOB_FIELDS) if (job[k] !== undefined) jobFields[k] = job[k];
  return { name: job.job_name, relabelConfigs: relabelConfigs as object[], targets, jobFields };
}

/** The scrape job (pool) name the harness uses for target `index` of case `name`. */
export function relabelPoolName(name: string, index: number): string {
  return `${name}[${index}]`;
}

/**
 * Runs the given relabel_configs in a real Prometheus over synthetic targets (the labels a
 * service discovery would set, e.g. `__meta_kubernetes_*`) and reports which targets were
 * kept, with which final labels.
 *
 * All cases share one Prometheus process (targets appear about 5 s after it starts).
 * @throws Error when Prometheus rejects the config, or refuses a target after relabelling
 *   (unless `allowInvalidTargets`)
 */
export async function relabel(cases: RelabelCase[], opts: RelabelOptions = {}): Promise<RelabelResult[]> {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`relabel: duplicate case name '${c.name}'`);
    if (c.name === '' || /[\s"=]/.test(c.name)) throw new Error(`relabel: case name '${c.name}' must be non-empty, without spaces, quotes or '='`);
    names.add(c.name);
  }
  if (cases.every((c) => c.targets.length === 0)) return cases.map((c) => ({ name: c.name, kept: [], dropped: [], targets: [] }));

  let addressCounter = 0;
  const nextAddress = () => {
    // 127.0.0.2 - 127.0.0.254, ports from 1 up: nothing listens there
    const n = addressCounter++;
    return `127.0.0.${(n % 253) + 2}:${Math.floor(n / 253) + 1}`;
  };
  const pools = new Map<string, { caseIndex: number; targetIndex: number; discovered: Record<string, string> }>();
  const scrapeConfigs: Array<Record<string, unknown>> = [];
  cases.forEach((c, i) => {
    c.targets.forEach((t, j) => {
      const pool = relabelPoolName(c.name, j);
      const address = t.address ?? nextAddress();
      const job: Record<string, unknown> = {
        ...(c.jobFields ?? {}),
        job_name: pool,
        scrape_interval: '1h',
        scrape_timeout: '10s',
        static_configs: [{ targets: [address], labels: { job: c.name, ...t.labels } }],
        relabel_configs: c.relabelConfigs,
      };
      scrapeConfigs.push(job);
      pools.set(pool, { caseIndex: i, targetIndex: j, discovered: discoveredLabels(c, t, address) });
    });
  });
  const configYaml = YAML.stringify({
    global: { scrape_interval: '1h', scrape_timeout: '10s', evaluation_interval: '1h' },
    scrape_configs: scrapeConfigs,
  }, { version: '1.1' });

  const server = await startPrometheus(configYaml);
  try {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const start = Date.now();
    for (;;) {
      const { active, dropped } = await server.targets();
      const failed = failedPools(server.log(), pools);
      const activeByPool = new Map(active.filter((a) => pools.has(a.scrapePool)).map((a) => [a.scrapePool, a]));
      const settled = activeByPool.size + dropped.length + failed.size === pools.size;
      if (settled || Date.now() - start > timeoutMs) {
        if (!settled) {
          throw new Error(`relabel: only ${activeByPool.size} active + ${dropped.length} dropped + ${failed.size} refused of ${pools.size} targets after ${timeoutMs} ms
`
            + `--- prometheus log ---\n${tail(server.log())}\n--- prometheus.yml ---\n${configYaml}`);
        }
        if (failed.size > 0 && !opts.allowInvalidTargets) {
          const list = [...failed].map(([pool, err]) => `  - ${pool}: ${err}`).join('\n');
          throw new Error(`relabel: Prometheus refused ${failed.size} target(s) after relabelling:\n${list}\n--- prometheus.yml ---\n${configYaml}`);
        }
        const results = cases.map((c) => c.targets.map((): RelabelTargetResult | undefined => undefined));
        for (const [pool, info] of pools) {
          const a = activeByPool.get(pool);
          const error = failed.get(pool);
          results[info.caseIndex][info.targetIndex] = a
            ? {
              kept: true,
              labels: sortKeys(a.labels),
              discovered: info.discovered,
              scrapeUrl: a.scrapeUrl,
              scrapeInterval: a.scrapeInterval,
              scrapeTimeout: a.scrapeTimeout,
            }
            : { kept: false, discovered: info.discovered, ...(error ? { error } : {}) };
        }
        return cases.map((c, i) => {
          const targets = results[i].map((r) => r as RelabelTargetResult);
          return {
            name: c.name,
            targets,
            kept: targets.filter((t) => t.kept).map((t) => t.labels as Record<string, string>),
            dropped: targets.filter((t) => !t.kept && t.error === undefined).map((t) => t.discovered),
          };
        });
      }
      await sleep(250);
    }
  } finally {
    await server.stop();
  }
}

/** The labels Prometheus 2.42 starts relabelling from (scrape.PopulateLabels). */
function discoveredLabels(c: RelabelCase, t: RelabelTarget, address: string): Record<string, string> {
  const fields = c.jobFields ?? {};
  const labels: Record<string, string> = {
    __address__: address,
    __metrics_path__: typeof fields.metrics_path === 'string' ? fields.metrics_path : '/metrics',
    __scheme__: typeof fields.scheme === 'string' ? fields.scheme : 'http',
    __scrape_interval__: '1h',
    __scrape_timeout__: '10s',
    job: c.name,
  };
  const params = fields.params;
  if (typeof params === 'object' && params !== null) {
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
      if (Array.isArray(v) && v.length > 0) labels[`__param_${k}`] = String(v[0]);
    }
  }
  return sortKeys({ ...labels, ...t.labels });
}

/**
 * Scrape pools whose target Prometheus refused ("Creating target failed"), or that it could not
 * create ("error creating new scrape pool", e.g. a tls_config file that does not exist), with the error.
 */
function failedPools(log: string, pools: Map<string, unknown>): Map<string, string> {
  const failed = new Map<string, string>();
  for (const line of log.split('\n')) {
    if (!line.includes('msg="Creating target failed"') && !line.includes('msg="error creating new scrape pool"')) continue;
    const pool = /scrape_pool=(?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(line);
    const err = /err="((?:[^"\\]|\\.)*)"/.exec(line);
    const name = pool ? (pool[1] ?? pool[2]).replace(/\\(.)/g, '$1') : undefined;
    if (name !== undefined && pools.has(name)) failed.set(name, err ? err[1].replace(/\\(.)/g, '$1') : line);
  }
  return failed;
}

function sortKeys(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------
// scrape targets

/** A running scrape target. */
export interface RunningTarget {
  /** host:port, e.g. 127.0.0.1:40123 */
  readonly address: string;
  /** the process id (this process's for `startMetricsServer`) */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `prometheus-node-exporter` on a free port of 127.0.0.1 with only the cpu, meminfo
 * and loadavg collectors, and waits until `/metrics` answers 200 (with `webConfigFile`, which
 * may require TLS and credentials, until the port accepts connections).
 */
export async function startNodeExporter(timeoutMs = 15_000, webConfigFile?: string): Promise<RunningTarget> {
  const binary = requireTool('prometheus-node-exporter');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [
    `--web.listen-address=${address}`,
    ...webConfigFile ? [`--web.config.file=${webConfigFile}`] : [],
    '--collector.disable-defaults',
    '--collector.cpu',
    '--collector.meminfo',
    '--collector.loadavg',
  ];
  const t = spawnTracked('prometheus-node-exporter', binary, args);
  const stop = () => terminate(t);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (t.exited) throw new Error(`startNodeExporter: exited (code ${t.exitCode}) before serving /metrics:\n${tail(t.output)}`);
    try {
      const ready = webConfigFile ? await accepts('127.0.0.1', port) : (await getText(`http://${address}/metrics`, 1_000)).status === 200;
      if (ready) return { address, get pid() { return t.programPid ?? -1; }, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`startNodeExporter: /metrics not answering after ${timeoutMs} ms:\n${tail(t.output)}`);
    }
    await sleep(100);
  }
}

/**
 * Serves `body` at `/metrics` (text/plain; version=0.0.4) on a free port of 127.0.0.1;
 * every other path is 404. A function body is called on each scrape (counters that grow).
 */
export async function startMetricsServer(body: string | (() => string)): Promise<RunningTarget> {
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(typeof body === 'string' ? body : body());
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
    }
  });
  const { port, stop } = await listenOnLoopback(server, 'startMetricsServer');
  return { address: `127.0.0.1:${port}`, pid: process.pid, stop };
}

/**
 * Starts an HTTP server on a free port of 127.0.0.1 and tracks it, so that it is closed with the
 * harness's other servers; `stop` closes it once.
 */
export async function listenOnLoopback(server: http.Server, name: string): Promise<{ port: number; stop: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error(`${name}: no address`);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    openServers.delete(stop);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  openServers.add(stop);
  return { port: addr.port, stop };
}
