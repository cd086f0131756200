import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkDnsSubdomain, checkKubernetesLabels, fail } from '../prometheus/validate';

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

/** The scheduling props of a stack, as given. */
export interface SchedulingProps {
  readonly nodeSelector?: { [key: string]: string };
  readonly tolerations?: PodToleration[];
  readonly affinity?: PrometheusAffinity;
  readonly topologySpreadByZone?: boolean;
  readonly priorityClassName?: string;
}

/** The scheduling fields of a pod spec. */
export type PodScheduling = Pick<kplus.k8s.PodSpec, 'nodeSelector' | 'tolerations' | 'affinity' | 'topologySpreadConstraints' | 'priorityClassName'>;

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

/** Checks the scheduling props where they were given (the constructor). */
export function checkScheduling(path: string, props: SchedulingProps): void {
  if (props.nodeSelector) checkKubernetesLabels(path, 'nodeSelector', props.nodeSelector);
  if (props.priorityClassName !== undefined) checkDnsSubdomain(path, 'priorityClassName', props.priorityClassName);
  (props.tolerations ?? []).forEach((t, i) => {
    const prop = `tolerations[${i}]`;
    if (t.key === undefined && t.value !== undefined) {
      fail(path, `${prop}.value`, 'needs a key (a toleration without a key tolerates every taint)', t.value, 'Set key, or leave value unset');
    }
    if (t.evictAfter !== undefined && t.effect !== TolerationEffect.NO_EXECUTE) {
      fail(path, `${prop}.evictAfter`, 'applies to the NO_EXECUTE effect only', t.effect ?? 'every effect', 'Set effect: TolerationEffect.NO_EXECUTE');
    }
  });
  const requirements = [
    ...(props.affinity?.requiredNodeLabels ?? []).map((r, i) => ({ r, prop: `affinity.requiredNodeLabels[${i}]` })),
    ...(props.affinity?.preferredNodeLabels ?? []).map((r, i) => ({ r, prop: `affinity.preferredNodeLabels[${i}]` })),
  ];
  for (const { r, prop } of requirements) {
    const values = r.values ?? [];
    const set = r.operator === NodeLabelOperator.IN || r.operator === NodeLabelOperator.NOT_IN;
    const number = r.operator === NodeLabelOperator.GT || r.operator === NodeLabelOperator.LT;
    if (set && values.length === 0) fail(path, `${prop}.values`, `must not be empty for ${r.operator}`, values);
    if (number && (values.length !== 1 || !/^-?\d+$/.test(values[0]))) {
      fail(path, `${prop}.values`, `must be a single integer for ${r.operator}`, values);
    }
    if (!set && !number && values.length > 0) fail(path, `${prop}.values`, `must be empty for ${r.operator}`, values);
  }
}

/**
 * The scheduling fields of the pods of one server (shard) of `replicas` pods selected by
 * `podLabels`: the user's choices, plus anti-affinity by node and spread over zones when
 * there are several replicas.
 */
export function renderScheduling(props: SchedulingProps, replicas: number, podLabels: { [key: string]: string }): PodScheduling {
  const ha = replicas > 1;
  const antiAffinity = props.affinity?.podAntiAffinity ?? (ha ? PodAntiAffinity.SOFT : PodAntiAffinity.NONE);
  const term = { labelSelector: { matchLabels: podLabels }, topologyKey: props.affinity?.antiAffinityTopologyKey ?? HOSTNAME };
  const requirement = (r: NodeLabelRequirement) => ({ key: r.key, operator: r.operator, values: r.values?.length ? r.values : undefined });
  const required = props.affinity?.requiredNodeLabels ?? [];
  const preferred = props.affinity?.preferredNodeLabels ?? [];
  const nodeAffinity = required.length > 0 || preferred.length > 0 ? {
    requiredDuringSchedulingIgnoredDuringExecution: required.length > 0
      ? { nodeSelectorTerms: [{ matchExpressions: required.map(requirement) }] } : undefined,
    preferredDuringSchedulingIgnoredDuringExecution: preferred.length > 0
      ? [{ weight: 100, preference: { matchExpressions: preferred.map(requirement) } }] : undefined,
  } : undefined;
  const podAntiAffinity = antiAffinity === PodAntiAffinity.HARD ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
    : antiAffinity === PodAntiAffinity.SOFT ? { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] }
      : undefined;
  const spread = props.topologySpreadByZone ?? ha;
  return {
    nodeSelector: props.nodeSelector && Object.keys(props.nodeSelector).length > 0 ? { ...props.nodeSelector } : undefined,
    tolerations: props.tolerations?.length ? props.tolerations.map((t) => ({
      key: t.key,
      operator: t.value !== undefined ? 'Equal' : 'Exists',
      value: t.value,
      effect: t.effect,
      tolerationSeconds: t.evictAfter?.toSeconds(),
    })) : undefined,
    affinity: nodeAffinity || podAntiAffinity ? { nodeAffinity, podAntiAffinity } : undefined,
    // Soft: a cluster without zones (or with one) still schedules every replica.
    topologySpreadConstraints: spread
      ? [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: podLabels } }]
      : undefined,
    priorityClassName: props.priorityClassName,
  };
}
