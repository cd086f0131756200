// No secret reaches the ConfigMap: credentials in URLs, query parameters and literal headers are
// refused with the way to pass them from a Secret; secret headers are read from files.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { Testing } from 'cdk8s';
import {
  AlertmanagerEndpoint, Authentication, Credential, PrometheusStack, RemoteWrite, ScrapeJob, ServiceDiscovery,
} from '../../src';
import { checkConfig, checkHttpHeaders } from '../harness';
import { expectError, newChart, onlyConfig, synthAndCheck } from '../util';

const staticTargets = () => [ServiceDiscovery.staticTargets({ targets: ['node:9100'] })];
/** The message of the error fn throws. */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('credentials in URLs', () => {
  test.each([
    ['api_key', 'https://m.example.com/api/v1/push?api_key=sk3cr3tvalue'],
    ['token', 'https://m.example.com/push?tenant=a&token=sk3cr3tvalue'],
    ['access_token', 'https://m.example.com/push?access_token=sk3cr3tvalue'],
    ['password', 'https://m.example.com/push?user=a&password=sk3cr3tvalue'],
    ['client_secret', 'https://m.example.com/push?client_secret=sk3cr3tvalue'],
    ['X-Amz-Signature', 'https://m.example.com/push?X-Amz-Signature=sk3cr3tvalue'],
  ])('a remote-write URL with %s in its query is refused, without repeating the value', (param, url) => {
    const message = messageOf(() => new RemoteWrite({ url }));
    for (const f of ["'url'", `(${param})`, 'ConfigMap', "'auth'", "'secretHeaders'", 'Credential.fromSecret']) expect(message).toContain(f);
    expect(message).not.toContain('sk3cr3tvalue');
  });

  test('a remote-write URL with a harmless query is kept', () => {
    expect(new RemoteWrite({ url: 'https://m.example.com/push?tenant=team-a' })._render().url).toBe('https://m.example.com/push?tenant=team-a');
  });

  test('an OAuth2 token URL with a secret in its query is refused', () => {
    expectError(() => Authentication.oauth2({
      clientId: 'prom', clientSecret: Credential.fromSecret('oauth', 'secret'), tokenUrl: 'https://idp.example.com/token?client_secret=x',
    }), 'Authentication.oauth2', "'tokenUrl'", 'client_secret');
  });

  test('a scrape job query parameter named like a credential is refused', () => {
    const message = messageOf(() => new ScrapeJob({ jobName: 'j', discovery: staticTargets(), queryParams: { api_key: ['sk3cr3tvalue'] } }));
    for (const f of ["ScrapeJob 'j'", "'queryParams.api_key'", 'credential', 'ConfigMap', "'secretHeaders'"]) expect(message).toContain(f);
    expect(message).not.toContain('sk3cr3tvalue');
  });

  test('a metrics path with a query is refused, pointing at queryParams', () => {
    expectError(() => new ScrapeJob({ jobName: 'j', discovery: staticTargets(), metricsPath: '/probe?module=http_2xx' }),
      "ScrapeJob 'j'", "'metricsPath'", "'/probe?module=http_2xx'", "'queryParams'");
  });

  test('a metrics path with a token in its query is refused without repeating it', () => {
    const message = messageOf(() => new ScrapeJob({ jobName: 'j', discovery: staticTargets(), metricsPath: '/metrics?token=sk3cr3tvalue' }));
    expect(message).toContain("'metricsPath'");
    expect(message).not.toContain('sk3cr3tvalue');
  });

  test('an Alertmanager path prefix with a query is refused', () => {
    expectError(() => new AlertmanagerEndpoint({ discovery: staticTargets(), pathPrefix: '/am?token=x' }), 'AlertmanagerEndpoint', "'pathPrefix'");
  });
});

describe('literal headers', () => {
  test.each([
    ['X-Api-Key', 'abc'],
    ['X-Auth-Token', 'abc'],
    ['X-Secret', 'abc'],
    ['X-Password', 'abc'],
    ['Api-Key', 'abc'],
    ['X-Tenant', 'Bearer abcdef'],
    ['X-Tenant', 'a8F3kq9Zt2LmX7pQ4vR1sY6w'],
  ])('a credential-shaped header %s is refused with the fix, without repeating its value', (name, value) => {
    const message = messageOf(() => new RemoteWrite({ url: 'https://m.example.com/push', headers: { [name]: value } }));
    for (const f of [`'headers.${name}'`, 'credential', 'ConfigMap', "'secretHeaders'", 'Credential.fromSecret', '2.55']) expect(message).toContain(f);
    expect(message).not.toContain(value);
  });

  test.each([['X-Scope-OrgID', 'demo'], ['X-Scope-OrgID', 'team-payments-production'], ['THANOS-TENANT', 'cluster_eu_west_1']])(
    'a non-secret header %s: %s is kept in headers, and promtool accepts it', (name, value) => {
      const chart = newChart();
      new PrometheusStack(chart, 'prom', { remoteWrites: [new RemoteWrite({ url: 'https://m.example.com/push', headers: { [name]: value } })] });
      expect(onlyConfig(synthAndCheck(chart)).remote_write[0].headers).toEqual({ [name]: value });
    });
});

describe('secret headers', () => {
  const rw = () => new RemoteWrite({
    url: 'https://m.example.com/push',
    headers: { 'X-Scope-OrgID': 'demo' },
    secretHeaders: { 'X-Api-Key': Credential.fromSecret('mimir-key', 'key') },
  });

  test('are rendered as http_headers files only, and the Secret is mounted', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prom', { remoteWrites: [rw()] });
    const s = synthAndCheck(chart);
    const config = onlyConfig(s);
    expect(config.remote_write[0].http_headers).toEqual({ 'X-Api-Key': { files: ['/etc/prometheus/secrets/mimir-key/key'] } });
    const pod = s.objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'mimir-key' }) }));
    expect(JSON.stringify(s.objects)).not.toContain('secrets:');
  });

  test('scrape jobs and Alertmanager endpoints take them too', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prom', {
      scrapeJobs: [new ScrapeJob({ jobName: 'saas', discovery: staticTargets(), secretHeaders: { 'X-Api-Key': Credential.fromSecret('saas', 'key') } })],
      alertmanagers: [new AlertmanagerEndpoint({ discovery: staticTargets(), secretHeaders: { 'X-Am-Key': Credential.fromFile('/etc/am/key') } })],
    });
    const config = onlyConfig(synthAndCheck(chart));
    expect(config.scrape_configs.find((j: any) => j.job_name === 'saas').http_headers).toEqual({ 'X-Api-Key': { files: ['/etc/prometheus/secrets/saas/key'] } });
    expect(config.alerting.alertmanagers[0].http_headers).toEqual({ 'X-Am-Key': { files: ['/etc/am/key'] } });
  });

  test('Authorization is reserved: the fix is authorization.credentials_file', () => {
    expectError(() => new RemoteWrite({ url: 'https://m.example.com/push', secretHeaders: { authorization: Credential.fromFile('/t') } }),
      "'secretHeaders.authorization'", 'reserved', 'Authentication.authorization', 'credentials_file');
  });

  test('other headers http_headers refuses are refused', () => {
    expectError(() => new ScrapeJob({ jobName: 'j', discovery: staticTargets(), secretHeaders: { 'X-Amz-Date': Credential.fromFile('/t') } }),
      "'secretHeaders.X-Amz-Date'");
  });

  test('a plain string is refused without repeating it', () => {
    const message = messageOf(() => new RemoteWrite({ url: 'https://m.example.com/push', secretHeaders: { 'X-Api-Key': 'sk3cr3tvalue' as any } }));
    expect(message).toContain("'secretHeaders.X-Api-Key'");
    expect(message).toContain('Credential.fromSecret');
    expect(message).not.toContain('sk3cr3tvalue');
  });

  test('a header both literal and secret is refused', () => {
    expectError(() => new RemoteWrite({
      url: 'https://m.example.com/push', headers: { 'X-Tenant': 'a' }, secretHeaders: { 'x-tenant': Credential.fromFile('/t') },
    }), "'headers.X-Tenant'", 'secretHeaders');
  });

  test('need Prometheus 2.55: an older image fails naming the field and the version', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prom', { image: 'quay.io/prometheus/prometheus:v2.54.1', remoteWrites: [rw()] });
    expectError(() => Testing.synth(chart), "'remote_write[0].http_headers' needs Prometheus 2.55.0 or newer", 'prometheus/common v0.59.1 config/headers.go');
  });

  test('the harness refuses inline secrets, reserved names and unknown fields (the upstream Header struct)', () => {
    expect(checkHttpHeaders({ 'X-Api-Key': { files: ['/k'] }, 'X-Org': { values: ['a'] } }, 'h')).toEqual([]);
    expect(checkHttpHeaders({ 'X-Api-Key': { secrets: ['abc'] } }, 'h')).toEqual(['h.X-Api-Key.secrets: inline secret values in prometheus.yml (use files)']);
    expect(checkHttpHeaders({ authorization: { files: ['/k'] } }, 'h')).toEqual(['h.authorization: setting header "Authorization" is not allowed']);
    expect(checkHttpHeaders({ 'X-A': { file: ['/k'] } }, 'h')).toEqual(['h.X-A.file: unknown field']);
    expect(checkHttpHeaders({ 'X-A': { files: ['k'] } }, 'h')).toEqual(['h.X-A.files: "k" is not absolute']);
    expect(() => checkConfig('remote_write:\n  - url: https://a.example.com/push\n    http_headers:\n      X-Key:\n        secrets: [abc]\n'))
      .toThrow(/inline secret values/);
  });
});

// The reserved list and the Header fields the harness and the library use, against upstream.
const COMMON = '/work/.mirror/prometheus+common/repo';
(existsSync(COMMON) ? test : test.skip)('http_headers matches prometheus/common v0.65.0 and v0.59.1 config/headers.go', () => {
  const show = (tag: string) => spawnSync('git', ['-C', COMMON, 'show', `${tag}:config/headers.go`], { encoding: 'utf8' }).stdout;
  const current = show('v0.65.0');
  const reserved = /ReservedHeaders = map\[string\]struct\{\}\{([\s\S]*?)\n\}/.exec(current)![1];
  const names = [...reserved.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  for (const name of names) expect(checkHttpHeaders({ [name]: { files: ['/k'] } }, 'h')).toHaveLength(1);
  expect(names).toContain('Authorization');
  expect(current).toMatch(/Files +\[\]string +`yaml:"files,omitempty"/);
  // 2.53/2.54 (common v0.54.0/v0.55.0) read every file when the configuration loads; 2.55 (v0.59.1) per request.
  const validate = (tag: string) => /func \(h \*Headers\) Validate\(\) error \{[\s\S]*?\n\}/.exec(show(tag))![0];
  expect([validate('v0.55.0').includes('os.ReadFile'), validate('v0.59.1').includes('os.ReadFile')]).toEqual([true, false]);
});
