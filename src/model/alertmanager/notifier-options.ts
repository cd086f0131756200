import { Credential } from '../prometheus/credential';

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
