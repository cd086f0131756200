import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AlertingRule, AlertmanagerEndpoint, Authentication, Credential, KubernetesRole, PrometheusConfig, RecordingRule,
  Relabel, RemoteWrite, RuleGroup, Scheme, ScrapeJob, ServiceDiscovery,
} from '../../src';
import { toYaml } from '../../src/core/yaml';
import { checkConfig, checkRules } from '../harness';

const render = (config: PrometheusConfig) => YAML.parse(config.toYaml());

describe('PrometheusConfig', () => {
  test('an empty configuration writes only what is set', () => {
    const config = new PrometheusConfig();
    expect(config.toYaml()).toBe('scrape_configs: []\n');
    checkConfig(config.toYaml());
  });

  test('global settings', () => {
    const config = new PrometheusConfig({
      scrapeInterval: Duration.seconds(15),
      scrapeTimeout: Duration.seconds(10),
      evaluationInterval: Duration.minutes(1),
      externalLabels: { cluster: 'eu-1', replica: 'a' },
    });
    expect(render(config).global).toEqual({
      scrape_interval: '15s',
      scrape_timeout: '10s',
      evaluation_interval: '1m',
      external_labels: { cluster: 'eu-1', replica: 'a' },
    });
    checkConfig(config.toYaml());
  });

  test('durations use Prometheus units, largest first', () => {
    const config = new PrometheusConfig({ scrapeInterval: Duration.seconds(90), scrapeTimeout: Duration.millis(1500) });
    expect(render(config).global).toEqual({ scrape_interval: '1m30s', scrape_timeout: '1s500ms' });
    checkConfig(config.toYaml());
  });

  test('the seed\'s static weave job', () => {
    const config = new PrometheusConfig();
    config.addScrapeJob(new ScrapeJob({
      jobName: 'weave',
      scrapeInterval: Duration.seconds(15),
      discovery: [ServiceDiscovery.staticTargets({ targets: ['localhost:6782'] })],
    }));
    expect(render(config).scrape_configs).toEqual([{
      job_name: 'weave',
      scrape_interval: '15s',
      static_configs: [{ targets: ['localhost:6782'] }],
    }]);
    checkConfig(config.toYaml());
  });

  test('a job with every HTTP setting', () => {
    const config = new PrometheusConfig();
    config.addScrapeJob(new ScrapeJob({
      jobName: 'federate',
      scrapeInterval: Duration.seconds(30),
      scrapeTimeout: Duration.seconds(20),
      metricsPath: '/federate',
      scheme: Scheme.HTTPS,
      queryParams: { 'match[]': ['{job="kubernetes-pods"}', '{__name__=~"job:.*"}'] },
      honorLabels: true,
      honorTimestamps: false,
      sampleLimit: 100000,
      targetLimit: 10,
      auth: Authentication.authorization({ credentials: Credential.fromSecret('federation', 'token') }),
      tls: { ca: Credential.fromFile('/etc/ssl/ca.crt'), serverName: 'prometheus.mesh' },
      discovery: [ServiceDiscovery.staticTargets({ targets: ['[2001:db8::1]:9090', 'prometheus.mesh:9090'], labels: { source: 'mesh' } })],
      metricRelabelConfigs: [Relabel.drop({ sourceLabels: ['__name__'], regex: 'go_.*' })],
    }));
    expect(render(config).scrape_configs[0]).toEqual({
      job_name: 'federate',
      scrape_interval: '30s',
      scrape_timeout: '20s',
      metrics_path: '/federate',
      scheme: 'https',
      params: { 'match[]': ['{job="kubernetes-pods"}', '{__name__=~"job:.*"}'] },
      honor_labels: true,
      honor_timestamps: false,
      sample_limit: 100000,
      target_limit: 10,
      authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/secrets/federation/token' },
      tls_config: { ca_file: '/etc/ssl/ca.crt', server_name: 'prometheus.mesh' },
      static_configs: [{ targets: ['[2001:db8::1]:9090', 'prometheus.mesh:9090'], labels: { source: 'mesh' } }],
      metric_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }],
    });
    checkConfig(config.toYaml());
  });

  test('Kubernetes, Kuma and file discovery', () => {
    const config = new PrometheusConfig();
    config.addScrapeJob(new ScrapeJob({
      jobName: 'mixed',
      discovery: [
        ServiceDiscovery.kubernetes({
          role: KubernetesRole.ENDPOINT_SLICE,
          namespaces: ['shop', 'billing'],
          ownNamespace: true,
          selectors: [{ role: KubernetesRole.SERVICE, label: 'app=shop' }, { role: KubernetesRole.POD, field: 'status.phase=Running' }],
          attachNodeMetadata: true,
        }),
        ServiceDiscovery.kubernetes({ role: KubernetesRole.NODE, apiServer: 'https://other-cluster.example.com:6443' }),
        ServiceDiscovery.kuma({ refreshInterval: Duration.seconds(30), fetchTimeout: Duration.minutes(2) }),
        ServiceDiscovery.file({ files: ['/var/lib/kuma-prometheus-sd/kuma.yml'], refreshInterval: Duration.minutes(1) }),
      ],
    }));
    const job = render(config).scrape_configs[0];
    expect(job.kubernetes_sd_configs).toEqual([
      {
        role: 'endpointslice',
        namespaces: { own_namespace: true, names: ['shop', 'billing'] },
        selectors: [{ role: 'service', label: 'app=shop' }, { role: 'pod', field: 'status.phase=Running' }],
        attach_metadata: { node: true },
      },
      { role: 'node', api_server: 'https://other-cluster.example.com:6443' },
    ]);
    expect(job.kuma_sd_configs).toEqual([{ server: 'http://kuma-control-plane.kuma-system.svc:5676', refresh_interval: '30s', fetch_timeout: '2m' }]);
    expect(job.file_sd_configs).toEqual([{ files: ['/var/lib/kuma-prometheus-sd/kuma.yml'], refresh_interval: '1m' }]);
    checkConfig(config.toYaml());
  });

  test('every relabel action renders the fields Prometheus expects', () => {
    const relabels = [
      Relabel.keep({ sourceLabels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_label_name'], regex: 'kube-system;weave-net' }),
      Relabel.drop({ sourceLabels: ['a'], regex: 'x|y', separator: ',' }),
      Relabel.replace({ sourceLabels: ['__address__'], regex: '(.+):\\d+', targetLabel: '__address__', replacement: '${1}:6782' }),
      Relabel.replace({ targetLabel: 'env', replacement: 'prod' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_label_app'], regex: '(.+)', targetLabel: 'app_${1}', replacement: 'yes' }),
      Relabel.labelMap({ regex: '__meta_kubernetes_pod_label_(.+)' }),
      Relabel.labelDrop({ regex: 'pod_template_hash' }),
      Relabel.labelKeep({ regex: '__.*|job|instance|app' }),
      Relabel.hashMod({ sourceLabels: ['__address__'], modulus: 4, targetLabel: '__tmp_hash' }),
      Relabel.keepEqual({ sourceLabels: ['__meta_kubernetes_pod_container_port_number'], targetLabel: '__tmp_port' }),
      Relabel.dropEqual({ sourceLabels: ['a'], targetLabel: 'b' }),
      Relabel.lowercase({ sourceLabels: ['team'], targetLabel: 'team' }),
      Relabel.uppercase({ sourceLabels: ['zone'], targetLabel: 'zone' }),
    ];
    const config = new PrometheusConfig();
    config.addScrapeJob(new ScrapeJob({ jobName: 'r', discovery: [ServiceDiscovery.staticTargets({ targets: ['a:1'] })], relabelConfigs: relabels }));
    expect(render(config).scrape_configs[0].relabel_configs).toEqual([
      { source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_label_name'], regex: 'kube-system;weave-net', action: 'keep' },
      { source_labels: ['a'], separator: ',', regex: 'x|y', action: 'drop' },
      { source_labels: ['__address__'], regex: '(.+):\\d+', target_label: '__address__', replacement: '${1}:6782', action: 'replace' },
      { target_label: 'env', replacement: 'prod', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_label_app'], regex: '(.+)', target_label: 'app_${1}', replacement: 'yes', action: 'replace' },
      { regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' },
      { regex: 'pod_template_hash', action: 'labeldrop' },
      { regex: '__.*|job|instance|app', action: 'labelkeep' },
      { source_labels: ['__address__'], modulus: 4, target_label: '__tmp_hash', action: 'hashmod' },
      { source_labels: ['__meta_kubernetes_pod_container_port_number'], target_label: '__tmp_port', action: 'keepequal' },
      { source_labels: ['a'], target_label: 'b', action: 'dropequal' },
      { source_labels: ['team'], target_label: 'team', action: 'lowercase' },
      { source_labels: ['zone'], target_label: 'zone', action: 'uppercase' },
    ]);
    checkConfig(config.toYaml());
  });

  test('values a YAML 1.1 reader would take for booleans, octal numbers or times stay quoted strings', () => {
    // Prometheus reads prometheus.yml with go-yaml v2, a YAML 1.1 reader: unquoted, `on` is a boolean there.
    const config = new PrometheusConfig({ externalLabels: { enabled: 'on', mode: '0775', at: '1:20', flag: 'yes' } });
    config.addScrapeJob(new ScrapeJob({ jobName: 'a', discovery: [ServiceDiscovery.staticTargets({ targets: ['localhost:9090'] })] }));
    const text = config.toYaml();
    expect(text).toContain('enabled: "on"');
    expect(text).toContain('mode: "0775"');
    expect(text).toContain('at: "1:20"');
    expect(text).toContain('flag: "yes"');
    expect(YAML.parse(text, { version: '1.1' }).global.external_labels).toEqual({ enabled: 'on', mode: '0775', at: '1:20', flag: 'yes' });
    checkConfig(text);
  });

  test('a rendered file leaves out undefined fields and writes an object used twice in full, not as an anchor and alias', () => {
    const shared = { source_labels: ['__address__'], target_label: 'instance' };
    const text = toYaml({ a: [shared], b: [shared], c: undefined, d: { e: undefined, f: 1 } });
    expect(text).toBe(['a:', '  - source_labels:', '      - __address__', '    target_label: instance', 'b:', '  - source_labels:',
      '      - __address__', '    target_label: instance', 'd:', '  f: 1', ''].join('\n'));
  });

  test('the seed\'s relabel regexes are accepted as written (RE2 allows the redundant anchors)', () => {
    const keep = Relabel.keep({ sourceLabels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_label_name'], regex: '^kube-system;weave-net$' });
    expect(keep._render().regex).toBe('^kube-system;weave-net$');
  });

  test('remote write with basic auth from a Secret, headers, relabelling and queue tuning', () => {
    const config = new PrometheusConfig();
    config.addRemoteWrite(new RemoteWrite({
      url: 'https://mimir.example.com/api/v1/push',
      name: 'mimir',
      remoteTimeout: Duration.seconds(30),
      headers: { 'X-Scope-OrgID': 'team-a' },
      auth: Authentication.basic({ username: 'team-a', password: Credential.fromSecret('mimir-credentials', 'password') }),
      writeRelabelConfigs: [Relabel.drop({ sourceLabels: ['__name__'], regex: 'go_gc_.*' })],
      queue: {
        capacity: 20000,
        maxShards: 30,
        minShards: 2,
        maxSamplesPerSend: 5000,
        batchSendDeadline: Duration.seconds(5),
        minBackoff: Duration.millis(30),
        maxBackoff: Duration.seconds(5),
      },
      sendExemplars: true,
    }));
    config.addRemoteWrite(new RemoteWrite({
      url: 'https://thanos.example.com/api/v1/receive',
      auth: Authentication.oauth2({
        clientId: 'prometheus',
        clientSecret: Credential.fromFile('/var/run/secrets/oauth/secret'),
        tokenUrl: 'https://auth.example.com/token',
        scopes: ['write'],
      }),
      tls: { cert: Credential.fromSecret('thanos-tls', 'tls.crt'), key: Credential.fromSecret('thanos-tls', 'tls.key') },
    }));
    const yaml = config.toYaml();
    expect(render(config).remote_write).toEqual([
      {
        url: 'https://mimir.example.com/api/v1/push',
        name: 'mimir',
        remote_timeout: '30s',
        headers: { 'X-Scope-OrgID': 'team-a' },
        basic_auth: { username: 'team-a', password_file: '/etc/prometheus/secrets/mimir-credentials/password' },
        write_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_gc_.*', action: 'drop' }],
        queue_config: {
          capacity: 20000,
          max_shards: 30,
          min_shards: 2,
          max_samples_per_send: 5000,
          batch_send_deadline: '5s',
          min_backoff: '30ms',
          max_backoff: '5s',
        },
        send_exemplars: true,
      },
      {
        url: 'https://thanos.example.com/api/v1/receive',
        oauth2: {
          client_id: 'prometheus',
          client_secret_file: '/var/run/secrets/oauth/secret',
          token_url: 'https://auth.example.com/token',
          scopes: ['write'],
        },
        tls_config: { cert_file: '/etc/prometheus/secrets/thanos-tls/tls.crt', key_file: '/etc/prometheus/secrets/thanos-tls/tls.key' },
      },
    ]);
    expect(yaml).not.toMatch(/password:/);
    expect(config._credentials().map((c) => [c.secretName, c.secretKey])).toEqual([
      ['mimir-credentials', 'password'], [undefined, undefined], ['thanos-tls', 'tls.crt'], ['thanos-tls', 'tls.key'],
    ]);
    checkConfig(yaml);
  });

  test('rules and Alertmanagers', () => {
    const config = new PrometheusConfig({ ruleFile: 'alerts.yml' });
    config.addRuleGroup(new RuleGroup({
      name: 'node',
      interval: Duration.seconds(30),
      limit: 100,
      rules: [
        new RecordingRule({ record: 'instance:node_cpu:rate5m', expr: 'rate(node_cpu_seconds_total{mode!="idle"}[5m])', labels: { source: 'rule' } }),
        new AlertingRule({
          alert: 'NodeDown',
          expr: 'up{job="node"} == 0',
          forDuration: Duration.minutes(5),
          keepFiringFor: Duration.minutes(1),
          labels: { severity: 'critical' },
          annotations: { summary: '{{ $labels.instance }} is down' },
        }),
      ],
    }));
    config.addAlertmanager(new AlertmanagerEndpoint({
      discovery: [ServiceDiscovery.staticTargets({ targets: ['alertmanager:9093'] })],
      pathPrefix: '/alertmanager',
      timeout: Duration.seconds(10),
    }));
    const doc = render(config);
    expect(doc.rule_files).toEqual(['alerts.yml']);
    expect(doc.alerting).toEqual({
      alertmanagers: [{ path_prefix: '/alertmanager', timeout: '10s', api_version: 'v2', static_configs: [{ targets: ['alertmanager:9093'] }] }],
    });
    const rules = config.rulesToYaml()!;
    expect(YAML.parse(rules)).toEqual({
      groups: [{
        name: 'node',
        interval: '30s',
        limit: 100,
        rules: [
          { record: 'instance:node_cpu:rate5m', expr: 'rate(node_cpu_seconds_total{mode!="idle"}[5m])', labels: { source: 'rule' } },
          {
            alert: 'NodeDown',
            expr: 'up{job="node"} == 0',
            for: '5m',
            keep_firing_for: '1m',
            labels: { severity: 'critical' },
            annotations: { summary: '{{ $labels.instance }} is down' },
          },
        ],
      }],
    });
    checkConfig(config.toYaml());
    checkRules(rules);
  });

  test('without rule groups there is no rule file', () => {
    const config = new PrometheusConfig();
    expect(config.rulesToYaml()).toBeUndefined();
    expect(render(config).rule_files).toBeUndefined();
  });

  test('getters return copies', () => {
    const config = new PrometheusConfig();
    const job = new ScrapeJob({ jobName: 'a', discovery: [ServiceDiscovery.staticTargets({ targets: ['a:1'] })] });
    config.addScrapeJob(job);
    config.scrapeJobs.pop();
    expect(config.scrapeJobs).toHaveLength(1);
    expect(config.findScrapeJob('a')).toBe(job);
    job.relabelConfigs.push(Relabel.labelDrop({ regex: 'x' }));
    expect(job.relabelConfigs).toHaveLength(0);
  });

  test('a rendering shows what was added since the previous one', () => {
    const config = new PrometheusConfig();
    const job = new ScrapeJob({ jobName: 'a', discovery: [ServiceDiscovery.staticTargets({ targets: ['a:1'] })] });
    config.addScrapeJob(job);
    const first = config.toYaml();
    expect(config.toYaml()).toBe(first);
    job.addRelabelConfig(Relabel.labelDrop({ regex: 'x' }));
    expect(render(config).scrape_configs[0].relabel_configs).toEqual([{ regex: 'x', action: 'labeldrop' }]);
    expect(YAML.parse(first).scrape_configs[0].relabel_configs).toBeUndefined();
  });

  test('relabel steps added after the job was added are rendered', () => {
    const config = new PrometheusConfig();
    const job = new ScrapeJob({ jobName: 'a', discovery: [ServiceDiscovery.staticTargets({ targets: ['a:1'] })] });
    config.addScrapeJob(job);
    job.addRelabelConfig(Relabel.labelDrop({ regex: 'x' }));
    job.addMetricRelabelConfig(Relabel.labelDrop({ regex: 'y' }));
    expect(render(config).scrape_configs[0]).toMatchObject({
      relabel_configs: [{ regex: 'x', action: 'labeldrop' }],
      metric_relabel_configs: [{ regex: 'y', action: 'labeldrop' }],
    });
  });
});

describe('the checks agree with Prometheus', () => {
  // What the model accepts, promtool accepts; what it rejects, promtool rejects too.
  const configWithRegex = (regex: string) =>
    `scrape_configs:\n  - job_name: r\n    static_configs: [{ targets: ['a:1'] }]\n    relabel_configs:\n      - source_labels: [a]\n        regex: '${regex}'\n        action: keep\n`;

  test.each(['(?<=a)b', '(a)\\1', 'a(b', '(?=x)'])('promtool also rejects the regex %s', (regex) => {
    expect(() => Relabel.keep({ sourceLabels: ['a'], regex })).toThrow(/RE2/);
    expect(() => checkConfig(configWithRegex(regex))).toThrow();
  });

  test.each(['^kube-system;weave-net$', '(?P<x>a)b', '[[:alpha:]]+', '\\pL+', '(?i)abc', 'kube-system;weave-net', 'a b,c=d', ''])('promtool also accepts the regex %s', (regex) => {
    expect(() => Relabel.keep({ sourceLabels: ['a'], regex })).not.toThrow();
    checkConfig(configWithRegex(regex));
  });

  test('promtool rejects a timeout above the interval, which the model rejects first', () => {
    expect(() => checkConfig('scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n    static_configs: [{ targets: [\'a:1\'] }]\n')).toThrow();
  });
});
