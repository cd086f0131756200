// Sharding the targets of every scrape job over several Prometheus servers. Not exported.
//
// Each target's `__address__` is hashed (Prometheus's `hashmod`) into one of BUCKETS buckets,
// and each bucket belongs to one shard: the shard with the highest score for the pair (bucket,
// shard), rendezvous hashing. Adding a shard moves only the buckets the new shard wins, about
// 1/(M+1) of the targets; a modulus of M shards (prometheus-operator's way) would move about
// M/(M+1) of them. Each shard's configuration keeps the targets of its own buckets.
import { createHash } from 'crypto';
import { Relabel } from '../model/prometheus';

/** The pod label that tells the shards of a stack apart. */
// The library's own label (prometheus.io/* belongs to the annotations Prometheus's helm chart reads).
export const SHARD_LABEL = 'cdk8s-prometheus-monitoring/shard';

/** The number of buckets targets are hashed into; shards own whole buckets. */
export const BUCKETS = 256;

/** The temporary label that holds a target's bucket while relabelling. */
export const BUCKET_LABEL = '__tmp_shard_bucket';

/** The most shards a stack may have: every shard must be able to own a bucket. */
export const MAX_SHARDS = 64;

/** The score of `shard` for `bucket`: the first 6 bytes of a SHA-256, as a number. */
function score(bucket: number, shard: number): number {
  return createHash('sha256').update(`${bucket}/${shard}`).digest().readUIntBE(0, 6);
}

/** The buckets each of `shards` shards owns, in bucket order. */
export function shardBuckets(shards: number): number[][] {
  const owned: number[][] = Array.from({ length: shards }, () => []);
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    let best = 0;
    for (let shard = 1; shard < shards; shard++) {
      if (score(bucket, shard) > score(bucket, best)) best = shard;
    }
    owned[best].push(bucket);
  }
  return owned;
}

/**
 * The relabel rules, appended to a job's own, that keep the targets whose address falls into
 * `buckets`. They run last, so the address hashed is the one scraped.
 */
export function shardRelabels(buckets: number[]): Relabel[] {
  return [
    Relabel.hashMod({ sourceLabels: ['__address__'], targetLabel: BUCKET_LABEL, modulus: BUCKETS }),
    // An empty alternation would keep nothing but the empty bucket label; a shard always owns a bucket.
    Relabel.keep({ sourceLabels: [BUCKET_LABEL], regex: buckets.join('|') }),
  ];
}
