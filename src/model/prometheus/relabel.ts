import { checkLabelName, checkRegex, checkReplacement, checkTemplatedLabelName, DEFAULT_REGEX_GROUPS } from './validate';
import { checkArray, checkString, checkStruct, fail, requireProp } from '../../core/checks';
import { checkPositiveInteger, compact } from '../../core/formats';

/**
 * Options of the `keep` and `drop` actions.
 */
export interface RelabelFilterOptions {
  /** The labels whose values are joined with `separator` and matched against `regex`. */
  readonly sourceLabels: string[];
  /**
   * The RE2 regular expression, anchored at both ends by Prometheus.
   */
  readonly regex: string;
  /**
   * The separator placed between the source label values.
   *
   * @default ';'
   */
  readonly separator?: string;
}

/**
 * Options of the `replace` action.
 */
export interface RelabelReplaceOptions {
  /**
   * The labels whose values are joined with `separator` and matched against `regex`.
   *
   * @default - no source labels: the regex is matched against the empty string
   */
  readonly sourceLabels?: string[];
  /**
   * The RE2 regular expression, anchored at both ends by Prometheus.
   *
   * @default '(.*)'
   */
  readonly regex?: string;
  /**
   * The separator placed between the source label values.
   *
   * @default ';'
   */
  readonly separator?: string;
  /** The label to write. May contain group references such as `${1}`. */
  readonly targetLabel: string;
  /**
   * The value written when the regex matches. Group references are `$1` or `${1}`;
   * write `${1}_suffix`, not `$1_suffix` (Go reads the latter as a group named `1_suffix`).
   *
   * @default '$1'
   */
  readonly replacement?: string;
}

/**
 * Options of the `labelmap` action.
 */
export interface RelabelLabelMapOptions {
  /** The RE2 regular expression matched against every label name. */
  readonly regex: string;
  /**
   * The name of the new label, with group references.
   *
   * @default '$1'
   */
  readonly replacement?: string;
}

/**
 * Options of the `labeldrop` and `labelkeep` actions.
 */
export interface RelabelLabelFilterOptions {
  /** The RE2 regular expression matched against every label name. */
  readonly regex: string;
}

/**
 * Options of the `hashmod` action.
 */
export interface RelabelHashModOptions {
  /** The labels whose joined values are hashed. */
  readonly sourceLabels: string[];
  /** The modulus of the hash. */
  readonly modulus: number;
  /** The label that receives the hash modulo `modulus`. */
  readonly targetLabel: string;
  /**
   * The separator placed between the source label values.
   *
   * @default ';'
   */
  readonly separator?: string;
}

/**
 * Options of the actions that compare or transform source labels into one target label
 * (`keepequal`, `dropequal`, `lowercase`, `uppercase`).
 */
export interface RelabelTargetOptions {
  /** The labels whose values are joined with `separator`. */
  readonly sourceLabels: string[];
  /** The label to compare with or write to. */
  readonly targetLabel: string;
  /**
   * The separator placed between the source label values.
   *
   * @default ';'
   */
  readonly separator?: string;
}

/**
 * The relabel actions of Prometheus.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
 */
export enum RelabelAction {
  /** Write `replacement` to `targetLabel` when `regex` matches. */
  REPLACE = 'replace',
  /** Keep the target or series only when `regex` matches. */
  KEEP = 'keep',
  /** Drop the target or series when `regex` matches. */
  DROP = 'drop',
  /** Copy labels whose names match `regex` to new names. */
  LABEL_MAP = 'labelmap',
  /** Remove the labels whose names match `regex`. */
  LABEL_DROP = 'labeldrop',
  /** Remove the labels whose names do not match `regex`. */
  LABEL_KEEP = 'labelkeep',
  /** Set `targetLabel` to a hash of the source labels modulo `modulus`. */
  HASH_MOD = 'hashmod',
  /** Keep when the source labels equal `targetLabel`. */
  KEEP_EQUAL = 'keepequal',
  /** Drop when the source labels equal `targetLabel`. */
  DROP_EQUAL = 'dropequal',
  /** Write the lowercased source labels to `targetLabel`. */
  LOWERCASE = 'lowercase',
  /** Write the uppercased source labels to `targetLabel`. */
  UPPERCASE = 'uppercase',
}

/** @internal */
export interface RelabelFields {
  readonly sourceLabels?: string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly modulus?: number;
  readonly targetLabel?: string;
  readonly replacement?: string;
}

/**
 * One relabelling step (`relabel_configs`, `metric_relabel_configs`, `write_relabel_configs`).
 *
 * Every factory checks its regex with Go's RE2 syntax (what Prometheus uses), its label names,
 * and its replacement's group references, so a rule that Prometheus would reject or that
 * would silently write empty labels fails when it is created.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
 */
export class Relabel {
  /** Keeps only the targets (or series) whose source labels match `regex`. */
  public static keep(options: RelabelFilterOptions): Relabel {
    return Relabel.filter(RelabelAction.KEEP, 'Relabel.keep', options);
  }

  /** Drops the targets (or series) whose source labels match `regex`. */
  public static drop(options: RelabelFilterOptions): Relabel {
    return Relabel.filter(RelabelAction.DROP, 'Relabel.drop', options);
  }

  /** Writes `replacement` (with the regex's groups expanded) to `targetLabel` when `regex` matches. */
  public static replace(options: RelabelReplaceOptions): Relabel {
    const where = 'Relabel.replace';
    checkStruct(where, 'options', options, true);
    Relabel.checkSources(where, options.sourceLabels ?? [], false);
    checkString(where, 'separator', options.separator);
    const groups = options.regex === undefined ? DEFAULT_REGEX_GROUPS : checkRegex(where, 'regex', options.regex);
    checkTemplatedLabelName(where, 'targetLabel', options.targetLabel);
    checkReplacement(where, 'targetLabel', options.targetLabel, groups);
    if (options.replacement !== undefined) {
      checkReplacement(where, 'replacement', options.replacement, groups);
    }
    return new Relabel(RelabelAction.REPLACE, options);
  }

  /** Copies every label whose name matches `regex` to the name given by `replacement`. */
  public static labelMap(options: RelabelLabelMapOptions): Relabel {
    const where = 'Relabel.labelMap';
    checkStruct(where, 'options', options, true);
    const groups = checkRegex(where, 'regex', options.regex);
    checkReplacement(where, 'replacement', options.replacement ?? '$1', groups);
    return new Relabel(RelabelAction.LABEL_MAP, options);
  }

  /** Removes every label whose name matches `regex`. */
  public static labelDrop(options: RelabelLabelFilterOptions): Relabel {
    checkRegex('Relabel.labelDrop', 'regex', checkStruct('Relabel.labelDrop', 'options', options, true).regex);
    return new Relabel(RelabelAction.LABEL_DROP, options);
  }

  /** Removes every label whose name does not match `regex`. */
  public static labelKeep(options: RelabelLabelFilterOptions): Relabel {
    checkRegex('Relabel.labelKeep', 'regex', checkStruct('Relabel.labelKeep', 'options', options, true).regex);
    return new Relabel(RelabelAction.LABEL_KEEP, options);
  }

  /**
   * Sets `targetLabel` to the hash of the source labels modulo `modulus`; with a `keep` on
   * that label, this shards targets over several Prometheus servers.
   */
  public static hashMod(options: RelabelHashModOptions): Relabel {
    const where = 'Relabel.hashMod';
    checkStruct(where, 'options', options, true);
    Relabel.checkSources(where, options.sourceLabels, true);
    checkString(where, 'separator', options.separator);
    checkPositiveInteger(where, 'modulus', requireProp(where, 'modulus', options.modulus));
    checkLabelName(where, 'targetLabel', options.targetLabel);
    return new Relabel(RelabelAction.HASH_MOD, options);
  }

  /** Keeps the targets whose joined source labels equal the value of `targetLabel` (Prometheus >= 2.41). */
  public static keepEqual(options: RelabelTargetOptions): Relabel {
    return Relabel.target(RelabelAction.KEEP_EQUAL, 'Relabel.keepEqual', options);
  }

  /** Drops the targets whose joined source labels equal the value of `targetLabel` (Prometheus >= 2.41). */
  public static dropEqual(options: RelabelTargetOptions): Relabel {
    return Relabel.target(RelabelAction.DROP_EQUAL, 'Relabel.dropEqual', options);
  }

  /** Writes the lowercased joined source labels to `targetLabel` (Prometheus >= 2.36). */
  public static lowercase(options: RelabelTargetOptions): Relabel {
    return Relabel.target(RelabelAction.LOWERCASE, 'Relabel.lowercase', options);
  }

  /** Writes the uppercased joined source labels to `targetLabel` (Prometheus >= 2.36). */
  public static uppercase(options: RelabelTargetOptions): Relabel {
    return Relabel.target(RelabelAction.UPPERCASE, 'Relabel.uppercase', options);
  }

  /**
   * A rule built by the library from values it has already checked (for example a keep
   * regex joined from Service names), created without compiling the regex again.
   *
   * @internal
   */
  public static _trusted(action: RelabelAction, fields: RelabelFields): Relabel {
    return new Relabel(action, fields);
  }

  private static filter(action: RelabelAction, where: string, options: RelabelFilterOptions): Relabel {
    checkStruct(where, 'options', options, true);
    Relabel.checkSources(where, options.sourceLabels, true);
    checkString(where, 'separator', options.separator);
    checkRegex(where, 'regex', options.regex);
    return new Relabel(action, options);
  }

  private static target(action: RelabelAction, where: string, options: RelabelTargetOptions): Relabel {
    checkStruct(where, 'options', options, true);
    Relabel.checkSources(where, options.sourceLabels, true);
    checkString(where, 'separator', options.separator);
    checkLabelName(where, 'targetLabel', options.targetLabel);
    return new Relabel(action, options);
  }

  private static checkSources(where: string, sourceLabels: string[], required: boolean): void {
    checkArray(where, 'sourceLabels', required ? requireProp(where, 'sourceLabels', sourceLabels) : sourceLabels);
    if (required && sourceLabels.length === 0) {
      fail(where, 'sourceLabels', 'must name at least one label', sourceLabels);
    }
    sourceLabels.forEach((label, i) => checkLabelName(where, `sourceLabels[${i}]`, label));
  }

  /** The relabel action. */
  public readonly action: RelabelAction;
  private readonly fields: RelabelFields;

  private constructor(action: RelabelAction, fields: RelabelFields) {
    this.action = action;
    this.fields = { ...fields, sourceLabels: fields.sourceLabels ? [...fields.sourceLabels] : undefined };
  }

  /**
   * The rule's fields (camelCase, as in the prometheus-operator CRDs).
   *
   * @internal
   */
  public _fields(): RelabelFields & { action: RelabelAction } {
    return { ...this.fields, action: this.action };
  }

  /**
   * The rule as it appears in prometheus.yml (snake_case keys).
   *
   * @internal
   */
  public _render(): { [key: string]: unknown } {
    const f = this.fields;
    return compact({
      source_labels: f.sourceLabels,
      separator: f.separator,
      regex: f.regex,
      modulus: f.modulus,
      target_label: f.targetLabel,
      replacement: f.replacement,
      action: this.action,
    });
  }
}
