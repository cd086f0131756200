import { DatasourceRef } from './render';
import { checkBoolean, checkString, checkStruct, fail, requireProp } from '../../core/checks';
import { checkPromQL } from '../prometheus/promql';

const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

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
  public _render(datasource: DatasourceRef): { [key: string]: unknown } {
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
