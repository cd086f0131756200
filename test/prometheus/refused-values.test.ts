// Values Prometheus refuses, or reads differently from what was meant, fail when they are given.
import * as YAML from 'yaml';
import { Authentication, Credential, KubernetesRole, Relabel, ScrapeJob, ServiceDiscovery } from '../../src';
import { checkConfig } from '../harness';
import { expectError } from '../util';

const staticTargets = () => [ServiceDiscovery.staticTargets({ targets: ['node:9100'] })];
/** promtool's verdict on a job with this discovery entry (rendered as the library would). */
const promtoolConfig = (job: object) => YAML.stringify({ scrape_configs: [{ job_name: 'j', ...job }] });

describe('Kubernetes discovery', () => {
  test('a role Prometheus does not have (deployment) is refused with the roles and the fix', () => {
    expectError(() => ServiceDiscovery.kubernetes({ role: 'deployment' as KubernetesRole }),
      'ServiceDiscovery.kubernetes', "'role'", "'deployment'", "'node', 'service', 'pod'", 'KubernetesRole.POD');
  });

  test('the harness, like Prometheus, refuses that role', () => {
    expect(() => checkConfig(promtoolConfig({ kubernetes_sd_configs: [{ role: 'deployment' }] }))).toThrow(/unknown Kubernetes SD role "deployment"/);
  });
});

describe('file discovery', () => {
  test.each(['/etc/*/targets.json', '/etc/targets/*/*.json', '/etc/*.d/tg.yml'])('the pattern %s is refused, as promtool refuses it', (file) => {
    expectError(() => ServiceDiscovery.file({ files: [file] }), 'ServiceDiscovery.file', "'files[0]'", `'${file}'`, 'last path component');
    expect(() => checkConfig(promtoolConfig({ file_sd_configs: [{ files: [file] }] }))).toThrow(/not valid for file discovery/);
  });

  test('a pattern in the file name is kept, and promtool accepts it', () => {
    const sd = ServiceDiscovery.file({ files: ['/etc/targets/tg_*.json'] });
    const rendered = ServiceDiscovery._renderAll([sd]);
    expect(rendered).toEqual({ file_sd_configs: [{ files: ['/etc/targets/tg_*.json'] }] });
    expect(() => checkConfig(promtoolConfig(rendered))).not.toThrow();
  });
});

describe('relabelling', () => {
  test.each(['\\1', 'host-\\1', '\\1:9100'])('a replacement written %s (Go copies it literally) is refused with the ${1} fix', (replacement) => {
    expectError(() => Relabel.replace({ sourceLabels: ['__address__'], regex: '([^:]+):.*', targetLabel: 'host', replacement }),
      'Relabel.replace', "'replacement'", `'${replacement}'`, "'\\1'", '${1}');
  });
});

describe('scrape jobs', () => {
  test('queryParams given a string where a list is expected is refused with the fix', () => {
    expectError(() => new ScrapeJob({ jobName: 'j', discovery: staticTargets(), queryParams: { module: 'http_2xx' as any } }),
      "ScrapeJob 'j'", "'queryParams.module'", 'must be a list', "'http_2xx'", 'Wrap a single item in a list');
  });

  test('queryParams as lists are kept, and promtool accepts them', () => {
    const job = new ScrapeJob({ jobName: 'j', discovery: staticTargets(), queryParams: { 'match[]': ['{job="a"}', 'up'] } });
    expect(job._render().params).toEqual({ 'match[]': ['{job="a"}', 'up'] });
    expect(() => checkConfig(YAML.stringify({ scrape_configs: [job._render()] }))).not.toThrow();
  });
});

describe('credential files', () => {
  test('a credential whose file is relative (resolved against the ConfigMap directory) is refused', () => {
    const forged = Object.assign(Object.create(Credential.prototype), { path: 'secrets/password' }) as Credential;
    expectError(() => Authentication.basic({ username: 'u', password: forged }), 'Authentication.basic', "'password.path'", 'absolute', "'secrets/password'");
  });
});
