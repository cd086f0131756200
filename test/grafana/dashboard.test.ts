import { Duration } from 'cdk8s';
import {
  Dashboard, DashboardPanel, DashboardRow, DashboardVariable, GrafanaUnit, PanelQuery,
} from '../../src';
import { expectError } from '../util';

const DS = 'prom-main';
const stat = (title: string, expr = 'up', extra: Partial<Parameters<typeof DashboardPanel.stat>[0]> = {}) =>
  DashboardPanel.stat({ title, queries: [{ expr }], ...extra });
const series = (title: string, queries: PanelQuery[], extra: Partial<Parameters<typeof DashboardPanel.timeSeries>[0]> = {}) =>
  DashboardPanel.timeSeries({ title, queries, ...extra });
/** A dashboard with one row holding one panel per expression (titles P0, P1, ...). */
const withQueries = (variables: DashboardVariable[], ...exprs: string[]) => new Dashboard({
  uid: 'd',
  title: 'D',
  variables,
  rows: [new DashboardRow({ title: 'R', panels: exprs.map((expr, i) => series(`P${i}`, [{ expr }])) })],
});
const job = () => DashboardVariable.labelValues({ name: 'job', label: 'job' });
/** The non-row panels of a dashboard JSON. */
const dataPanels = (json: any) => json.panels.filter((p: any) => p.type !== 'row');
const panelTitled = (json: any, title: string) => {
  const found = json.panels.filter((p: any) => p.title === title);
  expect(found).toHaveLength(1);
  return found[0];
};

/** Two rows: three panels that wrap in the first, a full-width panel in the second. */
function sample(): Dashboard {
  return new Dashboard({
    uid: 'weave-net-overview',
    title: 'Weave Net',
    description: 'Routers and IPAM.',
    tags: ['weave', 'network'],
    variables: [DashboardVariable.labelValues({ name: 'instance', label: 'instance', selector: 'up{job="weave"}' })],
    rows: [
      new DashboardRow({
        title: 'Traffic',
        panels: [
          series('Bytes in', [{ expr: 'sum(rate(weave_bytes_total{instance=~"$instance"}[$__rate_interval]))', legend: 'in' }],
            { unit: GrafanaUnit.BYTES_PER_SECOND }),
          series('Requests by code', [
            { expr: 'sum by (code) (rate(http_requests_total[5m]))', legend: '{{code}}' },
            { expr: 'sum(rate(http_requests_total[5m]))', legend: 'total' },
            { expr: 'sum(http_requests_in_flight)', instant: true },
          ], { stacked: true }),
          stat('Peers', 'sum(weave_connections)'),
        ],
      }),
      new DashboardRow({
        title: 'IPAM',
        panels: [stat('Unreachable space', 'max(weave_ipam_unreachable_percentage)', {
          width: 24,
          unit: GrafanaUnit.PERCENT,
          baseColor: 'blue',
          thresholds: [{ value: 10, color: 'orange' }, { value: 50, color: '#ff0000' }],
          min: 0,
          max: 100,
          colorBackground: true,
          description: 'Share of the address space owned by unreachable peers.',
        })],
      }),
    ],
  });
}

describe('dashboard JSON', () => {
  test('has the uid, title, schema version and defaults Grafana needs', () => {
    const json = sample().toJson(DS);
    expect(Dashboard.SCHEMA_VERSION).toBe(41);
    expect(json).toMatchObject({
      uid: 'weave-net-overview',
      title: 'Weave Net',
      description: 'Routers and IPAM.',
      tags: ['weave', 'network'],
      schemaVersion: Dashboard.SCHEMA_VERSION,
      editable: false,
      refresh: '30s',
      time: { from: 'now-1h', to: 'now' },
    });
  });

  test('numbers the panels from 1 in order, with a row panel before each row\'s panels', () => {
    const json = sample().toJson(DS);
    expect(json.panels.map((p: any) => [p.id, p.type, p.title])).toEqual([
      [1, 'row', 'Traffic'],
      [2, 'timeseries', 'Bytes in'],
      [3, 'timeseries', 'Requests by code'],
      [4, 'stat', 'Peers'],
      [5, 'row', 'IPAM'],
      [6, 'stat', 'Unreachable space'],
    ]);
    expect(panelTitled(json, 'Traffic')).toEqual({
      id: 1, type: 'row', title: 'Traffic', collapsed: false, gridPos: { x: 0, y: 0, w: 24, h: 1 }, panels: [],
    });
  });

  test('lays panels out left to right and wraps them at 24 columns', () => {
    const json = sample().toJson(DS);
    expect(json.panels.map((p: any) => [p.title, p.gridPos])).toEqual([
      ['Traffic', { x: 0, y: 0, w: 24, h: 1 }],
      ['Bytes in', { x: 0, y: 1, w: 12, h: 8 }],
      ['Requests by code', { x: 12, y: 1, w: 12, h: 8 }],
      // 12 + 12 + 6 > 24: the stat panel starts a new line below the tallest panel of the first.
      ['Peers', { x: 0, y: 9, w: 6, h: 4 }],
      ['IPAM', { x: 0, y: 13, w: 24, h: 1 }],
      ['Unreachable space', { x: 0, y: 14, w: 24, h: 4 }],
    ]);
  });

  test('never overlaps panels nor lets them overflow the grid', () => {
    const panels = [stat('a', 'up', { width: 7 }), series('b', [{ expr: 'up' }], { width: 20, height: 3 }),
      stat('c', 'up', { width: 17 }), stat('d', 'up', { width: 8, height: 9 }), series('e', [{ expr: 'up' }], { width: 24 })];
    const json = new Dashboard({
      uid: 'grid',
      title: 'Grid',
      rows: [new DashboardRow({ title: 'r1', panels: panels.slice(0, 3) }),
        new DashboardRow({ title: 'r2', panels: panels.slice(3) })],
    }).toJson(DS);
    const boxes = json.panels.map((p: any) => p.gridPos);
    for (const b of boxes) expect(b.x + b.w).toBeLessThanOrEqual(24);
    boxes.forEach((a: any, i: number) => boxes.slice(i + 1).forEach((b: any) => {
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      expect({ a, b, overlap }).toEqual({ a, b, overlap: false });
    }));
  });

  test('points every panel and every query at the given Prometheus datasource', () => {
    const json = sample().toJson(DS);
    const datasource = { type: 'prometheus', uid: DS };
    const panels = dataPanels(json);
    expect(panels).toHaveLength(4);
    for (const p of panels) {
      expect(p.datasource).toEqual(datasource);
      for (const t of p.targets) expect(t.datasource).toEqual(datasource);
    }
    expect(json.templating.list.map((v: any) => v.datasource)).toEqual([datasource]);
    expect(JSON.stringify(sample().toJson('other'))).not.toContain(DS);
  });

  test('gives the queries of a panel refIds A, B, C... in order', () => {
    const p = panelTitled(sample().toJson(DS), 'Requests by code');
    expect(p.targets.map((t: any) => [t.refId, t.expr, t.legendFormat])).toEqual([
      ['A', 'sum by (code) (rate(http_requests_total[5m]))', '{{code}}'],
      ['B', 'sum(rate(http_requests_total[5m]))', 'total'],
      ['C', 'sum(http_requests_in_flight)', '__auto'],
    ]);
  });

  test('allows 26 queries, A to Z', () => {
    const queries = Array.from({ length: 26 }, (_, i) => ({ expr: `up{n="${i}"}` }));
    const d = new Dashboard({ uid: 'many', title: 'Many', rows: [new DashboardRow({ title: 'r', panels: [series('all', queries)] })] });
    const refIds = panelTitled(d.toJson(DS), 'all').targets.map((t: any) => t.refId);
    expect(refIds[0]).toBe('A');
    expect(refIds[25]).toBe('Z');
  });

  test('evaluates stat queries at an instant and time series over the range, unless told', () => {
    const json = sample().toJson(DS);
    const modes = (title: string) => panelTitled(json, title).targets.map((t: any) => [t.instant, t.range]);
    expect(modes('Peers')).toEqual([[true, false]]);
    expect(modes('Bytes in')).toEqual([[false, true]]);
    expect(modes('Requests by code')).toEqual([[false, true], [false, true], [true, false]]);
    const ranged = DashboardPanel.stat({ title: 'ranged', queries: [{ expr: 'up', instant: false }] });
    const d = new Dashboard({ uid: 'x', title: 'X', rows: [new DashboardRow({ title: 'r', panels: [ranged] })] });
    expect(panelTitled(d.toJson(DS), 'ranged').targets[0]).toMatchObject({ instant: false, range: true });
  });

  test('renders units, thresholds, base color, min and max', () => {
    const json = sample().toJson(DS);
    const unreachable = panelTitled(json, 'Unreachable space');
    expect(unreachable.fieldConfig.defaults).toEqual({
      unit: 'percent',
      min: 0,
      max: 100,
      color: { mode: 'thresholds' },
      thresholds: {
        mode: 'absolute',
        steps: [{ color: 'blue', value: null }, { color: 'orange', value: 10 }, { color: '#ff0000', value: 50 }],
      },
    });
    expect(unreachable.description).toBe('Share of the address space owned by unreachable peers.');
    expect(unreachable.options.colorMode).toBe('background');
    expect(panelTitled(json, 'Bytes in').fieldConfig.defaults.unit).toBe('Bps');
    // The defaults: SHORT, and green as the only step.
    const peers = panelTitled(json, 'Peers');
    expect(peers.fieldConfig.defaults.unit).toBe('short');
    expect(peers.fieldConfig.defaults.thresholds.steps).toEqual([{ color: 'green', value: null }]);
    expect(peers.options.colorMode).toBe('value');
    expect(peers.fieldConfig.defaults).not.toHaveProperty('min');
  });

  test('renders each unit constant and custom units by id', () => {
    expect([GrafanaUnit.SHORT, GrafanaUnit.NONE, GrafanaUnit.PERCENT, GrafanaUnit.PERCENT_UNIT, GrafanaUnit.SECONDS,
      GrafanaUnit.MILLISECONDS, GrafanaUnit.BYTES, GrafanaUnit.BYTES_PER_SECOND, GrafanaUnit.REQUESTS_PER_SECOND,
      GrafanaUnit.OPS_PER_SECOND, GrafanaUnit.custom('decbytes')].map((u) => u.id))
      .toEqual(['short', 'none', 'percent', 'percentunit', 's', 'ms', 'bytes', 'Bps', 'reqps', 'ops', 'decbytes']);
  });

  test('stacks time series when asked', () => {
    const json = sample().toJson(DS);
    expect(panelTitled(json, 'Requests by code').fieldConfig.defaults.custom.stacking).toEqual({ mode: 'normal', group: 'A' });
    expect(panelTitled(json, 'Bytes in').fieldConfig.defaults.custom.stacking).toEqual({ mode: 'none', group: 'A' });
  });

  test('renders label_values variables, multi-valued with "All" by default', () => {
    const d = new Dashboard({
      uid: 'vars',
      title: 'Vars',
      variables: [
        DashboardVariable.labelValues({ name: 'instance', label: 'instance', selector: 'up{job="weave"}', title: 'Router' }),
        DashboardVariable.labelValues({ name: 'job', label: 'job', multi: false }),
      ],
    });
    expect(d.toJson(DS).templating.list).toEqual([
      {
        name: 'instance',
        label: 'Router',
        type: 'query',
        datasource: { type: 'prometheus', uid: DS },
        definition: 'label_values(up{job="weave"}, instance)',
        query: { query: 'label_values(up{job="weave"}, instance)', refId: 'PrometheusVariableQueryEditor-VariableQuery' },
        refresh: 2,
        sort: 1,
        multi: true,
        includeAll: true,
        allValue: '.+',
        current: {},
        hide: 0,
      },
      {
        name: 'job',
        label: 'job',
        type: 'query',
        datasource: { type: 'prometheus', uid: DS },
        definition: 'label_values(job)',
        query: { query: 'label_values(job)', refId: 'PrometheusVariableQueryEditor-VariableQuery' },
        refresh: 2,
        sort: 1,
        multi: false,
        includeAll: false,
        current: {},
        hide: 0,
      },
    ]);
  });

  test('renders refresh and time range from Durations', () => {
    const json = new Dashboard({ uid: 'd', title: 'D', refresh: Duration.minutes(1), timeRange: Duration.hours(6) }).toJson(DS);
    expect(json.refresh).toBe('1m');
    expect(json.time).toEqual({ from: 'now-6h', to: 'now' });
  });

  test('writes a time range Grafana can parse when it is not a whole number of one unit', () => {
    // Grafana's date math takes one number and unit per step: `now-90m` or `now-1h-30m`, never `now-1h30m`.
    const from = new Dashboard({ uid: 'd', title: 'D', timeRange: Duration.minutes(90) }).toJson(DS).time.from;
    expect(from).toMatch(/^now(-\d+[smhdwMy])+$/);
  });

  test('is plain JSON: no undefined fields, and the same on every call', () => {
    const d = sample();
    const text = JSON.stringify(d.toJson(DS));
    expect(JSON.stringify(d.toJson(DS))).toBe(text);
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
    expect(panelTitled(d.toJson(DS), 'Peers')).not.toHaveProperty('description');
  });

  test('lists every query with its panel and evaluation mode', () => {
    expect(sample().queries).toEqual([
      { panelTitle: 'Bytes in', expr: 'sum(rate(weave_bytes_total{instance=~"$instance"}[$__rate_interval]))', instant: false, legend: 'in' },
      { panelTitle: 'Requests by code', expr: 'sum by (code) (rate(http_requests_total[5m]))', instant: false, legend: '{{code}}' },
      { panelTitle: 'Requests by code', expr: 'sum(rate(http_requests_total[5m]))', instant: false, legend: 'total' },
      { panelTitle: 'Requests by code', expr: 'sum(http_requests_in_flight)', instant: true },
      { panelTitle: 'Peers', expr: 'sum(weave_connections)', instant: true },
      { panelTitle: 'Unreachable space', expr: 'max(weave_ipam_unreachable_percentage)', instant: true },
    ]);
  });

  test('addRow and addVariable append after the props\' rows and variables', () => {
    const d = new Dashboard({ uid: 'd', title: 'D', rows: [new DashboardRow({ title: 'first', panels: [stat('a')] })] });
    d.addVariable(job());
    d.addRow(new DashboardRow({ title: 'second', panels: [stat('b', 'up{job=~"$job"}')] }));
    const json = d.toJson(DS);
    expect(json.panels.map((p: any) => p.title)).toEqual(['first', 'a', 'second', 'b']);
    expect(json.templating.list.map((v: any) => v.name)).toEqual(['job']);
  });

  test('a row\'s panels getter returns a copy; addPanel appends', () => {
    const row = new DashboardRow({ title: 'r', panels: [stat('a')] });
    row.panels.pop();
    expect(row.panels.map((p) => p.title)).toEqual(['a']);
    row.addPanel(stat('b'), stat('c'));
    expect(row.panels.map((p) => p.title)).toEqual(['a', 'b', 'c']);
  });

  test('panels default to 12x8 for time series and 6x4 for stats', () => {
    expect([series('t', [{ expr: 'up' }]), stat('s')].map((p) => [p.width, p.height])).toEqual([[12, 8], [6, 4]]);
  });
});

describe('minimum interval', () => {
  test('a job scraped at its own interval sets the panels\' interval, which $__rate_interval is four of at least', () => {
    const json = new Dashboard({
      uid: 'd',
      title: 'D',
      minInterval: Duration.minutes(1),
      rows: [new DashboardRow({
        title: 'R',
        panels: [
          DashboardPanel.timeSeries({ title: 'Inherits', queries: [{ expr: 'rate(x_total[$__rate_interval])' }] }),
          DashboardPanel.timeSeries({ title: 'Own', minInterval: Duration.seconds(90), queries: [{ expr: 'up' }] }),
        ],
      })],
    }).toJson(DS);
    expect(json.panels.filter((p: any) => p.type !== 'row').map((p: any) => [p.title, p.interval])).toEqual([['Inherits', '1m'], ['Own', '90s']]);
    const plain = new Dashboard({ uid: 'e', title: 'E', rows: [new DashboardRow({ title: 'R', panels: [DashboardPanel.stat({ title: 'S', queries: [{ expr: 'up' }] })] })] });
    expect(plain.toJson(DS).panels[1].interval).toBeUndefined();
    expectError(() => DashboardPanel.stat({ title: 'S', minInterval: Duration.millis(500), queries: [{ expr: 'up' }] }),
      'Panel \'S\': \'minInterval\' must be a whole number of seconds, at least 1, got \'500ms\'');
  });
});

describe('queries', () => {
  test('accept Grafana\'s interval variables where a range goes', () => {
    const d = withQueries([], 'rate(up[$__rate_interval])', 'rate(up[${__interval}])', 'increase(up[$__range])',
      'max_over_time(up[$__range:$__interval])');
    expect(d.queries).toHaveLength(4);
  });

  test('accept declared variables in quoted label values, plain or braced', () => {
    const d = withQueries([job()], 'up{job=~"$job"}', 'up{job=~"${job}"}');
    expect(d.queries.map((q) => q.expr)).toEqual(['up{job=~"$job"}', 'up{job=~"${job}"}']);
  });

  test('accept the group references of label_replace, which are not dashboard variables', () => {
    // $1 is label_replace's first capture group; Grafana variable names cannot start with a digit.
    const d = withQueries([], 'label_replace(up, "host", "$1", "instance", "(.*):\\\\d+")');
    expect(d.queries).toHaveLength(1);
  });

  test('are checked in a variable\'s selector too', () => {
    expectError(() => DashboardVariable.labelValues({ name: 'instance', label: 'instance', selector: 'up{job="weave"' }),
      'DashboardVariable.labelValues \'instance\': \'selector\' must be a valid PromQL expression; syntax error at the end (something is missing), got \'up{job="weave"\'');
  });
});

describe('fails', () => {
  test('on a uid longer than Grafana\'s 40 characters', () => {
    expect(new Dashboard({ uid: 'a'.repeat(40), title: 'ok' }).uid).toHaveLength(40);
    expectError(() => new Dashboard({ uid: 'a'.repeat(41), title: 'x' }),
      `Dashboard: 'uid' must be 1 to 40 letters, digits, '-' or '_' (Grafana's limit), got '${'a'.repeat(41)}'`);
  });

  test('on a uid with other characters', () => {
    expectError(() => new Dashboard({ uid: 'weave net', title: 'x' }),
      'Dashboard: \'uid\' must be 1 to 40 letters, digits, \'-\' or \'_\' (Grafana\'s limit), got \'weave net\'');
    expectError(() => new Dashboard({ uid: 'a/b', title: 'x' }), '\'uid\'', 'got \'a/b\'');
    expectError(() => new Dashboard({ uid: '', title: 'x' }), '\'uid\'', 'got \'\'');
  });

  test('on an empty title', () => {
    expectError(() => new Dashboard({ uid: 'd', title: ' ' }), 'Dashboard \'d\': \'title\' must not be empty, got \' \'');
  });

  test('on a query that is not PromQL, naming the dashboard and the panel', () => {
    expectError(() => withQueries([], 'up', 'sum(rate(up[5m])'),
      'Dashboard \'d\', panel \'P1\': \'queries[0].expr\' must be a valid PromQL expression; syntax error at the end (something is missing), got \'sum(rate(up[5m])\'');
  });

  test('on a later query of a panel, naming its index', () => {
    const panel = series('Errors', [{ expr: 'up' }, { expr: 'up{job="a"' }]);
    expectError(() => new Dashboard({ uid: 'd', title: 'D', rows: [new DashboardRow({ title: 'r', panels: [panel] })] }),
      'Dashboard \'d\', panel \'Errors\': \'queries[1].expr\' must be a valid PromQL expression');
  });

  test('on an empty query', () => {
    expectError(() => withQueries([], ' '), 'Dashboard \'d\', panel \'P0\': \'queries[0].expr\' must be a PromQL expression, got \' \'');
  });

  test('on a $variable the dashboard does not declare', () => {
    expectError(() => withQueries([], 'up{job=~"$job"}'),
      'Dashboard \'d\', panel \'P0\': \'queries[0].expr\' uses $job, which is not a variable of the dashboard, got \'up{job=~"$job"}\'. '
      + 'Add DashboardVariable.labelValues({ name: \'job\', ... }) to the dashboard first');
    expectError(() => withQueries([job()], 'up{instance=~"${instance}"}'), 'uses $instance, which is not a variable of the dashboard');
  });

  test('on a $variable added after the row that uses it', () => {
    const d = new Dashboard({ uid: 'd', title: 'D' });
    expectError(() => d.addRow(new DashboardRow({ title: 'r', panels: [stat('a', 'up{job=~"$job"}')] })), 'uses $job');
  });

  test('on an undeclared variable with a format (${name:regex})', () => {
    expectError(() => withQueries([], 'up{job=~"${job:regex}"}'), 'panel \'P0\'', 'job');
  });

  test('on a panel with an undeclared variable added to a row already in the dashboard', () => {
    const row = new DashboardRow({ title: 'r', panels: [stat('a')] });
    const d = new Dashboard({ uid: 'd', title: 'D', rows: [row] });
    expectError(() => {
      row.addPanel(stat('late', 'up{job=~"$nope"}'));
      d.toJson(DS);
    }, 'panel \'late\'', '$nope');
  });

  test('on a variable\'s selector using a variable the dashboard does not declare', () => {
    const instance = DashboardVariable.labelValues({ name: 'instance', label: 'instance', selector: 'up{job=~"$job"}' });
    expectError(() => new Dashboard({ uid: 'd', title: 'D', variables: [instance] }), '$job');
  });

  test('on a $variable where a range goes, with the fix', () => {
    const w = DashboardVariable.labelValues({ name: 'w', label: 'window' });
    expectError(() => withQueries([w], 'rate(up[$w])'),
      'Dashboard \'d\', panel \'P0\': \'queries[0].expr\' must be a valid PromQL expression; syntax error at column 9, got \'rate(up[$w])\'. '
      + 'Dashboard variables ($name) can only stand inside quoted label values, such as {job=~"$job"}');
  });

  test('on an unquoted $variable as a label value', () => {
    expectError(() => withQueries([job()], 'up{job=$job}'), 'must be a valid PromQL expression', 'Dashboard variables ($name) can only stand inside quoted label values');
  });

  test('on a panel title used twice in a dashboard, across rows or within one', () => {
    expectError(() => new Dashboard({
      uid: 'd',
      title: 'D',
      rows: [new DashboardRow({ title: 'r1', panels: [stat('Up')] }),
        new DashboardRow({ title: 'r2', panels: [stat('Up')] })],
    }), 'Dashboard \'d\': \'panels\' must have unique titles, got \'Up\'');
    expectError(() => new Dashboard({ uid: 'd', title: 'D', rows: [new DashboardRow({ title: 'r', panels: [stat('Up'), stat('Up')] })] }),
      'Dashboard \'d\': \'panels\' must have unique titles, got \'Up\'');
  });

  test('on a width of 0 or 25, or not whole', () => {
    expectError(() => stat('w', 'up', { width: 0 }), 'Panel \'w\': \'width\' must be a whole number from 1 to 24 (the grid is 24 units wide), got 0');
    expectError(() => stat('w', 'up', { width: 25 }), 'Panel \'w\': \'width\' must be a whole number from 1 to 24 (the grid is 24 units wide), got 25');
    expectError(() => stat('w', 'up', { width: 6.5 }), '\'width\'', 'got 6.5');
    expect(stat('w', 'up', { width: 24 }).width).toBe(24);
  });

  test('on a height that is not a positive whole number', () => {
    expectError(() => series('h', [{ expr: 'up' }], { height: 0 }), 'Panel \'h\': \'height\' must be a positive whole number, got 0');
  });

  test('on thresholds that do not increase', () => {
    expectError(() => stat('t', 'up', { thresholds: [{ value: 5, color: 'orange' }, { value: 5, color: 'red' }] }),
      'Panel \'t\': \'thresholds[1].value\' must be greater than the previous threshold (5), got 5');
    expectError(() => stat('t', 'up', { thresholds: [{ value: 5, color: 'orange' }, { value: 1, color: 'red' }] }),
      '\'thresholds[1].value\' must be greater than the previous threshold (5), got 1');
  });

  test('on a threshold without a color', () => {
    expectError(() => stat('t', 'up', { thresholds: [{ value: 5, color: '' }] }), 'Panel \'t\': \'thresholds[0].color\' must not be empty');
  });

  test('on max not above min', () => {
    expectError(() => stat('m', 'up', { min: 1, max: 1 }), 'Panel \'m\': \'max\' must be greater than min (1), got 1');
  });

  test('on a panel without queries, or with more than 26', () => {
    expectError(() => DashboardPanel.stat({ title: 'none', queries: [] }), 'Panel \'none\': \'queries\' must have at least one query, got []');
    const queries = Array.from({ length: 27 }, () => ({ expr: 'up' }));
    expectError(() => series('many', queries), 'Panel \'many\': \'queries\' must have at most 26 queries (refIds A to Z), got 27');
  });

  test('on an empty panel or row title', () => {
    expectError(() => stat(''), 'DashboardPanel: \'title\' must not be empty');
    expectError(() => new DashboardRow({ title: ' ' }), 'DashboardRow: \'title\' must not be empty');
  });

  test('on two variables of the same name', () => {
    expectError(() => new Dashboard({ uid: 'd', title: 'D', variables: [job(), DashboardVariable.labelValues({ name: 'job', label: 'service' })] }),
      'Dashboard \'d\': \'variables\' must have unique names, got \'job\'');
    const d = new Dashboard({ uid: 'd', title: 'D', variables: [job()] });
    expectError(() => d.addVariable(job()), 'Dashboard \'d\': \'variables\' must have unique names, got \'job\'');
  });

  test('on a variable name Grafana reserves or cannot use', () => {
    expectError(() => DashboardVariable.labelValues({ name: '__rate_interval', label: 'job' }),
      'DashboardVariable.labelValues: \'name\' must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __ (Grafana\'s own variables), got \'__rate_interval\'');
    expectError(() => DashboardVariable.labelValues({ name: 'my-job', label: 'job' }), '\'name\'', 'got \'my-job\'');
    expectError(() => DashboardVariable.labelValues({ name: 'job', label: 'job-name' }),
      'DashboardVariable.labelValues: \'label\' must be a Prometheus label name, got \'job-name\'');
  });

  test('on a refresh or time range that is not a positive whole number of seconds', () => {
    expectError(() => new Dashboard({ uid: 'd', title: 'D', refresh: Duration.seconds(0) }),
      'Dashboard \'d\': \'refresh\' must be a whole number of seconds, at least 1, got \'0ms\'');
    expectError(() => new Dashboard({ uid: 'd', title: 'D', timeRange: Duration.millis(1500) }),
      'Dashboard \'d\': \'timeRange\' must be a whole number of seconds, at least 1, got \'1500ms\'');
  });

  test('on an empty custom unit', () => {
    expectError(() => GrafanaUnit.custom(''), 'GrafanaUnit.custom: \'id\' must not be empty');
  });
});
