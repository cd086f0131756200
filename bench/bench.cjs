#!/usr/bin/env node
// Synthesis benchmark: a fleet of N applications monitored with AppServiceMonitor on one
// PrometheusStack, against a baseline that writes the same objects as plain cdk8s ApiObjects
// and builds prometheus.yml directly with the `yaml` package (the cost of cdk8s itself).
//
//   npm run bench                 (compiles, then runs this file)
//   node bench/bench.cjs [--runs 5] [--sizes 100,1000,4000,20000]
//
// Each measurement runs in a fresh Node process (so peak RSS is per case and nothing is
// warmed by an earlier case). The two cases of a size run in turn, --runs times each (at least
// 11 times up to 1,000 applications), and the ratio is the median of the ratios of each pair:
// the machine's slow spells then fall on both.
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');

const APPS_PER_NAMESPACE = 100;
/** The Service annotation labels the namespace job reads (kubernetes discovery sanitizes the key). */
const ANNOTATION = '__meta_kubernetes_service_annotation';
const SCRAPE = 'cdk8s_prometheus_monitoring_scrape_';

// ---------------------------------------------------------------------------------------------
// One measurement, in a child process: `node bench.cjs --child <library|baseline|load-lib|load-plus|record> N`
if (process.argv[2] === '--child') {
  const [, , , kind, n] = process.argv;
  if (kind === 'record') {
    process.stdout.write(JSON.stringify(recordIntegrations()));
    process.exit(0);
  }
  const result = kind.startsWith('load-') ? measureLoad(kind) : measureSynth(kind, Number(n));
  process.stdout.write(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

function measureLoad(kind) {
  const start = process.hrtime.bigint();
  require(kind === 'load-lib' ? path.join(__dirname, '..', 'lib') : 'cdk8s-plus-28');
  return { loadMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

function measureSynth(kind, n) {
  const cdk8s = require('cdk8s');
  const lib = kind === 'library' ? require(path.join(__dirname, '..', 'lib')) : undefined;
  const YAML = require('yaml');
  const t0 = process.hrtime.bigint();
  const app = new cdk8s.App({ outdir: '/tmp/unused' });
  const chart = new cdk8s.Chart(app, 'fleet');
  const fleet = apps(n);
  const extra = kind === 'library'
    ? buildLibrary(chart, fleet, lib)
    : buildBaseline(chart, fleet, cdk8s, YAML, JSON.parse(require('fs').readFileSync(process.env.BENCH_RECORD, 'utf8')));
  const t1 = process.hrtime.bigint();
  const yaml = app.synthYaml();
  const t2 = process.hrtime.bigint();
  // The shape of prometheus.yml is read after the clock stops: it is the bench's, not the synthesis's.
  const shape = typeof extra === 'function' ? extra() : extra;
  return {
    constructMs: Number(t1 - t0) / 1e6,
    synthMs: Number(t2 - t1) / 1e6,
    bytes: yaml.length,
    objects: (yaml.match(/^kind: /gm) || []).length,
    ...shape,
  };
}

function apps(n) {
  return Array.from({ length: n }, (_, i) => ({
    id: `app-${i}`,
    labels: { app: `app-${i}` },
    namespace: `team-${Math.floor(i / APPS_PER_NAMESPACE)}`,
    port: 8000 + (i % 3),
  }));
}

/** The integrations, once each beside the fleet: Weave Net, a KrakenD gateway, a Kuma mesh. */
function addIntegrations(chart, stack, lib) {
  new lib.WeaveMonitoring(chart, 'weave', { stack });
  new lib.KrakendMetrics(chart, 'gateway', { stack, metadata: { namespace: 'gateway' } });
  new lib.KumaMetricsMesh(chart, 'kuma', { stack });
}

/**
 * What the integrations add, for the baseline: their objects and their part of prometheus.yml,
 * recorded from the library outside any measurement.
 */
function recordIntegrations() {
  const cdk8s = require('cdk8s');
  const lib = require(path.join(__dirname, '..', 'lib'));
  const YAML = require('yaml');
  const app = new cdk8s.App({ outdir: '/tmp/unused' });
  const chart = new cdk8s.Chart(app, 'fleet');
  const stack = new lib.PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
  addIntegrations(chart, stack, lib);
  // The stack's own objects are in both cases already; its Roles for the integrations are not.
  const core = ['ServiceAccount', 'ConfigMap', 'Deployment', 'Service', 'NetworkPolicy'];
  const own = new Set(stack.node.findAll().filter((c) => c instanceof cdk8s.ApiObject && core.includes(c.kind)).map((o) => o.name));
  const objects = chart.toJson().filter((o) => !own.has(o.metadata.name));
  const config = YAML.parse(stack.config.toYaml());
  return {
    objects,
    jobs: config.scrape_configs.filter((j) => j.job_name !== 'prometheus'),
    rules: stack.config.rulesToYaml(),
  };
}

function buildLibrary(chart, fleet, lib) {
  const stack = new lib.PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
  addIntegrations(chart, stack, lib);
  for (const a of fleet) {
    new lib.AppServiceMonitor(chart, a.id, {
      pods: lib.PodSelection.fromLabels(a.labels),
      metricsPort: a.port,
      metadata: { namespace: a.namespace },
      stack,
    });
  }
  return () => configShape(require('yaml').parse(stack.config.toYaml()));
}

// The same objects the library writes, as plain ApiObjects with hand-written specs.
function buildBaseline(chart, fleet, cdk8s, YAML, integrations) {
  const ns = 'monitoring';
  const selector = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'fleet-prometheus' };
  const labels = { ...selector, 'app.kubernetes.io/component': 'server' };
  const obj = (id, apiVersion, kind, metadata, rest) => new cdk8s.ApiObject(chart, id, { apiVersion, kind, metadata, ...rest });
  const sa = obj('prometheus-sa', 'v1', 'ServiceAccount', { namespace: ns, labels }, {});
  const namespaces = [...new Set(fleet.map((a) => a.namespace))];
  const jobs = [{ job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] }];
  integrations.objects.forEach((o, i) => new cdk8s.ApiObject(chart, `integration-${i}`, o));
  for (const a of fleet) {
    const metadata = { namespace: a.namespace, labels: { ...a.labels, 'app.kubernetes.io/component': 'metrics' } };
    // The scrape settings travel with the Service, as the library writes them.
    obj(`${a.id}-service`, 'v1', 'Service', { ...metadata, annotations: { 'cdk8s-prometheus-monitoring/scrape-port': 'metrics' } }, {
      spec: { type: 'ClusterIP', selector: a.labels, ports: [{ name: 'metrics', protocol: 'TCP', port: a.port, targetPort: a.port }] },
    });
    obj(`${a.id}-servicemonitor`, 'monitoring.coreos.com/v1', 'ServiceMonitor', { namespace: a.namespace }, {
      spec: { selector: { matchLabels: metadata.labels }, endpoints: [{ port: 'metrics' }] },
    });
    obj(`${a.id}-networkpolicy`, 'networking.k8s.io/v1', 'NetworkPolicy', metadata, {
      spec: {
        podSelector: { matchLabels: a.labels },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { component: 'monitoring' } }, podSelector: {} }], ports: [{ port: a.port, protocol: 'TCP' }] },
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: selector } }], ports: [{ port: a.port, protocol: 'TCP' }] },
        ],
      },
    });
  }
  const standard = [['__meta_kubernetes_namespace', 'namespace'], ['__meta_kubernetes_service_name', 'service'],
    ['__meta_kubernetes_pod_name', 'pod'], ['__meta_kubernetes_pod_container_name', 'container'],
    ['__meta_kubernetes_endpointslice_port_name', 'endpoint'], ['__meta_kubernetes_service_name', 'job']];
  for (const n of namespaces) {
    const role = obj(`role-${n}`, 'rbac.authorization.k8s.io/v1', 'Role', { namespace: n, labels }, {
      rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] }],
    });
    obj(`rolebinding-${n}`, 'rbac.authorization.k8s.io/v1', 'RoleBinding', { namespace: n, labels }, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: ns }],
    });
    jobs.push({
      job_name: `apps/${n}`,
      kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [n] } }],
      // One fixed set of rules reads each Service's scrape settings from its annotations.
      relabel_configs: [
        { source_labels: [`${ANNOTATION}present_${SCRAPE}port`], regex: 'true', action: 'keep' },
        { source_labels: ['__meta_kubernetes_endpointslice_port_name'], target_label: `${ANNOTATION}_${SCRAPE}port`, action: 'keepequal' },
        { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Failed|Succeeded', action: 'drop' },
        ...[['path', '__metrics_path__'], ['scheme', '__scheme__'], ['interval', '__scrape_interval__'], ['timeout', '__scrape_timeout__']]
          .map(([s, target]) => ({ source_labels: [`${ANNOTATION}_${SCRAPE}${s}`], regex: '(.+)', target_label: target, action: 'replace' })),
        { regex: `${ANNOTATION}_${SCRAPE}param_(.+)`, replacement: '__param_${1}', action: 'labelmap' },
        ...standard.map(([source, target]) => ({ source_labels: [source], target_label: target, action: 'replace' })),
      ],
    });
  }
  jobs.push(...integrations.jobs);
  const config = {
    global: { scrape_interval: '15s', scrape_timeout: '10s', evaluation_interval: '15s' },
    rule_files: ['rules.yml'],
    scrape_configs: jobs,
  };
  const prometheusYml = YAML.stringify(config, { lineWidth: 0 });
  const cm = obj('prometheus-cm', 'v1', 'ConfigMap', { namespace: ns, labels }, { data: { 'prometheus.yml': prometheusYml, 'rules.yml': integrations.rules } });
  obj('prometheus-deploy', 'apps/v1', 'Deployment', { namespace: ns, labels }, {
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          serviceAccountName: sa.name,
          containers: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v3.5.0', args: ['--config.file=/etc/prometheus/config/prometheus.yml'], ports: [{ name: 'web', containerPort: 9090 }] }],
          volumes: [{ name: 'config', configMap: { name: cm.name } }, { name: 'data', emptyDir: {} }],
        },
      },
    },
  });
  obj('prometheus-svc', 'v1', 'Service', { namespace: ns, labels }, {
    spec: { type: 'NodePort', selector, ports: [{ name: 'web', port: 9090, targetPort: 'web', nodePort: 30900 }] },
  });
  obj('prometheus-np', 'networking.k8s.io/v1', 'NetworkPolicy', { namespace: ns, labels }, {
    spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 9090, protocol: 'TCP' }] }] },
  });
  return () => configShape(config);
}

function configShape(config) {
  const jobs = config.scrape_configs;
  const sdBlocks = jobs.reduce((sum, j) => sum + (j.kubernetes_sd_configs ?? []).length, 0);
  return { jobs: jobs.length, sdBlocks, prometheusYmlBytes: require('yaml').stringify(config, { lineWidth: 0 }).length };
}

// ---------------------------------------------------------------------------------------------
// The parent: runs every case in fresh processes and prints medians and ratios.
function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const runs = Number(arg('--runs', '5'));
/**
 * Pairs per case: --runs, and at least 11 for the cases that take well under a second (up to
 * 1,000 applications, and loading). There a pair's ratio moves most between pairs on a shared
 * machine (0.94 to 1.33 at 100 applications in one run of 5), and more pairs cost little.
 */
const pairsAt = (n) => (n <= 1000 ? Math.max(runs, 11) : runs);
const sizes = arg('--sizes', '100,1000,4000,20000').split(',').map(Number);

const fs = require('fs');
const benchDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bench-'));
process.on('exit', () => fs.rmSync(benchDir, { recursive: true, force: true }));
const recordFile = path.join(benchDir, 'integrations.json');
fs.writeFileSync(recordFile, execFileSync(process.execPath, [__filename, '--child', 'record', '0'], {
  encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
}));

// The package's code cache (scripts/bundle-lib.cjs) in a directory of the bench's own, written
// by one unmeasured run: the library's cases are what every synthesis after the first one on a
// machine measures. A case whose name ends in '-first' runs with an empty cache directory of its
// own, as the first run does: it compiles everything, and writes the cache when it exits.
// processMs is the whole process, from spawn to exit, cache read and write included.
const cacheDir = path.join(benchDir, 'cache');
process.env.CDK8S_PROMETHEUS_MONITORING_CACHE_DIR = cacheDir;

function child(kind, n) {
  const first = kind.endsWith('-first');
  const env = { ...process.env, BENCH_RECORD: recordFile, CDK8S_PROMETHEUS_MONITORING_CACHE_DIR: first ? fs.mkdtempSync(path.join(benchDir, 'first-')) : cacheDir };
  delete env.NODE_DISABLE_COMPILE_CACHE;
  const start = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [__filename, '--child', first ? kind.slice(0, -'-first'.length) : kind, String(n ?? 0)], {
    encoding: 'utf8', maxBuffer: 1 << 26, env,
  });
  const processMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (first) fs.rmSync(env.CDK8S_PROMETHEUS_MONITORING_CACHE_DIR, { recursive: true, force: true });
  return { ...JSON.parse(out), processMs };
}
child('library', 100);
function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
/** The medians of a set of samples, figure by figure. */
function summary(samples) {
  const out = { ...samples[0] };
  for (const key of ['constructMs', 'synthMs', 'maxRssMb', 'loadMs', 'totalMs', 'processMs']) {
    if (key in out) out[key] = median(samples.map((s) => s[key]));
  }
  return out;
}
/**
 * Runs two cases in turn, `runs` times, alternating which goes first, so that whatever slows
 * the machine down for a while slows both: the ratio is the median of the ratios of each pair.
 */
function paired(a, b, n, figure) {
  const samples = { [a]: [], [b]: [] };
  const ratios = [];
  for (let r = 0; r < pairsAt(n); r++) {
    const order = r % 2 === 0 ? [a, b] : [b, a];
    const pair = {};
    for (const kind of order) {
      const s = child(kind, n);
      s.totalMs = (s.constructMs ?? 0) + (s.synthMs ?? 0);
      samples[kind].push(s);
      pair[kind] = s;
    }
    ratios.push(pair[b][figure] / pair[a][figure]);
  }
  return { [a]: summary(samples[a]), [b]: summary(samples[b]), ratio: median(ratios), spread: [Math.min(...ratios), Math.max(...ratios)], pairs: ratios.length };
}
const fmt = (x, d = 0) => x.toFixed(d).padStart(8);

console.log(`cdk8s-prometheus-monitoring synthesis benchmark: ${runs} pairs of fresh processes per size (baseline and library in turn; ${pairsAt(0)} up to 1,000 applications), ${APPS_PER_NAMESPACE} applications per namespace`);
console.log('');
console.log('       N | case     | construct ms | synth ms | total ms | peak RSS MB | objects | jobs | SD blocks | prometheus.yml bytes');
const totals = {};
const ratios = {};
for (const n of sizes) {
  const result = paired('baseline', 'library', n, 'totalMs');
  ratios[n] = result;
  for (const kind of ['baseline', 'library']) {
    const r = result[kind];
    totals[`${kind}-${n}`] = r;
    console.log(`${String(n).padStart(8)} | ${kind.padEnd(8)} | ${fmt(r.constructMs, 1).padStart(12)} | ${fmt(r.synthMs, 1)} | ${fmt(r.totalMs, 1)} | ${fmt(r.maxRssMb, 1).padStart(11)} | ${String(r.objects).padStart(7)} | ${String(r.jobs).padStart(4)} | ${String(r.sdBlocks).padStart(9)} | ${String(r.prometheusYmlBytes).padStart(20)}`);
  }
}
// The first synthesis on a machine (or after an upgrade of the package or of Node.js) has no
// code cache yet: it parses and compiles the library's functions that the chart runs.
const first = paired('baseline', 'library-first', sizes[0], 'totalMs');
const firstRun = first['library-first'];
console.log(`${String(sizes[0]).padStart(8)} | ${'first'.padEnd(8)} | ${fmt(firstRun.constructMs, 1).padStart(12)} | ${fmt(firstRun.synthMs, 1)} | ${fmt(firstRun.totalMs, 1)} | ${fmt(firstRun.maxRssMb, 1).padStart(11)} |`
  + ' (library, the first run on the machine: an empty code cache)');
console.log('');
for (const n of sizes) {
  const { ratio, spread, pairs } = ratios[n];
  console.log(`library/baseline (construct+synth) at N=${n}: ${ratio.toFixed(2)} (median of ${pairs} pairs; pairs from ${spread[0].toFixed(2)} to ${spread[1].toFixed(2)})`);
}
console.log(`library/baseline at N=${sizes[0]}, the first run on the machine (an empty code cache): ${first.ratio.toFixed(2)} (pairs from ${first.spread[0].toFixed(2)} to ${first.spread[1].toFixed(2)})`);
// The whole process, from spawn to exit: Node's start, loading, synthesis, and the cache's read and write.
const whole = paired('baseline', 'library', sizes[0], 'processMs');
const wholeFirst = paired('baseline', 'library-first', sizes[0], 'processMs');
console.log(`whole process at N=${sizes[0]}: baseline ${whole.baseline.processMs.toFixed(0)} ms, library ${whole.library.processMs.toFixed(0)} ms, ratio ${whole.ratio.toFixed(2)}; `
  + `the first run ${wholeFirst['library-first'].processMs.toFixed(0)} ms, ratio ${wholeFirst.ratio.toFixed(2)}`);
// Linear growth: 5 times the applications should take at most 5 times as long.
for (const [small, large] of [[1000, 4000], [4000, 20000]]) {
  if (!totals[`library-${small}`] || !totals[`library-${large}`]) continue;
  for (const kind of ['baseline', 'library']) {
    const scaling = totals[`${kind}-${large}`].totalMs / totals[`${kind}-${small}`].totalMs;
    console.log(`${kind} time(${large})/time(${small}): ${scaling.toFixed(2)}`);
  }
}
const load = paired('load-plus', 'load-lib', 0, 'loadMs');
console.log(`load: require('cdk8s-prometheus-monitoring') ${load['load-lib'].loadMs.toFixed(1)} ms, require('cdk8s-plus-28') ${load['load-plus'].loadMs.toFixed(1)} ms, `
  + `ratio ${load.ratio.toFixed(2)} (median of ${load.pairs} pairs; pairs from ${load.spread[0].toFixed(2)} to ${load.spread[1].toFixed(2)})`);
const loadFirst = paired('load-plus', 'load-lib-first', 0, 'loadMs');
console.log(`load, the first run on the machine (an empty code cache): ${loadFirst['load-lib-first'].loadMs.toFixed(1)} ms, require('cdk8s-plus-28') ${loadFirst['load-plus'].loadMs.toFixed(1)} ms, `
  + `ratio ${loadFirst.ratio.toFixed(2)} (pairs from ${loadFirst.spread[0].toFixed(2)} to ${loadFirst.spread[1].toFixed(2)})`);

// ---------------------------------------------------------------------------------------------
// Target relabelling in a real Prometheus: one namespace's shared job over the same 2,000
// targets, with the Services of 10 and of 1,000 applications. The job is the library's (built
// from lib/); the targets carry the labels EndpointSlice discovery gives (prometheus v2.42.0
// discovery/kubernetes/endpointslice.go, service.go: the Service's labels and annotations,
// sanitized), served through file_sd. prometheus_target_sync_length_seconds (scrape/scrape.go
// `Sync`) times each scrape pool's sync, relabelling of every target included.
async function measureTargetSync() {
  const TARGETS = 2000;
  const POOLS = 2;
  const SYNCS = 4;
  const fs = require('fs');
  const os = require('os');
  const http = require('http');
  const { spawn } = require('child_process');
  const binary = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'prometheus')).find((f) => fs.existsSync(f));
  console.log('');
  if (!binary) {
    console.log('target sync: skipped (no `prometheus` on PATH)');
    return;
  }
  const lib = require(path.join(__dirname, '..', 'lib'));
  const cdk8s = require('cdk8s');
  const YAML = require('yaml');
  const sanitize = (name) => name.replace(/[^a-zA-Z0-9_]/g, '_');
  const get = (url) => new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** The namespace's job and its targets, for `apps` applications (image: which Prometheus the stack is for). */
  function fixture(apps, image) {
    const app = new cdk8s.App({ outdir: '/tmp/unused' });
    const chart = new cdk8s.Chart(app, 'sync');
    const stack = new lib.PrometheusStack(chart, 'prometheus', { image: image === 'before' ? undefined : image, serviceType: 'ClusterIP' });
    for (let i = 0; i < apps; i++) {
      new lib.AppServiceMonitor(chart, `app-${i}`, {
        pods: lib.PodSelection.fromLabels({ app: `app-${i}` }),
        metricsPort: 8000,
        metricsPath: i % 3 === 0 ? `/app-${i}/metrics` : undefined,
        scrapeInterval: i % 5 === 0 ? cdk8s.Duration.seconds(30) : undefined,
        metadata: { namespace: 'team-0', name: `app-${i}` },
        stack,
      });
    }
    const services = chart.toJson().filter((o) => o.kind === 'Service' && o.metadata.namespace === 'team-0');
    const job = YAML.parse(stack.config.toYaml()).scrape_configs.find((j) => j.job_name === 'apps/team-0');
    if (image === 'before') {
      // The job as the library wrote it before settings travelled with the Services: the pairs
      // listed, and one rule per application setting that differs from the job's.
      const pairs = services.map((s) => `${s.metadata.name};metrics`);
      const settings = services.flatMap((s) => [['scrape-path', '__metrics_path__'], ['scrape-interval', '__scrape_interval__'], ['scrape-timeout', '__scrape_timeout__']]
        .filter(([a]) => s.metadata.annotations[`cdk8s-prometheus-monitoring/${a}`] !== undefined)
        .map(([a, target]) => ({ source_labels: ['__meta_kubernetes_service_name'], regex: s.metadata.name, target_label: target, replacement: s.metadata.annotations[`cdk8s-prometheus-monitoring/${a}`] })));
      const standard = job.relabel_configs.filter((r) => ['namespace', 'service', 'pod', 'container', 'endpoint', 'job'].includes(r.target_label));
      job.relabel_configs = [
        { source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'], regex: `(?:${pairs.join('|')})`, action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Failed|Succeeded', action: 'drop' },
        ...settings, ...standard,
      ];
    }
    const targets = Array.from({ length: TARGETS }, (_, t) => {
      const svc = services[t % services.length];
      const labels = {
        __meta_kubernetes_namespace: 'team-0',
        __meta_kubernetes_service_name: svc.metadata.name,
        __meta_kubernetes_endpointslice_name: `${svc.metadata.name}-abcde`,
        __meta_kubernetes_endpointslice_port_name: 'metrics',
        __meta_kubernetes_endpointslice_port: '8000',
        __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
        __meta_kubernetes_pod_name: `${svc.metadata.name}-${t}`,
        __meta_kubernetes_pod_container_name: 'app',
        __meta_kubernetes_pod_phase: 'Running',
      };
      for (const [kind, map] of [['label', svc.metadata.labels], ['annotation', svc.metadata.annotations]]) {
        for (const [k, v] of Object.entries(map ?? {})) {
          labels[`__meta_kubernetes_service_${kind}_${sanitize(k)}`] = v;
          labels[`__meta_kubernetes_service_${kind}present_${sanitize(k)}`] = 'true';
        }
      }
      return { targets: [`127.0.${1 + Math.floor(t / 250)}.${1 + (t % 250)}:8000`], labels };
    });
    return { job, targets };
  }

  /**
   * Mean seconds per sync of each fixture's pools, all in one Prometheus so that they share the
   * machine alike (the scrape manager syncs every pool at once, scrape/manager.go `reload`), over
   * the syncs after the first (which also starts a scrape loop per target).
   */
  async function syncSeconds(fixtures) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
    const files = fixtures.map((_, i) => path.join(dir, `targets-${i}.json`));
    const writeTargets = () => fixtures.forEach((f, i) => fs.writeFileSync(files[i], JSON.stringify(f.targets)));
    writeTargets();
    const jobs = fixtures.map((f, i) => Array.from({ length: POOLS }, (_, k) => ({
      job_name: `${f.job.job_name}#${i}.${k}`, file_sd_configs: [{ files: [files[i]] }], relabel_configs: f.job.relabel_configs,
    })));
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), YAML.stringify({ global: { scrape_interval: '1h', scrape_timeout: '10s' }, scrape_configs: jobs.flat() }));
    const port = 19090 + Math.floor(Math.random() * 1000);
    const child = spawn(binary, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d) => { log += d; });
    /** Sum and count of prometheus_target_sync_length_seconds over each fixture's pools. */
    const totals = async () => {
      const { body } = await get(`http://127.0.0.1:${port}/metrics`);
      const lines = body.split('\n');
      return jobs.map((pools) => {
        const value = (suffix) => pools.reduce((sum, j) => {
          const line = lines.find((l) => l.startsWith(`prometheus_target_sync_length_seconds_${suffix}{scrape_job="${j.job_name}"}`));
          return sum + (line ? Number(line.split(' ').pop()) : 0);
        }, 0);
        return { sum: value('sum'), count: value('count') };
      });
    };
    try {
      const deadline = Date.now() + 180_000;
      let first;
      let last;
      for (let round = 1; round <= SYNCS + 1; round++) {
        for (;;) {
          if (child.exitCode !== null) throw new Error(`prometheus exited:\n${log}`);
          if (Date.now() > deadline) throw new Error(`target sync: timed out waiting for sync ${round}\n${log}`);
          last = await totals().catch(() => undefined);
          if (last && last.every((t) => t.count >= POOLS * round)) break;
          await sleep(250);
        }
        if (round === 1) first = last;
        // The same targets again: file_sd sends them, and the scrape manager syncs every pool.
        if (round <= SYNCS) writeTargets();
      }
      return last.map((t, i) => ({ seconds: (t.sum - first[i].sum) / (t.count - first[i].count), syncs: t.count - first[i].count }));
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  console.log(`target sync in a real Prometheus (${binary}): one namespace's job, ${TARGETS} targets, ${POOLS} pools per case, ${SYNCS} syncs after the first`);
  const variants = [
    ['annotations', undefined],
    ['listing (Prometheus < 2.41)', 'quay.io/prometheus/prometheus:v2.40.7'],
    ['rules per app (before)', 'before'],
  ];
  for (const [label, image] of variants) {
    const fixtures = [10, 1000].map((apps) => fixture(apps, image));
    const [few, many] = await syncSeconds(fixtures);
    [few, many].forEach((r, i) => console.log(`  ${label.padEnd(28)} ${String([10, 1000][i]).padStart(5)} apps: `
      + `${fixtures[i].job.relabel_configs.length} relabel rules, ${(r.seconds * 1000).toFixed(1)} ms per sync (${r.syncs} syncs)`));
    console.log(`  ${label}: sync time(1000 apps)/time(10 apps): ${(many.seconds / few.seconds).toFixed(2)}`);
  }
}
measureTargetSync().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
