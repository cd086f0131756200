// TLS and credentials on a real scrape: Debian's prometheus-node-exporter serves TLS (and
// checks client certificates or basic auth) with --web.config.file (exporter-toolkit's web
// configuration), with a CA and certificates made here by openssl; a real Prometheus scrapes it
// through the jobs the library generates.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import {
  Authentication, Credential, PlatformExporters, PrometheusConfig, Scheme, ScrapeJob, ServiceDiscovery, TlsVersion,
} from '../../src';
import { makeTempDir, RunningPrometheus, startNodeExporter, startPrometheus } from '../harness';

function openssl(dir: string, ...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA, and a certificate it signs for `subject` (with the IP SAN when given). */
function makeCa(dir: string, name: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`);
}
function signed(dir: string, ca: string, name: string, ext: string): void {
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
}

/** A bcrypt hash, as exporter-toolkit's basic_auth_users wants (libxcrypt through Python's crypt). */
function bcrypt(password: string): string {
  const r = spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', password], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.startsWith('$2')) throw new Error(`bcrypt: ${r.stderr}`);
  return r.stdout.trim();
}

describe('scrapes over TLS with credentials, against the real node exporter', () => {
  let prometheus: RunningPrometheus;
  let up: Map<string, { health: string; lastError: string }>;

  beforeAll(async () => {
    const dir = makeTempDir('tls-scrape-');
    makeCa(dir, 'ca');
    makeCa(dir, 'other-ca');
    signed(dir, 'ca', 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    signed(dir, 'ca', 'client', 'extendedKeyUsage=clientAuth\n');
    fs.writeFileSync(path.join(dir, 'password'), 's3cret');
    fs.writeFileSync(path.join(dir, 'wrong-password'), 'guess');
    // exporter-toolkit web configuration: mutual TLS for one exporter, TLS and basic auth for the other.
    fs.writeFileSync(path.join(dir, 'mtls.yml'), [
      'tls_server_config:', `  cert_file: ${dir}/server.crt`, `  key_file: ${dir}/server.key`,
      '  client_auth_type: RequireAndVerifyClientCert', `  client_ca_file: ${dir}/ca.crt`, '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'basic.yml'), [
      'tls_server_config:', `  cert_file: ${dir}/server.crt`, `  key_file: ${dir}/server.key`,
      'basic_auth_users:', `  prom: '${bcrypt('s3cret')}'`, '',
    ].join('\n'));
    const mtls = await startNodeExporter(15_000, path.join(dir, 'mtls.yml'));
    const basic = await startNodeExporter(15_000, path.join(dir, 'basic.yml'));
    const file = (name: string) => Credential.fromFile(path.join(dir, name));
    const [mtlsPort] = mtls.address.split(':').slice(1);

    const config = new PrometheusConfig({ scrapeInterval: Duration.seconds(1), scrapeTimeout: Duration.seconds(1) });
    // The library's etcd job, on fixed ips, with a client certificate: as against etcd's client port.
    config.addScrapeJob(PlatformExporters.etcd({ ips: ['127.0.0.1'], metricsPort: Number(mtlsPort), scrapeInterval: Duration.seconds(1), tls: { ca: file('ca.crt'), cert: file('client.crt'), key: file('client.key') } }));
    const job = (jobName: string, target: string, tls: object, auth?: Authentication) => new ScrapeJob({
      jobName, scheme: Scheme.HTTPS, discovery: [ServiceDiscovery.staticTargets({ targets: [target] })], tls, auth,
    });
    config.addScrapeJob(job('mtls-wrong-ca', mtls.address, { ca: file('other-ca.crt'), cert: file('client.crt'), key: file('client.key') }));
    config.addScrapeJob(job('mtls-no-client-cert', mtls.address, { ca: file('ca.crt') }));
    const password = Authentication.basic({ username: 'prom', password: file('password') });
    config.addScrapeJob(job('basic', basic.address, { ca: file('ca.crt'), serverName: '127.0.0.1', minVersion: TlsVersion.TLS_1_2 }, password));
    config.addScrapeJob(job('basic-wrong-ca', basic.address, { ca: file('other-ca.crt') }, password));
    config.addScrapeJob(job('basic-wrong-password', basic.address, { ca: file('ca.crt') }, Authentication.basic({ username: 'prom', password: file('wrong-password') })));
    config.addScrapeJob(job('bearer-refused', basic.address, { ca: file('ca.crt') }, Authentication.authorization({ credentials: file('password') })));

    prometheus = await startPrometheus(config.toYaml());
    up = await prometheus.waitFor(async () => {
      const { active } = await prometheus.targets();
      const done = active.filter((t) => t.health !== 'unknown');
      return done.length === 7 ? new Map(done.map((t) => [t.labels.job, { health: t.health, lastError: t.lastError }])) : undefined;
    }, 30_000, 'every target scraped once');
  }, 90_000);

  afterAll(async () => prometheus?.stop());

  test('up with the right CA and a client certificate (the etcd job), and up == 1 in a query', async () => {
    expect(up.get('etcd')).toEqual({ health: 'up', lastError: '' });
    const result = await prometheus.query('up{job="etcd"} == 1');
    expect(result.result).toHaveLength(1);
  });

  test('up with the right CA, server name, minimum version and basic auth read from a file', () => {
    expect(up.get('basic')).toEqual({ health: 'up', lastError: '' });
  });

  test('a scrape error with a wrong CA', () => {
    for (const name of ['mtls-wrong-ca', 'basic-wrong-ca']) {
      expect(up.get(name)!.health).toBe('down');
      expect(up.get(name)!.lastError).toMatch(/x509: certificate signed by unknown authority/);
    }
  });

  test('a scrape error without the client certificate, with a wrong password, and with a bearer token basic auth does not take', () => {
    expect(up.get('mtls-no-client-cert')!.health).toBe('down');
    expect(up.get('basic-wrong-password')).toEqual({ health: 'down', lastError: expect.stringMatching(/401/) });
    expect(up.get('bearer-refused')).toEqual({ health: 'down', lastError: expect.stringMatching(/401/) });
  });
});
