// HTTP client settings (authentication, TLS) shared by scrape jobs, remote write and Alertmanagers. Not exported.
import { Authentication, Credential, TlsOptions, TlsVersion } from './credential';
import { AUTH_FIX, CREDENTIAL_FIX } from './fixes';
import { checkBoolean, checkEnum, checkInstance, checkString, checkStringMap, checkStruct, fail } from '../../core/checks';
import { compact, isCredentialName, isCredentialValue } from '../../core/formats';

/** The shape of `tls`: Credentials, a server name, a TlsVersion, a flag. */
export function checkTls(where: string, tls: TlsOptions | undefined): void {
  checkStruct(where, 'tls', tls);
  if (!tls) return;
  for (const key of ['ca', 'cert', 'key'] as const) checkInstance(where, `tls.${key}`, tls[key], Credential, CREDENTIAL_FIX);
  checkString(where, 'tls.serverName', tls.serverName);
  checkEnum(where, 'tls.minVersion', tls.minVersion, TlsVersion, 'TlsVersion');
  checkBoolean(where, 'tls.insecureSkipVerify', tls.insecureSkipVerify);
}

/** Renders `tls_config` and checks that a client certificate comes with its key. */
export function renderTls(where: string, tls: TlsOptions | undefined): object | undefined {
  checkTls(where, tls);
  if (!tls) return undefined;
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    fail(where, 'tls', 'needs both \'cert\' and \'key\' for a client certificate', tls.cert ? 'cert only' : 'key only');
  }
  return compact({
    ca_file: tls.ca?.path,
    cert_file: tls.cert?.path,
    key_file: tls.key?.path,
    server_name: tls.serverName,
    min_version: tls.minVersion,
    insecure_skip_verify: tls.insecureSkipVerify,
  });
}

/** The credentials a TLS config reads. */
export function tlsCredentials(tls: TlsOptions | undefined): Credential[] {
  return [tls?.ca, tls?.cert, tls?.key].filter((c): c is Credential => c !== undefined);
}

/** The HTTP client settings shared by scrape jobs, remote write and Alertmanagers. */
export interface HttpClientSettings {
  readonly auth?: Authentication;
  readonly tls?: TlsOptions;
  readonly secretHeaders?: { [name: string]: Credential };
}

/** An HTTP header name (a token, RFC 9110). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers `http_headers` refuses (prometheus/common v0.65.0 config/headers.go `ReservedHeaders`,
 * the version in the go.mod of prometheus/prometheus v3.5.0), in lower case.
 */
const HTTP_HEADERS_RESERVED = [
  'authorization', 'host', 'content-encoding', 'content-length', 'content-type', 'user-agent', 'connection', 'keep-alive',
  'proxy-authenticate', 'proxy-authorization', 'www-authenticate', 'accept-encoding', 'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version', 'x-prometheus-scrape-timeout-seconds', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
];

/** The way to send a credential in a header, for messages. */
export const SECRET_HEADER_FIX = 'Put the value in a Secret and pass it in \'secretHeaders\' as Credential.fromSecret(secretName, key): '
  + 'Prometheus (2.55 or newer) reads it from the mounted file (http_headers.<name>.files)';

/**
 * Literal headers (written into prometheus.yml): valid names, and nothing that looks like a
 * credential, by its name (`X-Api-Key`, `X-Auth-Token`) or its value (`Bearer ...`, a long
 * random string).
 */
export function checkPlainHeaders(where: string, headers: { [name: string]: string } | undefined): void {
  checkStringMap(where, 'headers', headers);
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) fail(where, 'headers', 'must have HTTP header names', name);
    if (isCredentialName(name) || isCredentialValue(value)) {
      fail(where, `headers.${name}`, 'looks like a credential, and headers are written into the ConfigMap', '<redacted>', SECRET_HEADER_FIX);
    }
  }
}

/** Renders the authentication, `tls_config` and `http_headers` of an HTTP client. */
export function renderHttpClient(where: string, settings: HttpClientSettings): { [key: string]: unknown } {
  checkInstance(where, 'auth', settings.auth, Authentication, AUTH_FIX);
  return compact({
    ...settings.auth?._render(),
    tls_config: renderTls(where, settings.tls),
    http_headers: renderSecretHeaders(where, settings.secretHeaders),
  });
}

/**
 * `http_headers` with `files` only: `secrets` would put the values into prometheus.yml, and
 * `values` are for what is not secret (RemoteWrite's `headers`).
 */
function renderSecretHeaders(where: string, headers: { [name: string]: Credential } | undefined): object | undefined {
  checkStruct(where, 'secretHeaders', headers);
  if (!headers) return undefined;
  const out: { [name: string]: { files: string[] } } = {};
  for (const [name, credential] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) fail(where, 'secretHeaders', 'must have HTTP header names', name);
    if (name.toLowerCase() === 'authorization') {
      fail(where, `secretHeaders.${name}`, 'is reserved by Prometheus', name,
        'Use \'auth\': Authentication.authorization({ credentials: Credential.fromSecret(secretName, key) }) (credentials_file)');
    }
    if (HTTP_HEADERS_RESERVED.includes(name.toLowerCase())) {
      fail(where, `secretHeaders.${name}`, 'is set by Prometheus itself, and http_headers refuses it', name);
    }
    if (!(credential instanceof Credential)) {
      fail(where, `secretHeaders.${name}`, 'must be a Credential read from a file (header values are never written into prometheus.yml)',
        typeof credential === 'string' ? '<redacted>' : credential, CREDENTIAL_FIX);
    }
    out[name] = { files: [credential.path] };
  }
  return out;
}

/**
 * A warning when the client sends credentials over plain HTTP, where anyone on the network path
 * reads them.
 */
export function cleartextAuthWarning(what: string, settings: HttpClientSettings, plainHttp: boolean): string | undefined {
  if (!settings.auth || !plainHttp) return undefined;
  return `${what} sends ${settings.auth._describe()} over plain http://: anyone on the network path can read the credentials. `
    + 'Use https (Scheme.HTTPS, or an https:// URL), with tls if the server\'s certificate needs a CA';
}

/** A warning when the client does not verify the server's certificate. */
export function insecureTlsWarning(what: string, settings: HttpClientSettings): string | undefined {
  if (!settings.tls?.insecureSkipVerify) return undefined;
  return `${what} does not verify the certificate of the server (insecure_skip_verify): anyone on the network path can impersonate it. `
    + 'Give the CA that signs the certificate instead: tls.ca (Credential.fromSecret(secretName, key) or Credential.fromFile(path)), '
    + 'and tls.serverName when the certificate does not name the address scraped';
}

/** The files an HTTP client reads its secrets from. */
export function httpClientCredentials(settings: HttpClientSettings): Credential[] {
  return [...(settings.auth?._credentials() ?? []), ...tlsCredentials(settings.tls), ...Object.values(settings.secretHeaders ?? {})];
}
