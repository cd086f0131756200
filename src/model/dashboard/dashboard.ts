import { Duration } from 'cdk8s';
import { checkArray, checkBoolean, checkDuration, checkInstance, checkInstances, checkNumber, checkString, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkNonEmpty } from '../../core/formats';
import { grafanaDuration } from '../../core/uid';
import { checkPromQL } from '../prometheus/promql';

const PANEL_FIX = 'Use DashboardPanel.timeSeries({...}) or DashboardPanel.stat({...})';

/** Grafana lays panels out on a grid 24 units wide. */
const GRID_WIDTH = 24;
const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The unit of a panel's values, which Grafana uses to format them (`1.5 s`, `20%`, `3 MiB`).
 */
export class GrafanaUnit {
  /** A plain number, with SI-style abbreviations (`1.2K`). */
  public static readonly SHORT = new GrafanaUnit('short');
  /** No unit, no abbreviation. */
  public static readonly NONE = new GrafanaUnit('none');
  /** A percentage given as 0-100. */
  public static readonly PERCENT = new GrafanaUnit('percent');
  /** A percentage given as a ratio, 0.0-1.0. */
  public static readonly PERCENT_UNIT = new GrafanaUnit('percentunit');
  /** Seconds. */
  public static readonly SECONDS = new GrafanaUnit('s');
  /** Milliseconds. */
  public static readonly MILLISECONDS = new GrafanaUnit('ms');
  /** Bytes, in binary multiples (KiB, MiB). */
  public static readonly BYTES = new GrafanaUnit('bytes');
  /** Bytes per second. */
  public static readonly BYTES_PER_SECOND = new GrafanaUnit('Bps');
  /** Requests per second. */
  public static readonly REQUESTS_PER_SECOND = new GrafanaUnit('reqps');
  /** Operations per second. */
  public static readonly OPS_PER_SECOND = new GrafanaUnit('ops');

  /**
   * Any unit id Grafana knows, such as `decbytes` or `pps`.
   */
  public static custom(id: string): GrafanaUnit {
    checkNonEmpty('GrafanaUnit.custom', 'id', id);
    return new GrafanaUnit(id);
  }

  /** The unit id in the dashboard JSON. */
  public readonly id: string;

  private constructor(id: string) {
    this.id = id;
  }
}

/**
 * One PromQL query of a panel.
 */
export interface PanelQuery {
  /**
   * The PromQL expression. Grafana's interval variables (`$__rate_interval`, `$__interval`,
   * `$__range`) may stand where a range goes, and dashboard variables (`$job`) inside quoted
   * label values.
   */
  readonly expr: string;
  /**
   * The name of each series, with `{{label}}` placeholders (Grafana's `legendFormat`).
   *
   * @default - the series' labels
   */
  readonly legend?: string;
  /**
   * Evaluate at the end of the time range only, instead of over it.
   *
   * @default - true for stat panels, false for time series panels
   */
  readonly instant?: boolean;
}

/**
 * A threshold: from `value` up, values are shown in `color`.
 */
export interface PanelThreshold {
  /** Where the threshold starts. */
  readonly value: number;
  /** A color name Grafana knows (`green`, `orange`, `red`) or a hex color (`#ff0000`). */
  readonly color: string;
}

/**
 * Properties shared by every panel.
 */
export interface PanelProps {
  /** The title of the panel, unique within its dashboard. */
  readonly title: string;
  /**
   * What the panel shows and how to read it (the panel's info tooltip).
   *
   * @default - none
   */
  readonly description?: string;
  /** The queries, one set of series each. */
  readonly queries: PanelQuery[];
  /**
   * The unit of the values.
   *
   * @default GrafanaUnit.SHORT
   */
  readonly unit?: GrafanaUnit;
  /**
   * Color steps above the base color, in increasing order of `value`.
   *
   * @default - the base color only
   */
  readonly thresholds?: PanelThreshold[];
  /**
   * The color of values below the first threshold.
   *
   * @default 'green'
   */
  readonly baseColor?: string;
  /**
   * The lowest value of the axis or gauge.
   *
   * @default - from the data
   */
  readonly min?: number;
  /**
   * The highest value of the axis or gauge.
   *
   * @default - from the data
   */
  readonly max?: number;
  /**
   * The width on Grafana's 24-unit grid.
   *
   * @default - 12 for time series, 6 for stat panels
   */
  readonly width?: number;
  /**
   * The height in grid units (one unit is about 30 pixels).
   *
   * @default - 8 for time series, 4 for stat panels
   */
  readonly height?: number;
  /**
   * The scrape interval of the series the panel shows, when it is not the data source's (the
   * stack's): Grafana's `$__rate_interval` is at least four of it, so that rates always span
   * enough samples.
   *
   * @default - the dashboard's `minInterval`
   */
  readonly minInterval?: Duration;
}

/**
 * Properties of a time series panel.
 */
export interface TimeSeriesPanelProps extends PanelProps {
  /**
   * Stack the series on top of each other (for parts of a whole, such as requests by status).
   *
   * @default false
   */
  readonly stacked?: boolean;
}

/**
 * Properties of a stat panel, which shows the last value of each series in large type.
 */
export interface StatPanelProps extends PanelProps {
  /**
   * Color the background by threshold instead of the value's text.
   *
   * @default false
   */
  readonly colorBackground?: boolean;
}

/** Where a panel goes and what it is called, when rendered. */
interface PanelContext {
  readonly id: number;
  readonly gridPos: { x: number; y: number; w: number; h: number };
  readonly datasource: { type: string; uid: string };
  /** The dashboard's minimum interval. */
  readonly minInterval?: Duration;
}

/**
 * A panel of a dashboard: a time series or a stat panel over PromQL queries.
 */
export class DashboardPanel {
  /** A graph of series over the time range. */
  public static timeSeries(props: TimeSeriesPanelProps): DashboardPanel {
    checkBoolean('DashboardPanel.timeSeries', 'stacked', props?.stacked);
    return new DashboardPanel('timeseries', props, { width: 12, height: 8 }, (defaults, options) => {
      defaults.custom = {
        drawStyle: 'line',
        lineWidth: 1,
        fillOpacity: props.stacked ? 40 : 10,
        showPoints: 'never',
        spanNulls: false,
        stacking: { mode: props.stacked ? 'normal' : 'none', group: 'A' },
      };
      options.legend = { displayMode: 'list', placement: 'bottom', showLegend: true };
      options.tooltip = { mode: 'multi', sort: 'desc' };
    });
  }

  /** The last value of each series, large, colored by threshold. */
  public static stat(props: StatPanelProps): DashboardPanel {
    checkBoolean('DashboardPanel.stat', 'colorBackground', props?.colorBackground);
    return new DashboardPanel('stat', props, { width: 6, height: 4, instant: true }, (_defaults, options) => {
      options.reduceOptions = { calcs: ['lastNotNull'], fields: '', values: false };
      options.colorMode = props.colorBackground ? 'background' : 'value';
      // A sparkline needs a range query.
      options.graphMode = props.queries.every((q) => q.instant ?? true) ? 'none' : 'area';
      options.justifyMode = 'auto';
      options.orientation = 'auto';
      options.textMode = 'auto';
    });
  }

  /** The panel title. */
  public readonly title: string;
  /** The panel's queries. */
  public readonly queries: PanelQuery[];
  /** The width on the 24-unit grid. */
  public readonly width: number;
  /** The height in grid units. */
  public readonly height: number;

  private readonly type: string;
  private readonly props: PanelProps;
  private readonly instantByDefault: boolean;
  private readonly style: (defaults: { [key: string]: unknown }, options: { [key: string]: unknown }) => void;

  private constructor(
    type: string, props: PanelProps, defaults: { width: number; height: number; instant?: boolean },
    style: (defaults: { [key: string]: unknown }, options: { [key: string]: unknown }) => void) {
    checkStruct('DashboardPanel', 'props', props, true);
    checkNonEmpty('DashboardPanel', 'title', props.title);
    const where = `Panel '${props.title}'`;
    checkArray(where, 'queries', requireProp(where, 'queries', props.queries), (w, p, q: PanelQuery) => {
      checkStruct(w, p, q, true);
      checkString(w, `${p}.expr`, requireProp(w, `${p}.expr`, q.expr));
      checkString(w, `${p}.legend`, q.legend);
      checkBoolean(w, `${p}.instant`, q.instant);
    });
    for (const prop of ['width', 'height', 'min', 'max'] as const) checkNumber(where, prop, props[prop]);
    checkString(where, 'description', props.description);
    checkString(where, 'baseColor', props.baseColor);
    checkInstance(where, 'unit', props.unit, GrafanaUnit, 'Use a GrafanaUnit constant, such as GrafanaUnit.SECONDS, or GrafanaUnit.custom(id)');
    checkDuration(where, 'minInterval', props.minInterval);
    checkArray(where, 'thresholds', props.thresholds, (w, p, t: PanelThreshold) => checkNumber(w, `${p}.value`, checkStruct(w, p, t, true).value));
    if (props.queries.length === 0) fail(where, 'queries', 'must have at least one query', []);
    if (props.queries.length > 26) fail(where, 'queries', 'must have at most 26 queries (refIds A to Z)', props.queries.length);
    this.width = props.width ?? defaults.width;
    this.height = props.height ?? defaults.height;
    if (!Number.isInteger(this.width) || this.width < 1 || this.width > GRID_WIDTH) {
      fail(where, 'width', `must be a whole number from 1 to ${GRID_WIDTH} (the grid is ${GRID_WIDTH} units wide)`, this.width);
    }
    if (!Number.isInteger(this.height) || this.height < 1) fail(where, 'height', 'must be a positive whole number', this.height);
    if (props.minInterval && (props.minInterval.toMilliseconds() < 1000 || props.minInterval.toMilliseconds() % 1000 !== 0)) {
      fail(where, 'minInterval', 'must be a whole number of seconds, at least 1', `${props.minInterval.toMilliseconds()}ms`);
    }
    if (props.min !== undefined && props.max !== undefined && props.min >= props.max) {
      fail(where, 'max', `must be greater than min (${props.min})`, props.max);
    }
    (props.thresholds ?? []).forEach((t, i, all) => {
      checkNonEmpty(where, `thresholds[${i}].color`, t.color);
      if (i > 0 && t.value <= all[i - 1].value) {
        fail(where, `thresholds[${i}].value`, `must be greater than the previous threshold (${all[i - 1].value})`, t.value);
      }
    });
    this.type = type;
    this.props = props;
    this.title = props.title;
    this.queries = props.queries.map((q) => ({ ...q }));
    this.instantByDefault = defaults.instant ?? false;
    this.style = style;
  }

  /** @internal */
  public _isInstant(query: PanelQuery): boolean {
    return query.instant ?? this.instantByDefault;
  }

  /**
   * The panel's Grafana JSON.
   *
   * @internal
   */
  public _render(context: PanelContext): { [key: string]: unknown } {
    const p = this.props;
    const defaults: { [key: string]: unknown } = {
      unit: (p.unit ?? GrafanaUnit.SHORT).id,
      min: p.min,
      max: p.max,
      color: { mode: this.type === 'stat' ? 'thresholds' : 'palette-classic' },
      thresholds: {
        mode: 'absolute',
        steps: [{ color: p.baseColor ?? 'green', value: null }, ...(p.thresholds ?? []).map((t) => ({ color: t.color, value: t.value }))],
      },
    };
    const options: { [key: string]: unknown } = {};
    this.style(defaults, options);
    return {
      id: context.id,
      type: this.type,
      title: p.title,
      description: p.description,
      datasource: context.datasource,
      gridPos: context.gridPos,
      interval: (p.minInterval ?? context.minInterval) && grafanaDuration((p.minInterval ?? context.minInterval)!),
      fieldConfig: { defaults, overrides: [] },
      options,
      targets: this.queries.map((q, i) => {
        const instant = this._isInstant(q);
        return {
          refId: String.fromCharCode(65 + i),
          datasource: context.datasource,
          editorMode: 'code',
          expr: q.expr,
          legendFormat: q.legend ?? '__auto',
          instant,
          range: !instant,
        };
      }),
    };
  }
}

/**
 * Properties of a `DashboardRow`.
 */
export interface DashboardRowProps {
  /** The row's title. */
  readonly title: string;
  /**
   * The panels of the row, laid out left to right and wrapped at the grid's width.
   *
   * @default - none; add them with `addPanel()`
   */
  readonly panels?: DashboardPanel[];
}

/**
 * A titled row of panels.
 */
export class DashboardRow {
  /** The row's title. */
  public readonly title: string;
  private readonly _panels: DashboardPanel[] = [];

  constructor(props: DashboardRowProps) {
    checkStruct('DashboardRow', 'props', props, true);
    checkNonEmpty('DashboardRow', 'title', props.title);
    this.title = props.title;
    for (const panel of checkArray(`DashboardRow '${props.title}'`, 'panels', props.panels) ?? []) this.addPanel(panel);
  }

  /** The panels, in order. */
  public get panels(): DashboardPanel[] {
    return [...this._panels];
  }

  /** Adds panels after the existing ones. */
  public addPanel(...panels: DashboardPanel[]): void {
    checkInstances(`DashboardRow '${this.title}'`, 'panels', panels, DashboardPanel, PANEL_FIX);
    this._panels.push(...panels);
  }
}

/**
 * Options of `DashboardVariable.labelValues()`.
 */
export interface LabelValuesVariableOptions {
  /** The variable's name, used as `$name` in queries. */
  readonly name: string;
  /** The label whose values the variable offers. */
  readonly label: string;
  /**
   * A series selector that limits where the values come from, such as `up{job="weave"}`.
   *
   * @default - every series with the label
   */
  readonly selector?: string;
  /**
   * The variable's label in the dashboard.
   *
   * @default - the name
   */
  readonly title?: string;
  /**
   * Let several values be picked at once, and offer "All". Queries must then match the
   * variable with a regex matcher (`=~"$name"`).
   *
   * @default true
   */
  readonly multi?: boolean;
}

/**
 * A dashboard variable: a drop-down at the top of the dashboard whose value queries use.
 */
export class DashboardVariable {
  /**
   * The values of a label (Grafana's `label_values(selector, label)`), refreshed when the
   * time range changes.
   */
  public static labelValues(options: LabelValuesVariableOptions): DashboardVariable {
    const where = 'DashboardVariable.labelValues';
    checkStruct(where, 'options', options, true);
    checkString(where, 'name', requireProp(where, 'name', options.name));
    checkString(where, 'label', requireProp(where, 'label', options.label));
    checkString(where, 'title', options.title);
    checkBoolean(where, 'multi', options.multi);
    if (!VARIABLE_NAME.test(options.name) || options.name.startsWith('__')) {
      fail(where, 'name', 'must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __ (Grafana\'s own variables)', options.name);
    }
    if (!VARIABLE_NAME.test(options.label)) fail(where, 'label', 'must be a Prometheus label name', options.label);
    if (options.selector !== undefined) checkPromQL(`${where} '${options.name}'`, 'selector', options.selector, { grafana: true });
    return new DashboardVariable(options);
  }

  /** The variable's name. */
  public readonly name: string;
  /** @internal */
  public readonly _selector?: string;
  private readonly options: LabelValuesVariableOptions;

  private constructor(options: LabelValuesVariableOptions) {
    this.name = options.name;
    this._selector = options.selector;
    this.options = options;
  }

  /** @internal */
  public _render(datasource: { type: string; uid: string }): { [key: string]: unknown } {
    const o = this.options;
    const multi = o.multi ?? true;
    const query = o.selector ? `label_values(${o.selector}, ${o.label})` : `label_values(${o.label})`;
    return {
      name: o.name,
      label: o.title ?? o.name,
      type: 'query',
      datasource,
      definition: query,
      query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
      refresh: 2,
      sort: 1,
      multi,
      includeAll: multi,
      allValue: multi ? '.+' : undefined,
      current: {},
      hide: 0,
    };
  }
}

/**
 * Properties of a `Dashboard`.
 */
export interface DashboardProps {
  /**
   * The dashboard's identifier: its URL (`/d/<uid>`) and what provisioning matches on, so it
   * must stay the same across synths. At most 40 letters, digits, `-` and `_`.
   */
  readonly uid: string;
  /** The title. */
  readonly title: string;
  /**
   * What the dashboard is for.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Tags to find the dashboard by.
   *
   * @default - none
   */
  readonly tags?: string[];
  /**
   * How often the dashboard refreshes.
   *
   * @default Duration.seconds(30)
   */
  readonly refresh?: Duration;
  /**
   * The time range shown when the dashboard opens: from this long ago to now.
   *
   * @default Duration.hours(1)
   */
  readonly timeRange?: Duration;
  /**
   * The scrape interval of the series the dashboard shows, when it is not the data source's
   * (see `PanelProps.minInterval`); panels may set their own.
   *
   * @default - the data source's (the stack's scrape interval)
   */
  readonly minInterval?: Duration;
  /**
   * Variables the queries use (`$name`).
   *
   * @default - none
   */
  readonly variables?: DashboardVariable[];
  /**
   * The rows of panels.
   *
   * @default - none; add them with `addRow()`
   */
  readonly rows?: DashboardRow[];
}

/**
 * A query of a dashboard, with where it is.
 */
export interface DashboardQuery {
  /** The title of the panel. */
  readonly panelTitle: string;
  /** The PromQL expression, as Grafana sends it (variables not substituted). */
  readonly expr: string;
  /** Whether it is evaluated at one instant. */
  readonly instant: boolean;
  /**
   * The legend of its series.
   *
   * @default - the series' labels
   */
  readonly legend?: string;
}

/**
 * A dashboard that Grafana provisions, built only when Grafana renders it: a chart without
 * Grafana never builds it. A `Dashboard` is one; integrations build theirs from what they
 * monitor at synthesis.
 */
export interface IDashboardSource {
  /**
   * Tells this dashboard from the others of a stack: sources with the same key are one
   * dashboard (every application contributes the applications dashboard; Grafana shows it once).
   */
  readonly dashboardKey: string;
  /** Builds the dashboard. */
  produceDashboard(): Dashboard;
}

/**
 * A Grafana dashboard as code: rows of time series and stat panels over PromQL queries.
 *
 * Every query is parsed with Prometheus's PromQL grammar when its row is added, and every
 * `$variable` a query uses must be a variable of the dashboard; errors name the panel. The
 * JSON is the classic dashboard model, with every panel reading the datasource given to
 * `toJson()` (a Grafana of this library passes its provisioned Prometheus datasource).
 */
export class Dashboard implements IDashboardSource {
  /** The `schemaVersion` of the dashboard JSON this library writes (Grafana 12's classic model). */
  public static readonly SCHEMA_VERSION = 41;

  /** The dashboard's identifier. */
  public readonly uid: string;
  /** The title. */
  public readonly title: string;
  private readonly props: DashboardProps;
  private readonly variables: DashboardVariable[] = [];
  private readonly rows: DashboardRow[] = [];

  /** The dashboard's key among a stack's dashboards: its uid. */
  public get dashboardKey(): string {
    return this.uid;
  }

  constructor(props: DashboardProps) {
    checkStruct('Dashboard', 'props', props, true);
    checkString('Dashboard', 'uid', requireProp('Dashboard', 'uid', props.uid));
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(props.uid)) {
      fail('Dashboard', 'uid', 'must be 1 to 40 letters, digits, \'-\' or \'_\' (Grafana\'s limit)', props.uid);
    }
    checkNonEmpty(`Dashboard '${props.uid}'`, 'title', props.title);
    const where = `Dashboard '${props.uid}'`;
    checkString(where, 'description', props.description);
    checkStringArray(where, 'tags', props.tags);
    checkArray(where, 'variables', props.variables);
    checkArray(where, 'rows', props.rows);
    for (const [prop, d] of [['refresh', props.refresh], ['timeRange', props.timeRange], ['minInterval', props.minInterval]] as const) {
      checkDuration(where, prop, d);
      if (d && (d.toMilliseconds() < 1000 || d.toMilliseconds() % 1000 !== 0)) {
        fail(where, prop, 'must be a whole number of seconds, at least 1', `${d.toMilliseconds()}ms`);
      }
    }
    this.uid = props.uid;
    this.title = props.title;
    this.props = props;
    for (const v of props.variables ?? []) this.addVariable(v);
    for (const row of props.rows ?? []) this.addRow(row);
  }

  /** Returns this dashboard. */
  public produceDashboard(): Dashboard {
    return this;
  }

  /**
   * Adds a variable. Its selector may use the variables added before it.
   *
   * Fails if one of the same name exists.
   */
  public addVariable(variable: DashboardVariable): void {
    checkInstance(`Dashboard '${this.uid}'`, 'variable', requireProp(`Dashboard '${this.uid}'`, 'variable', variable), DashboardVariable,
      'Use DashboardVariable.labelValues({ name, label })');
    if (this.variables.some((v) => v.name === variable.name)) {
      fail(`Dashboard '${this.uid}'`, 'variables', 'must have unique names', variable.name);
    }
    if (variable._selector !== undefined) {
      this.checkVariables(`Dashboard '${this.uid}', variable '${variable.name}'`, 'selector', variable._selector);
    }
    this.variables.push(variable);
  }

  /**
   * Adds a row below the existing ones. Its queries are checked now, so add the variables they
   * use first.
   *
   * Fails on a panel title used twice in the dashboard, a query that is not PromQL, or a
   * `$variable` the dashboard does not have.
   */
  public addRow(row: DashboardRow): void {
    checkInstance(`Dashboard '${this.uid}'`, 'row', requireProp(`Dashboard '${this.uid}'`, 'row', row), DashboardRow, 'Use new DashboardRow({ title, panels })');
    this.checkPanels([...this.rows, row]);
    this.rows.push(row);
  }

  /** Every query of the dashboard, in panel order. */
  public get queries(): DashboardQuery[] {
    return this.rows.flatMap((r) => r.panels.flatMap((p) =>
      p.queries.map((q) => ({ panelTitle: p.title, expr: q.expr, instant: p._isInstant(q), legend: q.legend }))));
  }

  /**
   * The dashboard JSON (Grafana's classic model), every panel reading the Prometheus
   * datasource `datasourceUid`. Panels added to a row after the row was added are checked here.
   *
   * The result is plain JSON in Grafana's schema, which this library does not type: the
   * document to write into a dashboard file or send to Grafana's API.
   */
  public toJson(datasourceUid: string): { [key: string]: any } {
    checkString(`Dashboard '${this.uid}'`, 'datasourceUid', requireProp(`Dashboard '${this.uid}'`, 'datasourceUid', datasourceUid));
    this.checkPanels(this.rows);
    const datasource = { type: 'prometheus', uid: datasourceUid };
    const panels: Array<{ [key: string]: unknown }> = [];
    let id = 1;
    let y = 0;
    for (const row of this.rows) {
      panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 }, panels: [] });
      y += 1;
      let x = 0;
      let lineHeight = 0;
      for (const panel of row.panels) {
        if (x + panel.width > GRID_WIDTH) {
          y += lineHeight;
          x = 0;
          lineHeight = 0;
        }
        panels.push(panel._render({ id: id++, gridPos: { x, y, w: panel.width, h: panel.height }, datasource, minInterval: this.props.minInterval }));
        x += panel.width;
        lineHeight = Math.max(lineHeight, panel.height);
      }
      y += lineHeight;
    }
    return JSON.parse(JSON.stringify({
      uid: this.uid,
      title: this.title,
      description: this.props.description,
      tags: this.props.tags ?? [],
      editable: false,
      graphTooltip: 1,
      schemaVersion: Dashboard.SCHEMA_VERSION,
      version: 1,
      timezone: 'browser',
      refresh: grafanaDuration(this.props.refresh ?? Duration.seconds(30)),
      time: { from: `now-${grafanaDuration(this.props.timeRange ?? Duration.hours(1))}`, to: 'now' },
      annotations: { list: [] },
      templating: { list: this.variables.map((v) => v._render(datasource)) },
      panels,
    }));
  }

  /**
   * Checks every panel, including those added to a row after the row was added.
   *
   * @internal
   */
  public _check(): void {
    this.checkPanels(this.rows);
  }

  /** Titles unique, queries PromQL, and every `$variable` one of the dashboard's. */
  private checkPanels(rows: DashboardRow[]): void {
    const titles = new Set<string>();
    for (const panel of rows.flatMap((r) => r.panels)) {
      const where = `Dashboard '${this.uid}', panel '${panel.title}'`;
      if (titles.has(panel.title)) fail(`Dashboard '${this.uid}'`, 'panels', 'must have unique titles', panel.title);
      titles.add(panel.title);
      panel.queries.forEach((q, i) => {
        checkPromQL(where, `queries[${i}].expr`, q.expr, { grafana: true });
        this.checkVariables(where, `queries[${i}].expr`, q.expr);
      });
    }
  }

  private checkVariables(where: string, prop: string, expr: string): void {
    // `$name`, `${name}` and `${name:format}`; `$1` (a label_replace group) is not a variable.
    for (const [, braced, plain] of expr.matchAll(/\$(?:\{([A-Za-z_]\w*)(?::[^}]*)?\}|([A-Za-z_]\w*))/g)) {
      const name = braced ?? plain;
      if (!name.startsWith('__') && !this.variables.some((v) => v.name === name)) {
        fail(where, prop, `uses $${name}, which is not a variable of the dashboard`, expr,
          `Add DashboardVariable.labelValues({ name: '${name}', ... }) to the dashboard first`);
      }
    }
  }
}
