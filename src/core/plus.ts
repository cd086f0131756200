// cdk8s-plus objects of ANY version (cdk8s-plus-28, the peer, or a newer one such as -33), read and
// changed by duck typing. Not exported.
//
// The public API takes them as `IConstruct`: a parameter typed with a cdk8s-plus-28 class or
// interface rejects a cdk8s-plus-33 object at compile time (their private members differ), and
// `instanceof` rejects it at run time. Every library module that reads or changes a user's
// cdk8s-plus object does it through the functions here, which check the shape they rely on and
// fail with the path, the prop, what was given and the fix.
import { ApiObjectMetadataDefinition } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from './checks';

export { describe } from './checks';

/** The label Kubernetes puts on every namespace, with its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Label equality pairs. */
export type Labels = { [key: string]: string };

/** A label selector as Kubernetes writes it. */
export interface KubeLabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: Array<{ readonly key: string; readonly operator: string; readonly values?: string[] }>;
}

/**
 * Some pods, as a cdk8s-plus pod selector of any version selects them: pods matching `pods`, in
 * the named namespaces, or the namespaces matching `namespaces.selector`, or (no `namespaces`)
 * in the namespace of whoever uses the selection.
 */
export interface SelectedPods {
  readonly pods: KubeLabelSelector;
  readonly namespaces?: { readonly selector?: KubeLabelSelector; readonly names?: string[] };
}

/** A source of traffic, as a cdk8s-plus network policy peer of any version describes it. */
export interface PeerSource {
  readonly ipBlock?: { readonly cidr: string; readonly except?: string[] };
  readonly pods?: SelectedPods;
}

/** A container of a cdk8s-plus workload, as far as the library reads and changes it. */
export interface PlusContainer {
  readonly name: string;
  readonly portNumber?: number;
  readonly ports: Array<{ readonly number: number }>;
  readonly env: { addVariable(name: string, value: unknown): void };
  readonly mounts: Array<{ readonly path: string; readonly volume: unknown }>;
  mount(path: string, storage: unknown, options?: { readonly subPath?: string }): void;
}

/** A cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) of any version. */
export interface PlusWorkload extends IConstruct {
  /** The object's own metadata (its namespace). */
  readonly metadata: ApiObjectMetadataDefinition;
  /** The metadata of its pods: the pod template's for controllers, the pod's own for a Pod. */
  readonly podMetadata: ApiObjectMetadataDefinition;
  readonly containers: PlusContainer[];
}

/** A cdk8s-plus Service of any version. */
export interface PlusService {
  readonly name: string;
  readonly namespaceName?: string;
  readonly ports: number[];
}

/** A cdk8s-plus Secret (or a reference to one) of any version. */
export interface PlusSecret {
  readonly name: string;
  /** The namespace of a Secret the app writes; undefined for a reference (`Secret.fromSecretName()`). */
  readonly namespaceName?: string;
  /** The value the app writes under `key` (`stringData`), if it writes one. */
  stringData(key: string): string | undefined;
}

/** A cdk8s-plus object read by duck typing: its fields are not in any type this library imports. */
type Loose = { [key: string]: any };

const isFunction = (x: unknown, name: string) => x !== null && typeof x === 'object' && typeof (x as Loose)[name] === 'function';
const isMetadata = (m: unknown) => isFunction(m, 'addAnnotation') && isFunction(m, 'getLabel');

/** A cdk8s-plus LabelSelector (`_toKube()` is how every cdk8s-plus version renders its own). */
function kubeSelector(selector: unknown): KubeLabelSelector | undefined {
  if (!isFunction(selector, '_toKube')) return undefined;
  const kube = (selector as Loose)._toKube() as Loose;
  return { matchLabels: kube.matchLabels, matchExpressions: kube.matchExpressions };
}

/** A cdk8s-plus PodSelectorConfig as plain data; undefined when it is not one. */
function selectedPodsOf(config: unknown): SelectedPods | undefined {
  const c = config as Loose | undefined;
  const pods = kubeSelector(c?.labelSelector);
  if (!pods) return undefined;
  const ns = c!.namespaces as Loose | undefined;
  if (ns === undefined || ns === null) return { pods };
  return { pods, namespaces: { selector: kubeSelector(ns.labelSelector), names: Array.isArray(ns.names) ? [...ns.names] : undefined } };
}

/**
 * The pods an object selects: any cdk8s-plus workload or `Pods.select()` (its
 * `toPodSelectorConfig()`), of any cdk8s-plus version.
 */
export function selectedPods(where: string, prop: string, x: IConstruct, fix: string): SelectedPods {
  const selected = isFunction(x, 'toPodSelectorConfig') ? selectedPodsOf((x as Loose).toPodSelectorConfig()) : undefined;
  if (!selected) {
    fail(where, prop, 'must be a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, Pod...) or Pods.select() of any cdk8s-plus version',
      x, fix);
  }
  return selected;
}

/**
 * The source an object describes as a network policy peer: any cdk8s-plus workload,
 * `Pods.select()`, `Namespace`, `Namespaces.select()` or `NetworkPolicyIpBlock` (its
 * `toNetworkPolicyPeerConfig()`), of any cdk8s-plus version.
 */
export function peerSource(where: string, prop: string, x: IConstruct, fix: string): PeerSource {
  const config = isFunction(x, 'toNetworkPolicyPeerConfig') ? (x as Loose).toNetworkPolicyPeerConfig() as Loose : undefined;
  const ipBlock = config?.ipBlock as Loose | undefined;
  if (ipBlock && typeof ipBlock.cidr === 'string') {
    return { ipBlock: { cidr: ipBlock.cidr, except: Array.isArray(ipBlock.except) ? [...ipBlock.except] : undefined } };
  }
  const pods = selectedPodsOf(config?.podSelector);
  if (!pods) {
    fail(where, prop, 'must be a cdk8s-plus workload, Pods.select(), Namespace, Namespaces.select() or NetworkPolicyIpBlock of any cdk8s-plus version',
      x, fix);
  }
  return { pods };
}

/** Whether an object is a cdk8s-plus workload of any version (what `asWorkload` accepts). */
export function isWorkload(x: unknown): x is PlusWorkload {
  const o = x as Loose;
  return isFunction(x, 'toPodSelectorConfig') && isMetadata(o.metadata) && isMetadata(o.podMetadata) && Array.isArray(o.containers);
}

/** A cdk8s-plus workload of any version, to read its containers or change its pods. */
export function asWorkload(where: string, prop: string, x: IConstruct): PlusWorkload {
  if (!isWorkload(x)) {
    fail(where, prop, 'must be a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod) of any cdk8s-plus version',
      x, 'Pass the workload object itself, such as the Deployment that runs the pods');
  }
  return x;
}

/** The ports the containers of a workload declare. */
export function containerPorts(workload: PlusWorkload): number[] {
  return [...new Set(workload.containers.flatMap((c) => [
    ...c.portNumber !== undefined ? [c.portNumber] : [],
    ...c.ports.map((p) => p.number),
  ]))];
}

/** A cdk8s-plus Service of any version: its name, namespace and Service ports. */
export function asService(where: string, prop: string, x: IConstruct): PlusService {
  const o = x as Loose;
  const ok = typeof o?.name === 'string' && o.kind === 'Service' && isMetadata(o.metadata) && Array.isArray(o.ports)
    && o.ports.every((p: Loose) => Number.isInteger(p?.port));
  if (!ok) {
    fail(where, prop, 'must be a cdk8s-plus Service of any cdk8s-plus version', x,
      'For another Service, use KumaServiceTag.kubernetesService({ serviceName, namespaceName, portNumber })');
  }
  return { name: o.name, namespaceName: o.metadata.namespace, ports: o.ports.map((p: Loose) => p.port as number) };
}

/** A cdk8s-plus Secret, or a reference to one (`Secret.fromSecretName()`), of any version. */
export function asSecret(where: string, prop: string, x: IConstruct, fix: string): PlusSecret {
  const o = x as Loose;
  if (typeof o?.name !== 'string' || o.kind !== 'Secret') {
    fail(where, prop, 'must be a cdk8s-plus Secret (or Secret.fromSecretName()) of any cdk8s-plus version', x, fix);
  }
  return {
    name: o.name,
    namespaceName: isMetadata(o.metadata) ? o.metadata.namespace : undefined,
    stringData: (key) => isFunction(o, 'getStringData') ? o.getStringData(key) : undefined,
  };
}

/**
 * The labels that select a workload's pods: a Deployment's (StatefulSet's, ...) own selector, or
 * a Pod's labels. A selector with expressions fails: only labels can name the same pods elsewhere.
 */
export function workloadSelectorLabels(where: string, prop: string, workload: PlusWorkload): Labels {
  const selector = workload as unknown as { matchLabels?: Labels; matchExpressions?: unknown[] };
  if (selector.matchExpressions?.length) {
    fail(where, prop, 'must select its pods by labels only (a Kuma policy targets proxies by labels)', selector.matchExpressions);
  }
  const labels = selector.matchLabels ?? workload.podMetadata.toJson().labels ?? {};
  if (Object.keys(labels).length === 0) {
    fail(where, prop, 'must select its pods by at least one label (no label would target every proxy of the mesh)', labels);
  }
  return { ...labels };
}
