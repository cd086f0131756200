// Secrets in a KrakenD configuration: krakend.json is stored in a ConfigMap (or printed), so a
// credential in it is readable by anyone who can read the namespace. Not exported.
import { childPath, isObject, JsonObject } from './json';
import { fail } from '../../core/checks';
import { isCredentialName, isCredentialValue, redactUrl } from '../../core/formats';

/**
 * The fields whose value is a secret written inline, from krakend/krakend-schema
 * a69acad875691fd3e61470946effb155c46101a1 v2.12: `client_secret` (auth/client-credentials.json),
 * `password` (redis.json, auth/ntlm.json, telemetry/influx.json, telemetry/opencensus.json),
 * `cypher_key` (auth/signer.json, auth/validator.json), `credentials` (ai/openai.json,
 * ai/anthropic.json, ai/gemini.json, ai/mistral.json: an API key), `credentials_json`
 * (auth/gcp.json), `revoke_server_api_key` (auth/revoker.json), `secret_access_key`
 * (telemetry/opencensus.json), plus the names any configuration uses for secrets. Paths to files
 * (`private_key`, `credentials_file`, `htpasswd_path`, `jwk_local_path`) are not secrets.
 */
const SECRET_FIELDS = /^(?:client_secret|password|passwd|cypher_key|credentials|credentials_json|revoke_server_api_key|secret_access_key|secret|secret_key|api_key|apikey|access_token|auth_token|bearer_token|token|private_token)$/i;

/** The key of an API key of `auth/api-keys` (auth/api-keys.json `keys[].key`). */
const API_KEYS_NAMESPACE = 'auth/api-keys';

/** The way to keep a secret out of krakend.json, for messages. */
const FIX = 'krakend.json is stored in a ConfigMap: keep the secret in a Kubernetes Secret and give KrakenD only a reference, '
  + 'a flexible-configuration placeholder such as {{ env "REDIS_PASSWORD" }} rendered at start-up (FC_ENABLE=1, '
  + 'krakend/krakend-ce v2.13.8 cmd/krakend-ce/main.go) from an environment variable set by valueFrom.secretKeyRef, '
  + 'or the field\'s file form (credentials_file, htpasswd_path, jwk_local_path) with the Secret mounted';

/** Whether a string is a flexible-configuration placeholder rather than a value. */
function isTemplate(value: string): boolean {
  return /\{\{[\s\S]*\}\}/.test(value);
}

/** Whether a string is a URL with credentials: a user and password, or a credential-named query parameter. */
function urlWithCredentials(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // base64key:// carries the key itself (auth/signer.json, auth/validator.json secret_url providers).
  if (url.protocol === 'base64key:') return true;
  return url.password !== '' || [...url.searchParams.keys()].some(isCredentialName);
}

/**
 * Fails on the first secret found in a KrakenD configuration: a secret field with a value, an
 * `auth/api-keys` key, a URL with credentials (jwk_url, token_url, a backend host), or a
 * token-looking value under a credential-named key.
 */
export function checkNoSecrets(where: string, json: JsonObject, prop = 'config'): void {
  const walk = (value: unknown, at: string, key: string | undefined, inApiKeys: boolean) => {
    if (typeof value === 'string') {
      if (value === '' || isTemplate(value)) return;
      const secretField = key !== undefined && (SECRET_FIELDS.test(key) || (inApiKeys && key === 'key'));
      if (secretField || (key !== undefined && isCredentialName(key) && isCredentialValue(value))) {
        fail(where, at, 'holds a secret, which would be written into the ConfigMap', '<redacted>', FIX);
      }
      if (urlWithCredentials(value)) {
        fail(where, at, 'is a URL with credentials, which would be written into the ConfigMap', redactUrl(value).replace(/^base64key:\/\/.*/i, 'base64key://***'), FIX);
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}[${i}]`, key, inApiKeys));
      return;
    }
    if (!isObject(value)) return;
    if (key !== undefined && SECRET_FIELDS.test(key) && Object.keys(value).length > 0) {
      fail(where, at, 'holds secrets, which would be written into the ConfigMap', '<redacted>', FIX);
    }
    for (const [k, v] of Object.entries(value)) walk(v, childPath(at, k), k, inApiKeys || k === API_KEYS_NAMESPACE);
  };
  walk(json, prop, undefined, false);
}
