// The Go template check of alert labels and annotations agrees with what Debian's promtool 2.42
// refuses (`promtool check rules` parses them as Prometheus does when it loads rules).
import * as YAML from 'yaml';
import { AlertingRule } from '../../src';
import { goTemplateProblem } from '../../src/model/prometheus/go-template';
import { makeTempDir, removeTempDir, runPromtool, writeFiles } from '../harness';
import { expectError } from '../util';

const VALID = [
  'plain text, no action',
  '{{ $labels.job }} is down',
  '{{ $labels.instance }} of {{ $labels.job }} has {{ $value | humanizePercentage }} errors',
  '{{- $labels.job -}}',
  '{{ with $labels.pod }}pod {{ . }}{{ else }}no pod{{ end }}',
  '{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}medium{{ end }}',
  '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}',
  '{{ $x := "a" }}{{ $x }}',
  '{{ printf "%.2f" $value }}',
  '{{ "{{" }} literal braces',
  '{{- /* a trimmed comment */ -}}text',
  '{{/* a comment */}}text',
  '{{ humanizeDuration (index $labels "age") }}',
  '{{ with query "up" }}{{ . | first | value }}{{ end }}',
  '{{ $externalLabels.cluster }} {{ $externalURL }}',
  'a }} alone is text',
  '{{ .Labels.job }}',
  '{{ `raw {{ string` }}',
  // text/template's parser accepts these (a trailing pipe ends the pipeline; `=` declares).
  '{{ $value | }}',
  '{{ $y = 1 }}',
];
const INVALID = [
  '{{ $labels.job ',
  '{{ $labels.job }',
  '{{ }}',
  '{{ end }}',
  '{{ if $value }}open',
  '{{ else }}',
  '{{ humanise $value }}',
  '{{ $foo }}',
  '{{ "unterminated }}',
  '{{ (len $labels }}',
  '{{ len $labels) }}',
  '{{ | humanize }}',
  '{{ if }}x{{ end }}',
  '{{/* unclosed comment }}',
  '{{ /* a comment must follow the delimiter */ }}',
  '{{ $labels.job }}{{ $labels.job',
  '{{ index $labels "a }}',
  '{{ template }}',
  '{{ range $labels }}{{ end }}{{ break }}',
];

/** promtool's verdict on an alert with this annotation: true when it accepts it. */
function promtoolAccepts(templates: string[]): boolean[] {
  const dir = makeTempDir('go-template-');
  try {
    const files: Record<string, string> = {};
    templates.forEach((t, i) => {
      files[`r${i}.yml`] = YAML.stringify({ groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', annotations: { summary: t } }] }] });
    });
    writeFiles(dir, files);
    return templates.map((_, i) => runPromtool(['check', 'rules', `r${i}.yml`], dir).status === 0);
  } finally {
    removeTempDir(dir);
  }
}

test('accepts and refuses the same templates as promtool 2.42', () => {
  const all = [...VALID, ...INVALID];
  const promtool = promtoolAccepts(all);
  const ours = all.map((t) => goTemplateProblem(t) === undefined);
  expect(all.map((t, i) => [t, ours[i]])).toEqual(all.map((t, i) => [t, promtool[i]]));
  // The list has both kinds, so neither side can agree by accepting (or refusing) everything.
  expect(promtool.filter((ok) => ok)).toHaveLength(VALID.length);
});

test('an alert with an unclosed action fails with the rule, the annotation, the value and the fix', () => {
  expectError(() => new AlertingRule({ alert: 'Down', expr: 'up == 0', annotations: { summary: '{{ $labels.job ' } }),
    "AlertingRule 'Down'", "'annotations.summary'", 'unclosed action', "'{{ $labels.job '", 'Close every action with }}');
});

test('an alert label template is checked too', () => {
  expectError(() => new AlertingRule({ alert: 'Down', expr: 'up == 0', labels: { team: '{{ $labels.team' } }), "'labels.team'", 'unclosed action');
});

test('an undefined function names it', () => {
  expectError(() => new AlertingRule({ alert: 'Down', expr: 'up == 0', annotations: { v: '{{ humanise $value }}' } }), 'function "humanise" not defined');
});
