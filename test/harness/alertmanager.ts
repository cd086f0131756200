/**
 * Debian's Alertmanager 0.25 (`prometheus-alertmanager` and `amtool`) as a validator and a
 * real server on 127.0.0.1, and a webhook receiver that records what Alertmanager sends.
 *
 * Alertmanager loads its config strictly (an unknown field fails), so fields newer than 0.25
 * fail on Debian's binaries: `checkAlertmanagerConfig` checks a copy without them and returns
 * what it removed, for the caller to check against the upstream source instead.
 */
import { spawnSync } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import * as YAML from 'yaml';
import { listenOnLoopback, spawnTracked, tail, terminate } from './prometheus';
import { freePort, makeTempDir, removeTempDir, requireTool, writeFiles } from './tools';

/** The result of one amtool run. */
export interface AmtoolRun {
  readonly status: number | null;
  /** stdout followed by stderr */
  readonly output: string;
  readonly stdout: string;
}

/** Runs `amtool <args>` in `cwd`; does not throw on a non-zero exit. */
export function runAmtool(args: string[], cwd: string): AmtoolRun {
  const result = spawnSync(requireTool('amtool'), args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`amtool ${args.join(' ')}: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout ?? '', output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd() };
}

/**
 * Fields that Alertmanager 0.25 lacks, as `<receiver list>.<field>`: removed from the copy
 * that amtool checks (prometheus/alertmanager v0.25.0 config/notifiers.go has none of them).
 */
const NEWER_THAN_0_25 = [
  { list: 'msteams_configs' },
  { list: 'webhook_configs', field: 'url_file', replacement: { url: 'http://127.0.0.1:1/stands-for-url-file' } },
] as const;

/** A copy of alertmanager.yml without the fields 0.25 lacks, and what was removed (`receivers[x].webhook_configs[0].url_file`). */
export function stripNewerThan025(configYaml: string): { yaml: string; removed: string[] } {
  const doc = YAML.parse(configYaml);
  const removed: string[] = [];
  for (const receiver of doc.receivers ?? []) {
    for (const rule of NEWER_THAN_0_25) {
      if (receiver[rule.list] === undefined) continue;
      if (!('field' in rule)) {
        removed.push(`receivers[${receiver.name}].${rule.list}`);
        delete receiver[rule.list];
        continue;
      }
      receiver[rule.list].forEach((item: Record<string, unknown>, i: number) => {
        if (item[rule.field] === undefined) return;
        removed.push(`receivers[${receiver.name}].${rule.list}[${i}].${rule.field}`);
        delete item[rule.field];
        Object.assign(item, rule.replacement);
      });
    }
  }
  return { yaml: removed.length > 0 ? YAML.stringify(doc) : configYaml, removed };
}

/**
 * Checks alertmanager.yml (and its template files, written beside it) with `amtool check-config`
 * 0.25, after removing the fields 0.25 lacks.
 * @returns the removed fields
 * @throws Error with amtool's output and the numbered file
 */
export function checkAlertmanagerConfig(configYaml: string, files: Record<string, string> = {}): string[] {
  const { yaml, removed } = stripNewerThan025(configYaml);
  const dir = makeTempDir('amtool-config-');
  try {
    writeFiles(dir, { ...files, 'alertmanager.yml': yaml });
    const run = runAmtool(['check-config', 'alertmanager.yml'], dir);
    if (run.status !== 0) {
      throw new Error(`checkAlertmanagerConfig: amtool check-config failed (exit ${run.status}):\n${run.output}\n\n--- alertmanager.yml ---\n${numbered(yaml)}`);
    }
    return removed;
  } finally {
    removeTempDir(dir);
  }
}

/** One row of a routing table: an alert's labels and the receivers it must reach, in order. */
export interface RoutingCase {
  readonly labels: Record<string, string>;
  readonly receivers: string[];
}

/**
 * The receivers each label set reaches, by `amtool config routes test` (each row checked with
 * `--verify.receivers` too, so amtool itself says whether the row holds).
 * @returns the receivers amtool resolved per row
 */
export function routesTest(configYaml: string, cases: RoutingCase[], files: Record<string, string> = {}): string[][] {
  const { yaml } = stripNewerThan025(configYaml);
  const dir = makeTempDir('amtool-routes-');
  try {
    writeFiles(dir, { ...files, 'alertmanager.yml': yaml });
    return cases.map((c) => {
      const labels = Object.entries(c.labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
      const run = runAmtool(['config', 'routes', 'test', '--config.file=alertmanager.yml', `--verify.receivers=${c.receivers.join(',')}`, ...labels], dir);
      const resolved = run.stdout.trim().split('\n')[0].split(',').filter((r) => r !== '');
      if (run.status !== 0 && resolved.join(',') === c.receivers.join(',')) {
        throw new Error(`routesTest: amtool failed (exit ${run.status}): ${run.output}`);
      }
      return resolved;
    });
  } finally {
    removeTempDir(dir);
  }
}

/** A running Alertmanager. */
export interface RunningAlertmanager {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** its working directory: alertmanager.yml, the extra files, data/ */
  readonly dir: string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and removes `dir`. */
  stop(): Promise<void>;
  /** stdout + stderr so far */
  log(): string;
  /** The value of a metric of /metrics without labels, such as alertmanager_config_hash. */
  metric(name: string): Promise<number | undefined>;
}

/** Options of `startAlertmanager`. */
export interface StartAlertmanagerOptions {
  /** More files in the working directory (templates). */
  readonly extraFiles?: Record<string, string>;
  /** Gossip: the address to listen on and the peers. Default: clustering off (`--cluster.listen-address=`). */
  readonly cluster?: { readonly listenAddress: string; readonly peers: string[] };
  /** More flags. */
  readonly extraArgs?: string[];
  /** The web port. Default: a free port. */
  readonly port?: number;
}

/** Starts `prometheus-alertmanager` with `configYaml` on 127.0.0.1 and waits for /-/ready. */
export async function startAlertmanager(configYaml: string, opts: StartAlertmanagerOptions = {}): Promise<RunningAlertmanager> {
  const binary = requireTool('prometheus-alertmanager');
  const dir = makeTempDir('alertmanager-');
  writeFiles(dir, { 'alertmanager.yml': configYaml, ...(opts.extraFiles ?? {}) });
  const port = opts.port ?? await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cluster = opts.cluster
    ? [`--cluster.listen-address=${opts.cluster.listenAddress}`, ...opts.cluster.peers.map((p) => `--cluster.peer=${p}`)]
    : ['--cluster.listen-address='];
  const args = [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...cluster,
    ...(opts.extraArgs ?? []),
  ];
  const t = spawnTracked('alertmanager', binary, args, dir);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminate(t);
    removeTempDir(dir);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (t.exited) {
      await stop();
      throw new Error(`startAlertmanager: exited (code ${t.exitCode}) before it was ready:\n${tail(t.output)}\n--- alertmanager.yml ---\n${configYaml}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`startAlertmanager: not ready after 30 s:\n${tail(t.output)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    dir,
    stop,
    log: () => t.output,
    metric: async (name: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    },
  };
}

/** A webhook receiver: records the JSON body of every POST. */
export interface WebhookReceiver {
  /** e.g. http://127.0.0.1:41235/hook */
  readonly url: string;
  /** The bodies received so far, parsed. */
  readonly received: any[];
  stop(): Promise<void>;
}

/** Starts a webhook receiver on a free port of 127.0.0.1 (stopped by `stopAll` too). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: any[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      try {
        received.push(JSON.parse(body));
      } catch {
        received.push({ unparsed: body });
      }
      res.writeHead(200);
      res.end();
    });
  });
  const { port, stop } = await listenOnLoopback(server, 'startWebhookReceiver');
  return { url: `http://127.0.0.1:${port}/hook`, received, stop };
}

function numbered(text: string): string {
  return text.split('\n').map((l, i) => `${String(i + 1).padStart(4)} | ${l}`).join('\n');
}
