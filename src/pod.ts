// Pod and container pieces shared by the stack and the integrations. Not exported.
import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { fail } from './prometheus/validate';
import { toQuantity } from './stack/quantity';

const k8s = kplus.k8s;

/** The pod-level part of the restricted Pod Security Standard, running as `uid`. */
export function restrictedPodSecurityContext(uid: number, options: { fsGroup?: boolean } = {}): kplus.k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: options.fsGroup ? uid : undefined,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The container-level part of the restricted Pod Security Standard, with a read-only root filesystem. */
export function restrictedContainerSecurityContext(): kplus.k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  };
}

/** An HTTP GET probe on a named container port. */
export function httpProbe(path: string, portName: string, timing: { periodSeconds: number; failureThreshold?: number }): kplus.k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString(portName) },
    periodSeconds: timing.periodSeconds,
    failureThreshold: timing.failureThreshold ?? 3,
    timeoutSeconds: 3,
  };
}

/** kplus container resources as the L1 requirements. */
export function renderResources(r: kplus.ContainerResources): kplus.k8s.ResourceRequirements {
  const pick = (cpu?: kplus.Cpu, memory?: Size, storage?: Size) => {
    const out: { [k: string]: kplus.k8s.Quantity } = {};
    if (cpu) out.cpu = k8s.Quantity.fromString(cpu.amount);
    if (memory) out.memory = k8s.Quantity.fromString(toQuantity(memory));
    if (storage) out['ephemeral-storage'] = k8s.Quantity.fromString(toQuantity(storage));
    return Object.keys(out).length > 0 ? out : undefined;
  };
  return {
    requests: pick(r.cpu?.request, r.memory?.request, r.ephemeralStorage?.request),
    limits: pick(r.cpu?.limit, r.memory?.limit, r.ephemeralStorage?.limit),
  };
}

/** The metadata of a workload's pods: the pod template's for controllers, the pod's own for a Pod. */
export function podMetadata(workload: kplus.AbstractPod): kplus.AbstractPod['metadata'] {
  return workload instanceof kplus.Workload ? workload.podMetadata : workload.metadata;
}

/**
 * The equality labels that select a workload's (or a selector's) pods; what a Service selector
 * or a mesh tag can use.
 */
export function podSelectorLabels(where: string, prop: string, pods: kplus.IPodSelector): { [key: string]: string } {
  const selector = pods.toPodSelectorConfig().labelSelector._toKube();
  if ((selector.matchExpressions ?? []).length > 0) {
    fail(where, prop, 'must select pods by labels only (a Service selector cannot use expressions)', selector.matchExpressions);
  }
  const labels = selector.matchLabels ?? {};
  if (Object.keys(labels).length === 0) {
    fail(where, prop, 'must select pods by at least one label (an empty selector matches every pod of the namespace)', labels,
      'Use a workload, or kplus.Pods.select(this, \'App\', { labels: { app: \'my-app\' } })');
  }
  return { ...labels };
}

/**
 * The one namespace that a workload's (or a selector's) pods are in, when it names one: a
 * workload's own namespace, or the single name of `Pods.select(..., { namespaces })`.
 * Fails on selectors that span namespaces (by label, several names, `Namespaces.all()`),
 * which a Service, selecting pods of its own namespace only, cannot follow.
 */
export function podSelectorNamespace(where: string, prop: string, pods: kplus.IPodSelector): string | undefined {
  const namespaces = pods.toPodSelectorConfig().namespaces;
  if (!namespaces) return undefined;
  const byLabels = namespaces.labelSelector !== undefined && !namespaces.labelSelector.isEmpty();
  const names = namespaces.names ?? [];
  if (byLabels || names.length !== 1) {
    fail(where, prop, 'must select pods of one named namespace (a Service selects pods of its own namespace only)',
      byLabels ? namespaces.labelSelector!._toKube() : names.length === 0 ? 'every namespace' : names,
      'Select the pods with kplus.Namespaces.select(this, \'Ns\', { names: [\'<namespace>\'] }), or pass the workload');
  }
  return names[0];
}

/**
 * The namespace an object lands in: the first namespace given (its own metadata, its workload's),
 * else its chart's, else `default`, as the API server would place it.
 */
export function namespaceOf(scope: IConstruct, ...given: Array<string | undefined>): string {
  return given.find((n) => n !== undefined) ?? Chart.of(scope).namespace ?? 'default';
}
