// The Grafana admin user and password, always from a Secret, never written by the app.
import { IConstruct } from 'constructs';
import { checkString, checkStruct, fail } from '../core/checks';
import { checkDnsSubdomain } from '../core/formats';
import { PlusSecret, asSecret } from '../core/plus';

/**
 * Options of `GrafanaAdminCredentials.fromSecretName()` and `fromSecret()`.
 */
export interface GrafanaAdminSecretOptions {
  /**
   * The key of the Secret that holds the admin user name.
   *
   * @default 'admin-user'
   */
  readonly userKey?: string;
  /**
   * The key of the Secret that holds the admin password.
   *
   * @default 'admin-password'
   */
  readonly passwordKey?: string;
}

/**
 * The Grafana admin user and password, always read from a Kubernetes Secret.
 */
export class GrafanaAdminCredentials {
  /**
   * The user and password in the Secret of this name in Grafana's namespace, such as one made
   * with `kubectl create secret generic grafana-admin --from-literal=admin-user=admin
   * --from-literal=admin-password=...`.
   */
  public static fromSecretName(secretName: string, options: GrafanaAdminSecretOptions = {}): GrafanaAdminCredentials {
    const where = 'GrafanaAdminCredentials.fromSecretName';
    checkString(where, 'secretName', secretName, 'For a cdk8s-plus Secret object, use GrafanaAdminCredentials.fromSecret(secret)');
    checkDnsSubdomain(where, 'secretName', secretName);
    return new GrafanaAdminCredentials(where, secretName, undefined, options);
  }

  /**
   * The user and password in a cdk8s-plus Secret of any cdk8s-plus version (a `Secret`, or
   * `Secret.fromSecretName()`), which must be in Grafana's namespace.
   *
   * A Secret whose password this app writes (`stringData`) is refused: the password would be
   * committed with the manifests in clear text.
   *
   * @param secret the cdk8s-plus Secret
   */
  public static fromSecret(secret: IConstruct, options: GrafanaAdminSecretOptions = {}): GrafanaAdminCredentials {
    const where = 'GrafanaAdminCredentials.fromSecret';
    const plus = asSecret(where, 'secret', secret, 'Use GrafanaAdminCredentials.fromSecretName(\'grafana-admin\') for a Secret made outside the app');
    return new GrafanaAdminCredentials(where, plus.name, { path: secret.node.path, secret: plus }, options);
  }

  /** The name of the Secret. */
  public readonly secretName: string;
  /** The key of the user name. */
  public readonly userKey: string;
  /** The key of the password. */
  public readonly passwordKey: string;
  /**
   * The cdk8s-plus Secret, when given one.
   *
   * @internal
   */
  public readonly _secret?: { readonly path: string; readonly secret: PlusSecret };

  private constructor(where: string, secretName: string, secret: GrafanaAdminCredentials['_secret'], options: GrafanaAdminSecretOptions) {
    checkStruct(where, 'options', options);
    const userKey = checkString(where, 'userKey', options.userKey) ?? 'admin-user';
    const passwordKey = checkString(where, 'passwordKey', options.passwordKey) ?? 'admin-password';
    for (const [prop, key] of [['userKey', userKey], ['passwordKey', passwordKey]]) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key)) fail(where, prop, 'must be a Secret data key (alphanumerics, \'-\', \'_\' or \'.\')', key);
    }
    this._secret = secret;
    this.secretName = secretName;
    this.userKey = userKey;
    this.passwordKey = passwordKey;
  }

  /**
   * Refuses a password this app writes (a Secret with `stringData`): it would be committed in
   * clear text with the manifests.
   *
   * @internal
   */
  public _literalPasswordProblems(path: string): string[] {
    const given = this._secret;
    if (!given || given.secret.stringData(this.passwordKey) === undefined) return [];
    const name = this.secretName;
    return [`${path}: 'adminCredentials' must not come from a Secret whose password this app writes: '${given.path}' sets `
      + `'${this.passwordKey}' in stringData, so the password would be committed in clear text with the manifests, got '${name}'. `
      + `Create the Secret outside the app (kubectl create secret generic ${name} --from-literal=${this.userKey}=admin `
      + `--from-literal=${this.passwordKey}=...) and pass GrafanaAdminCredentials.fromSecretName('${name}')`];
  }
}
