// Rule expressions are parsed with Prometheus's PromQL grammar; promtool is the real validator
// that the checker must agree with.
import * as YAML from 'yaml';
import { AlertingRule, PrometheusConfig, RecordingRule, RuleGroup } from '../../src';
import { checkRules } from '../harness';
import { expectError } from '../util';

/** A rule file with one alert per expression, written by hand (the library refuses some of them). */
const ruleFile = (exprs: string[]) =>
  YAML.stringify({ groups: [{ name: 'g', rules: exprs.map((expr, i) => ({ alert: `A${i}`, expr })) }] });
/** Whether promtool's `check rules` accepts a rule file with this single expression. */
function promtoolAccepts(expr: string): boolean {
  try {
    checkRules(ruleFile([expr]));
    return true;
  } catch (e) {
    // Only a parse error counts as a rejection: anything else is a broken harness.
    expect((e as Error).message).toContain('could not parse expression');
    return false;
  }
}
const checkerAccepts = (expr: string): boolean => {
  try {
    new AlertingRule({ alert: 'A', expr });
    return true;
  } catch (e) {
    expect((e as Error).message).toContain('\'expr\' must be a valid PromQL expression');
    return false;
  }
};

const VALID = [
  'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))',
  'up offset 5m',
  'up offset -5m',
  'topk(5, up @ end())',
  'rate(x[5m] @ start())',
  'up @ 1609746000',
  'max_over_time(rate(x[1m])[30m:1m])',
  'deriv(x[5m:])',
  'x[5m:1m] offset 5m',
  'rate(x[5m] offset 1h)',
  'sum without (instance) (up) > bool 0',
  '{__name__=~"job:.*"}',
  'count(up == 0) or vector(0)',
  'label_replace(up, "host", "$1", "instance", "(.*):.*")',
  '1 + 2 * -3 ^ 2',
  'sum(rate(a[5m])) / ignoring(code) group_left sum(rate(b[5m]))',
  'sum(up) by (job)',
  'up{job=~`a.*`, job!="b",}',
  'up # a comment',
];

/** Syntax errors, each rejected by promtool. */
const SYNTAX_ERRORS = [
  'sum(rate(x[5m])',
  'up{job="a"',
  'up offset',
  'sum by (job)',
  'up == == 1',
  'foo bar',
  'up[5m',
  'sum(up) by',
  '1 +',
  'sum(up,)',
  'x[1m:1m:1m]',
  'rate(x[1.5m])',
  'nonexistent_function(up)',
];

describe('rule expressions', () => {
  test('fail when they do not parse, naming the alerting rule', () => {
    expectError(() => new AlertingRule({ alert: 'HighErrorRate', expr: 'sum(rate(http_errors_total[5m])' }),
      'AlertingRule \'HighErrorRate\': \'expr\' must be a valid PromQL expression; syntax error at the end (something is missing), got \'sum(rate(http_errors_total[5m])\'');
  });

  test('fail when they do not parse, naming the recording rule', () => {
    expectError(() => new RecordingRule({ record: 'job:up:sum', expr: 'sum(up) by' }),
      'RecordingRule \'job:up:sum\': \'expr\' must be a valid PromQL expression; syntax error at the end (something is missing), got \'sum(up) by\'');
  });

  test('quote the text near the error in a long expression', () => {
    const expr = 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) rate(http_requests_total[5m]))';
    expectError(() => new AlertingRule({ alert: 'Ratio', expr }), 'AlertingRule \'Ratio\': \'expr\' must be a valid PromQL expression; syntax error at column', '(near \'');
  });

  test('fail when empty', () => {
    expectError(() => new AlertingRule({ alert: 'A', expr: '  ' }), 'AlertingRule \'A\': \'expr\' must be a PromQL expression, got \'  \'');
    expectError(() => new RecordingRule({ record: 'r', expr: '' }), 'RecordingRule \'r\': \'expr\' must be a PromQL expression, got \'\'');
  });

  test('do not accept Grafana\'s variables, which only a dashboard substitutes', () => {
    expectError(() => new AlertingRule({ alert: 'A', expr: 'rate(x[$__rate_interval]) > 0' }),
      'AlertingRule \'A\': \'expr\' must be a valid PromQL expression; syntax error at column 8');
  });

  test.each(VALID)('accept %s and render it unchanged', (expr) => {
    const config = new PrometheusConfig();
    config.addRuleGroup(new RuleGroup({ name: 'g', rules: [new AlertingRule({ alert: 'A', expr }), new RecordingRule({ record: 'r', expr })] }));
    const rules = config.rulesToYaml()!;
    expect(YAML.parse(rules).groups[0].rules.map((r: any) => r.expr)).toEqual([expr, expr]);
  });
});

describe('the PromQL checker agrees with promtool', () => {
  test('on valid expressions: promtool accepts the rule file the library writes', () => {
    const config = new PrometheusConfig();
    config.addRuleGroup(new RuleGroup({ name: 'g', rules: VALID.map((expr, i) => new AlertingRule({ alert: `A${i}`, expr })) }));
    expect(() => checkRules(config.rulesToYaml()!)).not.toThrow();
  });

  test.each(SYNTAX_ERRORS)('on %s: both reject it', (expr) => {
    expect({ expr, checker: checkerAccepts(expr), promtool: promtoolAccepts(expr) }).toEqual({ expr, checker: false, promtool: false });
  });

  test('every valid expression is accepted by both, one rule file each', () => {
    const verdicts = VALID.map((expr) => ({ expr, checker: checkerAccepts(expr), promtool: promtoolAccepts(expr) }));
    expect(verdicts).toEqual(VALID.map((expr) => ({ expr, checker: true, promtool: true })));
  });

  // Prometheus's parser refuses a modifier that does not follow a selector or a subquery
  // (the same in 2.42 and 3.x); a rule file with one fails to load, and Prometheus with it.
  test.each([
    'topk(5, up) @ end()',
    'sum(up) offset 5m',
    'rate(x[5m]) offset 5m',
    'up offset 1m offset 2m',
  ])('on %s, a misplaced modifier: both reject it', (expr) => {
    expect({ expr, checker: checkerAccepts(expr), promtool: promtoolAccepts(expr) }).toEqual({ expr, checker: false, promtool: false });
  });
});
