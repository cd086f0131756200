// TLS and credentials on an AppServiceMonitor: the ServiceMonitor's Secret references (checked
// against the CRD by the strict validator, and turned into scrape config as prometheus-operator
// v0.93.0 does, ./upstream.ts), and the stack's job of its own with the Secrets mounted.
import * as kplus from 'cdk8s-plus-28';
import {
  AppServiceMonitor, Authentication, Credential, PodSelection, PrometheusStack, Scheme, TlsVersion,
} from '../../src';
import { findObject } from '../harness';
import { expectError, jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';
import { operatorScrapeJobs } from './upstream';

function tlsApp(auth: Authentication) {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
  const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'registry.example.com/web:1.4.2', portNumber: 8443 }] });
  new AppServiceMonitor(chart, 'web-metrics', {
    pods: PodSelection.fromPods(web),
    metricsPort: 8443,
    scheme: Scheme.HTTPS,
    metadata: { name: 'web-metrics' },
    tls: {
      ca: Credential.fromSecret('web-metrics-tls', 'ca.crt'),
      cert: Credential.fromSecret('web-metrics-tls', 'tls.crt'),
      key: Credential.fromSecret('web-metrics-tls', 'tls.key'),
      serverName: 'web.shop.svc',
      minVersion: TlsVersion.TLS_1_3,
    },
    auth,
    stack,
  });
  return { chart, out: synthAndCheck(chart) };
}

test('the ServiceMonitor carries Secret references the CRD accepts, and the operator makes the same TLS and auth settings of them', () => {
  const { out } = tlsApp(Authentication.authorization({ credentials: Credential.fromSecret('web-metrics-token', 'token') }));
  const sm = findObject(out.objects, 'ServiceMonitor');
  expect(sm.spec.endpoints[0]).toMatchObject({
    scheme: 'https',
    tlsConfig: {
      ca: { secret: { name: 'web-metrics-tls', key: 'ca.crt' } },
      cert: { secret: { name: 'web-metrics-tls', key: 'tls.crt' } },
      keySecret: { name: 'web-metrics-tls', key: 'tls.key' },
      serverName: 'web.shop.svc',
      minVersion: 'TLS13',
    },
    authorization: { type: 'Bearer', credentials: { name: 'web-metrics-token', key: 'token' } },
  });
  const [operator] = operatorScrapeJobs(sm);
  const ours = jobNamed(onlyConfig(out), 'apps/shop/web-metrics');
  // The same settings; only where the files are differs (the operator's /etc/prometheus/certs, the stack's mounted Secrets).
  expect(operator.tls_config).toEqual({
    ca_file: '/etc/prometheus/certs/0_shop_web-metrics-tls_ca.crt',
    cert_file: '/etc/prometheus/certs/0_shop_web-metrics-tls_tls.crt',
    key_file: '/etc/prometheus/certs/0_shop_web-metrics-tls_tls.key',
    server_name: 'web.shop.svc',
    min_version: 'TLS13',
  });
  expect(ours.tls_config).toEqual({
    ca_file: '/etc/prometheus/secrets/web-metrics-tls/ca.crt',
    cert_file: '/etc/prometheus/secrets/web-metrics-tls/tls.crt',
    key_file: '/etc/prometheus/secrets/web-metrics-tls/tls.key',
    server_name: 'web.shop.svc',
    min_version: 'TLS13',
  });
  expect(Object.keys(ours.authorization)).toEqual(['type', 'credentials_file']);
  expect((operator.authorization as any).type).toBe(ours.authorization.type);
  // A job of its own (a TLS config is per job), and the Secrets mounted into the Prometheus pod.
  const volumes = findObject(out.objects, 'Deployment', /prometheus/).spec.template.spec.volumes.map((v: any) => v.secret?.secretName).filter(Boolean);
  expect(volumes).toEqual(['web-metrics-tls', 'web-metrics-token']);
});

test('basic auth without a user name maps to basicAuth.password', () => {
  const { out } = tlsApp(Authentication.basic({ password: Credential.fromSecret('web-metrics-basic', 'password') }));
  const sm = findObject(out.objects, 'ServiceMonitor');
  expect(sm.spec.endpoints[0].basicAuth).toEqual({ password: { name: 'web-metrics-basic', key: 'password' } });
  expect(operatorScrapeJobs(sm)[0].basic_auth).toEqual({ username: '', password: '<value of Secret shop/web-metrics-basic key password>' });
  expect(jobNamed(onlyConfig(out), 'apps/shop/web-metrics').basic_auth).toEqual({ password_file: '/etc/prometheus/secrets/web-metrics-basic/password' });
});

test('what a ServiceMonitor cannot carry fails, naming the construct, the prop and the fix', () => {
  expectError(() => tlsApp(Authentication.basic({ username: 'prom', password: Credential.fromSecret('s', 'p') })),
    "test/web-metrics: 'auth.username' cannot be written on a ServiceMonitor", 'serviceMonitor: false');
  expectError(() => tlsApp(Authentication.authorization({ credentials: Credential.fromFile('/var/run/token') })),
    "test/web-metrics: 'auth.credentials' must come from a Secret on a ServiceMonitor", 'Credential.fromSecret');
  expectError(() => tlsApp(Authentication.oauth2({ clientId: 'prom', clientSecret: Credential.fromSecret('s', 'k'), tokenUrl: 'https://auth.example.com/token' })),
    "test/web-metrics: 'auth' cannot be OAuth 2.0 on a ServiceMonitor");
});
