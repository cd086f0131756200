import { Duration } from 'cdk8s';
import { renderRouteOptions, routeDuration, WATCHDOG_ALERT } from './internal';
import { Matcher } from './matcher';
import { Receiver } from './receiver';
import { Route, RouteOptions } from './route';
import { TimeInterval } from './time-interval';
import { alertmanagerGatedFields, alertmanagerVersionProblems, LATEST_ALERTMANAGER } from './version-gates';
import { checkArray, checkBoolean, checkInstance, checkString, checkStringMap, checkStruct, fail, problem, requireProp } from '../../core/checks';
import { checkNonEmpty, compact } from '../../core/formats';
import { toYaml } from '../../core/yaml';
import { Credential } from '../prometheus/credential';
import { checkLabelName } from '../prometheus/validate';
import { imageVersion, Version } from '../prometheus/version';

/**
 * Properties of an `InhibitRule`.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule
 */
export interface InhibitRuleProps {
  /** The alerts that mute others while they fire: those matching every matcher. */
  readonly sourceMatchers: Matcher[];
  /** The alerts that are muted: those matching every matcher. */
  readonly targetMatchers: Matcher[];
  /**
   * Labels whose values must be equal in the source and the target (a label missing from
   * both counts as equal).
   *
   * @default - none: any source mutes every target
   */
  readonly equal?: string[];
}

/**
 * Mutes alerts (the targets) while other alerts (the sources) fire.
 */
export class InhibitRule {
  private readonly rendered: { [key: string]: unknown };

  constructor(props: InhibitRuleProps) {
    const where = 'InhibitRule';
    checkStruct(where, 'props', props, true);
    checkArray(where, 'equal', props.equal);
    for (const prop of ['sourceMatchers', 'targetMatchers'] as const) {
      const matchers = props[prop];
      if (!Array.isArray(matchers) || matchers.length === 0) {
        fail(where, prop, 'must have at least one matcher (an empty list matches every alert)', matchers);
      }
      matchers.forEach((m, i) => {
        if (!(m instanceof Matcher)) fail(where, `${prop}[${i}]`, 'must be a Matcher', m, 'Use Matcher.equal(label, value) or Matcher.parse(text)');
      });
    }
    (props.equal ?? []).forEach((l, i) => checkLabelName(where, `equal[${i}]`, l));
    this.rendered = compact({
      source_matchers: props.sourceMatchers.map((m) => m.toString()),
      target_matchers: props.targetMatchers.map((m) => m.toString()),
      equal: props.equal,
    });
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    return this.rendered;
  }
}

/**
 * Properties of an `AlertmanagerConfig`.
 *
 * The root route sends every alert to `defaultReceiver`, except, in this order: the
 * `Watchdog` alert (to `watchdogReceiver`), the alerts your `routes` take, then
 * `severity="critical"` alerts to `criticalReceiver` and `severity="warning"` alerts to
 * `warningReceiver`. Alerts without a severity, or with another one (`info`, `none`), go to
 * `defaultReceiver`.
 */
export interface AlertmanagerConfigProps extends RouteOptions {
  /** The receiver of every alert that no other route takes (the root route's receiver). */
  readonly defaultReceiver: string;
  /**
   * The receivers; more can be added with `addReceiver()`.
   *
   * @default - none (every receiver named must be added before synthesis)
   */
  readonly receivers?: Receiver[];
  /**
   * The receiver of alerts labelled `severity="critical"` (the built-in alerts of this library's
   * integrations carry `critical` or `warning`).
   *
   * @default - `defaultReceiver`
   */
  readonly criticalReceiver?: string;
  /**
   * The receiver of alerts labelled `severity="warning"`.
   *
   * @default - `defaultReceiver`
   */
  readonly warningReceiver?: string;
  /**
   * The receiver of the always-firing `Watchdog` alert (a dead man's switch: point it at a
   * service that raises an alarm when the notifications stop, every 5 minutes). Its route sends
   * it every 5 minutes.
   *
   * @default 'Watchdog', a receiver added with no notifier unless you give one of that name
   */
  readonly watchdogReceiver?: string;
  /**
   * Routes tried after the Watchdog's and before the severity routes; more can be added with
   * `addRoute()`.
   *
   * @default - none
   */
  readonly routes?: Route[];
  /**
   * Inhibit rules; more can be added with `addInhibitRule()`.
   *
   * @default - none besides the severity rules (`severityInhibition`)
   */
  readonly inhibitRules?: InhibitRule[];
  /**
   * Add kube-prometheus's inhibit rules: a `critical` alert mutes the `warning` and `info`
   * alerts, and a `warning` alert the `info` alerts, of the same `alertname` and `namespace`.
   *
   * @default true
   */
  readonly severityInhibition?: boolean;
  /**
   * Named time intervals that routes mute or activate by; more can be added with
   * `addTimeInterval()`.
   *
   * @default - none
   */
  readonly timeIntervals?: TimeInterval[];
  /**
   * Notification templates: file name (`*.tmpl`) to Go template text. They are stored next to
   * alertmanager.yml and loaded by it.
   *
   * @default - none: Alertmanager's built-in templates
   */
  readonly templates?: { [fileName: string]: string };
  /**
   * How long an alert that Prometheus stops sending stays firing (`global.resolve_timeout`).
   *
   * @default Duration.minutes(5) (Alertmanager's default)
   */
  readonly resolveTimeout?: Duration;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * An Alertmanager configuration (alertmanager.yml): the routing tree, receivers, inhibit
 * rules, time intervals and templates, checked as Alertmanager checks them.
 *
 * `Alertmanager` renders it into a Secret; on its own, `toYaml()` renders it for the newest
 * supported release.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/
 */
export class AlertmanagerConfig {
  /**
   * A configuration for the Alertmanager that `image` runs (its tag gives the version), with
   * errors naming `where`.
   *
   * @internal
   */
  public static _create(where: string, props: AlertmanagerConfigProps, image?: string): AlertmanagerConfig {
    AlertmanagerConfig.creatingFor = where;
    let config: AlertmanagerConfig;
    try {
      config = new AlertmanagerConfig(props);
    } finally {
      AlertmanagerConfig.creatingFor = undefined;
    }
    config.image = image;
    config.version = (image && imageVersion(image)) || LATEST_ALERTMANAGER;
    return config;
  }

  /** The construct path errors name while `_create` builds a configuration for a construct. */
  private static creatingFor?: string;

  /** The receiver of every alert no other route takes. */
  public readonly defaultReceiver: string;
  /** The receiver of the Watchdog alert. */
  public readonly watchdogReceiver: string;
  private readonly where: string;
  private image?: string;
  private version: Version = LATEST_ALERTMANAGER;
  private readonly props: AlertmanagerConfigProps;
  private readonly root: { [key: string]: unknown };
  private readonly receiverList: Receiver[] = [];
  private readonly routeList: Route[] = [];
  private readonly inhibitRuleList: InhibitRule[] = [];
  private readonly intervals: TimeInterval[] = [];
  private readonly templateFiles: { [fileName: string]: string } = {};

  constructor(props: AlertmanagerConfigProps) {
    const where = AlertmanagerConfig.creatingFor ?? 'AlertmanagerConfig';
    this.where = where;
    checkStruct(where, 'props', props, true);
    for (const list of ['receivers', 'routes', 'inhibitRules', 'timeIntervals'] as const) checkArray(where, list, props[list]);
    checkStringMap(where, 'templates', props.templates);
    for (const name of ['watchdogReceiver', 'criticalReceiver', 'warningReceiver'] as const) checkString(where, name, props[name]);
    checkBoolean(where, 'severityInhibition', props.severityInhibition);
    if (typeof props.defaultReceiver !== 'string') {
      fail(where, 'defaultReceiver', 'must name the receiver of the alerts no route takes (Alertmanager needs a default receiver)',
        props.defaultReceiver, 'Set defaultReceiver to the name of one of the receivers');
    }
    checkNonEmpty(where, 'defaultReceiver', props.defaultReceiver);
    this.props = props;
    this.defaultReceiver = props.defaultReceiver;
    this.watchdogReceiver = props.watchdogReceiver ?? WATCHDOG_ALERT;
    this.root = renderRouteOptions(where, {
      groupBy: props.groupBy ?? ['alertname', 'namespace'],
      groupWait: props.groupWait ?? Duration.seconds(30),
      groupInterval: props.groupInterval ?? Duration.minutes(5),
      repeatInterval: props.repeatInterval ?? Duration.hours(12),
    });
    if (props.resolveTimeout) routeDuration(where, 'resolveTimeout', props.resolveTimeout, false);
    for (const r of props.receivers ?? []) this.addReceiver(r);
    this.addRoute(...props.routes ?? []);
    if (props.severityInhibition ?? true) {
      // from prometheus-operator/kube-prometheus v0.18.0 manifests/alertmanager-secret.yaml
      this.addInhibitRule(new InhibitRule({
        sourceMatchers: [Matcher.equal('severity', 'critical')],
        targetMatchers: [Matcher.regex('severity', 'warning|info')],
        equal: ['namespace', 'alertname'],
      }));
      this.addInhibitRule(new InhibitRule({
        sourceMatchers: [Matcher.equal('severity', 'warning')],
        targetMatchers: [Matcher.equal('severity', 'info')],
        equal: ['namespace', 'alertname'],
      }));
    }
    for (const r of props.inhibitRules ?? []) this.addInhibitRule(r);
    for (const t of props.timeIntervals ?? []) this.addTimeInterval(t);
    for (const [file, text] of Object.entries(props.templates ?? {})) this.addTemplate(file, text);
  }

  /** Adds a receiver. Fails if one of the same name exists. */
  public addReceiver(receiver: Receiver): void {
    if (!(receiver instanceof Receiver)) fail(this.where, 'receivers', 'must be Receivers', receiver, 'Use new Receiver({ name, notifiers })');
    if (this.receiverList.some((r) => r.name === receiver.name)) {
      fail(this.where, 'receivers', 'must have unique names (Alertmanager refuses a duplicate)', receiver.name,
        'Give each receiver its own name, or put both notifiers in one receiver');
    }
    this.receiverList.push(receiver);
  }

  /** Appends routes, tried after the Watchdog's and before the severity routes. */
  public addRoute(...routes: Route[]): void {
    routes.forEach((r, i) => {
      if (!(r instanceof Route)) fail(this.where, `routes[${i}]`, 'must be a Route', r, 'Use new Route({ matchers, receiver })');
    });
    this.routeList.push(...routes);
  }

  /** Adds an inhibit rule. */
  public addInhibitRule(rule: InhibitRule): void {
    checkInstance(this.where, 'inhibitRules', requireProp(this.where, 'inhibitRules', rule), InhibitRule, 'Use new InhibitRule({ sourceMatchers, targetMatchers })');
    this.inhibitRuleList.push(rule);
  }

  /** Adds a time interval. Fails if one of the same name exists. */
  public addTimeInterval(interval: TimeInterval): void {
    checkInstance(this.where, 'timeIntervals', requireProp(this.where, 'timeIntervals', interval), TimeInterval, 'Use new TimeInterval({ name, periods })');
    if (this.intervals.some((t) => t.name === interval.name)) {
      fail(this.where, 'timeIntervals', 'must have unique names', interval.name);
    }
    this.intervals.push(interval);
  }

  /** Adds a notification template file (`*.tmpl`). Fails if the name is taken. */
  public addTemplate(fileName: string, text: string): void {
    checkString(this.where, 'templates', requireProp(this.where, 'templates', fileName));
    if (!SECRET_KEY.test(fileName) || !fileName.endsWith('.tmpl')) {
      fail(this.where, 'templates', "keys must be file names ending in '.tmpl' (alphanumerics, '-', '_', '.')", fileName);
    }
    if (this.templateFiles[fileName] !== undefined) fail(this.where, 'templates', 'must not repeat a file name', fileName);
    checkNonEmpty(this.where, `templates.${fileName}`, text);
    this.templateFiles[fileName] = text;
  }

  /** The names of the receivers (a copy). */
  public get receiverNames(): string[] {
    return this.allReceivers().map((r) => r.name);
  }

  /** The template files (a copy). */
  public get templates(): { [fileName: string]: string } {
    return { ...this.templateFiles };
  }

  /**
   * What is wrong with the configuration as it stands: receivers and time intervals that
   * routes name but nobody defined, and fields the Alertmanager version lacks.
   *
   * @internal
   */
  public _problems(): string[] {
    const receivers = new Set(this.allReceivers().map((r) => r.name));
    const intervals = new Set(this.intervals.map((t) => t.name));
    const problems: string[] = [];
    const defined = [...receivers].join(', ') || 'none';
    for (const ref of this.references()) {
      const known = ref.kind === 'receiver' ? receivers : intervals;
      if (known.has(ref.name)) continue;
      problems.push(ref.kind === 'receiver'
        ? problem(this.where, ref.prop, `names a receiver that is not defined (defined: ${defined})`, ref.name,
          'Add a Receiver of that name with addReceiver(), or name one of the defined receivers')
        : problem(this.where, ref.prop, `names a time interval that is not defined (defined: ${[...intervals].join(', ') || 'none'})`,
          ref.name, 'Add a TimeInterval of that name with addTimeInterval()'));
    }
    problems.push(...alertmanagerVersionProblems(this.where, this.image, this.version, alertmanagerGatedFields(this.render())));
    return problems;
  }

  /** The credentials the receivers read from files. @internal */
  public _credentials(): Credential[] {
    return this.allReceivers().flatMap((r) => r._credentials());
  }

  /** alertmanager.yml. Fails with every problem found. */
  public toYaml(): string {
    const problems = this._problems();
    if (problems.length > 0) throw new Error(problems.join('\n'));
    return toYaml(this.render());
  }

  /**
   * The receivers as alertmanager.yml has them.
   *
   * @internal
   */
  public _renderedReceivers(): Array<{ [key: string]: unknown }> {
    return this.allReceivers().map((r) => r._render());
  }

  private allReceivers(): Receiver[] {
    const ownWatchdog = this.receiverList.some((r) => r.name === this.watchdogReceiver);
    const implicit = ownWatchdog || this.props.watchdogReceiver !== undefined ? [] : [new Receiver({ name: this.watchdogReceiver })];
    return [...this.receiverList, ...implicit];
  }

  /** The routes below the root: the Watchdog's, the user's, then the severity routes. */
  private childRoutes(): Array<{ prop: string; route: Route }> {
    const p = this.props;
    const severity = (receiver: string | undefined, level: string, prop: string) => receiver === undefined ? [] : [{
      prop, route: new Route({ receiver, matchers: [Matcher.equal('severity', level)] }),
    }];
    return [
      {
        prop: 'watchdogReceiver',
        route: new Route({ receiver: this.watchdogReceiver, matchers: [Matcher.equal('alertname', WATCHDOG_ALERT)], repeatInterval: Duration.minutes(5) }),
      },
      ...this.routeList.map((route, i) => ({ prop: `routes[${i}]`, route })),
      ...severity(p.criticalReceiver, 'critical', 'criticalReceiver'),
      ...severity(p.warningReceiver, 'warning', 'warningReceiver'),
    ];
  }

  private references() {
    return [
      { prop: 'defaultReceiver', kind: 'receiver' as const, name: this.defaultReceiver },
      ...this.childRoutes().flatMap(({ prop, route }) => route._references(prop)
        // A built-in route's receiver is reported as the prop that named it.
        .map((ref) => prop.startsWith('routes[') ? ref : { ...ref, prop })),
    ];
  }

  private render(): { [key: string]: unknown } {
    return compact({
      global: compact({ resolve_timeout: this.props.resolveTimeout && routeDuration(this.where, 'resolveTimeout', this.props.resolveTimeout, false) }),
      templates: Object.keys(this.templateFiles).sort(),
      route: compact({ receiver: this.defaultReceiver, ...this.root, routes: this.childRoutes().map((c) => c.route._render()) }),
      inhibit_rules: this.inhibitRuleList.map((r) => r._render()),
      receivers: this.allReceivers().map((r) => r._render()),
      time_intervals: this.intervals.map((t) => t._render()),
    });
  }
}
