// Runs a dashboard's queries in a real Prometheus as Grafana sends them. Shared by the Kuma dashboard tests.
import { Dashboard } from '../../src';
import { QuerySample, RunningPrometheus } from '../harness';

/** Variables at "All" (`.+`), `$__rate_interval` as `window` (5 scrapes of 1 s by default). */
export function asGrafanaSends(expr: string, window = '5s'): string {
  return expr.replace(/\$__rate_interval/g, window).replace(/\$\w+/g, '.+');
}

/** The series of every query of a panel, in the panel's order. */
export async function panelSeries(prometheus: RunningPrometheus, dashboard: Dashboard, panel: string): Promise<QuerySample[][]> {
  const queries = dashboard.queries.filter((q) => q.panelTitle === panel);
  expect({ panel, queries: queries.length > 0 }).toEqual({ panel, queries: true });
  const out: QuerySample[][] = [];
  for (const q of queries) out.push((await prometheus.query(asGrafanaSends(q.expr))).result);
  return out;
}

/** The value of the only series of each query of a panel. */
export async function panelValues(prometheus: RunningPrometheus, dashboard: Dashboard, panel: string): Promise<number[]> {
  const series = await panelSeries(prometheus, dashboard, panel);
  return series.map((s, i) => {
    expect({ panel, query: i, series: s.length }).toEqual({ panel, query: i, series: 1 });
    return Number(s[0].value![1]);
  });
}

/** Every query of the dashboard answers with at least one series. */
export async function expectNoEmptyPanel(prometheus: RunningPrometheus, dashboard: Dashboard): Promise<void> {
  for (const q of dashboard.queries) {
    const empty = (await prometheus.query(asGrafanaSends(q.expr))).result.length === 0;
    expect({ panel: q.panelTitle, expr: q.expr, empty }).toEqual({ panel: q.panelTitle, expr: q.expr, empty: false });
  }
}

/** `actual` within `tolerance` (relative) of `expected`; NaN expects NaN. */
export function expectNear(what: unknown, actual: number, expected: number, tolerance = 0.15): void {
  if (Number.isNaN(expected)) {
    expect({ what, actual: String(actual) }).toEqual({ what, actual: 'NaN' });
    return;
  }
  const ok = expected === 0 ? actual === 0 : Math.abs(actual - expected) <= Math.abs(expected) * tolerance;
  expect({ what, actual, expected, ok }).toEqual({ what, actual, expected, ok: true });
}

/**
 * Prometheus's histogram_quantile over cumulative buckets (`[upper bound, count]` ascending,
 * the last +Inf): linear interpolation inside the bucket the rank falls in.
 */
export function histogramQuantile(q: number, buckets: Array<[number, number]>): number {
  const total = buckets[buckets.length - 1][1];
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [upper, count] of buckets) {
    if (count >= rank) {
      if (upper === Infinity) return lower;
      return lower + (upper - lower) * (rank - below) / (count - below);
    }
    lower = upper;
    below = count;
  }
  return NaN;
}
