// Sharding proven with a real Prometheus: each shard's own relabelling (from its own
// prometheus.yml) over the same synthetic targets. The shards' target sets are disjoint, their
// union is every target, and going from M to M+1 shards moves about 1/(M+1) of them.
import { createHash } from 'crypto';
import { PrometheusStack, RemoteWrite, ScrapeJob, ServiceDiscovery } from '../../src';
import { BUCKETS, shardBuckets } from '../../src/stack/sharding';
import { relabel, RelabelCase } from '../harness';
import { jobNamed, newChart, synthAndCheck } from '../util';

/**
 * Prometheus's hashmod: the MD5 of the joined source labels, its last 8 bytes as a big-endian
 * uint64, modulo the modulus (prometheus/prometheus v3.5.0 model/relabel/relabel.go, `case
 * HashMod`; v2.42.0 gives the same through `sum64`, whose shifts drop the first 8 bytes).
 */
function hashmod(value: string, modulus: number): number {
  return Number(createHash('md5').update(value, 'utf8').digest().readBigUInt64BE(8) % BigInt(modulus));
}

/** 320 addresses on 127.0.0.x, where nothing listens. */
const TARGETS = Array.from({ length: 320 }, (_, i) => `127.0.0.${2 + (i % 250)}:${20000 + i}`);

/** The rendered relabel_configs of job `node` in each shard's prometheus.yml, for `shards` shards. */
function shardRelabelling(shards: number): object[][] {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', {
    shards,
    remoteWrites: [new RemoteWrite({ url: 'https://mimir.example.com/api/v1/push' })],
    scrapeJobs: [new ScrapeJob({ jobName: 'node', discovery: [ServiceDiscovery.staticTargets({ targets: TARGETS })] })],
  });
  const { prometheusConfigs } = synthAndCheck(chart);
  return stack.shardConfigMapNames.map((name) => jobNamed(prometheusConfigs[name], 'node').relabel_configs);
}

const owners = new Map<number, number[]>();
/** The shard that the JS model of the library's rules gives a target. */
function modelShard(address: string, shards: number): number {
  if (!owners.has(shards)) {
    const owner: number[] = [];
    shardBuckets(shards).forEach((buckets, shard) => buckets.forEach((b) => { owner[b] = shard; }));
    owners.set(shards, owner);
  }
  return owners.get(shards)![hashmod(address, BUCKETS)];
}

/** Counts the targets whose shard differs between two assignments. */
const moved = (a: number[], b: number[]) => a.filter((shard, i) => shard !== b[i]).length;

test('hashmod in JS matches the upstream test vectors (prometheus/prometheus v3.5.0 model/relabel/relabel_test.go)', () => {
  expect(hashmod('baz', 1000)).toBe(976);
  expect(hashmod('foo\nbar', 1000)).toBe(734);
});

test('2 and then 3 shards in a real Prometheus: disjoint, complete, and the third shard takes about a third', async () => {
  const sizes = [2, 3];
  const cases: RelabelCase[] = sizes.flatMap((m) => shardRelabelling(m).map((relabelConfigs, shard) => ({
    name: `m${m}-shard${shard}`,
    relabelConfigs,
    targets: TARGETS.map((address) => ({ address, labels: {} })),
  })));
  const results = await relabel(cases, { timeoutMs: 90_000 });

  const assignments = sizes.map((m) => {
    const keptBy = TARGETS.map((): number[] => []);
    results.filter((r) => r.name.startsWith(`m${m}-`)).forEach((r) => {
      const shard = Number(/shard(\d+)$/.exec(r.name)![1]);
      r.targets.forEach((t, i) => { if (t.kept) keptBy[i].push(shard); });
    });
    // Each target is kept by exactly one shard: disjoint, and their union is every target.
    expect(keptBy.map((o, i) => ({ target: TARGETS[i], shards: o })).filter((o) => o.shards.length !== 1)).toEqual([]);
    const shards = keptBy.map((o) => o[0]);
    // Every shard gets some, and the real assignment is the JS model's (so the model's counts below hold).
    expect(new Set(shards).size).toBe(m);
    expect(shards).toEqual(TARGETS.map((a) => modelShard(a, m)));
    return shards;
  });

  // From 2 to 3 shards: only targets that the new shard wins move.
  const [two, three] = assignments;
  const movedTargets = TARGETS.filter((_, i) => two[i] !== three[i]);
  expect(movedTargets.every((a) => three[TARGETS.indexOf(a)] === 2)).toBe(true);
  expect(movedTargets.length).toBeGreaterThan(0);
  expect(movedTargets.length).toBeLessThanOrEqual(1.5 * TARGETS.length / 3);
}, 180_000);

test('with the model checked above: from M to M+1 shards at most about 1/(M+1) of the targets move, where a modulus of M moves about M/(M+1)', () => {
  for (let m = 1; m <= 8; m++) {
    const before = TARGETS.map((a) => modelShard(a, m));
    const after = TARGETS.map((a) => modelShard(a, m + 1));
    const rendezvous = moved(before, after);
    expect(rendezvous / TARGETS.length).toBeLessThanOrEqual(1.5 / (m + 1));
    // prometheus-operator's modulus = shards (pkg/prometheus/promcfg.go): most targets change shard.
    const modulus = moved(TARGETS.map((a) => hashmod(a, m)), TARGETS.map((a) => hashmod(a, m + 1)));
    expect(modulus / TARGETS.length).toBeGreaterThan(0.5 * m / (m + 1));
  }
});
