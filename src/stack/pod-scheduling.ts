// The scheduling fields of the Prometheus pods, from the stack's props. Not exported.
import * as kplus from 'cdk8s-plus-28';
import { NodeLabelOperator, NodeLabelRequirement, PodAntiAffinity, PodToleration, PrometheusAffinity, TolerationEffect } from './scheduling';
import { checkArray, checkBoolean, checkDuration, checkEnum, checkString, checkStringArray, checkStruct, fail, requireProp } from '../core/checks';
import { checkDnsSubdomain } from '../core/formats';
import { checkKubernetesLabels } from '../k8s/checks';

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
  checkBoolean(path, 'topologySpreadByZone', props.topologySpreadByZone);
  checkArray(path, 'tolerations', props.tolerations);
  (props.tolerations ?? []).forEach((t, i) => {
    const prop = `tolerations[${i}]`;
    checkStruct(path, prop, t, true);
    checkString(path, `${prop}.key`, t.key);
    checkString(path, `${prop}.value`, t.value);
    checkEnum(path, `${prop}.effect`, t.effect, TolerationEffect, 'TolerationEffect');
    checkDuration(path, `${prop}.evictAfter`, t.evictAfter);
    if (t.key === undefined && t.value !== undefined) {
      fail(path, `${prop}.value`, 'needs a key (a toleration without a key tolerates every taint)', t.value, 'Set key, or leave value unset');
    }
    if (t.evictAfter !== undefined && t.effect !== TolerationEffect.NO_EXECUTE) {
      fail(path, `${prop}.evictAfter`, 'applies to the NO_EXECUTE effect only', t.effect ?? 'every effect', 'Set effect: TolerationEffect.NO_EXECUTE');
    }
  });
  checkStruct(path, 'affinity', props.affinity);
  checkEnum(path, 'affinity.podAntiAffinity', props.affinity?.podAntiAffinity, PodAntiAffinity, 'PodAntiAffinity');
  checkString(path, 'affinity.antiAffinityTopologyKey', props.affinity?.antiAffinityTopologyKey);
  checkArray(path, 'affinity.requiredNodeLabels', props.affinity?.requiredNodeLabels);
  checkArray(path, 'affinity.preferredNodeLabels', props.affinity?.preferredNodeLabels);
  const requirements = [
    ...(props.affinity?.requiredNodeLabels ?? []).map((r, i) => ({ r, prop: `affinity.requiredNodeLabels[${i}]` })),
    ...(props.affinity?.preferredNodeLabels ?? []).map((r, i) => ({ r, prop: `affinity.preferredNodeLabels[${i}]` })),
  ];
  for (const { r, prop } of requirements) {
    checkStruct(path, prop, r, true);
    checkString(path, `${prop}.key`, requireProp(path, `${prop}.key`, r.key));
    checkEnum(path, `${prop}.operator`, requireProp(path, `${prop}.operator`, r.operator), NodeLabelOperator, 'NodeLabelOperator');
    checkStringArray(path, `${prop}.values`, r.values);
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
