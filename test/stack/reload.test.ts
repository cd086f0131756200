// A configuration change reaches a running Prometheus without a restart, tested with a real
// Prometheus (Debian's 2.42, which has no auto-reload but reloads on SIGHUP), the way it happens
// in a pod: the kubelet swaps the ConfigMap directory's `..data` symlink, and the reloader
// sidecar (its own script, run here by /bin/sh) sees the change and signals Prometheus.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { PrometheusStack, ScrapeJob, ServiceDiscovery } from '../../src';
import { asUser, findObject, RunningPrometheus, startPrometheus } from '../harness';

const IMAGE_2_42 = 'quay.io/prometheus/prometheus:v2.42.0';
/** The user of the Prometheus image, which the pod runs as. */
const PROMETHEUS_UID = 65534;

/** A 2.42 stack scraping `jobs` (static targets nothing listens on), synthesized. */
function synthStack(jobs: string[]) {
  const chart = Testing.chart();
  new PrometheusStack(chart, 'prometheus', {
    image: IMAGE_2_42,
    scrapeJobs: jobs.map((jobName, i) => new ScrapeJob({
      jobName, discovery: [ServiceDiscovery.staticTargets({ targets: [`127.0.0.${20 + i}:9`] })],
    })),
  });
  const objects = Testing.synth(chart);
  const deployment = findObject(objects, 'Deployment');
  return { files: findObject(objects, 'ConfigMap').data as Record<string, string>, pod: deployment.spec.template };
}

/**
 * Writes a ConfigMap volume as the kubelet's AtomicWriter does: the files in a new `..<stamp>`
 * directory, a `..data_tmp` symlink to it renamed over `..data` (the atomic step), a symlink
 * `<key> -> ..data/<key>` per key, then the old directory removed.
 */
function writeLikeKubelet(dir: string, files: Record<string, string>, stamp: string): void {
  mkdirSync(dir, { recursive: true });
  const old = existsSync(path.join(dir, '..data')) ? readlinkSync(path.join(dir, '..data')) : undefined;
  const generation = `..${stamp}`;
  mkdirSync(path.join(dir, generation));
  for (const [key, content] of Object.entries(files)) writeFileSync(path.join(dir, generation, key), content);
  symlinkSync(generation, path.join(dir, '..data_tmp'));
  renameSync(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  for (const key of Object.keys(files)) {
    if (!existsSync(path.join(dir, key))) symlinkSync(path.join('..data', key), path.join(dir, key));
  }
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith('..') && !(entry in files)) unlinkSync(path.join(dir, entry));
  }
  if (old) rmSync(path.join(dir, old), { recursive: true });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value of an unlabelled metric of the server's own /metrics. */
async function selfMetric(server: RunningPrometheus, name: string): Promise<string | undefined> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
}

describe('a configuration change on Prometheus 2.x', () => {
  let server: RunningPrometheus | undefined;
  let reloader: ChildProcess | undefined;
  let reloaderOutput = '';
  afterAll(async () => {
    // The reloader runs in a process group of its own (its sleep too).
    if (reloader?.pid && reloader.exitCode === null) process.kill(-reloader.pid, 'SIGTERM');
    await server?.stop();
  });

  test('the reloader sidecar signals Prometheus after the kubelet\'s symlink swap: the new job\'s targets appear, same process, same TSDB', async () => {
    const before = synthStack(['a']);
    const after = synthStack(['a', 'b']);
    // Adding a job changes the ConfigMap only.
    expect(after.pod).toEqual(before.pod);
    expect(after.files['prometheus.yml']).not.toEqual(before.files['prometheus.yml']);

    const reloaderContainer = before.pod.spec.containers.find((c: any) => c.name === 'config-reloader');
    expect(before.pod.spec.shareProcessNamespace).toBe(true);
    // /bin/sh -c <script> <$0> <config dir> <config file> <interval>
    const [shell, dashC, script, name, configDir, configFile, interval] = reloaderContainer.command;
    expect([shell, dashC, name, configDir, configFile, interval])
      .toEqual(['/bin/sh', '-c', 'config-reloader', '/etc/prometheus/config', '/etc/prometheus/config/prometheus.yml', '30']);

    // Both as the image's user 65534 without capabilities, as in the pod (when the tests run as root).
    server = await startPrometheus('', {
      user: PROMETHEUS_UID,
      configFile: 'config/prometheus.yml',
      prepare: (dir) => writeLikeKubelet(path.join(dir, 'config'), before.files, '2026_01_01_00_00_00.1'),
    });
    const running = server;
    const dir = path.join(running.dir, 'config');
    // The sidecar's script, on this machine's /bin/sh, checking every second.
    const [command, args] = asUser(PROMETHEUS_UID, '/bin/sh', ['-c', script, name, dir, path.join(dir, 'prometheus.yml'), '1']);
    reloader = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    reloader.stdout?.on('data', (d) => { reloaderOutput += d; });
    reloader.stderr?.on('data', (d) => { reloaderOutput += d; });

    const jobs = async () => new Set((await running.targets()).active.map((t) => t.labels.job));
    await running.waitFor(async () => (await jobs()).has('a'), 30_000, 'job a');
    const pid = running.pid;
    const processStart = await selfMetric(running, 'process_start_time_seconds');
    expect(await selfMetric(running, 'prometheus_config_last_reload_successful')).toBe('1');
    await sleep(1_500); // the reloader has read the first generation

    writeLikeKubelet(dir, after.files, '2026_01_01_00_01_00.2');
    await running.waitFor(async () => (await jobs()).has('b'), 30_000, 'job b after the swap');

    expect(running.pid).toBe(pid);
    expect(reloaderOutput).toContain(`sent SIGHUP to prometheus (pid ${pid})`);
    expect(await selfMetric(running, 'prometheus_config_last_reload_successful')).toBe('1');
    // No restart: the same process start, one TSDB opening, two configuration loads.
    expect(await selfMetric(running, 'process_start_time_seconds')).toBe(processStart);
    // The user matters: another user without capabilities may not signal Prometheus.
    if (process.getuid?.() === 0) {
      const [otherCommand, otherArgs] = asUser(PROMETHEUS_UID - 1, '/bin/sh', ['-c', `kill -HUP ${pid}`]);
      const other = spawnSync(otherCommand, otherArgs, { encoding: 'utf8' });
      expect(other.status).not.toBe(0);
      expect(other.stderr).toMatch(/not permitted/i);
    }
    const log = running.log();
    expect(log.match(/msg="TSDB started"/g)).toHaveLength(1);
    expect(log.match(/msg="Completed loading of configuration file"/g)).toHaveLength(2);
  });
});

// The script's glob reads the keys through `..data`, never the kubelet's dot entries (which are
// directories and symlinks to them).
test('the reloader reads the keys through ..data and skips the kubelet\'s dot entries', () => {
  const { files, pod } = synthStack(['a']);
  const script = pod.spec.containers.find((c: any) => c.name === 'config-reloader').command[2] as string;
  const dir = path.join(tmpdir(), `kubelet-layout-${process.pid}`);
  try {
    writeLikeKubelet(dir, files, '2026_01_01_00_00_00.1');
    expect(readdirSync(dir).sort()).toEqual(['..2026_01_01_00_00_00.1', '..data', 'prometheus.yml']);
    // The script's first read, alone: what `cat "$dir"/*` sees.
    const first = script.split('\n')[1].replace('last=$(', '').replace(/\)$/, '');
    const r = spawnSync('/bin/sh', ['-c', `dir=${dir}; ${first}`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(files['prometheus.yml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
