// The Prometheus version comes from the image tag; fields and flags newer than it fail synthesis.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { Duration, Testing } from 'cdk8s';
import {
  AlertingRule, Credential, KubernetesRole, PrometheusConfig, PrometheusStack, Relabel, RuleGroup, ScrapeJob, ServiceDiscovery,
} from '../../src';
import { atLeast, imageVersion } from '../../src/model/prometheus/version';
import { CONFIG_GATES, FLAG_GATES, hasEveryGate, LATEST_PROMETHEUS, RULE_GATES, VersionGate } from '../../src/model/prometheus/version-gates';
import { expectError, newChart, onlyConfig, synthAndCheck } from '../util';

const IMAGE = 'quay.io/prometheus/prometheus';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('hasEveryGate: a Prometheus with every gated field has nothing to look for', () => {
  test('the newest gate decides: 2.55.0 has every prometheus.yml and rule field, 2.54.1 lacks http_headers', () => {
    const newest = [...CONFIG_GATES, ...RULE_GATES].map((g) => imageVersion(`p:v${g.since}`)!)
      .reduce((a, b) => (atLeast(a, `${b.major}.${b.minor}.${b.patch}`) ? a : b));
    expect(newest).toEqual({ major: 2, minor: 55, patch: 0 });
    expect(hasEveryGate(newest, CONFIG_GATES, RULE_GATES)).toBe(true);
    expect(hasEveryGate(LATEST_PROMETHEUS, CONFIG_GATES, RULE_GATES)).toBe(true);
    expect(hasEveryGate({ major: 2, minor: 54, patch: 1 }, CONFIG_GATES, RULE_GATES)).toBe(false);
  });

  test('below it, the fields are still looked for: http_headers on 2.54.1 fails, the same config on 2.55.0 passes', () => {
    const job = (image: string) => {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prom', { image, serviceType: 'ClusterIP' });
      stack.addScrapeJob(new ScrapeJob({
        jobName: 'api',
        discovery: [ServiceDiscovery.staticTargets({ targets: ['api:8080'] })],
        secretHeaders: { 'X-Api-Key': Credential.fromSecret('api', 'key') },
      }));
      return chart;
    };
    expect(() => synthAndCheck(job(`${IMAGE}:v2.55.0`))).not.toThrow();
    expectError(() => synthAndCheck(job(`${IMAGE}:v2.54.1`)), 'http_headers', '2.55.0');
  });
});

describe('imageVersion', () => {
  test.each([
    [`${IMAGE}:v2.55.1`, { major: 2, minor: 55, patch: 1 }],
    ['prom/prometheus:2.55.1', { major: 2, minor: 55, patch: 1 }],
    [`${IMAGE}:v3.5.0-rc.0`, { major: 3, minor: 5, patch: 0 }],
    [`${IMAGE}:v3.5.0@${DIGEST}`, { major: 3, minor: 5, patch: 0 }],
    ['localhost:5000/prometheus/prometheus:v2.42.0', { major: 2, minor: 42, patch: 0 }],
  ])('reads %s', (image, version) => {
    expect(imageVersion(image)).toEqual(version);
  });

  test.each([`${IMAGE}@${DIGEST}`, `${IMAGE}:latest`, `${IMAGE}:main`, 'localhost:5000/prometheus'])('finds no version in %s', (image) => {
    expect(imageVersion(image)).toBeUndefined();
  });

  test('atLeast compares major, minor and patch', () => {
    const v = { major: 2, minor: 55, patch: 1 };
    expect([atLeast(v, '2.55.0'), atLeast(v, '2.55.1'), atLeast(v, '2.55.2'), atLeast(v, '2.9.0'), atLeast(v, '3.0.0')])
      .toEqual([true, true, false, true, false]);
  });
});

/** A stack on `image` whose only job uses a relabel action. */
function stackWithJob(image: string, job: ScrapeJob) {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prom', { image, selfMonitoring: false, scrapeJobs: [job] });
  return { chart, stack };
}

const keepEqualJob = () => new ScrapeJob({
  jobName: 'app',
  discovery: [ServiceDiscovery.staticTargets({ targets: ['app:8080'] })],
  relabelConfigs: [Relabel.keepEqual({ sourceLabels: ['__meta_port'], targetLabel: 'port' })],
});

describe('fields newer than the image', () => {
  test('keepequal (2.41) fails on 2.40 with the path, the field, the image and the version needed', () => {
    const { chart } = stackWithJob(`${IMAGE}:v2.40.7`, keepEqualJob());
    expectError(() => Testing.synth(chart),
      "test/prom: 'scrape_configs[app].relabel_configs[0].action' 'keepequal' needs Prometheus 2.41.0 or newer",
      'prometheus/prometheus v2.41.0 model/relabel/relabel.go', `got 'image ${IMAGE}:v2.40.7 (Prometheus 2.40.7)'`);
  });

  test('keepequal is emitted for 2.41, and Debian\'s promtool 2.42 accepts it', () => {
    const { chart } = stackWithJob(`${IMAGE}:v2.41.0`, keepEqualJob());
    expect(onlyConfig(synthAndCheck(chart)).scrape_configs[0].relabel_configs[0].action).toBe('keepequal');
  });

  test('a job added after the stack, through its config, is checked too', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prom', { image: `${IMAGE}:v2.35.0` });
    stack.config.addScrapeJob(new ScrapeJob({
      jobName: 'late',
      discovery: [ServiceDiscovery.staticTargets({ targets: ['a:1'] })],
      metricRelabelConfigs: [Relabel.lowercase({ sourceLabels: ['x'], targetLabel: 'y' })],
    }));
    expectError(() => Testing.synth(chart), "'scrape_configs[late].metric_relabel_configs[0].action' 'lowercase' needs Prometheus 2.36.0");
  });

  test('a job added after a first synthesis is checked at the next one', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prom', { image: `${IMAGE}:v2.35.0` });
    expect(() => Testing.synth(chart)).not.toThrow();
    stack.addScrapeJob(new ScrapeJob({
      jobName: 'late',
      discovery: [ServiceDiscovery.staticTargets({ targets: ['a:1'] })],
      metricRelabelConfigs: [Relabel.lowercase({ sourceLabels: ['x'], targetLabel: 'y' })],
    }));
    expectError(() => Testing.synth(chart), "'scrape_configs[late].metric_relabel_configs[0].action' 'lowercase' needs Prometheus 2.36.0");
  });

  test('keep_firing_for (2.42) fails on 2.41 and is emitted on 2.42', () => {
    const rule = () => new RuleGroup({
      name: 'g',
      rules: [new AlertingRule({ alert: 'Down', expr: 'up == 0', keepFiringFor: Duration.minutes(5) })],
    });
    const old = newChart();
    new PrometheusStack(old, 'prom', { image: `${IMAGE}:v2.41.0`, ruleGroups: [rule()] });
    expectError(() => Testing.synth(old), "'groups[g].rules[0].keep_firing_for' needs Prometheus 2.42.0 or newer");

    const chart = newChart();
    new PrometheusStack(chart, 'prom', { image: `${IMAGE}:v2.42.0`, ruleGroups: [rule()] });
    const rules = synthAndCheck(chart).objects.find((o) => o.kind === 'ConfigMap').data['rules.yml'];
    expect(rules).toContain('keep_firing_for: 5m');
  });

  test('attach_metadata needs 2.35 for the pod role and 2.37 for endpointslice', () => {
    const job = (role: KubernetesRole) => new ScrapeJob({
      jobName: 'k8s', discovery: [ServiceDiscovery.kubernetes({ role, attachNodeMetadata: true })],
    });
    expect(() => Testing.synth(stackWithJob(`${IMAGE}:v2.35.0`, job(KubernetesRole.POD)).chart)).not.toThrow();
    expectError(() => Testing.synth(stackWithJob(`${IMAGE}:v2.36.0`, job(KubernetesRole.ENDPOINT_SLICE)).chart),
      "'scrape_configs[k8s].kubernetes_sd_configs[0].attach_metadata' needs Prometheus 2.37.0 or newer");
  });

  test('every field the image lacks is reported at once', () => {
    const { chart } = stackWithJob(`${IMAGE}:v2.20.0`, new ScrapeJob({
      jobName: 'k8s', targetLimit: 10, discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.ENDPOINT_SLICE })],
    }));
    expectError(() => Testing.synth(chart), "'scrape_configs[k8s].target_limit' needs Prometheus 2.21.0",
      "'scrape_configs[k8s].kubernetes_sd_configs[0].role' 'endpointslice' needs Prometheus 2.21.0");
  });

  test('a digest-only image counts as the newest supported release', () => {
    const { chart } = stackWithJob(`${IMAGE}@${DIGEST}`, keepEqualJob());
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('a PrometheusConfig on its own renders every field (the newest release)', () => {
    const config = new PrometheusConfig();
    config.addScrapeJob(keepEqualJob());
    expect(config.toYaml()).toContain('action: keepequal');
  });
});

describe('flags newer than the image', () => {
  test('an image older than 2.7 fails in the constructor, naming the retention flag', () => {
    expectError(() => new PrometheusStack(newChart(), 'prom', { image: 'prom/prometheus:v2.6.1' }),
      "test/prom: '--storage.tsdb.retention.time' needs Prometheus 2.7.0 or newer (prometheus/prometheus v2.7.0 cmd/prometheus/main.go)",
      "got 'image prom/prometheus:v2.6.1 (Prometheus 2.6.1)'");
  });

  test('a 1.x image fails on the 2.x flags (the seed\'s -config.file is never emitted)', () => {
    expectError(() => new PrometheusStack(newChart(), 'prom', { image: 'prom/prometheus:v1.8.2' }),
      "'--storage.tsdb.path' needs Prometheus 2.0.0 or newer");
  });
});

// Each gate, checked against the upstream source: the field (or flag, or value) is in the file
// at the cited tag and not at the release before. Runs when the repositories were fetched
// (the `fetch` tool puts them under /work/.mirror); the evidence is the yaml tag in Go source.
const MIRROR = '/work/.mirror';
const REPOS: { [repo: string]: string } = {
  'prometheus/prometheus': `${MIRROR}/prometheus+prometheus/repo`,
  'prometheus/common': `${MIRROR}/prometheus+common/repo`,
};
/** What each gate's source must contain, by the gate's `since` and field. */
function evidence(gate: VersionGate): string | undefined {
  const pattern = gate.field.source;
  if (gate.values) return `"${gate.values[0]}"`;
  // The flag is exporter-toolkit's (v0.4.0 https/kingpinflag/flag.go): main.go's evidence is registering it.
  if (pattern === '^--web\\.config\\.file$') return 'httpsflag.AddFlags';
  if (pattern.startsWith('^--')) return `"${pattern.slice(3, -1).replace(/\\\./g, '.')}"`;
  if (pattern.includes('kuma_sd_configs')) return 'KumaSDConfig';
  if (pattern.includes('http_headers')) return undefined; // a behaviour (files read per request), checked in secrets-in-config.test.ts
  if (gate.when) return undefined; // a code path (endpoints roles attach node metadata), not a field: checked below
  const field = /([a-z0-9_]+)\$$/.exec(pattern)?.[1];
  return field && `yaml:"${field}`;
}
function show(repo: string, tag: string, file: string): string {
  const r = spawnSync('git', ['-C', REPOS[repo], 'show', `${tag}:${file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : '';
}
/** The tag before `tag`: the previous minor release of prometheus, or for prometheus/common the version the previous prometheus release used. */
function previous(repo: string, tag: string, citing: string): string {
  if (repo === 'prometheus/prometheus') {
    const [major, minor] = tag.slice(1).split('.').map(Number);
    return major === 2 && minor === 0 ? 'v1.8.0' : minor === 0 ? `v${major - 1}.0.0` : `v${major}.${minor - 1}.0`;
  }
  const prom = /prometheus\/prometheus (v[\d.]+)/.exec(citing)![1];
  const goMod = show('prometheus/prometheus', previous('prometheus/prometheus', prom, ''), 'go.mod');
  return /github\.com\/prometheus\/common (v[\d.]+)/.exec(goMod)![1];
}
const haveMirrors = Object.values(REPOS).every((dir) => existsSync(dir));

(haveMirrors ? describe : describe.skip)('each gate matches upstream source', () => {
  const gates = [...CONFIG_GATES, ...RULE_GATES, ...FLAG_GATES];
  test.each(gates.filter((g) => evidence(g)).map((g) => [g.source, g.since, g]))('%s has it since %s', (_s, since, gate) => {
    const g = gate as VersionGate;
    const [repo, tag, file] = g.source.split(' ');
    const needle = evidence(g)!;
    expect(show(repo, tag, file)).toContain(needle);
    // The file may not exist before (a new discovery); 1.x defined its flags in config.go.
    const before = previous(repo, tag, g.source);
    const earlier = show(repo, before, file) + (before === 'v1.8.0' ? show(repo, before, 'cmd/prometheus/config.go') : '');
    expect(earlier).not.toContain(needle);
    expect(tag.startsWith('v0.') || tag === `v${since}`).toBe(true);
  });

  test('endpoints and endpointslice attach node metadata from 2.37 (discovery/kubernetes/kubernetes.go)', () => {
    const endpointsCase = (tag: string) => /case RoleEndpoint:[\s\S]*?attachMetadata\.Node[\s\S]*?case RolePod/.test(
      show('prometheus/prometheus', tag, 'discovery/kubernetes/kubernetes.go'));
    expect([endpointsCase('v2.36.0'), endpointsCase('v2.37.0')]).toEqual([false, true]);
  });
});
