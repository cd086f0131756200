// Every Prometheus server flag, prometheus.yml field, rule file field and metric name the
// examples emit is one that Prometheus v3.5.0 (the stack's default image) defines.
//
// promtool (Debian's 2.42) checks field names too, but not in the Kubernetes and Kuma discovery
// blocks it cannot load, and not against the release the library pins; version-gates.test.ts
// checks when a field appeared. This file checks the names themselves against v3.5.0.
import * as fs from 'fs';
import * as path from 'path';
import { parser } from '@prometheus-io/lezer-promql';
import * as YAML from 'yaml';
import { exampleContainers, exampleFiles, examplePrograms, flagNames, goYamlTags, haveMirrors, show } from './upstream';

const PROMETHEUS = 'prometheus/prometheus';
const COMMON = 'prometheus/common';
const CLIENT_GOLANG = 'prometheus/client_golang';
const TAG = 'v3.5.0';
/** The prometheus/common and client_golang releases prometheus/prometheus v3.5.0 go.mod requires. */
const COMMON_TAG = 'v0.65.0';
const CLIENT_GOLANG_TAG = 'v1.22.0';

// from prometheus/prometheus v3.5.0 cmd/prometheus/main.go: the names of the kingpin flags
// (`a.Flag("...")`, `serverOnlyFlag(a, "...")`, `agentOnlyFlag(a, "...")`), in file order.
const FLAGS = [
  'config.file', 'config.auto-reload-interval', 'web.listen-address', 'auto-gomaxprocs', 'auto-gomemlimit',
  'auto-gomemlimit.ratio', 'web.config.file', 'web.read-timeout', 'web.max-connections', 'web.max-notifications-subscribers',
  'web.external-url', 'web.route-prefix', 'web.user-assets', 'web.enable-lifecycle', 'web.enable-admin-api',
  'web.enable-remote-write-receiver', 'web.remote-write-receiver.accepted-protobuf-messages', 'web.enable-otlp-receiver',
  'web.console.templates', 'web.console.libraries', 'web.page-title', 'web.cors.origin', 'storage.tsdb.path',
  'storage.tsdb.min-block-duration', 'storage.tsdb.max-block-duration', 'storage.tsdb.max-block-chunk-segment-size',
  'storage.tsdb.wal-segment-size', 'storage.tsdb.retention.time', 'storage.tsdb.retention.size', 'storage.tsdb.no-lockfile',
  'storage.tsdb.allow-overlapping-compaction', 'storage.tsdb.wal-compression', 'storage.tsdb.wal-compression-type',
  'storage.tsdb.head-chunks-write-queue-size', 'storage.tsdb.samples-per-chunk', 'storage.tsdb.delayed-compaction.max-percent',
  'storage.agent.path', 'storage.agent.wal-segment-size', 'storage.agent.wal-compression', 'storage.agent.wal-compression-type',
  'storage.agent.wal-truncate-frequency', 'storage.agent.retention.min-time', 'storage.agent.retention.max-time',
  'storage.agent.no-lockfile', 'storage.remote.flush-deadline', 'storage.remote.read-sample-limit',
  'storage.remote.read-concurrent-limit', 'storage.remote.read-max-bytes-in-frame', 'rules.alert.for-outage-tolerance',
  'rules.alert.for-grace-period', 'rules.alert.resend-delay', 'rules.max-concurrent-evals', 'scrape.adjust-timestamps',
  'scrape.timestamp-tolerance', 'alertmanager.notification-queue-capacity', 'alertmanager.notification-batch-size',
  'alertmanager.drain-notification-queue-on-shutdown', 'query.lookback-delta', 'query.timeout', 'query.max-concurrency',
  'query.max-samples', 'scrape.discovery-reload-interval', 'enable-feature', 'agent', 'write-documentation',
];

/** A Go struct whose yaml tags are a fixture: where it is defined. */
interface GoStruct {
  readonly repo: string;
  readonly tag: string;
  readonly file: string;
  /** The struct's name in that file. */
  readonly goName: string;
  /** Its yaml tags in field order, as the file has them (`<inline>`: an inlined struct; `-`: not a yaml field). */
  readonly tags: string[];
  /** What an `<inline>` field inlines. */
  readonly inline?: string;
  /** What the `-` field stands for: the discovery configurations, `<name>_sd_configs` keys. */
  readonly discovery?: boolean;
}

const P = (file: string, goName: string, tags: string[], more: Partial<GoStruct> = {}): GoStruct =>
  ({ repo: PROMETHEUS, tag: TAG, file, goName, tags, ...more });
const COMMON_HTTP = (goName: string, tags: string[], more: Partial<GoStruct> = {}): GoStruct =>
  ({ repo: COMMON, tag: COMMON_TAG, file: 'config/http_config.go', goName, tags, ...more });

// The yaml tags of the structs prometheus.yml and the rule files are read into, copied from the
// files named (prometheus/prometheus v3.5.0 and prometheus/common v0.65.0, which its go.mod requires).
const STRUCTS: { [name: string]: GoStruct } = {
  Config: P('config/config.go', 'Config', ['global', 'runtime', 'alerting', 'rule_files', 'scrape_config_files', 'scrape_configs',
    'storage', 'tracing', 'remote_write', 'remote_read', 'otlp']),
  GlobalConfig: P('config/config.go', 'GlobalConfig', ['scrape_interval', 'scrape_timeout', 'scrape_protocols', 'evaluation_interval',
    'rule_query_offset', 'query_log_file', 'scrape_failure_log_file', 'external_labels', 'body_size_limit', 'sample_limit',
    'target_limit', 'label_limit', 'label_name_length_limit', 'label_value_length_limit', 'keep_dropped_targets',
    'metric_name_validation_scheme', 'metric_name_escaping_scheme', 'convert_classic_histograms_to_nhcb', 'always_scrape_classic_histograms']),
  ScrapeConfig: P('config/config.go', 'ScrapeConfig', ['job_name', 'honor_labels', 'honor_timestamps', 'track_timestamps_staleness',
    'params', 'scrape_interval', 'scrape_timeout', 'scrape_protocols', 'fallback_scrape_protocol', 'always_scrape_classic_histograms',
    'convert_classic_histograms_to_nhcb', 'scrape_failure_log_file', 'metrics_path', 'scheme', 'enable_compression', 'body_size_limit',
    'sample_limit', 'target_limit', 'label_limit', 'label_name_length_limit', 'label_value_length_limit', 'native_histogram_bucket_limit',
    'native_histogram_min_bucket_factor', 'keep_dropped_targets', 'metric_name_validation_scheme', 'metric_name_escaping_scheme', '-',
    '<inline>', 'relabel_configs', 'metric_relabel_configs'], { inline: 'HTTPClientConfig', discovery: true }),
  AlertingConfig: P('config/config.go', 'AlertingConfig', ['alert_relabel_configs', 'alertmanagers']),
  AlertmanagerConfig: P('config/config.go', 'AlertmanagerConfig', ['-', '<inline>', 'sigv4', 'scheme', 'path_prefix', 'timeout',
    'api_version', 'relabel_configs', 'alert_relabel_configs'], { inline: 'HTTPClientConfig', discovery: true }),
  RemoteWriteConfig: P('config/config.go', 'RemoteWriteConfig', ['url', 'remote_timeout', 'headers', 'write_relabel_configs', 'name',
    'send_exemplars', 'send_native_histograms', 'round_robin_dns', 'protobuf_message', '<inline>', 'queue_config', 'metadata_config',
    'sigv4', 'azuread', 'google_iam'], { inline: 'HTTPClientConfig' }),
  HTTPClientConfig: COMMON_HTTP('HTTPClientConfig', ['basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file',
    'tls_config', 'follow_redirects', 'enable_http2', '<inline>', 'http_headers'], { inline: 'ProxyConfig' }),
  ProxyConfig: COMMON_HTTP('ProxyConfig', ['proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header']),
  BasicAuth: COMMON_HTTP('BasicAuth', ['username', 'username_file', 'username_ref', 'password', 'password_file', 'password_ref']),
  Authorization: COMMON_HTTP('Authorization', ['type', 'credentials', 'credentials_file', 'credentials_ref']),
  TLSConfig: COMMON_HTTP('TLSConfig', ['ca', 'cert', 'key', 'ca_file', 'cert_file', 'key_file', 'ca_ref', 'cert_ref', 'key_ref',
    'server_name', 'insecure_skip_verify', 'min_version', 'max_version']),
  KubernetesSDConfig: P('discovery/kubernetes/kubernetes.go', 'SDConfig', ['api_server', 'role', 'kubeconfig_file', '<inline>',
    'namespaces', 'selectors', 'attach_metadata'], { inline: 'HTTPClientConfig' }),
  NamespaceDiscovery: P('discovery/kubernetes/kubernetes.go', 'NamespaceDiscovery', ['own_namespace', 'names']),
  SelectorConfig: P('discovery/kubernetes/kubernetes.go', 'SelectorConfig', ['role', 'label', 'field']),
  AttachMetadataConfig: P('discovery/kubernetes/kubernetes.go', 'AttachMetadataConfig', ['node']),
  // discovery/xds/kuma.go: `type KumaSDConfig = SDConfig`.
  KumaSDConfig: P('discovery/xds/xds.go', 'SDConfig', ['<inline>', 'refresh_interval', 'fetch_timeout', 'server', 'client_id'],
    { inline: 'HTTPClientConfig' }),
  FileSDConfig: P('discovery/file/file.go', 'SDConfig', ['files', 'refresh_interval']),
  RelabelConfig: P('model/relabel/relabel.go', 'Config', ['source_labels', 'separator', 'regex', 'modulus', 'target_label',
    'replacement', 'action']),
  RuleGroups: P('model/rulefmt/rulefmt.go', 'RuleGroups', ['groups']),
  RuleGroup: P('model/rulefmt/rulefmt.go', 'RuleGroup', ['name', 'interval', 'query_offset', 'limit', 'rules', 'labels']),
  Rule: P('model/rulefmt/rulefmt.go', 'Rule', ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']),
};

// from prometheus/prometheus v3.5.0 discovery/targetgroup/targetgroup.go: Group.UnmarshalYAML reads
// `targets` and `labels`; discovery/registry.go: a discovery's key is `static_configs` or
// `<Name()>_sd_configs`, and Name() is "kubernetes" (discovery/kubernetes/kubernetes.go), "kuma"
// (discovery/xds/kuma.go) and "file" (discovery/file/file.go).
const TARGET_GROUP = ['targets', 'labels'];
const DISCOVERY: { [key: string]: string } = {
  static_configs: 'TargetGroup',
  kubernetes_sd_configs: 'KubernetesSDConfig',
  kuma_sd_configs: 'KumaSDConfig',
  file_sd_configs: 'FileSDConfig',
};

/** What each field holds: a struct, or 'map' (keys are the user's: label names, header names, URL parameters). */
const CHILDREN: { [field: string]: string } = {
  'Config.global': 'GlobalConfig',
  'Config.scrape_configs': 'ScrapeConfig',
  'Config.alerting': 'AlertingConfig',
  'Config.remote_write': 'RemoteWriteConfig',
  'GlobalConfig.external_labels': 'map',
  'ScrapeConfig.params': 'map',
  'ScrapeConfig.relabel_configs': 'RelabelConfig',
  'ScrapeConfig.metric_relabel_configs': 'RelabelConfig',
  'AlertingConfig.alertmanagers': 'AlertmanagerConfig',
  'AlertingConfig.alert_relabel_configs': 'RelabelConfig',
  'AlertmanagerConfig.relabel_configs': 'RelabelConfig',
  'AlertmanagerConfig.alert_relabel_configs': 'RelabelConfig',
  'RemoteWriteConfig.headers': 'map',
  'RemoteWriteConfig.write_relabel_configs': 'RelabelConfig',
  'HTTPClientConfig.basic_auth': 'BasicAuth',
  'HTTPClientConfig.authorization': 'Authorization',
  'HTTPClientConfig.tls_config': 'TLSConfig',
  'KubernetesSDConfig.namespaces': 'NamespaceDiscovery',
  'KubernetesSDConfig.selectors': 'SelectorConfig',
  'KubernetesSDConfig.attach_metadata': 'AttachMetadataConfig',
  'TargetGroup.labels': 'map',
  'RuleGroups.groups': 'RuleGroup',
  'RuleGroup.rules': 'Rule',
  'RuleGroup.labels': 'map',
  'Rule.labels': 'map',
  'Rule.annotations': 'map',
};

/** The fields of a struct, its inlined structs' and its discovery keys, each with the struct it belongs to. */
function fieldsOf(name: string): { [field: string]: string } {
  if (name === 'TargetGroup') return Object.fromEntries(TARGET_GROUP.map((f) => [f, name]));
  const s = STRUCTS[name];
  const out: { [field: string]: string } = {};
  for (const t of s.tags) if (t !== '<inline>' && t !== '-') out[t] = name;
  if (s.inline) Object.assign(out, fieldsOf(s.inline));
  if (s.discovery) for (const key of Object.keys(DISCOVERY)) out[key] = name;
  return out;
}

/** Every field of a parsed document that the struct it is read into does not have, or that this file does not model. */
function unknownFields(value: unknown, struct: string, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, struct, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [`${at}: expected a ${struct}, got ${JSON.stringify(value)}`];
  const fields = fieldsOf(struct);
  return Object.entries(value as object).flatMap(([key, child]) => {
    const where = at ? `${at}.${key}` : key;
    if (!(key in fields)) return [`${where}: not a field of ${struct} (${STRUCTS[struct]?.file ?? 'targetgroup.go'})`];
    const holds = DISCOVERY[key] ?? CHILDREN[`${fields[key]}.${key}`];
    if (holds === 'map') return [];
    if (holds) return unknownFields(child, holds, where);
    return child !== null && typeof child === 'object' && !Array.isArray(child) ? [`${where}: a struct this test does not model`] : [];
  });
}

/** Every prometheus.yml the examples write, and the one examples/prometheus-config prints. */
function prometheusConfigs(): string[] {
  const printed = examplePrograms().find((e) => e.name === 'prometheus-config/main.ts')!.printed.join('\n');
  return [...exampleFiles('prometheus.yml'), printed];
}

/** The flags among `args` that v3.5.0 does not define (a single dash is Prometheus 1.x's form). */
function unknownFlags(args: string[]): string[] {
  return flagNames(args).filter((f) => !f.startsWith('--') || !FLAGS.includes(f.slice(2)));
}

describe('the Prometheus server flags', () => {
  test('every flag of every Prometheus container of the examples is one v3.5.0 defines (cmd/prometheus/main.go)', () => {
    const containers = exampleContainers().filter((c) => c.container.name === 'prometheus');
    expect(containers.length).toBeGreaterThan(0);
    const args = containers.flatMap((c) => c.container.args ?? []);
    expect(new Set(flagNames(args))).toEqual(new Set(['--config.auto-reload-interval', '--config.file', '--enable-feature',
      '--storage.tsdb.path', '--storage.tsdb.retention.size', '--storage.tsdb.retention.time', '--web.config.file',
      '--web.enable-lifecycle', '--web.listen-address']));
    expect(unknownFlags(args)).toEqual([]);
  });

  test('the check fails on a flag v3.5.0 does not have (the 1.x -config.file, a misspelling)', () => {
    expect(unknownFlags(['-config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.retention=15d', '--web.enable-lifecycle']))
      .toEqual(['-config.file', '--storage.tsdb.retention']);
  });
});

describe('the fields of prometheus.yml and the rule files', () => {
  test('every field of every prometheus.yml of the examples is a yaml tag of the struct v3.5.0 reads it into', () => {
    const configs = prometheusConfigs();
    expect(configs.length).toBeGreaterThan(5);
    for (const config of configs) expect(unknownFields(YAML.parse(config), 'Config', '')).toEqual([]);
  });

  test('every field of every rule file of the examples is a yaml tag of model/rulefmt/rulefmt.go', () => {
    const rules = exampleFiles('rules.yml');
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(unknownFields(YAML.parse(r), 'RuleGroups', '')).toEqual([]);
  });

  test('the check finds a field that is not there, in a discovery block promtool cannot check', () => {
    const config = {
      scrape_configs: [{
        job_name: 'k',
        kubernetes_sd_configs: [{ role: 'pod', namespace: { names: ['a'] } }],
        kuma_sd_configs: [{ server: 'http://cp:5676', refresh: '30s' }],
        relabel_configs: [{ action: 'keep', source_label: ['a'] }],
      }],
      remote_write: [{ url: 'http://m', basic_auth: { username: 'u', password_file: '/p' }, header: { a: 'b' } }],
    };
    expect(unknownFields(config, 'Config', '')).toEqual([
      'scrape_configs[0].kubernetes_sd_configs[0].namespace: not a field of KubernetesSDConfig (discovery/kubernetes/kubernetes.go)',
      'scrape_configs[0].kuma_sd_configs[0].refresh: not a field of KumaSDConfig (discovery/xds/xds.go)',
      'scrape_configs[0].relabel_configs[0].source_label: not a field of RelabelConfig (model/relabel/relabel.go)',
      'remote_write[0].header: not a field of RemoteWriteConfig (config/config.go)',
    ]);
  });
});

/** Where a metric is defined: the file and the exact text that defines it there (all must be in the file). */
interface MetricSource {
  readonly repo: string;
  readonly tag: string;
  readonly file: string;
  readonly text: string[];
}
const SCRAPE = (name: string): MetricSource => ({ repo: PROMETHEUS, tag: TAG, file: 'scrape/scrape.go', text: [`name: []byte("${name}" + "\\xff")`] });
const PROM = (file: string, ...text: string[]): MetricSource => ({ repo: PROMETHEUS, tag: TAG, file, text });

// The series Prometheus v3.5.0 writes for every target (scrape/scrape.go, the report's series),
// its own metrics (the files named, where namespace/subsystem are the file's constants), and
// client_golang's process collector (prometheus/client_golang v1.22.0 prometheus/process_collector.go).
const METRICS: { [metric: string]: MetricSource[] } = {
  up: [SCRAPE('up')],
  scrape_duration_seconds: [SCRAPE('scrape_duration_seconds')],
  scrape_samples_scraped: [SCRAPE('scrape_samples_scraped')],
  scrape_samples_post_metric_relabeling: [SCRAPE('scrape_samples_post_metric_relabeling')],
  scrape_series_added: [SCRAPE('scrape_series_added')],
  prometheus_tsdb_head_series: [PROM('tsdb/head.go', 'Name: "prometheus_tsdb_head_series",')],
  prometheus_tsdb_head_samples_appended_total: [PROM('tsdb/head.go', 'Name: "prometheus_tsdb_head_samples_appended_total",')],
  prometheus_rule_evaluation_failures_total: [PROM('rules/group.go', 'const namespace = "prometheus"', 'Name:      "rule_evaluation_failures_total",')],
  prometheus_rule_group_last_duration_seconds: [PROM('rules/group.go', 'const namespace = "prometheus"', 'Name:      "rule_group_last_duration_seconds",')],
  prometheus_remote_storage_samples_failed_total: [PROM('storage/remote/storage.go', 'namespace  = "prometheus"', 'subsystem  = "remote_storage"'),
    PROM('storage/remote/queue_manager.go', 'Name:        "samples_failed_total",')],
  prometheus_remote_storage_samples_pending: [PROM('storage/remote/storage.go', 'namespace  = "prometheus"', 'subsystem  = "remote_storage"'),
    PROM('storage/remote/queue_manager.go', 'Name:        "samples_pending",')],
  process_cpu_seconds_total: [{ repo: CLIENT_GOLANG, tag: CLIENT_GOLANG_TAG, file: 'prometheus/process_collector.go', text: ['ns+"process_cpu_seconds_total"'] }],
  process_resident_memory_bytes: [{ repo: CLIENT_GOLANG, tag: CLIENT_GOLANG_TAG, file: 'prometheus/process_collector.go', text: ['ns+"process_resident_memory_bytes"'] }],
};

/** Weave Net's metrics, from the fixture test/weave derives from weaveworks/weave v2.8.1 (see its header). */
function weaveMetrics(): string[] {
  const fixture = YAML.parse(fs.readFileSync(path.join(__dirname, '..', 'weave', 'fixtures', 'weave-metrics-v2.8.1.yaml'), 'utf8'));
  return [...fixture.router, ...fixture.npc].map((m: any) => m.name);
}

/** The metric names of the vector selectors of a PromQL expression (Grafana's $variables read as plain values). */
function metricNames(expr: string): string[] {
  const e = expr.replace(/\$__(rate_interval|interval|range)/g, '5m').replace(/\$\{?\w+\}?/g, 'x');
  const names: string[] = [];
  parser.parse(e).iterate({
    enter: (n) => {
      if (n.name !== 'VectorSelector') return;
      const id = n.node.getChild('Identifier');
      if (id) names.push(e.slice(id.from, id.to));
    },
  });
  return names;
}

describe('the metric names of the built-in dashboards and rules', () => {
  // The Prometheus, Applications and Weave Net dashboards, and every rule file. KrakenD's and
  // Kuma's dashboards are computed over their upstream-derived expositions in test/krakend and
  // test/kuma, where a panel whose metric the exposition lacks fails as empty.
  const CHECKED_TAGS = ['prometheus', 'applications', 'weave-net'];

  test('every metric they query is one the cited source defines', () => {
    const dashboards = exampleFiles('dashboard.json').map((j) => JSON.parse(j)).filter((d) => CHECKED_TAGS.includes(d.tags?.[0]));
    expect(new Set(dashboards.map((d) => d.tags[0]))).toEqual(new Set(CHECKED_TAGS));
    const exprs = [
      ...dashboards.flatMap((d) => d.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr))),
      ...dashboards.flatMap((d) => (d.templating?.list ?? []).map((v: any) => v.query?.query).filter((q: any) => q)
        .map((q: string) => q.replace(/^label_values\((.*),\s*\w+\)$/, '$1'))),
      ...exampleFiles('rules.yml').flatMap((r) => YAML.parse(r).groups.flatMap((g: any) => g.rules.map((x: any) => x.expr))),
    ];
    const used = new Set(exprs.flatMap(metricNames));
    const known = new Set([...Object.keys(METRICS), ...weaveMetrics()]);
    expect([...used].filter((m) => !known.has(m))).toEqual([]);
    expect(used.has('prometheus_tsdb_head_series') && used.has('scrape_series_added') && used.has('weave_connections')).toBe(true);
  });
});

(haveMirrors(PROMETHEUS, COMMON, CLIENT_GOLANG) ? describe : describe.skip)('the fixtures are what the cited source says', () => {
  test('FLAGS are the flags of cmd/prometheus/main.go at v3.5.0', () => {
    const main = show(PROMETHEUS, TAG, 'cmd/prometheus/main.go');
    expect([...main.matchAll(/(?:\ba\.Flag\(|OnlyFlag\(a,)\s*"([a-z0-9.-]+)"/g)].map((m) => m[1])).toEqual(FLAGS);
  });

  test('the go.mod of v3.5.0 requires the prometheus/common and client_golang releases cited', () => {
    const goMod = show(PROMETHEUS, TAG, 'go.mod');
    expect(goMod).toContain(`github.com/prometheus/common ${COMMON_TAG}\n`);
    expect(goMod).toContain(`github.com/prometheus/client_golang ${CLIENT_GOLANG_TAG}\n`);
  });

  test.each(Object.entries(STRUCTS))('%s has the yaml tags of its struct', (_name, s) => {
    expect(goYamlTags(show(s.repo, s.tag, s.file))[s.goName]).toEqual(s.tags);
  });

  test('the inlined and skipped fields are the HTTP client, proxy and discovery configurations', () => {
    const config = show(PROMETHEUS, TAG, 'config/config.go');
    for (const struct of ['ScrapeConfig', 'AlertmanagerConfig']) {
      const body = new RegExp(`^type ${struct} struct \\{([\\s\\S]*?)^\\}`, 'm').exec(config)![1];
      expect(body).toMatch(/ServiceDiscoveryConfigs\s+discovery\.Configs\s+`yaml:"-"`/);
      expect(body).toMatch(/HTTPClientConfig\s+config\.HTTPClientConfig\s+`yaml:",inline"`/);
    }
    expect(show(COMMON, COMMON_TAG, 'config/http_config.go')).toMatch(/\tProxyConfig `yaml:",inline"`/);
    expect(show(PROMETHEUS, TAG, 'discovery/xds/kuma.go')).toContain('type KumaSDConfig = SDConfig');
  });

  test('the discovery keys are static_configs and <Name()>_sd_configs', () => {
    expect(show(PROMETHEUS, TAG, 'discovery/registry.go')).toContain('staticConfigsKey       = "static_configs"');
    expect(show(PROMETHEUS, TAG, 'discovery/registry.go')).toContain('registerConfig(config.Name()+"_sd_configs"');
    expect(show(PROMETHEUS, TAG, 'discovery/kubernetes/kubernetes.go')).toContain('Name() string { return "kubernetes" }');
    expect(show(PROMETHEUS, TAG, 'discovery/xds/kuma.go')).toMatch(/func \(c \*KumaSDConfig\) Name\(\) string \{\s+return "kuma"/);
    expect(show(PROMETHEUS, TAG, 'discovery/file/file.go')).toContain('Name() string { return "file" }');
    const group = show(PROMETHEUS, TAG, 'discovery/targetgroup/targetgroup.go');
    for (const field of TARGET_GROUP) expect(group).toContain(`yaml:"${field}"`);
  });

  test.each(Object.entries(METRICS))('%s is defined where cited', (_metric, sources) => {
    for (const s of sources) for (const text of s.text) expect(show(s.repo, s.tag, s.file)).toContain(text);
  });
});
