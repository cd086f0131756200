// Sharding the targets of every scrape job over several Prometheus servers. Not exported.
//
// Each target's `__address__` is hashed (Prometheus's `hashmod`) into one of BUCKETS buckets,
// and each bucket belongs to one shard: the shard with the highest score for the pair (bucket,
// shard), rendezvous hashing. Adding a shard moves only the buckets the new shard wins, about
// 1/(M+1) of the targets; a modulus of M shards (prometheus-operator's way) would move about
// M/(M+1) of them. Each shard's configuration keeps the targets of its own buckets.
//
// Replicas are identical copies of a shard, told apart by the external label whose value is the
// pod's name.
import { createHash } from 'crypto';
import { PrometheusStackProps } from './stack-props';
import { POD_NAME_ENV } from './workload';
import { fail } from '../core/checks';
import { checkPositiveInteger } from '../core/formats';
import { DataStorage } from '../k8s/storage';
import { PrometheusConfig, Relabel } from '../model/prometheus';
import { checkLabelName } from '../model/prometheus/validate';

/** The self-monitoring job: every server scrapes itself, whatever its shard. */
export const SELF_JOB = 'prometheus';

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

/** How a stack's servers are replicated and sharded. */
export interface Replication {
  /** Identical pods per shard. */
  readonly replicas: number;
  readonly shards: number;
  /** The external label whose value is the pod's name, with more than one replica. */
  readonly replicaExternalLabel: string;
  /** The external label that tells each shard apart (empty without `shardExternalLabel`). */
  readonly shardExternalLabels: Array<{ [name: string]: string }>;
  /** The buckets each shard owns. */
  readonly buckets: number[][];
}

/** The replicas and shards of a stack, from its props, checked. */
export function replication(path: string, props: PrometheusStackProps, storage: DataStorage): Replication {
  const replicas = props.replicas ?? 1;
  checkPositiveInteger(path, 'replicas', replicas);
  const shards = props.shards ?? 1;
  checkPositiveInteger(path, 'shards', shards);
  if (shards > MAX_SHARDS) fail(path, 'shards', `must be at most ${MAX_SHARDS}`, shards);
  if (storage._claimName && (replicas > 1 || shards > 1)) {
    fail(path, 'storage', 'must give each pod its own volume with several replicas or shards (a ReadWriteOnce claim serves one pod)',
      `DataStorage.existingClaim('${storage._claimName}')`, 'Use DataStorage.persistentVolumeClaim()');
  }
  const replicaExternalLabel = checkLabelName(path, 'replicaExternalLabel', props.replicaExternalLabel ?? 'prometheus_replica');
  if (replicas > 1 && props.externalLabels?.[replicaExternalLabel] !== undefined) {
    fail(path, `externalLabels.${replicaExternalLabel}`, 'is the replica label, whose value is each pod\'s name',
      props.externalLabels[replicaExternalLabel], 'Remove it, or set replicaExternalLabel to another name');
  }
  const shardLabel = props.shardExternalLabel !== undefined ? checkLabelName(path, 'shardExternalLabel', props.shardExternalLabel) : undefined;
  const shardExternalLabels = Array.from({ length: shards }, (_, i) => {
    if (!shardLabel || shards === 1) return {};
    const base = props.externalLabels?.[shardLabel];
    return { [shardLabel]: base !== undefined ? `${base}-${i}` : String(i) };
  });
  return { replicas, shards, replicaExternalLabel, shardExternalLabels, buckets: shardBuckets(shards) };
}

/** The ConfigMap's files of one shard: prometheus.yml and, when there are rule groups, the rule file. */
export function shardFiles(config: PrometheusConfig, r: Replication, shard: number): { [file: string]: string } {
  const replicated = r.replicas > 1;
  const files: { [file: string]: string } = {
    'prometheus.yml': config._toYaml({
      appendRelabels: r.shards > 1 ? shardRelabels(r.buckets[shard]) : undefined,
      unshardedJobs: [SELF_JOB],
      externalLabels: {
        // Prometheus expands ${POD_NAME} from the container's environment (the downward API).
        ...replicated ? { [r.replicaExternalLabel]: `\${${POD_NAME_ENV}}` } : {},
        ...r.shardExternalLabels[shard],
      },
      // Alertmanager deduplicates the replicas' alerts only when they carry the same labels.
      alertRelabels: replicated ? [Relabel.labelDrop({ regex: r.replicaExternalLabel })] : undefined,
    }),
  };
  const rules = config.rulesToYaml();
  if (rules !== undefined) files[config.ruleFile] = rules;
  return files;
}
