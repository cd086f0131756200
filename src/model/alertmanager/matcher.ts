import { fail } from '../../core/checks';
import { checkLabelName, checkRegex } from '../prometheus/validate';

/**
 * How a `Matcher` compares a label's value.
 */
export enum MatchOperator {
  /** The value equals the given string. */
  EQUAL = '=',
  /** The value differs from the given string. */
  NOT_EQUAL = '!=',
  /** The value matches the RE2 regex (anchored at both ends). */
  REGEX = '=~',
  /** The value does not match the RE2 regex (anchored at both ends). */
  NOT_REGEX = '!~',
}

/** Characters that the UTF-8 matcher parser of Alertmanager 0.27+ reserves in unquoted values. */
const RESERVED = /[\s{}!=~,\\"'`]/;
const PARSE = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

/**
 * A label matcher of a route or an inhibit rule, such as `severity="critical"`.
 *
 * Rendered in the one form that every Alertmanager parser reads alike (the classic parser of
 * 0.25 and 0.26, and the UTF-8 and fallback parsers of 0.27 and later): `name<op>"value"`,
 * the value always double-quoted with `\`, `"` and newlines escaped, one matcher per item.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#matcher
 */
export class Matcher {
  /** The label equals `value` (`label="value"`). */
  public static equal(label: string, value: string): Matcher {
    return new Matcher('Matcher.equal', label, MatchOperator.EQUAL, value);
  }

  /** The label differs from `value` (`label!="value"`); a missing label is the empty string. */
  public static notEqual(label: string, value: string): Matcher {
    return new Matcher('Matcher.notEqual', label, MatchOperator.NOT_EQUAL, value);
  }

  /** The label matches the RE2 regex `regex`, anchored at both ends (`label=~"regex"`). */
  public static regex(label: string, regex: string): Matcher {
    return new Matcher('Matcher.regex', label, MatchOperator.REGEX, regex);
  }

  /** The label does not match the RE2 regex `regex`, anchored at both ends (`label!~"regex"`). */
  public static notRegex(label: string, regex: string): Matcher {
    return new Matcher('Matcher.notRegex', label, MatchOperator.NOT_REGEX, regex);
  }

  /**
   * One matcher in Alertmanager's text form, such as `severity="critical"`, `team=~"db|web"`
   * or `env!=prod`.
   *
   * The value may be double-quoted (escapes `\\`, `\"` and `\n` only) or, when it has none of
   * the characters the 0.27+ parser reserves (whitespace, `{}!=~,\"'` and backquotes), bare.
   */
  public static parse(text: string): Matcher {
    const where = 'Matcher.parse';
    const m = PARSE.exec(text);
    if (!m) {
      fail(where, 'text', 'must be one matcher: a label name, an operator (=, !=, =~, !~) and a value', text,
        'Write for example severity="critical"; give several matchers as separate items');
    }
    const [, label, op, raw] = m;
    let value: string;
    if (raw.startsWith('"')) {
      if (raw.length < 2 || !raw.endsWith('"')) {
        fail(where, 'text', 'must close the quoted value with a double quote', text);
      }
      value = '';
      const body = raw.slice(1, -1);
      for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === '"') fail(where, 'text', 'must escape a double quote inside the value as \\"', text);
        if (c !== '\\') {
          value += c;
          continue;
        }
        const next = body[++i];
        if (next === '\\' || next === '"') {value += next;} else if (next === 'n') {value += '\n';} else {
          fail(where, 'text', `must not use the escape '\\${next ?? ''}' (Alertmanager's parsers read it differently)`, text,
            'Double the backslash (\\\\d for the regex class \\d); only \\\\, \\" and \\n are escapes');
        }
      }
    } else {
      if (RESERVED.test(raw)) {
        fail(where, 'text', 'must quote a value that has whitespace or one of {}!=~,\\"\'` (Alertmanager 0.27 and later reject it bare)', text,
          `Write ${label}${op}"${raw.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
      }
      value = raw;
    }
    return new Matcher(where, label, op as MatchOperator, value);
  }

  /** The label name. */
  public readonly label: string;
  /** The comparison. */
  public readonly matchOperator: MatchOperator;
  /** The value, or the regex for `REGEX` and `NOT_REGEX`. */
  public readonly value: string;

  private constructor(where: string, label: string, operator: MatchOperator, value: string) {
    checkLabelName(where, 'label', label);
    if (typeof value !== 'string') fail(where, 'value', 'must be a string', value);
    if (operator === MatchOperator.REGEX || operator === MatchOperator.NOT_REGEX) checkRegex(where, 'regex', value);
    this.label = label;
    this.matchOperator = operator;
    this.value = value;
  }

  /** The matcher as Alertmanager reads it: `label="value"`. */
  public toString(): string {
    const quoted = this.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    return `${this.label}${this.matchOperator}"${quoted}"`;
  }
}
