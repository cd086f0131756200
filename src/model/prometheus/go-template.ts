// A syntax check of Go text/template, for the templates of alert labels and annotations, which
// Prometheus parses when it loads a rule file (prometheus/prometheus v2.42.0
// model/rulefmt/rulefmt.go `testTemplateParsing`). Not exported from the package.
//
// It checks what text/template's parser refuses: unclosed actions, comments and strings,
// unbalanced parentheses, empty commands and pipes, control structures without their {{end}}
// (or an {{end}} or {{else}} without one), functions Prometheus does not define and variables
// no action declared.

/**
 * The functions of Prometheus's templates (prometheus/prometheus v3.5.0 template/template.go
 * `FuncMap`, the same names in v2.42.0) and of Go's text/template (`builtins`).
 */
const FUNCTIONS = new Set([
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper', 'toLower',
  'graphLink', 'tableLink', 'sortByLabel', 'stripPort', 'stripDomain', 'humanize', 'humanize1024', 'humanizeDuration',
  'humanizePercentage', 'humanizeTimestamp', 'toTime', 'pathPrefix', 'externalURL', 'parseDuration', 'tmpl',
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne',
]);

/** The variables Prometheus declares before an alert's templates (rulefmt.go `defs`). */
export const ALERT_TEMPLATE_VARIABLES = ['$labels', '$externalLabels', '$externalURL', '$value'];

type Token = { kind: 'word' | 'var' | 'field' | 'string' | 'number' | 'punct'; text: string };

/** The tokens of one action's text, or the reason it does not lex. */
function lex(action: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < action.length) {
    const c = action[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === '\'') {
      let j = i + 1;
      while (j < action.length && action[j] !== c) {
        if (action[j] === '\n') return 'unterminated quoted string';
        j += action[j] === '\\' ? 2 : 1;
      }
      if (j >= action.length) return c === '"' ? 'unterminated quoted string' : 'unterminated character constant';
      tokens.push({ kind: 'string', text: action.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = action.indexOf('`', i + 1);
      if (j < 0) return 'unterminated raw quoted string';
      tokens.push({ kind: 'string', text: action.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (action.startsWith(':=', i)) { tokens.push({ kind: 'punct', text: ':=' }); i += 2; continue; }
    if ('()|=,'.includes(c)) { tokens.push({ kind: 'punct', text: c }); i++; continue; }
    const m = /^(?:\$[\w]*(?:\.[\w]+)*|(?:\.[\w]+)+|\.|[+-]?(?:0x[\da-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)i?|[A-Za-z_]\w*(?:\.[\w]+)*)/.exec(action.slice(i));
    if (!m) return `unexpected ${JSON.stringify(c)} in command`;
    const text = m[0];
    const kind = text.startsWith('$') ? 'var' : text.startsWith('.') && !/^\.\d/.test(text) ? 'field' : /^[+-]?[\d.]/.test(text) ? 'number' : 'word';
    tokens.push({ kind, text });
    i += text.length;
  }
  return tokens;
}

/**
 * Why Go's text/template would refuse `text`, or undefined when it parses.
 *
 * @param predefined variables declared before the text (such as `$labels`)
 */
export function goTemplateProblem(text: string, predefined: string[] = ALERT_TEMPLATE_VARIABLES): string | undefined {
  const blocks: string[] = [];
  const scopes: Array<Set<string>> = [new Set(['$', ...predefined])];
  const declared = (name: string) => scopes.some((s) => s.has(name));
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    let start = open + 2;
    if (/^-\s/.test(text.slice(start, start + 2))) start += 2;
    // A comment: {{/* ... */}} or {{- /* ... */ -}}, with nothing else in the action.
    if (text.startsWith('/*', start)) {
      const endComment = text.indexOf('*/', start + 2);
      if (endComment < 0) return 'unclosed comment';
      const rest = text.slice(endComment + 2);
      const close = /^(?: -)?\}\}/.exec(rest);
      if (!close) return 'comment ends before closing delimiter';
      i = endComment + 2 + close[0].length;
      continue;
    }
    // The action ends at the first }} outside a quoted string.
    let j = start;
    let end = -1;
    while (j < text.length) {
      const c = text[j];
      if (c === '"' || c === '\'' || c === '`') {
        let k = j + 1;
        while (k < text.length && text[k] !== c) {
          if (c !== '`' && text[k] === '\\') k++;
          k++;
        }
        j = k + 1;
        continue;
      }
      if (text.startsWith('}}', j)) { end = j; break; }
      j++;
    }
    if (end < 0) return 'unclosed action';
    let inner = text.slice(start, end);
    if (/\s-$/.test(inner)) inner = inner.slice(0, -1);
    i = end + 2;
    const tokens = lex(inner);
    if (typeof tokens === 'string') return tokens;
    const problem = checkAction(tokens, blocks, scopes, declared);
    if (problem) return problem;
  }
  if (blocks.length > 0) return `unexpected EOF: {{${blocks[blocks.length - 1]}}} has no {{end}}`;
  return undefined;
}

function checkAction(tokens: Token[], blocks: string[], scopes: Array<Set<string>>, declared: (name: string) => boolean): string | undefined {
  if (tokens.length === 0) return 'missing value for command';
  const first = tokens[0].kind === 'word' ? tokens[0].text : undefined;
  switch (first) {
    case 'end':
      if (tokens.length > 1) return 'unexpected tokens after {{end}}';
      if (blocks.length === 0) return 'unexpected {{end}}';
      blocks.pop();
      scopes.pop();
      return undefined;
    case 'else': {
      const top = blocks[blocks.length - 1];
      if (top !== 'if' && top !== 'with' && top !== 'range') return 'unexpected {{else}}';
      if (tokens.length === 1) return undefined;
      const next = tokens[1].kind === 'word' ? tokens[1].text : '';
      if (next !== 'if' && next !== 'with') return 'unexpected tokens after {{else}}';
      return pipeline(tokens.slice(2), scopes, declared, `else ${next}`);
    }
    case 'if': case 'with': case 'range': {
      scopes.push(new Set());
      blocks.push(first);
      return pipeline(tokens.slice(1), scopes, declared, first);
    }
    case 'define': case 'block':
      if (tokens[1]?.kind !== 'string') return `{{${first}}} needs a quoted template name`;
      blocks.push(first);
      scopes.push(new Set(['$']));
      return first === 'block' ? pipeline(tokens.slice(2), scopes, declared, first) : (tokens.length > 2 ? 'unexpected tokens after {{define}} name' : undefined);
    case 'template':
      if (tokens[1]?.kind !== 'string') return '{{template}} needs a quoted template name';
      return tokens.length > 2 ? pipeline(tokens.slice(2), scopes, declared, 'template') : undefined;
    case 'break': case 'continue':
      if (!blocks.includes('range')) return `{{${first}}} outside {{range}}`;
      return tokens.length > 1 ? `unexpected tokens after {{${first}}}` : undefined;
    default:
      return pipeline(tokens, scopes, declared, undefined);
  }
}

/** Checks a pipeline: optional declarations, then commands separated by `|`. */
function pipeline(tokens: Token[], scopes: Array<Set<string>>, declared: (name: string) => boolean, context: string | undefined): string | undefined {
  let rest = tokens;
  // $x := ..., $k, $v := ... (range), $x = ...
  const assign = rest.findIndex((t) => t.kind === 'punct' && (t.text === ':=' || t.text === '='));
  if (assign > 0 && rest.slice(0, assign).every((t) => t.kind === 'var' || t.text === ',')) {
    // text/template's parser declares the variable for `=` too; only execution checks it.
    const names = rest.slice(0, assign).filter((t) => t.kind === 'var').map((t) => t.text);
    rest = rest.slice(assign + 1);
    if (rest.length === 0) return 'missing value for command';
    const problem = commands(rest, declared);
    for (const n of names) scopes[scopes.length - 1].add(n);
    return problem;
  }
  if (rest.length === 0) return context ? `missing value for ${context}` : 'missing value for command';
  return commands(rest, declared);
}

function commands(tokens: Token[], declared: (name: string) => boolean): string | undefined {
  let depth = 0;
  let commandStart = true;
  for (const t of tokens) {
    if (t.text === '(' && t.kind === 'punct') { depth++; commandStart = true; continue; }
    if (t.text === ')' && t.kind === 'punct') {
      if (commandStart) return 'missing value for command';
      if (--depth < 0) return 'unexpected right paren';
      continue;
    }
    if (t.text === '|' && t.kind === 'punct') {
      if (commandStart) return 'missing command before |';
      commandStart = true;
      continue;
    }
    if (t.kind === 'punct') return `unexpected "${t.text}" in command`;
    if (t.kind === 'var') {
      const name = t.text.split('.')[0];
      if (!declared(name)) return `undefined variable "${name}"`;
    }
    if (t.kind === 'word') {
      const word = t.text.split('.')[0];
      if (!['true', 'false', 'nil'].includes(word) && !FUNCTIONS.has(word)) return `function "${word}" not defined`;
      if (['if', 'else', 'end', 'range', 'with', 'define', 'block', 'template', 'break', 'continue'].includes(word)) return `unexpected {{${word}}} in command`;
    }
    commandStart = false;
  }
  if (depth > 0) return 'unclosed left paren';
  // A trailing | is accepted by text/template's parser (the pipeline simply ends).
  return undefined;
}
