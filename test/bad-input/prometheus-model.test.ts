import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlertingRule, AlertmanagerEndpoint, Authentication, Credential, PrometheusConfig, PrometheusStack, RecordingRule, Relabel, RemoteWrite,
  Rule, RuleGroup, ScrapeJob, ServiceDiscovery,
} from '../../src';
import { synthAndCheck } from '../util';
import { badInputs, js } from './cases';

const sd = () => ServiceDiscovery.staticTargets({ targets: ['node:9100'] });
const job = (props: object) => new ScrapeJob(js({ jobName: 'j', discovery: [sd()], ...props }));
const J = "ScrapeJob 'j'";
const cred = () => Credential.fromSecret('s', 'k');

/** What a Python `class MyRule(Rule)` is at run time: the abstract class, with nothing to render with. */
class HostRule extends (Rule as unknown as new () => object) {}

describe('the prometheus.yml model, as a jsii caller passes it', () => {
  badInputs([
    { name: 'jobName as a number', run: () => new ScrapeJob(js({ jobName: 42, discovery: [sd()] })), where: 'ScrapeJob', prop: 'jobName', got: '42', fix: "Write '42'" },
    { name: 'discovery as one object', run: () => job({ discovery: sd() }), where: J, prop: 'discovery', got: 'an object of class ServiceDiscovery', fix: 'Wrap a single item in a list' },
    { name: 'discovery as plain objects', run: () => job({ discovery: [{ targets: ['a:1'] }] }), where: J, prop: 'discovery[0]', got: '{"targets":["a:1"]}', fix: 'ServiceDiscovery.staticTargets' },
    { name: 'discovery missing', run: () => new ScrapeJob(js({ jobName: 'j' })), where: J, prop: 'discovery', got: 'undefined', fix: 'ServiceDiscovery.staticTargets' },
    { name: 'scrapeInterval as a string', run: () => job({ scrapeInterval: '30s' }), where: J, prop: 'scrapeInterval', got: "'30s'", fix: 'Duration.seconds(30)' },
    { name: 'scheme ftp', run: () => job({ scheme: 'ftp' }), where: J, prop: 'scheme', got: "'ftp'", fix: 'Scheme.HTTPS' },
    { name: 'scheme tcp', run: () => job({ scheme: 'tcp' }), where: J, prop: 'scheme', got: "'tcp'", fix: 'Scheme.HTTP' },
    { name: 'a relabel rule as a plain object', run: () => job({ relabelConfigs: [{ action: 'keep', regex: 'x' }] }), where: J, prop: 'relabelConfigs[0]', got: '{"action":"keep","regex":"x"}', fix: 'Relabel.keep' },
    { name: 'auth as a plain object', run: () => job({ auth: { username: 'u' } }), where: J, prop: 'auth', got: '{"username":"u"}', fix: 'Authentication.basic' },
    { name: 'a CA as a path', run: () => job({ tls: { ca: '/etc/ca.pem' } }), where: J, prop: 'tls.ca', got: "'/etc/ca.pem'", fix: 'Credential.fromFile(path)' },
    { name: 'a TLS version as a string', run: () => job({ tls: { minVersion: 'TLS1.2' } }), where: J, prop: 'tls.minVersion', got: "'TLS1.2'", fix: 'TlsVersion.TLS_1_2' },
    { name: 'honorLabels as a string', run: () => job({ honorLabels: 'true' }), where: J, prop: 'honorLabels', got: "'true'", fix: 'true or false' },
    { name: 'sampleLimit as a string', run: () => job({ sampleLimit: '100' }), where: J, prop: 'sampleLimit', got: "'100'", fix: 'Write 100' },
    { name: 'API access as a resource name', run: () => job({ apiAccess: ['nodes/metrics'] }), where: J, prop: 'apiAccess[0]', got: "'nodes/metrics'", fix: 'KubernetesApiAccess.nodeMetrics()' },
    { name: 'sourceLabels as a string', run: () => Relabel.keep(js({ sourceLabels: 'job', regex: 'x' })), where: 'Relabel.keep', prop: 'sourceLabels', got: "'job'", fix: 'Wrap a single item in a list' },
    { name: 'a target label as a number', run: () => Relabel.replace(js({ targetLabel: 5 })), where: 'Relabel.replace', prop: 'targetLabel', got: '5', fix: "Write '5'" },
    { name: 'a modulus as a string', run: () => Relabel.hashMod(js({ sourceLabels: ['a'], targetLabel: 't', modulus: '4' })), where: 'Relabel.hashMod', prop: 'modulus', got: "'4'", fix: 'Write 4' },
    { name: 'a Kubernetes SD role deployment', run: () => ServiceDiscovery.kubernetes(js({ role: 'deployment' })), where: 'ServiceDiscovery.kubernetes', prop: 'role', got: "'deployment'", fix: 'KubernetesRole.POD' },
    { name: 'namespaces as a string', run: () => ServiceDiscovery.kubernetes(js({ role: 'pod', namespaces: 'default' })), where: 'ServiceDiscovery.kubernetes', prop: 'namespaces', got: "'default'", fix: 'Wrap a single item in a list' },
    { name: 'targets as a string', run: () => ServiceDiscovery.staticTargets(js({ targets: 'node:9100' })), where: 'ServiceDiscovery.staticTargets', prop: 'targets', got: "'node:9100'", fix: 'Wrap a single item in a list' },
    { name: 'a file SD refresh as seconds', run: () => ServiceDiscovery.file(js({ files: ['/sd/a.json'], refreshInterval: 60 })), where: 'ServiceDiscovery.file', prop: 'refreshInterval', got: '60', fix: 'Duration.seconds(30)' },
    { name: 'a kplus Secret for fromSecret', run: () => Credential.fromSecret(js(new kplus.Secret(new Chart(Testing.app(), 'test'), 'token')), 'k'), where: 'Credential.fromSecret', prop: 'secretName', got: 'test/token (Secret)', fix: 'Credential.fromSecretObject(secret, key)' },
    { name: 'a name for fromSecretObject', run: () => Credential.fromSecretObject(js('token'), 'k'), where: 'Credential.fromSecretObject', prop: 'secret', got: "'token'", fix: 'Credential.fromSecret(secretName, key)' },
    { name: 'a Secret key missing', run: () => Credential.fromSecret('token', js(undefined)), where: 'Credential.fromSecret', prop: 'key', got: 'undefined', fix: "Set 'key'" },
    { name: 'a password as a literal', run: () => Authentication.basic(js({ password: 'hunter2' })), where: 'Authentication.basic', prop: 'password', got: "'<redacted>'", fix: 'Credential.fromSecret(secretName, key)' },
    { name: 'scopes as a string', run: () => Authentication.oauth2(js({ clientId: 'c', clientSecret: cred(), tokenUrl: 'https://t.example/token', scopes: 'read' })), where: 'Authentication.oauth2', prop: 'scopes', got: "'read'", fix: 'Wrap a single item in a list' },
    { name: 'a rule as a plain object', run: () => new RuleGroup(js({ name: 'g', rules: [{ alert: 'A', expr: 'up' }] })), where: "RuleGroup 'g'", prop: 'rules[0]', got: '{"alert":"A","expr":"up"}', fix: 'new AlertingRule' },
    { name: 'a host subclass of the abstract Rule', run: () => new RuleGroup({ name: 'g' }).addRule(js(new HostRule())), where: "RuleGroup 'g'", prop: 'rules[0]', got: 'an object of class HostRule', fix: 'new RecordingRule({ record, expr })' },
    { name: 'forDuration as a string', run: () => new AlertingRule(js({ alert: 'A', expr: 'up', forDuration: '5m' })), where: "AlertingRule 'A'", prop: 'forDuration', got: "'5m'", fix: 'Duration.minutes(5)' },
    { name: 'an expression as a number', run: () => new RecordingRule(js({ record: 'a:b', expr: 5 })), where: "RecordingRule 'a:b'", prop: 'expr', got: '5', fix: "Write '5'" },
    { name: 'a queue capacity as a string', run: () => new RemoteWrite(js({ url: 'https://x.example/api', queue: { capacity: '1000' } })), where: "RemoteWrite 'https://x.example/api'", prop: 'queue.capacity', got: "'1000'", fix: 'Write 1000' },
    { name: 'a remote write URL missing', run: () => new RemoteWrite(js({})), where: 'RemoteWrite', prop: 'url', got: 'undefined', fix: "Set 'url'" },
    { name: 'an external label as a number', run: () => new PrometheusConfig(js({ externalLabels: { replica: 1 } })), where: 'PrometheusConfig', prop: 'externalLabels.replica', got: '1', fix: "Write '1'" },
    { name: 'addScrapeJob with a plain object', run: () => new PrometheusConfig().addScrapeJob(js({ jobName: 'x' })), where: 'PrometheusConfig', prop: 'job', got: '{"jobName":"x"}', fix: 'new ScrapeJob' },
    { name: 'an Alertmanager scheme ftp', run: () => new AlertmanagerEndpoint(js({ discovery: [sd()], scheme: 'ftp' })), where: 'AlertmanagerEndpoint', prop: 'scheme', got: "'ftp'", fix: 'Scheme.HTTPS' },
  ]);

  test('a job written with wire strings and a kplus Secret credential passes promtool', () => {
    const c = new Chart(Testing.app(), 'test');
    const token = new kplus.Secret(c, 'token');
    const stack = new PrometheusStack(c, 'prom');
    stack.addScrapeJob(new ScrapeJob(js({
      jobName: 'api',
      discovery: [ServiceDiscovery.kubernetes(js({ role: 'endpointslice', namespaces: ['default'] }))],
      scheme: 'https',
      scrapeInterval: Duration.seconds(30),
      tls: { minVersion: 'TLS12' },
      auth: Authentication.authorization({ credentials: Credential.fromSecretObject(token, 'token') }),
    })));
    const out = synthAndCheck(c);
    const api = Object.values(out.prometheusConfigs)[0].scrape_configs.find((j: any) => j.job_name === 'api');
    expect(api.scheme).toBe('https');
    expect(api.tls_config.min_version).toBe('TLS12');
    expect(api.authorization.credentials_file).toBe(`/etc/prometheus/secrets/${token.name}/token`);
    const pod = out.objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.secret?.secretName)).toContain(token.name);
  });
});
