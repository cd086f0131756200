// Basic auth on Prometheus's web port, from a web configuration file in a Secret, tested with a
// real Prometheus (Debian's 2.42): its web server is prometheus/exporter-toolkit v0.8.2 (go.mod of
// prometheus/prometheus v2.42.0, served by web/web.go `toolkit_web.Serve`), whose web/tls_config.go
// reads `basic_auth_users` (bcrypt hashes) and `tls_server_config`, and whose web/handler.go answers
// 401 without valid credentials, on every path. Hashes are made by `htpasswd -B`, as a user would.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { Grafana, GrafanaAdminCredentials, PrometheusStack, PrometheusWebAuth, Warnings } from '../../src';
import { findObject, freePort, requireTool, startPrometheus } from '../harness';
import { expectError, synthAndCheck } from '../util';

const IMAGE_2_42 = 'quay.io/prometheus/prometheus:v2.42.0';
const SECRETS = '/etc/prometheus/secrets';

function synth(props: { image?: string; serviceType?: kplus.ServiceType; webAuth?: PrometheusWebAuth; grafana?: boolean } = {}) {
  const chart = Testing.chart();
  const stack = new PrometheusStack(chart, 'prometheus', {
    image: props.image ?? IMAGE_2_42,
    serviceType: props.serviceType,
    webAuth: props.webAuth,
  });
  if (props.grafana) new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
  const s = synthAndCheck(chart);
  const deployment = findObject(s.objects, 'Deployment', /prometheus-c8/);
  const container = deployment.spec.template.spec.containers.find((c: any) => c.name === 'prometheus');
  const configMap = findObject(s.objects, 'ConfigMap', stack.configMapName);
  return { ...s, stack, chart, deployment, container, config: configMap.data['prometheus.yml'] as string };
}

/** A bcrypt hash of `password` for `user`, made by htpasswd (apache2-utils). */
function bcrypt(user: string, password: string): string {
  const run = spawnSync(requireTool('htpasswd'), ['-nbB', '-C', '10', user, password], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`htpasswd failed: ${run.stderr}`);
  const line = run.stdout.trim();
  expect(line).toMatch(/^[^:]+:\$2y\$10\$/);
  return line.slice(user.length + 1);
}

const webAuth = () => PrometheusWebAuth.fromSecret('prometheus-web', { username: 'grafana' });

describe('PrometheusStack webAuth', () => {
  test('reads the web configuration from the Secret, checks TCP in the probes, and the self-scrape logs in from a file', () => {
    const { container, deployment, config } = synth({ webAuth: webAuth() });
    expect(container.args).toContain(`--web.config.file=${SECRETS}/prometheus-web/web-config.yml`);
    expect(container.volumeMounts).toContainEqual({ name: 'secret-prometheus-web', mountPath: `${SECRETS}/prometheus-web`, readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'secret-prometheus-web', secret: { secretName: 'prometheus-web', defaultMode: 0o440 } });
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(container[probe].tcpSocket).toEqual({ port: 'web' });
      expect(container[probe].httpGet).toBeUndefined();
    }
    const self = YAML.parse(config).scrape_configs.find((j: any) => j.job_name === 'prometheus');
    expect(self.basic_auth).toEqual({ username: 'grafana', password_file: `${SECRETS}/prometheus-web/password` });
    expect(self.scheme).toBeUndefined();
    // No credential anywhere in the pod spec or the ConfigMap.
    expect(JSON.stringify(deployment)).not.toMatch(/\$2y\$/);
  });

  test('without webAuth, the probes are HTTP and a published Service gets the advice', () => {
    const { container, chart } = synth();
    expect(container.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'web' });
    expect(Warnings.of(chart)).toContainEqual(expect.stringMatching(
      /^test\/prometheus: the NodePort Service publishes Prometheus on the nodes without authentication.*PrometheusWebAuth\.fromSecret/));
    expect(Warnings.of(synth({ serviceType: kplus.ServiceType.LOAD_BALANCER }).chart).join('\n')).toMatch(/LoadBalancer Service publishes/);
    expect(Warnings.of(synth({ serviceType: kplus.ServiceType.CLUSTER_IP }).chart).join('\n')).not.toMatch(/without authentication/);
    // Nor a warning about basic auth over plain http: the self-scrape's credentials stay on the pod's loopback.
    expect(Warnings.of(synth({ webAuth: webAuth() }).chart)).toEqual([]);
  });

  test('with a CA, the self-scrape and the URL use https and verify the Service name', () => {
    const { config, stack } = synth({ webAuth: PrometheusWebAuth.fromSecret('prometheus-web', { username: 'admin', caKey: 'ca.crt' }) });
    const self = YAML.parse(config).scrape_configs.find((j: any) => j.job_name === 'prometheus');
    expect(self.scheme).toBe('https');
    expect(self.tls_config).toEqual({ ca_file: `${SECRETS}/prometheus-web/ca.crt`, server_name: `${stack.serviceName}.default.svc` });
    expect(stack.url).toBe(`https://${stack.serviceName}.default.svc:9090`);
  });

  test('Grafana logs in with $__file{} references to the mounted password, never the value', () => {
    const { objects, stack } = synth({ webAuth: PrometheusWebAuth.fromSecret('prometheus-web', { username: 'grafana', caKey: 'ca.crt' }), grafana: true });
    const provisioning = findObjects(objects, 'ConfigMap').find((c: any) => c.data?.['datasources.yaml']);
    const ds = YAML.parse(provisioning.data['datasources.yaml']).datasources[0];
    expect(ds).toMatchObject({
      url: stack.url,
      basicAuth: true,
      basicAuthUser: 'grafana',
      secureJsonData: {
        basicAuthPassword: '$__file{/etc/grafana/prometheus-web/password}',
        tlsCACert: '$__file{/etc/grafana/prometheus-web/ca.crt}',
      },
      jsonData: { tlsAuthWithCACert: true, serverName: `${stack.serviceName}.default.svc` },
    });
    const grafana = findObject(objects, 'Deployment', /grafana/);
    const pod = grafana.spec.template.spec;
    // Only the client's keys reach Grafana: not the web configuration with the hashes.
    expect(pod.volumes).toContainEqual({
      name: 'prometheus-web',
      secret: { secretName: 'prometheus-web', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }, { key: 'ca.crt', path: 'ca.crt' }] },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'prometheus-web', mountPath: '/etc/grafana/prometheus-web', readOnly: true });
  });

  test('without webAuth, Grafana has no login', () => {
    const { objects } = synth({ grafana: true });
    const provisioning = findObjects(objects, 'ConfigMap').find((c: any) => c.data?.['datasources.yaml']);
    const ds = YAML.parse(provisioning.data['datasources.yaml']).datasources[0];
    expect(ds.basicAuth).toBeUndefined();
    expect(ds.secureJsonData).toBeUndefined();
  });

  test('fails before Prometheus 2.24, which has no --web.config.file', () => {
    expectError(() => synth({ image: 'quay.io/prometheus/prometheus:v2.23.0', webAuth: webAuth() }),
      'test/prometheus', '--web.config.file', 'needs Prometheus 2.24.0 or newer', 'image quay.io/prometheus/prometheus:v2.23.0');
  });

  test('fails on a bad user name or keys that collide', () => {
    expectError(() => PrometheusWebAuth.fromSecret('prometheus-web', { username: 'a b' }), 'PrometheusWebAuth.fromSecret', "'username'", 'a b');
    expectError(() => PrometheusWebAuth.fromSecret('prometheus-web', { username: 'a', passwordKey: 'web-config.yml' }),
      'PrometheusWebAuth.fromSecret', 'different keys');
    expectError(() => PrometheusWebAuth.fromSecret('Bad_Name', { username: 'a' }), 'Credential.fromSecret', "'secretName'", 'Bad_Name');
  });

  test('a real Prometheus 2.42 answers 401 without credentials and 200 with them, and its self-scrape logs in', async () => {
    const { config, container } = synth({ webAuth: webAuth() });
    const password = 'correct horse battery staple';
    const webConfig = YAML.stringify({ basic_auth_users: { grafana: bcrypt('grafana', password) } });
    const port = await freePort();
    // The Secret's files as the kubelet mounts them, the paths of the ConfigMap pointed there.
    const prometheus = await startPrometheus('', {
      port,
      basicAuth: { username: 'grafana', password },
      prepare: (dir) => {
        fs.mkdirSync(`${dir}/secrets/prometheus-web`, { recursive: true });
        fs.writeFileSync(`${dir}/secrets/prometheus-web/web-config.yml`, webConfig);
        fs.writeFileSync(`${dir}/secrets/prometheus-web/password`, password);
        fs.writeFileSync(`${dir}/prometheus.yml`, config.split(SECRETS).join(`${dir}/secrets`).replace('localhost:9090', `127.0.0.1:${port}`));
      },
      extraArgs: [container.args.find((a: string) => a.startsWith('--web.config.file=')).replace(`=${SECRETS}/`, '=secrets/')],
    });
    try {
      const get = (path: string, auth?: string) => fetch(`${prometheus.url}${path}`, { headers: auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} });
      for (const path of ['/-/ready', '/-/healthy', '/api/v1/targets']) {
        expect((await get(path)).status).toBe(401);
        expect((await get(path, 'grafana:wrong')).status).toBe(401);
        expect((await get(path, `grafana:${password}`)).status).toBe(200);
      }
      const self = await prometheus.waitFor(async () => (await prometheus.targets()).active.find((t) => t.scrapePool === 'prometheus' && t.health === 'up'),
        30_000, 'the self-scrape logged in');
      expect(self.lastError).toBe('');
    } finally {
      await prometheus.stop();
    }
  }, 60_000);
});

function findObjects(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}
