import { IConstruct } from 'constructs';
import { CREDENTIAL_FIX } from './fixes';
import { SECRETS_MOUNT_PATH, SERVICE_ACCOUNT_DIR } from './mount-paths';
import { checkString, checkStringArray, checkStringMap, checkStruct, fail, requireProp } from '../../core/checks';
import { checkAbsolutePath, checkDnsSubdomain, checkNonEmpty, compact, checkUrl } from '../../core/formats';
import { asSecret } from '../../core/plus';

/**
 * A secret value that Prometheus reads from a file (`password_file`, `credentials_file`,
 * `client_secret_file`, `ca_file`, ...).
 *
 * Secret values never appear in prometheus.yml: either the file already exists in the
 * Prometheus container, or it is a key of a Kubernetes Secret that `PrometheusStack` mounts.
 */
export class Credential {
  /**
   * A file that already exists where Prometheus runs.
   *
   * @param path absolute path of the file
   */
  public static fromFile(path: string): Credential {
    checkAbsolutePath('Credential.fromFile', 'path', path);
    return new Credential(path);
  }

  /**
   * The token of the pod's service account, which the API server and the kubelet accept.
   * `PrometheusStack` then mounts the token into its pod.
   */
  public static serviceAccountToken(): Credential {
    return new Credential(`${SERVICE_ACCOUNT_DIR}/token`);
  }

  /**
   * The cluster's CA certificate, which signs the API server's serving certificate.
   */
  public static serviceAccountCa(): Credential {
    return new Credential(`${SERVICE_ACCOUNT_DIR}/ca.crt`);
  }

  /**
   * A key of a Kubernetes Secret in the Prometheus namespace.
   *
   * `PrometheusStack` mounts the Secret read-only at `/etc/prometheus/secrets/<secretName>`
   * and Prometheus reads the key's file there.
   *
   * @param secretName name of the Secret (in the namespace of the Prometheus server)
   * @param key key in the Secret's data
   */
  public static fromSecret(secretName: string, key: string): Credential {
    const where = 'Credential.fromSecret';
    checkString(where, 'secretName', secretName, 'For a cdk8s-plus Secret object, use Credential.fromSecretObject(secret, key)');
    checkDnsSubdomain(where, 'secretName', secretName);
    checkSecretKey(where, secretName, key, `Credential.fromSecret('${secretName}', 'password')`);
    return new Credential(`${SECRETS_MOUNT_PATH}/${secretName}/${key}`, secretName, key);
  }

  /**
   * A key of a cdk8s-plus Secret of any cdk8s-plus version (a `Secret`, or
   * `Secret.fromSecretName()`) in the namespace of the Prometheus server.
   *
   * The same as `fromSecret(secret.name, key)`: `PrometheusStack` mounts the Secret read-only at
   * `/etc/prometheus/secrets/<secret name>` and Prometheus reads the key's file there.
   *
   * @param secret the cdk8s-plus Secret
   * @param key key in the Secret's data
   */
  public static fromSecretObject(secret: IConstruct, key: string): Credential {
    const where = 'Credential.fromSecretObject';
    const plus = asSecret(where, 'secret', secret, 'Use Credential.fromSecret(secretName, key) for a Secret given by name');
    checkSecretKey(where, plus.name, key, 'Credential.fromSecretObject(secret, \'password\')');
    return new Credential(`${SECRETS_MOUNT_PATH}/${plus.name}/${key}`, plus.name, key);
  }

  /** The absolute path of the file Prometheus reads. */
  public readonly path: string;
  /**
   * The Kubernetes Secret that provides the file.
   *
   * @default - the file is not from a Secret
   */
  public readonly secretName?: string;
  /**
   * The key of the Secret that provides the file.
   *
   * @default - the file is not from a Secret
   */
  public readonly secretKey?: string;

  private constructor(path: string, secretName?: string, secretKey?: string) {
    this.path = path;
    this.secretName = secretName;
    this.secretKey = secretKey;
  }
}

/**
 * Basic authentication with the password read from a file.
 */
export interface BasicAuthOptions {
  /**
   * The user name. Prometheus accepts basic auth without one and sends an empty user name
   * (prometheus/common config/http_config.go `BasicAuth`), as hosted stores that take a token
   * as the password expect.
   *
   * @default - no user name
   */
  readonly username?: string;
  /** The password, read from a file or a Secret. */
  readonly password: Credential;
}

/**
 * An `Authorization` header whose credentials are read from a file.
 */
export interface AuthorizationOptions {
  /** The credentials (for example a bearer token), read from a file or a Secret. */
  readonly credentials: Credential;
  /**
   * The authentication type.
   *
   * @default 'Bearer'
   */
  readonly credentialsType?: string;
}

/**
 * OAuth 2.0 client credentials with the client secret read from a file.
 */
export interface OAuth2Options {
  /** The client id. */
  readonly clientId: string;
  /** The client secret, read from a file or a Secret. */
  readonly clientSecret: Credential;
  /** The token endpoint. */
  readonly tokenUrl: string;
  /**
   * Scopes for the token request.
   *
   * @default - no scopes
   */
  readonly scopes?: string[];
  /**
   * Extra parameters for the token request.
   *
   * @default - none
   */
  readonly endpointParams?: { [name: string]: string };
}

/**
 * How Prometheus authenticates to a scrape target, a remote-write endpoint or an Alertmanager.
 *
 * The three forms are mutually exclusive in Prometheus, so a client takes exactly one.
 * Secrets are always read from files.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#http_config
 */
export class Authentication {
  /** Basic authentication (`basic_auth` with `password_file`). */
  public static basic(options: BasicAuthOptions): Authentication {
    const where = 'Authentication.basic';
    checkStruct(where, 'options', options, true);
    if (options.username !== undefined && typeof options.username !== 'string') {
      fail(where, 'username', 'must be a string', options.username);
    }
    checkCredential(where, 'password', options.password);
    return new Authentication('basic_auth', compact({ username: options.username || undefined, password_file: options.password.path }),
      [options.password]);
  }

  /** An `Authorization` header (`authorization` with `credentials_file`), a bearer token by default. */
  public static authorization(options: AuthorizationOptions): Authentication {
    checkStruct('Authentication.authorization', 'options', options, true);
    const type = checkString('Authentication.authorization', 'credentialsType', options.credentialsType) ?? 'Bearer';
    if (!/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$/.test(type)) {
      fail('Authentication.authorization', 'credentialsType', 'must be an HTTP authentication scheme such as Bearer', type);
    }
    if (type.toLowerCase() === 'basic') {
      fail('Authentication.authorization', 'credentialsType', 'must not be Basic', type, 'Use Authentication.basic()');
    }
    checkCredential('Authentication.authorization', 'credentials', options.credentials);
    return new Authentication('authorization', { type, credentials_file: options.credentials.path }, [options.credentials]);
  }

  /** OAuth 2.0 client credentials (`oauth2` with `client_secret_file`). */
  public static oauth2(options: OAuth2Options): Authentication {
    checkStruct('Authentication.oauth2', 'options', options, true);
    checkNonEmpty('Authentication.oauth2', 'clientId', options.clientId);
    checkStringArray('Authentication.oauth2', 'scopes', options.scopes);
    checkStringMap('Authentication.oauth2', 'endpointParams', options.endpointParams);
    checkUrl('Authentication.oauth2', 'tokenUrl', options.tokenUrl);
    checkCredential('Authentication.oauth2', 'clientSecret', options.clientSecret);
    return new Authentication('oauth2', compact({
      client_id: options.clientId,
      client_secret_file: options.clientSecret.path,
      token_url: options.tokenUrl,
      scopes: options.scopes,
      endpoint_params: options.endpointParams,
    }), [options.clientSecret]);
  }

  private constructor(
    private readonly key: string,
    private readonly body: object,
    private readonly credentials: Credential[]) {}

  /** @internal */
  public _render(): { [key: string]: object } {
    return { [this.key]: this.body };
  }

  /** @internal */
  public _credentials(): Credential[] {
    return [...this.credentials];
  }

  /**
   * The form, the secret and the plain fields, for writers of other formats (the ServiceMonitor).
   *
   * @internal
   */
  public _fields(): { kind: 'basic' | 'authorization' | 'oauth2'; secret: Credential; username?: string; type?: string } {
    const body = this.body as { username?: string; type?: string };
    const kind = this.key === 'basic_auth' ? 'basic' : this.key === 'authorization' ? 'authorization' : 'oauth2';
    return { kind, secret: this.credentials[0], username: body.username, type: body.type };
  }

  /**
   * What the client sends with every request: `basic auth`, `an Authorization header` or
   * `an OAuth 2.0 token`.
   *
   * @internal
   */
  public _describe(): string {
    return this.key === 'basic_auth' ? 'basic auth' : this.key === 'authorization' ? 'an Authorization header' : 'an OAuth 2.0 token';
  }
}

/** A key of a Secret's data. */
function checkSecretKey(where: string, secretName: string, key: string, example: string): string {
  const fix = `Name the key of Secret '${secretName}' that holds the value, such as ${example}`;
  checkString(where, 'key', requireProp(where, 'key', key, `Set 'key'. ${fix}`));
  if (!/^[-._a-zA-Z0-9]+$/.test(key) || key === '.' || key === '..') {
    fail(where, 'key', 'must be a Secret data key (alphanumerics, \'-\', \'_\' or \'.\')', key, fix);
  }
  return key;
}

/**
 * A secret must be a Credential (a file): from JavaScript, or copied from a prometheus.yml such
 * as `basic_auth: { password: <token> }`, a plain string would otherwise vanish from the output.
 */
function checkCredential(where: string, prop: string, value: unknown): void {
  if (!(value instanceof Credential)) {
    fail(where, prop, 'must be a Credential read from a file (secrets are never written into prometheus.yml)',
      typeof value === 'string' ? '<redacted>' : value,
      CREDENTIAL_FIX);
  }
  // Prometheus resolves a relative *_file against the directory of prometheus.yml, a ConfigMap mount.
  checkAbsolutePath(where, `${prop}.path`, value.path);
}

/**
 * TLS settings for connections Prometheus makes. Certificates and keys are files.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#tls_config
 */
export interface TlsOptions {
  /**
   * The CA certificate that validates the server certificate.
   *
   * @default - the system's trusted CAs
   */
  readonly ca?: Credential;
  /**
   * The client certificate, for mutual TLS. Requires `key`.
   *
   * @default - no client certificate
   */
  readonly cert?: Credential;
  /**
   * The client certificate's private key. Requires `cert`.
   *
   * @default - no client certificate
   */
  readonly key?: Credential;
  /**
   * The server name to verify the certificate against (SNI).
   *
   * @default - the host of the target
   */
  readonly serverName?: string;
  /**
   * The oldest TLS version to accept (`min_version`, Prometheus >= 2.35).
   *
   * @default - Prometheus's default (TLS 1.2)
   */
  readonly minVersion?: TlsVersion;
  /**
   * Skip verification of the server certificate. Insecure: synthesis warns, naming the job;
   * give `ca` instead.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/**
 * A TLS protocol version, as `tls_config.min_version` names it.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#tls_config
 */
export enum TlsVersion {
  /** TLS 1.0. */
  TLS_1_0 = 'TLS10',
  /** TLS 1.1. */
  TLS_1_1 = 'TLS11',
  /** TLS 1.2. */
  TLS_1_2 = 'TLS12',
  /** TLS 1.3. */
  TLS_1_3 = 'TLS13',
}
