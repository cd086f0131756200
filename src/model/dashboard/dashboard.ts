import { Duration } from 'cdk8s';
import { checkWholeSeconds, DatasourceRef, GRID_WIDTH } from './render';
import { DashboardRow } from './row';
import { DashboardVariable } from './variable';
import { checkArray, checkDuration, checkInstance, checkString, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkNonEmpty } from '../../core/formats';
import { grafanaDuration } from '../../core/uid';
import { checkPromQL } from '../prometheus/promql';

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
      checkWholeSeconds(where, prop, d);
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
    const datasource: DatasourceRef = { type: 'prometheus', uid: datasourceUid };
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
