import { Duration } from 'cdk8s';
import { renderRouteOptions } from './internal';
import { Matcher } from './matcher';
import { checkArray, checkBoolean, checkStringArray, checkStruct, fail } from '../../core/checks';
import { checkNonEmpty, compact } from '../../core/formats';

/** The timing and grouping a route sets for the alert groups it makes (children inherit them). */
export interface RouteOptions {
  /**
   * The labels that split alerts into groups (one notification per group); `['...']` groups
   * by every label.
   *
   * @default - the parent's grouping
   */
  readonly groupBy?: string[];
  /**
   * How long a new group waits for more alerts before its first notification.
   *
   * @default - the parent's (30s at the root)
   */
  readonly groupWait?: Duration;
  /**
   * How long to wait before notifying about alerts added to a group already notified.
   *
   * @default - the parent's (5m at the root)
   */
  readonly groupInterval?: Duration;
  /**
   * How long to wait before repeating a notification that is still true.
   *
   * @default - the parent's (12h at the root)
   */
  readonly repeatInterval?: Duration;
}

/**
 * Properties of a `Route`.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#route
 */
export interface RouteProps extends RouteOptions {
  /**
   * The receiver of the alerts this route takes.
   *
   * @default - the parent's receiver
   */
  readonly receiver?: string;
  /**
   * The alerts the route takes: those that match every matcher.
   *
   * @default - every alert that reaches it
   */
  readonly matchers?: Matcher[];
  /**
   * Whether alerts this route takes go on to the next sibling routes too (`continue`).
   *
   * @default false
   */
  readonly continueMatching?: boolean;
  /**
   * Names of time intervals during which the route sends nothing.
   *
   * @default - none
   */
  readonly muteTimeIntervals?: string[];
  /**
   * Names of time intervals outside which the route sends nothing.
   *
   * @default - always active
   */
  readonly activeTimeIntervals?: string[];
  /**
   * Child routes, tried in order; more can be added with `addRoute()`.
   *
   * @default - none
   */
  readonly routes?: Route[];
}

/**
 * A node of the routing tree: which alerts it takes, whom they go to, and how they are grouped.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#route
 */
export class Route {
  private readonly props: RouteProps;
  private readonly own: { [key: string]: unknown };
  private readonly children: Route[] = [];

  constructor(props: RouteProps = {}) {
    const where = 'Route';
    checkStruct(where, 'props', props);
    checkArray(where, 'matchers', props.matchers);
    checkArray(where, 'routes', props.routes);
    checkStringArray(where, 'muteTimeIntervals', props.muteTimeIntervals);
    checkStringArray(where, 'activeTimeIntervals', props.activeTimeIntervals);
    checkBoolean(where, 'continueMatching', props.continueMatching);
    (props.matchers ?? []).forEach((m, i) => {
      if (!(m instanceof Matcher)) fail(where, `matchers[${i}]`, 'must be a Matcher', m, 'Use Matcher.equal() or Matcher.parse()');
    });
    if (props.receiver !== undefined) checkNonEmpty(where, 'receiver', props.receiver);
    this.props = props;
    this.own = {
      receiver: props.receiver,
      matchers: props.matchers?.map((m) => m.toString()),
      continue: props.continueMatching || undefined,
      ...renderRouteOptions(where, props),
      mute_time_intervals: props.muteTimeIntervals,
      active_time_intervals: props.activeTimeIntervals,
    };
    this.addRoute(...props.routes ?? []);
  }

  /** Appends child routes. */
  public addRoute(...routes: Route[]): void {
    routes.forEach((r, i) => {
      if (!(r instanceof Route)) fail('Route', `routes[${i}]`, 'must be a Route', r, 'Use new Route({ matchers, receiver })');
    });
    this.children.push(...routes);
  }

  /** The child routes (a copy). */
  public get routes(): Route[] {
    return [...this.children];
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    return compact({ ...this.own, routes: this.children.map((r) => r._render()) });
  }

  /**
   * The names this route and its children refer to, with the path of each reference below `at`
   * (such as `route.routes[2].receiver`).
   *
   * @internal
   */
  public _references(at: string): Array<{ prop: string; kind: 'receiver' | 'time interval'; name: string }> {
    const p = this.props;
    return [
      ...p.receiver !== undefined ? [{ prop: `${at}.receiver`, kind: 'receiver' as const, name: p.receiver }] : [],
      ...(p.muteTimeIntervals ?? []).map((name, i) => ({ prop: `${at}.muteTimeIntervals[${i}]`, kind: 'time interval' as const, name })),
      ...(p.activeTimeIntervals ?? []).map((name, i) => ({ prop: `${at}.activeTimeIntervals[${i}]`, kind: 'time interval' as const, name })),
      ...this.children.flatMap((r, i) => r._references(`${at}.routes[${i}]`)),
    ];
  }
}
