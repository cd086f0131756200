// Credentials in a user's krakend.json would land in the gateways' ConfigMap: refused, naming
// the field, without repeating the value, with the way to keep it in a Secret.
import { Testing } from 'cdk8s';
import { gatewayConfig } from './helpers';
import { KrakendConfig, KrakendMetrics } from '../../src/integrations/krakend';
import { newChart, synthAndCheck } from '../util';

/** The message of the error fn throws. */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const withBackendExtra = (extra: object) => ({
  version: 3,
  endpoints: [{ endpoint: '/users', backend: [{ host: ['http://users:8080'], url_pattern: '/users', extra_config: extra }] }],
});

const gateway = (config: object) => () => {
  const chart = newChart();
  new KrakendMetrics(chart, 'gateway', { config: KrakendConfig.fromObject(config) });
  return Testing.synth(chart);
};

describe('secrets in krakend.json', () => {
  test.each([
    // from krakend/krakend-schema a69acad875691fd3e61470946effb155c46101a1 test/v2.12/all.json (auth/client-credentials, auth/ntlm)
    ['client_secret', withBackendExtra({ 'auth/client-credentials': { client_id: 'ID1', client_secret: 'mys3cr3t', token_url: 'https://idp.example.com/token' } }),
      'config.endpoints[0].backend[0].extra_config["auth/client-credentials"].client_secret', 'mys3cr3t'],
    ['ntlm password', withBackendExtra({ 'auth/ntlm': { user: 'user', password: 'pass' } }),
      'config.endpoints[0].backend[0].extra_config["auth/ntlm"].password', 'pass'],
    // from the same file: the influxdb telemetry block
    ['influxdb password', { version: 3, extra_config: { 'telemetry/influx': { address: 'http://influx:8086', username: 'krakend', password: 'kr4k3nd' } } },
      'config.extra_config["telemetry/influx"].password', 'kr4k3nd'],
    // the auth/api-keys keys (auth/api-keys.json `keys[].key`)
    ['an API key', { version: 3, extra_config: { 'auth/api-keys': { keys: [{ key: '4d2c61e1-34c4-e96c-9456-15bd983c5019', roles: ['admin'] }] } } },
      'config.extra_config["auth/api-keys"].keys[0].key', '4d2c61e1-34c4-e96c-9456-15bd983c5019'],
    ['a cypher key', { version: 3, extra_config: { 'auth/validator': { alg: 'RS256', jwk_url: 'https://idp/certs', cypher_key: 'c1ph3rk3y' } } },
      'config.extra_config["auth/validator"].cypher_key', 'c1ph3rk3y'],
    ['an AI credential', withBackendExtra({ 'ai/llm': { openai: { v1: { credentials: 'sk-pr0j3ctk3y', variables: {} } } } }),
      '.credentials', 'sk-pr0j3ctk3y'],
    ['a redis password', { version: 3, extra_config: { redis: { connection_pools: [{ name: 'shared', address: 'redis:6379', password: 'r3d1s' }] } } },
      'config.extra_config.redis.connection_pools[0].password', 'r3d1s'],
    ['gcp credentials_json', withBackendExtra({ 'auth/gcp': { audience: 'https://x.run.app', credentials_json: { private_key: 'pk', type: 'service_account' } } }),
      '.credentials_json', 'service_account'],
    ['an inline base64 key', { version: 3, extra_config: { 'auth/signer': { alg: 'HS256', secret_url: 'base64key://smGbjm71Nxd1Ig5FS0wj9SlbzAIrnolCz9bQQ6uAhl4=' } } },
      'config.extra_config["auth/signer"].secret_url', 'smGbjm71Nxd1Ig5FS0wj9SlbzAIrnolCz9bQQ6uAhl4='],
  ])('%s is refused', (_name, config, prop, value) => {
    const message = messageOf(gateway(config));
    for (const f of ['test/gateway', prop, 'secret', 'ConfigMap', 'Secret', '{{ env', 'FC_ENABLE']) expect(message).toContain(f);
    expect(message).not.toContain(`'${value}'`);
    expect(message).not.toContain(`${value}`.length > 4 ? value : '\u0000');
  });

  test.each([
    ['a jwk_url with a token', { version: 3, extra_config: { 'auth/validator': { alg: 'RS256', jwk_url: 'https://idp.example.com/certs?access_token=t0k3nvalue' } } },
      'config.extra_config["auth/validator"].jwk_url', 't0k3nvalue'],
    ['a backend host with a password', { version: 3, endpoints: [{ endpoint: '/a', backend: [{ host: ['https://user:p4ssw0rd@api.example.com'], url_pattern: '/a' }] }] },
      'config.endpoints[0].backend[0].host[0]', 'p4ssw0rd'],
  ])('%s is refused', (_name, config, prop, value) => {
    const message = messageOf(gateway(config));
    for (const f of [prop, 'URL with credentials', 'ConfigMap']) expect(message).toContain(f);
    expect(message).not.toContain(value);
  });

  test('references, paths and non-secret keys are kept', () => {
    const config = {
      version: 3,
      extra_config: {
        // from krakend/krakend-schema a69acad875691fd3e61470946effb155c46101a1 test/v2.12/all.json (auth/validator)
        'auth/validator': {
          alg: 'EdDSA',
          jwk_url: 'http://KEYCLOAK:8080/auth/realms/master/protocol/openid-connect/certs',
          secret_url: 'awskms://keyID',
          cypher_key: '',
          roles_key: 'realm_access.roles',
          cookie_key: 'access_token',
        },
        'auth/basic': { htpasswd_path: '/etc/krakend/htpasswd' },
        'redis': { connection_pools: [{ name: 'shared', address: 'redis:6379', password: '{{ env "REDIS_PASSWORD" }}' }] },
      },
    };
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', { config: KrakendConfig.fromObject(config) });
    const out = gatewayConfig(synthAndCheck(chart).objects);
    expect(out.extra_config['auth/validator'].secret_url).toBe('awskms://keyID');
    expect(out.extra_config.redis.connection_pools[0].password).toBe('{{ env "REDIS_PASSWORD" }}');
  });
});
