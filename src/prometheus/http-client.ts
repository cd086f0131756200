// HTTP client settings (authentication, TLS) shared by scrape jobs, remote write and Alertmanagers. Not exported.
import { Authentication, Credential, TlsOptions, TlsVersion } from './credential';
import { AUTH_FIX, CREDENTIAL_FIX } from './fixes';
import { compact, fail } from './validate';
import { checkBoolean, checkEnum, checkInstance, checkString, checkStruct } from '../shape';

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
}

/** Renders the authentication and `tls_config` of an HTTP client. */
export function renderHttpClient(where: string, settings: HttpClientSettings): { [key: string]: unknown } {
  checkInstance(where, 'auth', settings.auth, Authentication, AUTH_FIX);
  return compact({
    ...settings.auth?._render(),
    tls_config: renderTls(where, settings.tls),
  });
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
  return [...(settings.auth?._credentials() ?? []), ...tlsCredentials(settings.tls)];
}
