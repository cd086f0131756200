// Pod and container pieces shared by the stack and the integrations. Not exported.
import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { toQuantity } from './quantity';
import { checkSize, checkStruct, fail } from '../core/checks';

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

/**
 * The shape of `resources` (kplus.ContainerResources): `cpu` as cdk8s-plus Cpu of any version,
 * `memory` and `ephemeralStorage` as cdk8s Sizes, each with a request and a limit.
 */
export function checkResources<T extends kplus.ContainerResources | undefined>(where: string, prop: string, resources: T): T {
  if (!checkStruct(where, prop, resources)) return resources;
  const r = resources as kplus.ContainerResources;
  for (const kind of ['cpu', 'memory', 'ephemeralStorage'] as const) {
    const pair = checkStruct(where, `${prop}.${kind}`, r[kind]);
    for (const end of ['request', 'limit'] as const) {
      const value: unknown = pair?.[end];
      const at = `${prop}.${kind}.${end}`;
      if (kind !== 'cpu') {checkSize(where, at, value);} else if (value !== undefined && typeof (value as { amount?: unknown })?.amount !== 'string') {
        fail(where, at, 'must be a cdk8s-plus Cpu', value, 'Use Cpu.millis(250) or Cpu.units(1) from cdk8s-plus');
      }
    }
  }
  return resources;
}

/**
 * A TCP probe on a named container port: for a web port whose every path, the health checks
 * included, asks for credentials that must not be written into the pod spec.
 */
export function tcpProbe(portName: string, timing: { periodSeconds: number; failureThreshold?: number }): kplus.k8s.Probe {
  return {
    tcpSocket: { port: k8s.IntOrString.fromString(portName) },
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

/**
 * The namespace an object lands in: the first namespace given (its own metadata, its workload's),
 * else its chart's, else `default`, as the API server would place it.
 */
export function namespaceOf(scope: IConstruct, ...given: Array<string | undefined>): string {
  return given.find((n) => n !== undefined) ?? Chart.of(scope).namespace ?? 'default';
}
