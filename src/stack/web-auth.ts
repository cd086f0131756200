import { checkString, checkStruct, fail, requireProp } from '../core/checks';
import { Authentication, Credential, TlsOptions } from '../model/prometheus/credential';

/**
 * Options of `PrometheusWebAuth.fromSecret()`: the keys of the Secret.
 */
export interface PrometheusWebAuthOptions {
  /**
   * The user the stack's own clients log in as (the self-scrape job, Grafana's data source):
   * one of the web configuration's `basic_auth_users`.
   */
  readonly username: string;
  /**
   * The key of the web configuration file.
   *
   * @default 'web-config.yml'
   */
  readonly webConfigKey?: string;
  /**
   * The key of `username`'s password, in clear (the clients send it; the web configuration
   * holds its bcrypt hash).
   *
   * @default 'password'
   */
  readonly passwordKey?: string;
  /**
   * The key of the CA certificate that signed Prometheus's serving certificate, when the web
   * configuration serves TLS (`tls_server_config`): the clients then connect with https and
   * verify the certificate for the name `<service>.<namespace>.svc`.
   *
   * @default - the web port serves plain HTTP
   */
  readonly caKey?: string;
}

/**
 * Authentication (and TLS) on Prometheus's web port, from a web configuration file
 * (`--web.config.file`, Prometheus 2.24 and later) that the user writes into a Secret.
 *
 * The file has `basic_auth_users` with bcrypt hashes (`htpasswd -nBC 10 admin`) and, for TLS,
 * `tls_server_config` whose `cert_file` and `key_file` name other keys of the same Secret
 * (relative paths are read beside the file). The library never hashes a password itself: a
 * hash made at synthesis would have a new salt on every run.
 *
 * The file guards every path, `/-/healthy` and `/-/ready` included, so the probes check the
 * TCP port; the self-scrape job and Grafana's data source log in with the password key.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/https/
 */
export class PrometheusWebAuth {
  /**
   * The web configuration, the clients' password (and CA) from one Secret in the stack's
   * namespace (and, for Grafana in another namespace, a Secret of the same name there).
   *
   * @param secretName the Secret
   */
  public static fromSecret(secretName: string, options: PrometheusWebAuthOptions): PrometheusWebAuth {
    const where = 'PrometheusWebAuth.fromSecret';
    checkString(where, 'secretName', requireProp(where, 'secretName', secretName), 'Pass the name of the Secret that holds the web configuration');
    checkStruct(where, 'options', options, true);
    checkString(where, 'username', requireProp(where, 'username', options.username, 'Set \'username\' to one of the basic_auth_users of the web configuration'));
    for (const key of ['webConfigKey', 'passwordKey', 'caKey'] as const) checkString(where, key, options[key]);
    if (!/^[^\s:]+$/.test(options.username)) {
      fail(where, 'username', 'must be a user name without spaces or \':\' (one of the basic_auth_users)', options.username);
    }
    const webConfigKey = options.webConfigKey ?? 'web-config.yml';
    const passwordKey = options.passwordKey ?? 'password';
    if (webConfigKey === passwordKey || webConfigKey === options.caKey || passwordKey === options.caKey) {
      fail(where, 'options', 'must name different keys for the web configuration, the password and the CA', options);
    }
    // Credential.fromSecret checks the name and the keys.
    const webConfig = Credential.fromSecret(secretName, webConfigKey);
    const password = Credential.fromSecret(secretName, passwordKey);
    const ca = options.caKey !== undefined ? Credential.fromSecret(secretName, options.caKey) : undefined;
    return new PrometheusWebAuth(secretName, options.username, webConfig, password, ca);
  }

  /** The Secret. */
  public readonly secretName: string;
  /** The user the stack's clients log in as. */
  public readonly username: string;
  /** Whether the web port serves TLS. */
  public readonly tls: boolean;
  /** @internal */
  public readonly _webConfig: Credential;
  /** @internal */
  public readonly _password: Credential;
  /** @internal */
  public readonly _ca?: Credential;

  private constructor(secretName: string, username: string, webConfig: Credential, password: Credential, ca?: Credential) {
    this.secretName = secretName;
    this.username = username;
    this.tls = ca !== undefined;
    this._webConfig = webConfig;
    this._password = password;
    this._ca = ca;
  }

  /**
   * How a client in the Prometheus pod logs in (the self-scrape job).
   *
   * @internal
   */
  public _authentication(): Authentication {
    return Authentication.basic({ username: this.username, password: this._password });
  }

  /**
   * How a client in the Prometheus pod verifies the serving certificate, for `serverName`.
   *
   * @internal
   */
  public _tls(serverName: string): TlsOptions | undefined {
    return this._ca && { ca: this._ca, serverName };
  }
}
