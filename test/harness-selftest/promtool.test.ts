import { checkConfig, checkRules, stripUnsupportedDiscovery, testRules } from '../harness';

const VALID = `global:
  scrape_interval: 30s
  evaluation_interval: 30s
rule_files:
  - /etc/prometheus/rules/*.yml
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['localhost:9090']
  - job_name: kubernetes-pods
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [default, monitoring]
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        regex: 'true'
        action: keep
      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
        regex: '([^:]+)(?::\\d+)?;(\\d+)'
        replacement: '\${1}:\${2}'
        target_label: __address__
  - job_name: kuma-dataplanes
    kuma_sd_configs:
      - server: http://kuma-control-plane.kuma-system:5676
        refresh_interval: 30s
        fetch_timeout: 2m
alerting:
  alertmanagers:
    - kubernetes_sd_configs:
        - role: endpoints
          namespaces:
            names: [monitoring]
`;

function withJob(job: string): string {
  return `scrape_configs:\n${job}`;
}

describe('checkConfig', () => {
  test('accepts a config with kubernetes_sd_configs and kuma_sd_configs', () => {
    expect(() => checkConfig(VALID)).not.toThrow();
  });

  test('rejects a bad RE2 regex', () => {
    const bad = VALID.replace("regex: 'true'", "regex: '(?<=x)true'");
    expect(() => checkConfig(bad)).toThrow(/error parsing regexp: invalid or unsupported Perl syntax/);
  });

  test('rejects Prometheus 1.x command-line junk in the file', () => {
    expect(() => checkConfig(`-config.file: /etc/prometheus/prometheus.yml\n${VALID}`)).toThrow(/field -config.file not found/);
  });

  test('rejects an unknown field, with promtool output and the numbered YAML', () => {
    const bad = withJob('  - job_name: x\n    scrape_intervall: 10s\n    static_configs: []\n');
    let message = '';
    try {
      checkConfig(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('line 3: field scrape_intervall not found in type config.ScrapeConfig');
    expect(message).toContain('3|     scrape_intervall: 10s');
  });

  test('rejects scrape_timeout greater than scrape_interval', () => {
    const bad = withJob('  - job_name: x\n    scrape_interval: 10s\n    scrape_timeout: 20s\n    static_configs: []\n');
    expect(() => checkConfig(bad)).toThrow(/scrape timeout greater than scrape interval/);
  });

  test('checks the fields of the removed kubernetes_sd_configs itself', () => {
    const bad = withJob([
      '  - job_name: x',
      '    kubernetes_sd_configs:',
      '      - role: pods',
      '        namespace: {names: [a]}',
      '        selectors: [{role: service, label: "a=b"}]',
    ].join('\n'));
    expect(() => checkConfig(bad)).toThrow([
      'service discovery problems (checked by the harness):',
      '  - scrape_configs[0] (job x).kubernetes_sd_configs[0].namespace: unknown field',
      '  - scrape_configs[0] (job x).kubernetes_sd_configs[0].role: unknown Kubernetes SD role "pods"',
    ].join('\n'));
    const selectors = withJob('  - job_name: x\n    kubernetes_sd_configs:\n      - role: pod\n        selectors: [{role: service}]\n');
    expect(() => checkConfig(selectors)).toThrow('pod role supports only pod selectors, got "service"');
  });

  test('rejects custom HTTP client settings without api_server (Prometheus refuses to start)', () => {
    const bad = withJob([
      '  - job_name: x',
      '    kubernetes_sd_configs:',
      '      - role: pod',
      '        tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}',
    ].join('\n'));
    expect(() => checkConfig(bad)).toThrow("to use custom HTTP client configuration (tls_config) please provide the 'api_server' URL explicitly");
  });

  test('has promtool check the HTTP client fields of removed discovery blocks', () => {
    const job = [
      '  - job_name: x',
      '    kubernetes_sd_configs:',
      '      - role: endpoints',
      '        api_server: https://kubernetes.example:6443',
      '        authorization: {credentials_file: /var/run/token}',
    ].join('\n');
    expect(() => checkConfig(withJob(job))).not.toThrow();
    expect(() => checkConfig(withJob(job.replace('credentials_file', 'credential_file')))).toThrow(/field credential_file not found in type config.Authorization/);
    const both = `${job}\n        basic_auth: {username: u, password_file: /p}\n`;
    expect(() => checkConfig(withJob(both))).toThrow(/at most one of basic_auth, oauth2 & authorization must be configured/);
  });

  test('rejects a kuma_sd_configs without server', () => {
    const bad = withJob('  - job_name: x\n    kuma_sd_configs:\n      - refresh_interval: 30s\n');
    expect(() => checkConfig(bad)).toThrow('kuma_sd_configs[0].server: kuma SD server must not be empty');
  });

  test('also checks the given rule files', () => {
    expect(() => checkConfig(VALID, { rulesYaml: { 'ok.yml': 'groups: []\n' } })).not.toThrow();
    expect(() => checkConfig(VALID, { rulesYaml: { 'bad.yml': 'groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n' } }))
      .toThrow(/bad.yml: 5:15: group "g", rule 1, "x": could not parse expression/);
  });
});

describe('stripUnsupportedDiscovery', () => {
  test('removes the blocks, leaves everything else, and adds static_configs: [] where nothing is left', () => {
    const stripped = stripUnsupportedDiscovery(VALID);
    expect(stripped).not.toMatch(/kubernetes_sd_configs|kuma_sd_configs/);
    expect(stripped).toContain("regex: '([^:]+)(?::\\d+)?;(\\d+)'");
    expect(stripped).toContain('  - job_name: kuma-dataplanes\n    static_configs: []\n');
    expect(stripped).toContain('  alertmanagers:\n    - static_configs: []\n');
    expect(stripped.match(/static_configs: \[\]/g)).toHaveLength(3);
  });

  test('returns a config without those blocks unchanged', () => {
    const plain = withJob("  - job_name: x\n    static_configs: [{targets: ['a:1']}]\n");
    expect(stripUnsupportedDiscovery(plain)).toBe(plain);
  });
});

const RULES = `groups:
  - name: weave
    rules:
      - alert: WeaveNetIPAMUnreachable
        expr: weave_ipam_unreachable_percentage > 0
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'IPAM unreachable on {{ $labels.instance }}'
      - record: job:weave_connections:sum
        expr: sum by (job) (weave_connections)
`;

const TESTS = `evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'weave_ipam_unreachable_percentage{job="weave", instance="node-1:6782"}'
        values: '0 0 10x10'
    alert_rule_test:
      - eval_time: 4m
        alertname: WeaveNetIPAMUnreachable
        exp_alerts: []
      - eval_time: 10m
        alertname: WeaveNetIPAMUnreachable
        exp_alerts:
          - exp_labels: {severity: warning, job: weave, instance: 'node-1:6782'}
            exp_annotations: {summary: 'IPAM unreachable on node-1:6782'}
`;

describe('checkRules', () => {
  test('accepts valid rules and returns the output', () => {
    expect(checkRules(RULES)).toContain('SUCCESS: 2 rules found');
  });

  test('rejects bad PromQL, bad durations and duplicate rules', () => {
    expect(() => checkRules(RULES.replace('> 0', '>'))).toThrow(/could not parse expression/);
    expect(() => checkRules(RULES.replace('for: 5m', 'for: 5 minutes'))).toThrow(/not a valid duration string/);
    const duplicate = `${RULES}      - record: job:weave_connections:sum\n        expr: sum by (job) (weave_connections)\n`;
    expect(() => checkRules(duplicate)).toThrow(/duplicate rule/);
  });
});

describe('testRules', () => {
  test('passes when the alerts fire as expected', () => {
    expect(testRules(RULES, TESTS)).toContain('SUCCESS');
  });

  test('fails with promtool\'s expected/got output when they do not', () => {
    expect(() => testRules(RULES, TESTS.replace("'IPAM unreachable on node-1:6782'", "'wrong'")))
      .toThrow(/exp_annotations|Annotations:\{summary="wrong"\}/);
    expect(() => testRules(RULES.replace('for: 5m', 'for: 15m'), TESTS)).toThrow(/alertname: WeaveNetIPAMUnreachable, time: 10m/);
  });

  test('uses the rule file name the tests YAML lists', () => {
    expect(testRules(RULES, `rule_files: [weave.rules.yml]\n${TESTS}`)).toContain('SUCCESS');
    expect(() => testRules({ 'a.yml': RULES }, `rule_files: [b.yml]\n${TESTS}`)).toThrow(/lists rule_files \["b.yml"\], but only \["a.yml"\] were given/);
  });

  test('refuses a tests file that cannot fail', () => {
    expect(() => testRules(RULES, 'tests:\n  - interval: 1m\n    input_series: []\n')).toThrow(/cannot fail/);
  });
});
