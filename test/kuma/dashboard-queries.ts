// Runs a dashboard's queries in a real Prometheus as Grafana sends them. Shared by the Kuma dashboard tests.
import * as YAML from 'yaml';
import { Dashboard } from '../../src';
import { QuerySample, RunningPrometheus, startMetricsServer, startPrometheus } from '../harness';
import { ClusterTraffic, ENVOY_BUCKETS, kumaDpMetrics, ProxyStats } from './envoy-exposition';
import { kumaSdScrapeJob, MadsProxy } from './mads';

/** Values picked for a dashboard's variables; the others are at "All". */
export type Picked = Record<string, string>;

/**
 * Variables as picked, the others at "All" (`.+`), `$__rate_interval` as `window` (5 scrapes of
 * 1 s by default).
 */
export function asGrafanaSends(expr: string, window = '5s', picked: Picked = {}): string {
  return expr.replace(/\$__rate_interval/g, window).replace(/\$(\w+)/g, (_, name: string) => picked[name] ?? '.+');
}

/** The series of every query of a panel, in the panel's order. */
export async function panelSeries(prometheus: RunningPrometheus, dashboard: Dashboard, panel: string, picked: Picked = {}): Promise<QuerySample[][]> {
  const queries = dashboard.queries.filter((q) => q.panelTitle === panel);
  expect({ panel, queries: queries.length > 0 }).toEqual({ panel, queries: true });
  const out: QuerySample[][] = [];
  for (const q of queries) out.push((await prometheus.query(asGrafanaSends(q.expr, '5s', picked))).result);
  return out;
}

/** The value of the only series of each query of a panel. */
export async function panelValues(prometheus: RunningPrometheus, dashboard: Dashboard, panel: string, picked: Picked = {}): Promise<number[]> {
  const series = await panelSeries(prometheus, dashboard, panel, picked);
  return series.map((s, i) => {
    expect({ panel, query: i, series: s.length }).toEqual({ panel, query: i, series: 1 });
    return Number(s[0].value![1]);
  });
}

/** Every query of the dashboard answers with at least one series. */
export async function expectNoEmptyPanel(prometheus: RunningPrometheus, dashboard: Dashboard, picked: Picked = {}): Promise<void> {
  for (const q of dashboard.queries) {
    const empty = (await prometheus.query(asGrafanaSends(q.expr, '5s', picked))).result.length === 0;
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

/** A proxy of a traffic model: what MADS tells Prometheus about it, its Envoy's stats, and whether it answers. */
export interface ModelProxy extends Omit<MadsProxy, 'address'> {
  readonly clusters: { [cluster: string]: ClusterTraffic };
  readonly stats?: ProxyStats;
  /** Its metrics cannot be scraped (the proxy is gone, or refuses Prometheus). */
  readonly unreachable?: boolean;
}

/**
 * Serves each proxy's metrics as kuma-dp does, has a real Prometheus scrape them every second
 * with `job`'s relabelling (the library's kuma_sd job) over the targets kuma_sd would give, and
 * runs `check` once every proxy has been scraped six times.
 */
export async function withScrapedProxies(job: any, proxies: ModelProxy[], check: (prometheus: RunningPrometheus) => Promise<void>): Promise<void> {
  const scrapes = proxies.map(() => 0);
  const servers = await Promise.all(proxies.map((p, i) => startMetricsServer(() => kumaDpMetrics(p.clusters, ++scrapes[i], p.stats))));
  try {
    // An unreachable proxy: a port nothing listens on any more.
    for (const [i, p] of proxies.entries()) if (p.unreachable) await servers[i].stop();
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: [kumaSdScrapeJob(job, proxies.map((p, i) => ({ ...p, address: servers[i].address })))],
    };
    const prometheus = await startPrometheus(YAML.stringify(config));
    try {
      await prometheus.waitFor(async () => proxies.every((p, i) => p.unreachable || scrapes[i] >= 6), 30_000, 'six scrapes of each proxy');
      await check(prometheus);
    } finally {
      await prometheus.stop();
    }
  } finally {
    await Promise.all(proxies.map((p, i) => (p.unreachable ? undefined : servers[i].stop())));
  }
}

/** The requests of a model's responses. */
export const requestsOf = (responses?: { [code: number]: number }) => Object.values(responses ?? {}).reduce((a, b) => a + b, 0);

/** The responses of one status class. */
export const classOf = (responses: { [code: number]: number } | undefined, cls: number) =>
  Object.entries(responses ?? {}).filter(([code]) => Math.floor(Number(code) / 100) === cls).reduce((a, [, n]) => a + n, 0);

/**
 * Cumulative buckets over Envoy's bounds of observations `[value, weight]`, as the bucket rates
 * stand to each other.
 */
export const cumulativeBuckets = (obs: Array<[number, number]>): Array<[number, number]> =>
  [...ENVOY_BUCKETS, Infinity].map((le) => [le, obs.filter(([v]) => v <= le).reduce((n, [, w]) => n + w, 0)]);

/** The sum of `f` over `items`. */
export const sumOf = <T>(items: T[], f: (item: T) => number) => items.reduce((n, item) => n + f(item), 0);

/**
 * The `q` quantile of the request times of several clusters or connection managers of a model,
 * each request weighing the same, as histogram_quantile over the sum of their buckets gives it.
 */
export function requestLatency(q: number,
  traffic: Array<{ responses?: { [code: number]: number }; requestTimeMs?: Array<[number, number]> }>): number {
  const weighted = traffic.flatMap((t) => (t.requestTimeMs ?? []).map(([ms, share]) => [ms, share * requestsOf(t.responses)] as [number, number]));
  return histogramQuantile(q, cumulativeBuckets(weighted));
}
