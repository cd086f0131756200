import { Duration } from 'cdk8s';

/**
 * The effect of the taints a toleration tolerates.
 */
export enum TolerationEffect {
  /** Pods that do not tolerate the taint are not scheduled onto the node. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler avoids the node for pods that do not tolerate the taint. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Pods that do not tolerate the taint are evicted from the node. */
  NO_EXECUTE = 'NoExecute',
}

/**
 * A toleration of the Prometheus pods: which node taints they accept.
 *
 * With a `value`, it tolerates taints of that key and value (operator `Equal`); without, every
 * taint of the key (operator `Exists`); without a key either, every taint.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export interface PodToleration {
  /**
   * The taint key.
   *
   * @default - every key (then `value` must be unset)
   */
  readonly key?: string;
  /**
   * The taint value.
   *
   * @default - every value of the key
   */
  readonly value?: string;
  /**
   * The taint effect.
   *
   * @default - every effect
   */
  readonly effect?: TolerationEffect;
  /**
   * How long the pod stays on a node that gets a `NO_EXECUTE` taint.
   *
   * @default - for ever
   */
  readonly evictAfter?: Duration;
}

/**
 * How a node label is compared in a node requirement.
 */
export enum NodeLabelOperator {
  /** The label's value is one of `values`. */
  IN = 'In',
  /** The label's value is none of `values` (or the label is absent). */
  NOT_IN = 'NotIn',
  /** The label exists; `values` must be empty. */
  EXISTS = 'Exists',
  /** The label does not exist; `values` must be empty. */
  DOES_NOT_EXIST = 'DoesNotExist',
  /** The label's value, an integer, is greater than the single value. */
  GT = 'Gt',
  /** The label's value, an integer, is less than the single value. */
  LT = 'Lt',
}

/**
 * A requirement on a node's labels.
 */
export interface NodeLabelRequirement {
  /** The node label key, such as `node.kubernetes.io/instance-type`. */
  readonly key: string;
  /** How the label is compared. */
  readonly operator: NodeLabelOperator;
  /**
   * The values compared with.
   *
   * @default - none (for `EXISTS` and `DOES_NOT_EXIST`)
   */
  readonly values?: string[];
}

/**
 * How the replicas of one Prometheus server (one shard) avoid running on the same node.
 */
export enum PodAntiAffinity {
  /** The scheduler prefers other nodes, but puts replicas together rather than not at all. */
  SOFT = 'soft',
  /** Replicas never share a node; a replica stays pending when no other node fits. */
  HARD = 'hard',
  /** No anti-affinity. */
  NONE = 'none',
}

/**
 * Where the Prometheus pods run, besides `nodeSelector` and `tolerations`.
 */
export interface PrometheusAffinity {
  /**
   * Requirements every node running Prometheus must meet (all of them).
   *
   * @default - none
   */
  readonly requiredNodeLabels?: NodeLabelRequirement[];
  /**
   * Requirements of the nodes the scheduler prefers (all of them, with weight 100).
   *
   * @default - none
   */
  readonly preferredNodeLabels?: NodeLabelRequirement[];
  /**
   * How the replicas of one server avoid each other, across the nodes (or the domains of
   * `antiAffinityTopologyKey`).
   *
   * @default - PodAntiAffinity.SOFT with more than one replica, else none
   */
  readonly podAntiAffinity?: PodAntiAffinity;
  /**
   * The node label whose values the replicas spread over.
   *
   * @default 'kubernetes.io/hostname'
   */
  readonly antiAffinityTopologyKey?: string;
}
