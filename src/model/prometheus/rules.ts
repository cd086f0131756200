import { Duration } from 'cdk8s';
import { RULE_FIX } from './fixes';
import { ALERT_TEMPLATE_VARIABLES, goTemplateProblem } from './go-template';
import { checkPromQL } from './promql';
import { checkLabelMap, checkMetricName, promDuration } from './validate';
import { checkArray, checkInstances, checkStruct, fail } from '../../core/checks';
import { checkNonEmpty, checkPositiveInteger, compact } from '../../core/formats';

/**
 * A rule of a `RuleGroup`: an `AlertingRule` or a `RecordingRule`.
 *
 * Not for subclassing: a rule group takes only `AlertingRule` and `RecordingRule` (or their
 * subclasses), because the library renders the rule, not the subclass.
 */
export abstract class Rule {
  /**
   * The rule as it appears in a rule file.
   *
   * @internal
   */
  public abstract _render(): { [key: string]: unknown };
}

/**
 * Properties of an `AlertingRule`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
export interface AlertingRuleProps {
  /** The alert name. */
  readonly alert: string;
  /** The PromQL expression; every series it returns is a firing (or pending) alert. */
  readonly expr: string;
  /**
   * How long the expression must hold before the alert fires (the rule's `for`).
   *
   * @default - fires at the first evaluation that returns a result
   */
  readonly forDuration?: Duration;
  /**
   * How long the alert keeps firing after the expression stops returning it (Prometheus >= 2.42).
   *
   * @default - resolves at once
   */
  readonly keepFiringFor?: Duration;
  /**
   * Labels added to the alert, such as `severity`.
   *
   * @default - none
   */
  readonly labels?: { [name: string]: string };
  /**
   * Annotations of the alert, such as `summary` and `description` (templates allowed).
   *
   * @default - none
   */
  readonly annotations?: { [name: string]: string };
}

/**
 * An alerting rule.
 */
export class AlertingRule extends Rule {
  /** The alert name. */
  public readonly alert: string;
  private readonly rendered: { [key: string]: unknown };

  constructor(props: AlertingRuleProps) {
    super();
    checkStruct('AlertingRule', 'props', props, true);
    checkNonEmpty('AlertingRule', 'alert', props.alert);
    const where = `AlertingRule '${props.alert}'`;
    checkPromQL(where, 'expr', props.expr);
    checkLabelMap(where, 'labels', props.labels);
    checkLabelMap(where, 'annotations', props.annotations);
    for (const [prop, map] of [['labels', props.labels], ['annotations', props.annotations]] as const) {
      for (const [name, value] of Object.entries(map ?? {})) {
        const problem = goTemplateProblem(value, ALERT_TEMPLATE_VARIABLES);
        if (problem) {
          fail(where, `${prop}.${name}`, `is not a valid Go template (${problem}), which Prometheus refuses when it loads the rules`, value,
            'Close every action with }} ({{ $labels.job }}), declare variables before use, and write a literal {{ as {{ "{{" }}');
        }
      }
    }
    this.alert = props.alert;
    this.rendered = compact({
      alert: props.alert,
      expr: props.expr,
      for: props.forDuration && promDuration(where, 'forDuration', props.forDuration),
      keep_firing_for: props.keepFiringFor && promDuration(where, 'keepFiringFor', props.keepFiringFor),
      labels: props.labels,
      annotations: props.annotations,
    });
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    return this.rendered;
  }
}

/**
 * Properties of a `RecordingRule`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/
 */
export interface RecordingRuleProps {
  /** The name of the recorded series, by convention `level:metric:operations`. */
  readonly record: string;
  /** The PromQL expression to record. */
  readonly expr: string;
  /**
   * Labels added to the recorded series.
   *
   * @default - none
   */
  readonly labels?: { [name: string]: string };
}

/**
 * A recording rule.
 */
export class RecordingRule extends Rule {
  /** The name of the recorded series. */
  public readonly record: string;
  private readonly rendered: { [key: string]: unknown };

  constructor(props: RecordingRuleProps) {
    super();
    checkStruct('RecordingRule', 'props', props, true);
    checkMetricName('RecordingRule', 'record', props.record);
    const where = `RecordingRule '${props.record}'`;
    checkPromQL(where, 'expr', props.expr);
    checkLabelMap(where, 'labels', props.labels);
    this.record = props.record;
    this.rendered = compact({ record: props.record, expr: props.expr, labels: props.labels });
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    return this.rendered;
  }
}

/**
 * Properties of a `RuleGroup`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/#rule_group
 */
export interface RuleGroupProps {
  /** The group name, unique within a Prometheus server. */
  readonly name: string;
  /**
   * How often the group's rules are evaluated.
   *
   * @default - the global `evaluation_interval`
   */
  readonly interval?: Duration;
  /**
   * The most alerts or series a rule of the group may produce.
   *
   * @default - no limit
   */
  readonly limit?: number;
  /**
   * The rules, evaluated in order. More can be added with `addRule()`.
   *
   * @default - none
   */
  readonly rules?: Rule[];
}

/**
 * A group of alerting and recording rules evaluated together, in order.
 */
export class RuleGroup {
  /** The group name. */
  public readonly name: string;
  private readonly where: string;
  private readonly header: { [key: string]: unknown };
  private readonly ruleList: Rule[] = [];

  constructor(props: RuleGroupProps) {
    checkStruct('RuleGroup', 'props', props, true);
    checkNonEmpty('RuleGroup', 'name', props.name);
    this.where = `RuleGroup '${props.name}'`;
    checkPositiveInteger(this.where, 'limit', props.limit);
    this.name = props.name;
    this.header = compact({
      name: props.name,
      interval: props.interval && promDuration(this.where, 'interval', props.interval),
      limit: props.limit,
    });
    this.addRule(...checkArray(this.where, 'rules', props.rules) ?? []);
  }

  /** Appends rules to the group. */
  public addRule(...rules: Rule[]): void {
    // Rule is abstract and renders through an internal method: a subclass from another language
    // (Python `class MyRule(Rule)`) has nothing to render with.
    checkInstances(this.where, 'rules', rules, [AlertingRule, RecordingRule], RULE_FIX);
    this.ruleList.push(...rules);
  }

  /** The rules of the group (a copy). */
  public get rules(): Rule[] {
    return [...this.ruleList];
  }

  /**
   * The group as it appears under `groups` in a rule file.
   *
   * @internal
   */
  public _render(): { [key: string]: unknown } {
    if (this.ruleList.length === 0) {
      fail(this.where, 'rules', 'must contain at least one rule', [], 'Pass \'rules\' or call addRule()');
    }
    return { ...this.header, rules: this.ruleList.map((r) => r._render()) };
  }
}
