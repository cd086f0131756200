import { credentialPath } from './internal';
import { EmailOptions, MsTeamsOptions, NotifierOptions, OpsGenieOptions, OpsGenieResponderType, PagerDutyOptions, SlackOptions, WebhookOptions } from './notifier-options';
import { checkArray, checkBoolean, checkEnum, checkString, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkNonEmpty, compact, requireString } from '../../core/formats';
import { Credential } from '../prometheus/credential';
import { CREDENTIAL_FIX } from '../prometheus/fixes';

/**
 * Where a receiver sends notifications: a webhook, Slack, PagerDuty, email, OpsGenie or
 * Microsoft Teams.
 *
 * Secrets are files: `Credential.fromSecret(secretName, key)` is mounted in the Alertmanager
 * pod and read with the integration's `*_file` field. A version without such a field fails
 * synthesis, naming the version that has it.
 */
export class Notifier {
  /** A webhook: Alertmanager POSTs the group's alerts as JSON (`webhook_configs`). */
  public static webhook(options: WebhookOptions): Notifier {
    const where = 'Notifier.webhook';
    checkNotifierOptions(where, options, 'url');
    exactlyOne(where, options, 'url', 'urlFile');
    if (options.url !== undefined) checkHttpUrl(where, 'url', options.url);
    if (options.maxAlerts !== undefined && (!Number.isInteger(options.maxAlerts) || options.maxAlerts < 0)) {
      fail(where, 'maxAlerts', 'must be a whole number, 0 for all', options.maxAlerts);
    }
    return new Notifier('webhook_configs', [options.urlFile], {
      send_resolved: options.sendResolved,
      url: options.url,
      url_file: file(where, 'urlFile', options.urlFile),
      max_alerts: options.maxAlerts,
    });
  }

  /** A Slack incoming webhook (`slack_configs`). */
  public static slack(options: SlackOptions): Notifier {
    const where = 'Notifier.slack';
    checkNotifierOptions(where, options, 'channel', 'title', 'text');
    return new Notifier('slack_configs', [options.apiUrl], {
      send_resolved: options.sendResolved,
      api_url_file: file(where, 'apiUrl', options.apiUrl, true),
      channel: options.channel,
      title: options.title,
      text: options.text,
    });
  }

  /** PagerDuty (`pagerduty_configs`). */
  public static pagerDuty(options: PagerDutyOptions): Notifier {
    const where = 'Notifier.pagerDuty';
    checkNotifierOptions(where, options, 'severity', 'description');
    exactlyOne(where, options, 'routingKey', 'serviceKey');
    return new Notifier('pagerduty_configs', [options.routingKey, options.serviceKey], {
      send_resolved: options.sendResolved,
      routing_key_file: file(where, 'routingKey', options.routingKey),
      service_key_file: file(where, 'serviceKey', options.serviceKey),
      severity: options.severity,
      description: options.description,
    });
  }

  /** Email through an SMTP server (`email_configs`). */
  public static email(options: EmailOptions): Notifier {
    const where = 'Notifier.email';
    checkNotifierOptions(where, options, 'authUsername');
    checkBoolean(where, 'requireTls', options.requireTls);
    requireString(where, 'smarthost', options.smarthost);
    checkNonEmpty(where, 'to', options.to);
    checkNonEmpty(where, 'fromAddress', options.fromAddress);
    if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(options.smarthost)) {
      fail(where, 'smarthost', 'must be host:port', options.smarthost, 'Write for example smtp.example.com:587');
    }
    if (options.authPassword !== undefined && options.authUsername === undefined) {
      fail(where, 'authUsername', 'must be set with authPassword', undefined);
    }
    return new Notifier('email_configs', [options.authPassword], {
      send_resolved: options.sendResolved,
      to: options.to,
      from: options.fromAddress,
      smarthost: options.smarthost,
      auth_username: options.authUsername,
      auth_password_file: file(where, 'authPassword', options.authPassword),
      require_tls: options.requireTls,
    });
  }

  /** OpsGenie (`opsgenie_configs`). */
  public static opsGenie(options: OpsGenieOptions): Notifier {
    const where = 'Notifier.opsGenie';
    checkNotifierOptions(where, options, 'apiUrl', 'priority');
    checkStringArray(where, 'tags', options.tags);
    checkArray(where, 'responders', options.responders, (w, p, r) => checkStruct(w, p, r, true));
    if (options.apiUrl !== undefined) checkHttpUrl(where, 'apiUrl', options.apiUrl);
    if (options.priority !== undefined && !/^P[1-5]$/.test(options.priority) && !options.priority.includes('{{')) {
      fail(where, 'priority', 'must be P1, P2, P3, P4 or P5 (or a template)', options.priority);
    }
    const responders = (options.responders ?? []).map((r, i) => {
      const given = [r.id, r.name, r.username].filter((x) => x !== undefined && x !== '');
      if (given.length !== 1) fail(where, `responders[${i}]`, 'must have exactly one of id, name and username', r);
      checkEnum(where, `responders[${i}].responderType`, requireProp(where, `responders[${i}].responderType`, r.responderType),
        OpsGenieResponderType, 'OpsGenieResponderType');
      return compact({ id: r.id, name: r.name, username: r.username, type: r.responderType });
    });
    (options.tags ?? []).forEach((t, i) => {
      if (t.includes(',')) fail(where, `tags[${i}]`, 'must not contain a comma (Alertmanager joins the tags with commas)', t);
    });
    return new Notifier('opsgenie_configs', [options.apiKey], {
      send_resolved: options.sendResolved,
      api_key_file: file(where, 'apiKey', options.apiKey, true),
      api_url: options.apiUrl,
      priority: options.priority,
      responders,
      tags: options.tags && options.tags.length > 0 ? options.tags.join(',') : undefined,
    });
  }

  /** Microsoft Teams (`msteams_configs`, Alertmanager 0.26 and later). */
  public static msTeams(options: MsTeamsOptions): Notifier {
    const where = 'Notifier.msTeams';
    checkNotifierOptions(where, options, 'webhookUrl', 'title', 'text');
    exactlyOne(where, options, 'webhookUrl', 'webhookUrlFile');
    if (options.webhookUrl !== undefined) checkHttpUrl(where, 'webhookUrl', options.webhookUrl);
    return new Notifier('msteams_configs', [options.webhookUrlFile], {
      send_resolved: options.sendResolved,
      webhook_url: options.webhookUrl,
      webhook_url_file: file(where, 'webhookUrlFile', options.webhookUrlFile),
      title: options.title,
      text: options.text,
    });
  }

  private readonly credentials: Credential[];

  private constructor(
    /** The receiver's list this notifier belongs to, such as `slack_configs`. */
    private readonly key: string,
    credentials: Array<Credential | undefined>,
    private readonly body: { [key: string]: unknown }) {
    this.credentials = credentials.filter((c): c is Credential => c !== undefined);
  }

  /** @internal */
  public get _key(): string {
    return this.key;
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    return compact(this.body);
  }

  /** @internal */
  public _credentials(): Credential[] {
    return [...this.credentials];
  }
}

/** The shape every notifier's options share: a struct, `sendResolved` a flag, and the named plain strings. */
function checkNotifierOptions<T extends NotifierOptions>(where: string, options: T, ...strings: Array<keyof T & string>): T {
  checkStruct(where, 'options', options, true);
  checkBoolean(where, 'sendResolved', options.sendResolved);
  for (const prop of strings) checkString(where, prop, options[prop] as unknown as string | undefined);
  return options;
}

function exactlyOne(where: string, options: object, a: string, b: string): void {
  const o = options as { [key: string]: unknown };
  if ((o[a] === undefined) === (o[b] === undefined)) {
    fail(where, a, `must be given, or else '${b}' (exactly one of them)`, o[a] === undefined ? 'neither' : 'both');
  }
}

/** The path of a credential, after checking that it is one. */
function file(where: string, prop: string, value: Credential | undefined, required = false): string | undefined {
  if (value === undefined && !required) return undefined;
  if (!(value instanceof Credential)) {
    fail(where, prop, 'must be a Credential read from a file (secrets are read from files, not written into alertmanager.yml)',
      typeof value === 'string' ? '<redacted>' : value, CREDENTIAL_FIX);
  }
  return credentialPath(value);
}

function checkHttpUrl(where: string, prop: string, url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) {
    fail(where, prop, 'must be an absolute http:// or https:// URL with a host', url);
  }
}
