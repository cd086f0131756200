// The series a Weave Net 2.8.1 router exposes for its peer connections, built the way its
// collector builds them, for alert and dashboard tests.
//
// from weaveworks/weave v2.8.1 prog/weaver/metrics.go lines 45-70 (weave_connections):
//  - it counts the router's connections by state, then type (the `name` attribute of the
//    overlay connection, "unknown" when there is none), then encrypted or not;
//  - for each (state, type) that has at least one connection it emits TWO series, one with
//    encryption="yes" and one with encryption="", even when one of the counts is 0;
//  - a state without any connection emits nothing (the per-state maps start empty).
// from weaveworks/weave v2.8.1 vendor/github.com/weaveworks/mesh/status.go lines 160-217
// (makeLocalConnectionStatusSlice), what the connections are:
//  - connections that exist are "established" or "pending", with the overlay's attributes:
//    type "fastdp" (router/fastdp.go line 874) or "sleeve" (router/sleeve.go line 618), and
//    `encrypted` set only when a password is in use and the peer is not trusted;
//  - peers it is still trying to reach are "failed", "retrying" or "connecting", without
//    attributes: type "unknown", never encrypted.

/** One connection of a router, as the collector sees it. */
export interface Connection {
  readonly state: 'established' | 'pending' | 'failed' | 'retrying' | 'connecting';
  /** The overlay; only connections that exist (established, pending) have one. */
  readonly type: 'fastdp' | 'sleeve' | 'unknown';
  readonly encrypted: boolean;
}

/** `count` established connections over `type`, encrypted or not. */
export function established(count: number, type: 'fastdp' | 'sleeve' = 'fastdp', encrypted = false): Connection[] {
  return Array.from({ length: count }, () => ({ state: 'established' as const, type, encrypted }));
}

/** `count` pending connections (TCP open, not yet established). */
export function pending(count: number, type: 'fastdp' | 'sleeve' = 'fastdp', encrypted = false): Connection[] {
  return Array.from({ length: count }, () => ({ state: 'pending' as const, type, encrypted }));
}

/** `count` peers the router is trying to reach, in state failed, retrying or connecting. */
export function unreached(count: number, state: 'failed' | 'retrying' | 'connecting'): Connection[] {
  return Array.from({ length: count }, () => ({ state, type: 'unknown' as const, encrypted: false }));
}

/** One sample of weave_connections: its own labels and its value. */
export interface ConnectionSample {
  readonly labels: { readonly state: string; readonly type: string; readonly encryption: string };
  readonly value: number;
}

/** What the collector emits for these connections (metrics.go lines 47-69), in a fixed order. */
export function collectConnections(connections: Connection[]): ConnectionSample[] {
  const counts = new Map<string, { state: string; type: string; encrypted: number; unencrypted: number }>();
  for (const c of connections) {
    const key = `${c.state}/${c.type}`;
    const entry = counts.get(key) ?? { state: c.state, type: c.type, encrypted: 0, unencrypted: 0 };
    if (c.encrypted) entry.encrypted++;
    else entry.unencrypted++;
    counts.set(key, entry);
  }
  return [...counts.values()].flatMap((e) => [
    { labels: { state: e.state, type: e.type, encryption: 'yes' }, value: e.encrypted },
    { labels: { state: e.state, type: e.type, encryption: '' }, value: e.unencrypted },
  ]);
}

/** A promtool series selector. */
export function selector(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

/** A stretch of time during which a router keeps the same connections. */
export interface Phase {
  readonly minutes: number;
  readonly connections: Connection[];
}

/**
 * promtool `input_series` for weave_connections of one scrape target over consecutive phases,
 * one sample a minute: a series exists while its (state, type) has a connection, and goes
 * stale when the router stops emitting it, as Prometheus records a series that leaves a scrape.
 */
export function connectionSeries(target: Record<string, string>, phases: Phase[]): Array<[string, string]> {
  const perMinute: Array<Map<string, number>> = [];
  const order: string[] = [];
  for (const phase of phases) {
    const samples = new Map<string, number>();
    for (const s of collectConnections(phase.connections)) {
      const key = selector('weave_connections', { ...target, ...s.labels });
      if (!order.includes(key)) order.push(key);
      samples.set(key, s.value);
    }
    for (let i = 0; i < phase.minutes; i++) perMinute.push(samples);
  }
  return order.map((key) => {
    const values = perMinute.map((samples, i) => {
      if (samples.has(key)) return String(samples.get(key));
      return i > 0 && perMinute[i - 1].has(key) ? 'stale' : '_';
    });
    return [key, values.join(' ')];
  });
}

/** The weave_connections lines of the router's /metrics page, as client_golang writes them. */
export function connectionExposition(connections: Connection[]): string[] {
  const samples = collectConnections(connections);
  if (samples.length === 0) return [];
  // client_golang writes the labels of a series sorted by name, and the series of a family
  // sorted by their label values (prometheus/client_golang internal.MetricSorter).
  const lines = samples
    .map((s) => ({ key: [s.labels.encryption, s.labels.state, s.labels.type], s }))
    .sort((a, b) => (a.key.join('\u0000') < b.key.join('\u0000') ? -1 : 1))
    .map(({ s }) => `weave_connections{encryption="${s.labels.encryption}",state="${s.labels.state}",type="${s.labels.type}"} ${s.value}`);
  return ['# HELP weave_connections Number of peer-to-peer connections.', '# TYPE weave_connections gauge', ...lines];
}
