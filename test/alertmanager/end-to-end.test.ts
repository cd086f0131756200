// End to end with the real binaries: Prometheus evaluates the stack's rules and sends the
// alerts to Alertmanager 0.25 running the library's alertmanager.yml, which notifies a webhook
// this test runs. Then two clustered Alertmanagers send one notification, not two; and the
// reloader sidecar's script reloads a changed config without a restart.
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AlertingRule, Alertmanager, Notifier, PrometheusStack, Receiver, RuleGroup } from '../../src';
import { reloaderScript } from '../../src/stack/alertmanager-reloader';
import { findObjects, freePort, spawnTracked, startAlertmanager, startPrometheus, startWebhookReceiver, terminate, WebhookReceiver } from '../harness';
import { newChart } from '../util';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The library's alertmanager.yml and rule file for a stack with an alert that fires at once. */
function synthesize(webhook: WebhookReceiver) {
  const chart = newChart('monitoring');
  const stack = new PrometheusStack(chart, 'prom', {
    ruleGroups: [new RuleGroup({
      name: 'e2e',
      rules: [new AlertingRule({ alert: 'DiskFull', expr: 'vector(1)', labels: { severity: 'critical', team: 'storage' }, annotations: { summary: 'disk full' } })],
    })],
  });
  const receiver = (name: string) => new Receiver({ name, notifiers: [Notifier.webhook({ url: `${webhook.url}/${name}` })] });
  new Alertmanager(chart, 'am', {
    stack,
    image: 'quay.io/prometheus/alertmanager:v0.25.0',
    defaultReceiver: 'team',
    criticalReceiver: 'oncall',
    watchdogReceiver: 'deadmansswitch',
    receivers: [receiver('team'), receiver('oncall'), receiver('deadmansswitch')],
    groupWait: Duration.seconds(1),
    groupInterval: Duration.seconds(1),
  });
  const objects = Testing.synth(chart);
  const amConfig = findObjects(objects, 'Secret')[0].stringData['alertmanager.yml'];
  const rules = findObjects(objects, 'ConfigMap').find((c: any) => c.data?.['rules.yml']).data['rules.yml'];
  return { amConfig, rules };
}

/**
 * A Prometheus that evaluates `rules` every second and sends to the Alertmanagers at `targets`.
 * Alerts evaluated before the Alertmanagers are discovered are dropped, and resent only after
 * `--rules.alert.resend-delay` (1m by default): 1s here.
 */
function startPrometheusFor(targets: string[], rules: string) {
  return startPrometheus(YAML.stringify({
    global: { evaluation_interval: '1s' },
    rule_files: ['rules.yml'],
    alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets }] }] },
  }), { extraFiles: { 'rules.yml': rules }, extraArgs: ['--rules.alert.resend-delay=1s'] });
}

const notificationsFor = (webhook: WebhookReceiver, alertname: string) =>
  webhook.received.filter((n) => n.groupLabels?.alertname === alertname);

test('a firing alert reaches the critical receiver, grouped by alertname, and the Watchdog its own', async () => {
  const webhook = await startWebhookReceiver();
  const { amConfig, rules } = synthesize(webhook);
  const am = await startAlertmanager(amConfig);
  const prom = await startPrometheusFor([am.url.replace('http://', '')], rules);
  await prom.waitFor(async () => notificationsFor(webhook, 'DiskFull').length > 0 && notificationsFor(webhook, 'Watchdog').length > 0,
    30_000, 'the webhook to receive DiskFull and Watchdog');
  const [disk] = notificationsFor(webhook, 'DiskFull');
  expect(disk).toMatchObject({ receiver: 'oncall', status: 'firing', groupLabels: { alertname: 'DiskFull' }, commonAnnotations: { summary: 'disk full' } });
  expect(disk.alerts).toHaveLength(1);
  expect(disk.alerts[0].labels).toEqual({ alertname: 'DiskFull', severity: 'critical', team: 'storage' });
  expect(notificationsFor(webhook, 'Watchdog')[0]).toMatchObject({ receiver: 'deadmansswitch', commonLabels: { alertname: 'Watchdog', severity: 'none' } });
  await prom.stop();
  await am.stop();
  await webhook.stop();
});

test('two clustered Alertmanagers, both sent the alert, notify once', async () => {
  const webhook = await startWebhookReceiver();
  const { amConfig, rules } = synthesize(webhook);
  const [g1, g2] = [await freePort(), await freePort()];
  const peers = [`127.0.0.1:${g1}`, `127.0.0.1:${g2}`];
  // A short peer timeout: the second replica waits 1 x peer-timeout for the first one's notification log.
  const start = (i: number) => startAlertmanager(amConfig, {
    cluster: { listenAddress: peers[i], peers },
    extraArgs: ['--cluster.peer-timeout=2s', '--cluster.gossip-interval=100ms', '--cluster.pushpull-interval=1s'],
  });
  const ams = [await start(0), await start(1)];
  const until = Date.now() + 20_000;
  while ((await ams[0].metric('alertmanager_cluster_members')) !== 2 && Date.now() < until) await sleep(250);
  expect(await ams[0].metric('alertmanager_cluster_members')).toBe(2);
  const prom = await startPrometheusFor(ams.map((a) => a.url.replace('http://', '')), rules);
  await prom.waitFor(async () => notificationsFor(webhook, 'DiskFull').length > 0, 30_000, 'the first DiskFull notification');
  // Both received the alert from Prometheus ...
  for (const am of ams) {
    const alerts = await (await fetch(`${am.url}/api/v2/alerts?filter=alertname%3D%22DiskFull%22`)).json();
    expect(alerts).toHaveLength(1);
  }
  // ... and, well past the second replica's turn (2 x peer timeout), there is still one notification.
  await sleep(8_000);
  expect(notificationsFor(webhook, 'DiskFull')).toHaveLength(1);
  await prom.stop();
  await Promise.all(ams.map((a) => a.stop()));
  await webhook.stop();
});

test('the reloader script reloads a changed config (no restart), and keeps the old one when the new is refused', async () => {
  const webhook = await startWebhookReceiver();
  const { amConfig } = synthesize(webhook);
  const am = await startAlertmanager(amConfig);
  const configDir = path.join(am.dir, 'config');
  // The mounted Secret: a directory with alertmanager.yml (the harness's own copy stays as the process reads it).
  fs.mkdirSync(configDir);
  fs.rmSync(path.join(am.dir, 'alertmanager.yml'));
  fs.writeFileSync(path.join(configDir, 'alertmanager.yml'), amConfig);
  fs.symlinkSync(path.join(configDir, 'alertmanager.yml'), path.join(am.dir, 'alertmanager.yml'));
  const reloader = spawnTracked('reloader', '/bin/sh', ['-c', reloaderScript(configDir, `${am.url}/-/reload`, 1)]);
  try {
    const before = await am.metric('alertmanager_config_hash');
    await sleep(1_500);
    expect(await am.metric('alertmanager_config_hash')).toBe(before);
    fs.writeFileSync(path.join(configDir, 'alertmanager.yml'), amConfig.replace('repeat_interval: 12h', 'repeat_interval: 6h'));
    let after = before;
    for (let i = 0; i < 40 && after === before; i++) {
      await sleep(250);
      after = await am.metric('alertmanager_config_hash');
    }
    expect(after).not.toBe(before);
    expect(await am.metric('alertmanager_config_last_reload_successful')).toBe(1);
    // A config Alertmanager refuses: the reload fails, the running config stays, the script keeps trying.
    fs.writeFileSync(path.join(configDir, 'alertmanager.yml'), 'route: {}\n');
    let ok: number | undefined = 1;
    for (let i = 0; i < 40 && ok === 1; i++) {
      await sleep(250);
      ok = await am.metric('alertmanager_config_last_reload_successful');
    }
    expect(ok).toBe(0);
    expect(await am.metric('alertmanager_config_hash')).toBe(after);
    expect(reloader.output).toMatch(/reloaded .*\n[\s\S]*reload failed, retrying/);
  } finally {
    await terminate(reloader);
    await am.stop();
    await webhook.stop();
  }
});
