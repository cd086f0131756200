// PromQL syntax checks with Prometheus's own grammar (@prometheus-io/lezer-promql, the parser
// of the Prometheus web UI). Not exported from the package.
//
// The grammar is error-tolerant: it always returns a tree, with error nodes where the input
// does not parse. It checks syntax only: `rate(up)` (a range function given an instant vector)
// parses, and only a real Prometheus rejects it; the tests run every generated query there.
import { fail } from '../../core/checks';
import { requireString } from '../../core/formats';

interface Node { name: string; from: number; firstChild: Node | null }
interface SyntaxNode { type: { isError: boolean }; name: string; from: number; node: Node }
interface Tree { iterate(spec: { enter(node: SyntaxNode): boolean | void }): void }

/** What `offset` and `@` may modify, in Prometheus's parser. */
const MODIFIABLE = new Set(['VectorSelector', 'MatrixSelector', 'SubqueryExpr']);
const MODIFIERS = new Set(['OffsetExpr', 'StepInvariantExpr']);
let parser: { parse(input: string): Tree } | undefined;
/** How many builds of library-written queries are under way (see `libraryQueries`). */
let libraryBuilds = 0;

/**
 * Builds rules or dashboards whose queries the library writes, without the grammar check of
 * their expressions: loading the grammar and parsing them costs more than the rest of the
 * construct that builds them. Their only user input is quoted in string literals or is a
 * checked number, and their tests parse every one (and load them into a real Prometheus).
 */
export function libraryQueries<T>(build: () => T): T {
  libraryBuilds++;
  try {
    return build();
  } finally {
    libraryBuilds--;
  }
}

/** The grammar, loaded on first use (it is large, and many apps never write a query). */
function promqlParser(): { parse(input: string): Tree } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return parser ??= (require('@prometheus-io/lezer-promql') as { parser: { parse(input: string): Tree } }).parser;
}

/**
 * Where the first syntax error of `expr` is, or undefined when it parses.
 *
 * The grammar accepts `offset` and `@` after any expression; Prometheus's parser only after a
 * selector or a subquery, each at most once (`sum(up) offset 5m` fails to load), so that is
 * checked on the tree.
 */
export function promqlSyntaxError(expr: string): number | undefined {
  let at: number | undefined;
  promqlParser().parse(expr).iterate({
    enter: (node) => {
      if (at !== undefined) return false;
      if (node.type.isError) at = node.from;
      else if (MODIFIERS.has(node.name) && !modifiesSelector(node.node)) at = node.from;
      return undefined;
    },
  });
  return at;
}

/** Whether a modifier applies to a selector or subquery, with at most one modifier of each kind. */
function modifiesSelector(modifier: Node): boolean {
  const target = modifier.firstChild;
  if (!target) return false;
  if (MODIFIABLE.has(target.name)) return true;
  return MODIFIERS.has(target.name) && target.name !== modifier.name && MODIFIABLE.has(target.firstChild?.name ?? '');
}

/**
 * Grafana's built-in interval variables, which PromQL does not know. Each is replaced by a
 * duration of the same length in characters before parsing, so error positions stay right.
 */
const GRAFANA_INTERVALS = /\$__(rate_interval|interval|range)(?![\w])|\$\{__(rate_interval|interval|range)\}/g;
/** Grafana's built-in variables that stand for a number (`$__range_s`, `$__interval_ms`). */
const GRAFANA_NUMBERS = /\$__(rate_interval_ms|interval_ms|range_s|range_ms)\b|\$\{__(rate_interval_ms|interval_ms|range_s|range_ms)\}/g;

/**
 * Fails unless `expr` is PromQL. With `grafana`, Grafana's interval variables are allowed where
 * a duration goes, and dashboard variables (`$name`) inside label-matcher strings.
 */
export function checkPromQL(where: string, prop: string, expr: string, options: { grafana?: boolean } = {}): string {
  if (requireString(where, prop, expr).trim() === '') fail(where, prop, 'must be a PromQL expression', expr);
  if (libraryBuilds > 0) return expr;
  // Same-length stand-ins keep the reported column that of the original text.
  const parsed = options.grafana
    ? expr.replace(GRAFANA_NUMBERS, (m) => '9'.repeat(m.length)).replace(GRAFANA_INTERVALS, (m) => `${'9'.repeat(m.length - 1)}s`)
    : expr;
  const at = promqlSyntaxError(parsed);
  if (at !== undefined) {
    const near = expr.length > 40 ? ` (near '${expr.slice(Math.max(0, at - 12), at + 12)}')` : '';
    const position = at >= expr.length ? 'at the end (something is missing)' : `at column ${at + 1}${near}`;
    fail(where, prop, `must be a valid PromQL expression; syntax error ${position}`, expr,
      options.grafana && /\$(?!__)/.test(expr)
        ? 'Dashboard variables ($name) can only stand inside quoted label values, such as {job=~"$job"}'
        : undefined);
  }
  return expr;
}
