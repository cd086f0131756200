import { credentialPath } from './internal';
import { checkArray, checkBoolean, checkEnum, checkString, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkNonEmpty, compact, requireString } from '../../core/formats';
import { Credential } from '../prometheus/credential';
import { CREDENTIAL_FIX } from '../prometheus/fixes';

/** The shape every notifier's options share: a struct, `sendResolved` a flag, and the named plain strings. */
function checkNotifierOptions<T extends NotifierOptions>(where: string, options: T, ...strings: Array<keyof T & string>): T {
  checkStruct(where, 'options', options, true);
  checkBoolean(where, 'sendResolved', options.sendResolved);
  for (const prop of strings) checkString(where, prop, options[prop] as unknown as string | undefined);
  return options;
}

/** Options common to every notifier. */
export interface NotifierOptions {
  /**
   * Also notify when the alerts of a group are resolved.
   *
   * @default - Alertmanager's default for the integration: true for webhook, PagerDuty,
   * OpsGenie and Microsoft Teams; false for Slack and email
   */
  readonly sendResolved?: boolean;
}

/**
 * Options of `Notifier.webhook()`. Give the URL as `url` or as `urlFile`.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
export interface WebhookOptions extends NotifierOptions {
  /**
   * The URL, written into alertmanager.yml (which lives in a Secret). For a URL that is itself
   * a secret, use `urlFile`.
   *
   * @default - `urlFile`
   */
  readonly url?: string;
  /**
   * The URL, read from a file on each notification (`url_file`, Alertmanager 0.26 and later:
   * an older image fails synthesis, naming the version needed).
   *
   * @default - `url`
   */
  readonly urlFile?: Credential;
  /**
   * The most alerts one message carries.
   *
   * @default - all of the group's alerts
   */
  readonly maxAlerts?: number;
}

/**
 * Options of `Notifier.slack()`.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#slack_config
 */
export interface SlackOptions extends NotifierOptions {
  /** The incoming-webhook URL, read from a file on each notification (`api_url_file`). */
  readonly apiUrl: Credential;
  /**
   * The channel or user to post to.
   *
   * @default - the webhook's own channel
   */
  readonly channel?: string;
  /**
   * The message title (a template).
   *
   * @default - Alertmanager's `slack.default.title`
   */
  readonly title?: string;
  /**
   * The message text (a template).
   *
   * @default - Alertmanager's `slack.default.text`
   */
  readonly text?: string;
}

/**
 * Options of `Notifier.pagerDuty()`: one of `routingKey` (Events API v2) and `serviceKey`.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#pagerduty_config
 */
export interface PagerDutyOptions extends NotifierOptions {
  /**
   * The Events API v2 integration key (`routing_key_file`).
   *
   * @default - `serviceKey`
   */
  readonly routingKey?: Credential;
  /**
   * The integration key of a Prometheus integration type (`service_key_file`).
   *
   * @default - `routingKey`
   */
  readonly serviceKey?: Credential;
  /**
   * The incident's severity (a template).
   *
   * @default - Alertmanager's default ('error')
   */
  readonly severity?: string;
  /**
   * The incident's description (a template).
   *
   * @default - Alertmanager's `pagerduty.default.description`
   */
  readonly description?: string;
}

/**
 * Options of `Notifier.email()`.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#email_config
 */
export interface EmailOptions extends NotifierOptions {
  /** The recipients, comma-separated. */
  readonly to: string;
  /** The sender address (`from`). */
  readonly fromAddress: string;
  /** The SMTP server, `host:port`. */
  readonly smarthost: string;
  /**
   * The SMTP user name.
   *
   * @default - no authentication
   */
  readonly authUsername?: string;
  /**
   * The SMTP password, read from a file (`auth_password_file`). Alertmanager before 0.27 reads
   * the file as it is: store the password without a trailing newline.
   *
   * @default - no password
   */
  readonly authPassword?: Credential;
  /**
   * Require STARTTLS.
   *
   * @default true
   */
  readonly requireTls?: boolean;
}

/** The kind of an OpsGenie responder. */
export enum OpsGenieResponderType {
  /** An OpsGenie user. */
  USER = 'user',
  /** An OpsGenie team. */
  TEAM = 'team',
  /** An OpsGenie escalation policy. */
  ESCALATION = 'escalation',
  /** An OpsGenie on-call schedule. */
  SCHEDULE = 'schedule',
}

/** Who OpsGenie notifies: one of `id`, `name` and `username`. */
export interface OpsGenieResponder {
  /** The kind of responder. */
  readonly responderType: OpsGenieResponderType;
  /**
   * The responder's id.
   *
   * @default - `name` or `username`
   */
  readonly id?: string;
  /**
   * The responder's name.
   *
   * @default - `id` or `username`
   */
  readonly name?: string;
  /**
   * The user name (for a user).
   *
   * @default - `id` or `name`
   */
  readonly username?: string;
}

/**
 * Options of `Notifier.opsGenie()`.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#opsgenie_config
 */
export interface OpsGenieOptions extends NotifierOptions {
  /** The API key, read from a file (`api_key_file`; store it without a trailing newline for images before 0.28). */
  readonly apiKey: Credential;
  /**
   * The API URL (the EU instance is `https://api.eu.opsgenie.com/`).
   *
   * @default 'https://api.opsgenie.com/'
   */
  readonly apiUrl?: string;
  /**
   * The alert's priority, P1 to P5 (a template is allowed too).
   *
   * @default - OpsGenie's default (P3)
   */
  readonly priority?: string;
  /**
   * Who is notified.
   *
   * @default - OpsGenie's routing rules decide
   */
  readonly responders?: OpsGenieResponder[];
  /**
   * Tags of the alert.
   *
   * @default - none
   */
  readonly tags?: string[];
}

/**
 * Options of `Notifier.msTeams()` (Alertmanager 0.26 and later). Give the URL as
 * `webhookUrl` or as `webhookUrlFile`.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#msteams_config
 */
export interface MsTeamsOptions extends NotifierOptions {
  /**
   * The incoming-webhook URL, written into alertmanager.yml (which lives in a Secret).
   *
   * @default - `webhookUrlFile`
   */
  readonly webhookUrl?: string;
  /**
   * The incoming-webhook URL, read from a file (`webhook_url_file`, Alertmanager 0.28 and
   * later: 0.27 has the field but still refuses a config without `webhook_url`).
   *
   * @default - `webhookUrl`
   */
  readonly webhookUrlFile?: Credential;
  /**
   * The card's title (a template).
   *
   * @default - Alertmanager's `msteams.default.title`
   */
  readonly title?: string;
  /**
   * The card's text (a template).
   *
   * @default - Alertmanager's `msteams.default.text`
   */
  readonly text?: string;
}

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

/**
 * Properties of a `Receiver`.
 */
export interface ReceiverProps {
  /** The name that routes refer to; unique in the configuration. */
  readonly name: string;
  /**
   * Where it sends notifications.
   *
   * @default - nowhere: the receiver swallows what it is routed (a "null" receiver)
   */
  readonly notifiers?: Notifier[];
}

/**
 * A named set of notifiers that routes send alert groups to.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#receiver
 */
export class Receiver {
  /** The name. */
  public readonly name: string;
  private readonly notifiers: Notifier[];

  constructor(props: ReceiverProps) {
    checkStruct('Receiver', 'props', props, true);
    checkNonEmpty('Receiver', 'name', props.name);
    this.name = props.name;
    this.notifiers = [...checkArray(`Receiver '${props.name}'`, 'notifiers', props.notifiers) ?? []];
    this.notifiers.forEach((n, i) => {
      if (!(n instanceof Notifier)) fail(`Receiver '${props.name}'`, `notifiers[${i}]`, 'must be a Notifier', n, 'Use Notifier.webhook({...}), Notifier.slack({...}) or another Notifier factory');
    });
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    const out: { [key: string]: unknown } = { name: this.name };
    for (const n of this.notifiers) {
      out[n._key] = [...(out[n._key] as unknown[] | undefined) ?? [], n._render()];
    }
    return out;
  }

  /** @internal */
  public _credentials(): Credential[] {
    return this.notifiers.flatMap((n) => n._credentials());
  }
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
