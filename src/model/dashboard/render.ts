// What the dashboard and its panels share when they are checked and rendered. Not exported from
// the package.
import { Duration } from 'cdk8s';
import { fail } from '../../core/checks';

/** Grafana lays panels out on a grid 24 units wide. */
export const GRID_WIDTH = 24;

/** The Prometheus datasource every panel and variable reads. */
export interface DatasourceRef {
  readonly type: string;
  readonly uid: string;
}

/** Where a panel goes and what it is called, when rendered. */
export interface PanelContext {
  readonly id: number;
  readonly gridPos: { x: number; y: number; w: number; h: number };
  readonly datasource: DatasourceRef;
  /** The dashboard's minimum interval. */
  readonly minInterval?: Duration;
}

/** Grafana's intervals are whole seconds. */
export function checkWholeSeconds(where: string, prop: string, d: Duration | undefined): void {
  if (d && (d.toMilliseconds() < 1000 || d.toMilliseconds() % 1000 !== 0)) {
    fail(where, prop, 'must be a whole number of seconds, at least 1', `${d.toMilliseconds()}ms`);
  }
}
