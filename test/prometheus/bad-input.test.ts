import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlertingRule, Authentication, Credential, KubernetesRole, PrometheusConfig, PrometheusStack, RecordingRule,
  Relabel, RemoteWrite, RuleGroup, ScrapeJob, ServiceDiscovery,
} from '../../src';
import { expectError } from '../util';

const staticTargets = () => [ServiceDiscovery.staticTargets({ targets: ['localhost:9100'] })];
const job = (jobName: string, extra: Partial<ConstructorParameters<typeof ScrapeJob>[0]> = {}) =>
  new ScrapeJob({ jobName, discovery: staticTargets(), ...extra });
const chart = () => new Chart(Testing.app(), 'test');

describe('relabel rules', () => {
  test('fails on a regex that does not parse', () => {
    expectError(() => Relabel.keep({ sourceLabels: ['job'], regex: 'a(b' }), 'Relabel.keep', "'regex'", "'a(b'", 'RE2');
  });

  test('fails on a lookbehind, which Go RE2 does not support', () => {
    expectError(() => Relabel.drop({ sourceLabels: ['job'], regex: '(?<=a)b' }), "'regex'", "'(?<=a)b'", 'lookarounds');
  });

  test('fails on a backreference', () => {
    expectError(() => Relabel.keep({ sourceLabels: ['job'], regex: '(a)\\1' }), "'regex'", "'(a)\\1'");
  });

  test('fails on a lookahead in labelMap', () => {
    expectError(() => Relabel.labelMap({ regex: '__meta_(?=x)(.+)' }), 'Relabel.labelMap', "'regex'");
  });

  test('fails on $1_suffix, which Go reads as a group named 1_suffix', () => {
    expectError(() => Relabel.replace({ sourceLabels: ['__address__'], regex: '(.+)', targetLabel: 'x', replacement: '$1_suffix' }),
      "'replacement'", "'$1_suffix'", '${1}_suffix');
  });

  test('fails on a reference to a group the regex does not have', () => {
    expectError(() => Relabel.replace({ sourceLabels: ['__address__'], regex: '(.+):(\\d+)', targetLabel: 'x', replacement: '$3' }),
      "'replacement'", 'group 3', '2 capture group(s)');
  });

  test('fails on a group reference when the regex is a literal, which has no group', () => {
    expectError(() => Relabel.replace({ sourceLabels: ['__address__'], regex: 'kube-system;weave-net', targetLabel: 'x', replacement: '$1' }),
      "'replacement'", 'group 1', '0 capture group(s)');
  });

  test('fails on a source label that is not a label name', () => {
    expectError(() => Relabel.keep({ sourceLabels: ['__meta-kubernetes'], regex: 'x' }), "'sourceLabels[0]'", "'__meta-kubernetes'");
  });

  test('fails on a target label that is not a label name', () => {
    expectError(() => Relabel.replace({ sourceLabels: ['a'], targetLabel: '1abc' }), "'targetLabel'", "'1abc'");
  });

  test('fails on keep without source labels', () => {
    expectError(() => Relabel.keep({ sourceLabels: [], regex: 'x' }), "'sourceLabels'", 'at least one');
  });

  test('fails on a hashmod modulus that is not a positive integer', () => {
    expectError(() => Relabel.hashMod({ sourceLabels: ['__address__'], modulus: 2.5, targetLabel: '__tmp_hash' }), "'modulus'", '2.5');
  });
});

describe('durations', () => {
  test('fails on a fraction of a millisecond', () => {
    expectError(() => job('j', { scrapeInterval: Duration.millis(1.5) }), "ScrapeJob 'j'", "'scrapeInterval'", 'whole number of milliseconds', '1.5');
  });

  test('fails on a zero interval', () => {
    expectError(() => job('j', { scrapeInterval: Duration.seconds(0) }), "'scrapeInterval'", 'positive');
  });

  test('fails when a job timeout exceeds its interval', () => {
    expectError(() => job('j', { scrapeInterval: Duration.seconds(15), scrapeTimeout: Duration.seconds(20) }),
      "'scrapeTimeout'", "'20s'", '15s', "Shorten 'scrapeTimeout' or lengthen 'scrapeInterval'");
  });

  test('fails when a job timeout exceeds the global interval it inherits', () => {
    const config = new PrometheusConfig({ scrapeInterval: Duration.seconds(10), scrapeTimeout: Duration.seconds(5) });
    expectError(() => config.addScrapeJob(job('slow', { scrapeTimeout: Duration.seconds(30) })), 'slow.scrapeTimeout', "'30s'", 'the global scrape interval (10s)',
      "Set the job's scrapeInterval or shorten its timeout");
  });

  test('fails when the global timeout exceeds the global interval', () => {
    expectError(() => new PrometheusConfig({ scrapeInterval: Duration.seconds(10), scrapeTimeout: Duration.seconds(15) }),
      'PrometheusConfig', "'scrapeTimeout'", "'15s'");
  });

  test('fails on a zero alert duration', () => {
    expectError(() => new AlertingRule({ alert: 'A', expr: 'up == 0', forDuration: Duration.seconds(0) }), "AlertingRule 'A'", "'forDuration'");
  });
});

describe('scrape jobs and discovery', () => {
  test('fails on a duplicate job name', () => {
    const config = new PrometheusConfig();
    config.addScrapeJob(job('node'));
    expectError(() => config.addScrapeJob(job('node')), "'jobName'", 'unique', "'node'");
  });

  test('fails on a job without targets', () => {
    expectError(() => new ScrapeJob({ jobName: 'empty', discovery: [] }), "ScrapeJob 'empty'", "'discovery'");
  });

  test('fails on an empty job name', () => {
    expectError(() => new ScrapeJob({ jobName: ' ', discovery: staticTargets() }), "'jobName'", 'must not be empty');
  });

  test('fails on a metrics path without a leading slash', () => {
    expectError(() => job('j', { metricsPath: 'metrics' }), "'metricsPath'", "'metrics'");
  });

  test('fails on a static target with a scheme', () => {
    expectError(() => ServiceDiscovery.staticTargets({ targets: ['http://node:9100'] }), "'targets[0]'", "'http://node:9100'", 'scheme');
  });

  test('fails on a static target with a path', () => {
    expectError(() => ServiceDiscovery.staticTargets({ targets: ['node:9100/metrics'] }), "'targets[0]'", 'metricsPath');
  });

  test('fails on a static target port out of range', () => {
    expectError(() => ServiceDiscovery.staticTargets({ targets: ['node:70000'] }), "'targets[0]'", '1-65535', "'node:70000'");
  });

  test('fails on static targets with a bad label name', () => {
    expectError(() => ServiceDiscovery.staticTargets({ targets: ['a:1'], labels: { 'team-name': 'x' } }), "'labels.team-name'");
  });

  test('fails on a namespace that is not a DNS label', () => {
    expectError(() => ServiceDiscovery.kubernetes({ role: KubernetesRole.POD, namespaces: ['Shop_NS'] }), "'namespaces[0]'", "'Shop_NS'");
  });

  test('fails on a selector role that the discovery role does not accept', () => {
    expectError(() => ServiceDiscovery.kubernetes({ role: KubernetesRole.POD, selectors: [{ role: KubernetesRole.SERVICE, label: 'a=b' }] }),
      "'selectors[0].role'", "'service'", 'pod');
  });

  test('fails on node metadata for the service role', () => {
    expectError(() => ServiceDiscovery.kubernetes({ role: KubernetesRole.SERVICE, attachNodeMetadata: true }), "'attachNodeMetadata'", "'service'");
  });

  test('fails on a relative file_sd path', () => {
    expectError(() => ServiceDiscovery.file({ files: ['targets/*.json'] }), "'files[0]'", 'absolute', "'targets/*.json'");
  });

  test('fails on a Kuma server without a scheme', () => {
    expectError(() => ServiceDiscovery.kuma({ server: 'kuma-control-plane:5676' }), "'server'", "'kuma-control-plane:5676'");
  });
});

describe('remote write and credentials', () => {
  test('fails on a URL without a scheme', () => {
    expectError(() => new RemoteWrite({ url: 'mimir.example.com/api/v1/push' }), "'url'", 'scheme', "'mimir.example.com/api/v1/push'");
  });

  test('fails on a URL with another scheme', () => {
    expectError(() => new RemoteWrite({ url: 'ftp://mimir.example.com/push' }), "'url'", 'http or https');
  });

  test('fails on an Authorization header, which would put a token in the ConfigMap', () => {
    expectError(() => new RemoteWrite({ url: 'https://m.example.com/push', headers: { Authorization: 'Bearer abc' } }),
      "'headers.Authorization'", 'Authentication');
  });

  test('fails on minShards above maxShards', () => {
    expectError(() => new RemoteWrite({ url: 'https://m.example.com/push', queue: { minShards: 10, maxShards: 2 } }), "'queue.minShards'", '10');
  });

  test('fails on a client certificate without its key', () => {
    expectError(() => new RemoteWrite({ url: 'https://m.example.com/push', tls: { cert: Credential.fromFile('/tls/tls.crt') } }),
      "'tls'", "'key'");
  });

  test('fails on a credential file given as a relative path', () => {
    expectError(() => Credential.fromFile('secrets/token'), "'path'", 'absolute', "'secrets/token'");
  });

  test('fails on a Secret name that Kubernetes rejects', () => {
    expectError(() => Credential.fromSecret('Mimir_Credentials', 'password'), "'secretName'", "'Mimir_Credentials'");
  });

  test('fails on an authorization type of Basic', () => {
    expectError(() => Authentication.authorization({ credentials: Credential.fromFile('/t'), credentialsType: 'Basic' }),
      "'credentialsType'", 'Authentication.basic');
  });

  test('fails on a duplicate remote-write name', () => {
    const config = new PrometheusConfig();
    config.addRemoteWrite(new RemoteWrite({ url: 'https://a.example.com/push', name: 'store' }));
    expectError(() => config.addRemoteWrite(new RemoteWrite({ url: 'https://b.example.com/push', name: 'store' })), "'remoteWrite.name'", "'store'");
  });
});

describe('rules', () => {
  test('fails on a recording rule name that is not a metric name', () => {
    expectError(() => new RecordingRule({ record: 'job-up', expr: 'up' }), "'record'", "'job-up'");
  });

  test('fails on an alert label that is not a label name', () => {
    expectError(() => new AlertingRule({ alert: 'A', expr: 'up == 0', labels: { 'severity-level': 'x' } }), "'labels.severity-level'");
  });

  test('fails on a duplicate rule group', () => {
    const config = new PrometheusConfig();
    config.addRuleGroup(new RuleGroup({ name: 'g', rules: [new RecordingRule({ record: 'a', expr: 'up' })] }));
    expectError(() => config.addRuleGroup(new RuleGroup({ name: 'g' })), "'ruleGroup'", "'g'");
  });

  test('fails to render a rule group without rules', () => {
    const config = new PrometheusConfig();
    config.addRuleGroup(new RuleGroup({ name: 'empty' }));
    expectError(() => config.rulesToYaml(), "RuleGroup 'empty'", "'rules'");
  });
});

describe('PrometheusStack', () => {
  test('fails on a nodePort outside 30000-32767, naming the construct path', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { nodePort: 20000 }), 'test/prom', "'nodePort'", '30000-32767', '20000');
  });

  test('fails on a service port out of range', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { servicePort: 70000 }), 'test/prom', "'servicePort'", '70000');
  });

  test('fails on a nodePort with a ClusterIP Service', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { serviceType: kplus.ServiceType.CLUSTER_IP, nodePort: 30901 }),
      'test/prom', "'nodePort'", 'ClusterIP', '30901');
  });

  test('fails on an image without a tag', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { image: 'prom/prometheus' }), "'image'", "'prom/prometheus'");
  });

  test('fails on a global timeout above the interval, naming the construct path', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { scrapeInterval: Duration.seconds(5) }),
      'test/prom', "'scrapeTimeout'", "'10s'", '5s');
  });

  test('fails on a duplicate job, naming the construct path', () => {
    const stack = new PrometheusStack(chart(), 'prom');
    expectError(() => stack.addScrapeJob(job('prometheus')), 'test/prom', "'jobName'", "'prometheus'");
  });

  test('fails on a namespace that is not a DNS label', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { metadata: { namespace: 'Monitoring' } }), "'metadata.namespace'", "'Monitoring'");
  });

  test('fails on an external label that is not a label name', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { externalLabels: { 'k8s-cluster': 'a' } }), "'externalLabels.k8s-cluster'");
  });

  test('fails on an empty allowFrom, which would block every client', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { allowFrom: [] }), "'allowFrom'", 'at least one');
  });

  test('fails on a retention size that is not whole mebibytes', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { retentionSize: Size.kibibytes(1500) }), "'retentionSize'");
  });

  test('fails on an ExternalName Service type', () => {
    expectError(() => new PrometheusStack(chart(), 'prom', { serviceType: kplus.ServiceType.EXTERNAL_NAME }), "'serviceType'", 'ExternalName');
  });
});

describe('more bad input', () => {
  test('fails on credentials in a remote-write URL, without repeating them', () => {
    expectError(() => new RemoteWrite({ url: 'https://user:s3cret@mimir.example.com/api/v1/push' }), "'url'", 'credentials', '//***@', "'auth'");
    let message = '';
    try {
      new RemoteWrite({ url: 'https://user:s3cret@mimir.example.com/api/v1/push' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain('s3cret');
  });

  test('fails on two identical remote writes, which Prometheus refuses to load', () => {
    const config = new PrometheusConfig();
    config.addRemoteWrite(new RemoteWrite({ url: 'https://a.example.com/push' }));
    expectError(() => config.addRemoteWrite(new RemoteWrite({ url: 'https://a.example.com/push' })), "'remoteWrite'", 'identical');
  });

  test('fails on an empty namespace list, which would silently mean every namespace', () => {
    expectError(() => ServiceDiscovery.kubernetes({ role: KubernetesRole.POD, namespaces: [] }), "'namespaces'", 'at least one');
  });
});

describe('named groups', () => {
  test('fails on a reference to a group the regex does not name', () => {
    expectError(() => Relabel.replace({ sourceLabels: ['__address__'], regex: '(.+)', targetLabel: 'x', replacement: 'v-$foo' }),
      "'replacement'", "'foo'", 'does not name', "'v-$foo'");
  });

  test('accepts references to named groups, braced or not', () => {
    const r = Relabel.replace({ sourceLabels: ['__address__'], regex: '(?P<host>[^:]+):(?P<port>\\d+)', targetLabel: 'x', replacement: '${host}_$port' });
    expect(r._render().replacement).toBe('${host}_$port');
  });
});

test('a stack fails at synthesis on a rule group that is still empty, naming the construct path', () => {
  const c = chart();
  const stack = new PrometheusStack(c, 'prom');
  stack.addRuleGroup(new RuleGroup({ name: 'later' }));
  expect(() => Testing.synth(c)).toThrow(/test\/prom: rule group 'later' must contain at least one rule/);
});
