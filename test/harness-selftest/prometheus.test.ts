import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { relabel, relabelCaseFromJob, startMetricsServer, startNodeExporter, startPrometheus } from '../harness';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A scrape job as the library renders it (Kubernetes discovery, HTTPS, files that exist only in a pod). */
const RENDERED_JOB = YAML.parse(`
job_name: kubernetes-nodes
scheme: https
metrics_path: /metrics/cadvisor
params: {format: [text]}
tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
authorization: {credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token}
kubernetes_sd_configs: [{role: node}]
relabel_configs:
  - action: labelmap
    regex: __meta_kubernetes_node_label_(.+)
`) as Record<string, unknown>;

const POD_META = {
  __meta_kubernetes_namespace: 'kube-system',
  __meta_kubernetes_pod_name: 'weave-net-abcde',
  __meta_kubernetes_pod_ip: '10.32.0.5',
  __meta_kubernetes_pod_label_name: 'weave-net',
};

// The Prometheus tests run concurrently: each waits ~5 s for target discovery.
describe('real Prometheus', () => {
  test.concurrent('relabel() keeps, drops and rewrites targets with the real relabelling', async () => {
    const results = await relabel([
      {
        name: 'keep-namespace',
        relabelConfigs: [{ source_labels: ['__meta_kubernetes_namespace'], regex: 'monitoring', action: 'keep' }],
        targets: [
          { address: '10.32.0.7:9090', labels: { __meta_kubernetes_namespace: 'monitoring' } },
          { address: '10.32.0.8:9090', labels: { __meta_kubernetes_namespace: 'default' } },
        ],
      },
      {
        name: 'weave',
        relabelConfigs: [
          { source_labels: ['__meta_kubernetes_pod_label_name'], regex: 'weave-net', action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_ip'], regex: '(.+)', replacement: '${1}:6782', target_label: '__address__' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
          // Go reads `$1_suffix` as the group named "1_suffix": empty, so the label is not set.
          { source_labels: ['__meta_kubernetes_pod_name'], regex: '(.+)', replacement: '$1_suffix', target_label: 'broken' },
        ],
        targets: [{ address: '10.32.0.5:80', labels: POD_META }],
      },
      relabelCaseFromJob(RENDERED_JOB, [{
        address: '10.0.0.1:10250',
        labels: { __meta_kubernetes_node_name: 'node-1', __meta_kubernetes_node_label_kubernetes_io_os: 'linux' },
      }]),
      {
        name: 'empty-address',
        relabelConfigs: [{ target_label: '__address__', replacement: '' }],
        targets: [{ labels: {} }],
      },
    ], { allowInvalidTargets: true });

    expect(results.map((r) => r.name)).toEqual(['keep-namespace', 'weave', 'kubernetes-nodes', 'empty-address']);
    const [keep, weave, nodes, empty] = results;
    expect(keep.kept).toEqual([{ instance: '10.32.0.7:9090', job: 'keep-namespace' }]);
    expect(keep.dropped).toEqual([{
      __address__: '10.32.0.8:9090',
      __meta_kubernetes_namespace: 'default',
      __metrics_path__: '/metrics',
      __scheme__: 'http',
      __scrape_interval__: '1h',
      __scrape_timeout__: '10s',
      job: 'keep-namespace',
    }]);
    expect(keep.targets.map((t) => t.kept)).toEqual([true, false]);

    expect(weave.targets).toHaveLength(1);
    expect(weave.targets[0].kept).toBe(true);
    expect(weave.targets[0].labels).toEqual({ instance: '10.32.0.5:6782', job: 'weave', pod: 'weave-net-abcde' });
    expect(weave.targets[0].discovered.__address__).toBe('10.32.0.5:80');

    expect(nodes.kept).toEqual([{ instance: '10.0.0.1:10250', job: 'kubernetes-nodes', kubernetes_io_os: 'linux' }]);
    expect(nodes.targets[0].discovered).toMatchObject({ __scheme__: 'https', __metrics_path__: '/metrics/cadvisor', __param_format: 'text' });

    expect(empty.kept).toEqual([]);
    expect(empty.dropped).toEqual([]);
    expect(empty.targets[0]).toMatchObject({ kept: false, error: expect.stringContaining('no address') });
  });

  test.concurrent('relabel() throws when Prometheus refuses a target', async () => {
    await expect(relabel([{ name: 'bad', relabelConfigs: [{ target_label: '__address__', replacement: '' }], targets: [{ labels: {} }] }]))
      .rejects.toThrow(/relabel: Prometheus refused 1 target\(s\) after relabelling:\n {2}- bad\[0\]: .*no address/);
  });

  test.concurrent('relabel() throws with the log when Prometheus rejects the relabel rules', async () => {
    await expect(relabel([{ name: 'bad', relabelConfigs: [{ source_labels: ['a'], regex: '(?<=x)', action: 'keep' }], targets: [{ labels: {} }] }]))
      .rejects.toThrow(/prometheus exited \(code \d+[\s\S]*invalid or unsupported Perl syntax/);
  });

  test.concurrent('Prometheus scrapes the node exporter and a metrics server (up == 1)', async () => {
    const exporter = await startNodeExporter();
    const app = await startMetricsServer('# TYPE app_requests_total counter\napp_requests_total{code="200"} 42\n');
    const prometheus = await startPrometheus([
      'global: {scrape_interval: 1s, scrape_timeout: 1s}',
      'scrape_configs:',
      `  - job_name: node\n    static_configs: [{targets: ['${exporter.address}']}]`,
      `  - job_name: app\n    static_configs: [{targets: ['${app.address}']}]`,
      '',
    ].join('\n'));
    try {
      const up = await prometheus.waitFor(async () => {
        const data = await prometheus.query('up == 1');
        return data.result.length === 2 ? data : undefined;
      }, 30_000, 'both targets up');
      expect(up.result.map((s) => s.metric.job).sort()).toEqual(['app', 'node']);
      const requests = await prometheus.query('app_requests_total');
      expect(requests.result.map((s) => [s.metric.code, s.value?.[1]])).toEqual([['200', '42']]);
      const cpu = await prometheus.query('count(node_cpu_seconds_total) > 0');
      expect(cpu.result).toHaveLength(1);
      const targets = await prometheus.targets();
      expect(targets.active.map((t) => t.health).sort()).toEqual(['up', 'up']);
    } finally {
      await prometheus.stop();
      await exporter.stop();
      await app.stop();
    }
    expect(isRunning(prometheus.pid)).toBe(false);
    expect(isRunning(exporter.pid)).toBe(false);
    expect(fs.existsSync(prometheus.dir)).toBe(false);
  });

  test.concurrent('a started program dies with the Node process that started it', async () => {
    const script = `require(${JSON.stringify(path.join(__dirname, '..', 'harness', 'prometheus'))}).startNodeExporter().then((t) => console.log('pid=' + t.pid))`;
    const parent = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: path.join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /pid=(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.on('exit', (code) => reject(new Error(`node exited (${code}) before starting the exporter: ${out}`)));
    });
    expect(isRunning(pid)).toBe(true);
    parent.kill('SIGKILL');
    for (let i = 0; i < 50 && isRunning(pid); i++) await sleep(100);
    expect(isRunning(pid)).toBe(false);
  });

  test.concurrent('startPrometheus fails with the log when the config is invalid', async () => {
    await expect(startPrometheus('scrape_configs:\n  - job_name: x\n    bogus: 1\n'))
      .rejects.toThrow(/prometheus exited \(code \d+[\s\S]*field bogus not found in type config.ScrapeConfig/);
  });
});
