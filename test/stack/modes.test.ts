// Agent mode and the replica label, run by a real Prometheus (Debian's 2.42) with the flags and
// the configuration the stack generates.
import { Testing } from 'cdk8s';
import {
  AlertingRule, PrometheusMode, PrometheusStack, PrometheusStackProps, RemoteWrite, RuleGroup, ScrapeJob, ServiceDiscovery,
} from '../../src';
import { findObject, findObjects, freePort, startPrometheus } from '../harness';

const IMAGE_2_42 = 'quay.io/prometheus/prometheus:v2.42.0';

/** The stack's prometheus.yml and the flags of its container that are not paths or the listen address (the harness sets those). */
function synthStack(props: PrometheusStackProps) {
  const chart = Testing.chart();
  new PrometheusStack(chart, 'prometheus', {
    image: IMAGE_2_42,
    scrapeJobs: [new ScrapeJob({ jobName: 'node', discovery: [ServiceDiscovery.staticTargets({ targets: ['127.0.0.30:9'] })] })],
    ...props,
  });
  const objects = Testing.synth(chart);
  const workload = [...findObjects(objects, 'Deployment'), ...findObjects(objects, 'StatefulSet')][0];
  const args: string[] = workload.spec.template.spec.containers[0].args;
  const pathFlags = /^--(config\.file|storage\.(tsdb|agent)\.path|web\.listen-address)=/;
  return {
    config: findObject(objects, 'ConfigMap').data['prometheus.yml'] as string,
    args,
    extraArgs: args.filter((a) => !pathFlags.test(a)),
  };
}

describe('agent mode on Prometheus 2.42', () => {
  test('starts in agent mode with the generated flags and configuration, and scrapes', async () => {
    const port = await freePort();
    const { config, args, extraArgs } = synthStack({
      mode: PrometheusMode.AGENT,
      remoteWrites: [new RemoteWrite({ url: `http://127.0.0.1:${port}/api/v1/write` })],
    });
    expect(args).toContain('--storage.agent.path=/prometheus');
    expect(extraArgs).toEqual(['--enable-feature=agent']);
    const server = await startPrometheus(config, { storageFlag: '--storage.agent.path', extraArgs });
    try {
      // v2.42.0 cmd/prometheus/main.go logs this for `--enable-feature=agent`.
      expect(server.log()).toContain('Experimental agent mode enabled.');
      await server.waitFor(async () => (await server.targets()).active.some((t) => t.labels.job === 'node'), 30_000, 'the node job');
      // The agent's own storage (v2.42.0 tsdb/agent/db.go), not the TSDB.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^prometheus_agent_active_series /m);
      expect(metrics).not.toMatch(/^prometheus_tsdb_head_series /m);
    } finally {
      await server.stop();
    }
  });

  test('what synth refuses in agent mode, Prometheus refuses too: a server configuration with rules does not load', async () => {
    const { extraArgs } = synthStack({ mode: PrometheusMode.AGENT, remoteWrites: [new RemoteWrite({ url: 'http://127.0.0.1:9/write' })] });
    const server = synthStack({
      ruleGroups: [new RuleGroup({ name: 'g', rules: [new AlertingRule({ alert: 'Down', expr: 'up == 0' })] })],
    });
    await expect(startPrometheus(server.config, {
      storageFlag: '--storage.agent.path',
      extraArgs,
      extraFiles: { 'rules.yml': 'groups: []\n' },
    })).rejects.toThrow(/field rule_files is not allowed in agent mode/);
  });
});

describe('replicas on Prometheus 2.42', () => {
  test('each replica\'s external label is its pod name, from the POD_NAME the downward API sets', async () => {
    const { config, extraArgs } = synthStack({ replicas: 2, externalLabels: { cluster: 'prod' } });
    expect(extraArgs).toContain('--enable-feature=expand-external-labels');
    expect(config).toContain('prometheus_replica: ${POD_NAME}');
    const server = await startPrometheus(config, { extraArgs, env: { POD_NAME: 'test-prometheus-c8xxxxxx-1' } });
    try {
      const loaded = await (await fetch(`${server.url}/api/v1/status/config`)).json() as { data: { yaml: string } };
      expect(loaded.data.yaml).toMatch(/external_labels:\n\s+cluster: prod\n\s+prometheus_replica: test-prometheus-c8xxxxxx-1\n/);
    } finally {
      await server.stop();
    }
  });
});
