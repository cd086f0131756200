import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkIpBlock, checkKubernetesLabels } from './checks';
import { checkArray, checkStringArray, checkStruct, fail, requireProp } from '../core/checks';
import { checkDnsLabel, requireString } from '../core/formats';
import { KubeLabelSelector, NAMESPACE_NAME_LABEL, PeerSource, describe, peerSource } from '../core/plus';

/**
 * Options of `NetworkPeer.fromPodLabels()`: the namespaces the pods are in.
 *
 * With neither option, the pods are in the namespace of the pods the policy protects (the
 * namespace of the NetworkPolicy). With both, a namespace must have one of the names and all
 * the labels.
 */
export interface NetworkPeerPodLabelsOptions {
  /**
   * The names of the namespaces.
   *
   * @default - any namespace that `namespaceLabels` selects
   */
  readonly namespaceNames?: string[];
  /**
   * The labels of the namespaces (`{}`: every namespace).
   *
   * @default - any namespace that `namespaceNames` names
   */
  readonly namespaceLabels?: { [key: string]: string };
}

/**
 * Who may connect to a port that a NetworkPolicy of the library protects (`allowFrom`,
 * `metricsAllowFrom`): pods by their labels and namespaces, whole namespaces, or an IP range.
 *
 * A NetworkPolicy lives in the namespace of the pods it protects: a peer that names no namespace
 * means pods of that namespace.
 */
export class NetworkPeer {
  /**
   * The pods that a cdk8s-plus object selects, from any cdk8s-plus version (cdk8s-plus-28, the
   * library's peer dependency, or a newer one): a workload (`Deployment`, `StatefulSet`, ...),
   * `Pods.select()`, a `Namespace` or `Namespaces.select()` (every pod of those namespaces), or
   * a `NetworkPolicyIpBlock`. Rendered as cdk8s-plus renders it in its own NetworkPolicies; a
   * workload without a namespace is taken to be in the namespace of the protected pods.
   *
   * @param pods the cdk8s-plus object
   */
  public static fromPods(pods: IConstruct): NetworkPeer {
    const where = 'NetworkPeer.fromPods';
    const source = peerSource(where, 'pods', pods,
      'Use NetworkPeer.fromPodLabels(), fromNamespaceNames(), fromNamespaceLabels() or fromIpBlock() to name the peer without a cdk8s-plus object');
    if (source.pods?.namespaces?.names?.length === 0) {
      fail(where, 'pods', 'must select pods of at least one namespace (its namespace selector names none)', describe(pods));
    }
    return new NetworkPeer(render(where, source, { cidr: 'pods.cidr', except: 'pods.except' }));
  }

  /**
   * The pods with these labels (`{}`: every pod), in the namespace of the protected pods, or in
   * the namespaces of `options`.
   */
  public static fromPodLabels(labels: { [key: string]: string }, options: NetworkPeerPodLabelsOptions = {}): NetworkPeer {
    const where = 'NetworkPeer.fromPodLabels';
    checkStruct(where, 'options', options);
    const pods = { matchLabels: checkKubernetesLabels(where, 'labels', requireProp(where, 'labels', labels)) };
    const names = options.namespaceNames && checkNamespaceNames(where, 'namespaceNames', options.namespaceNames);
    const selector = options.namespaceLabels && { matchLabels: checkKubernetesLabels(where, 'namespaceLabels', options.namespaceLabels) };
    const namespaces = names || selector ? { names, selector } : undefined;
    return new NetworkPeer(render(where, { pods: { pods, namespaces } }));
  }

  /**
   * Every pod of these namespaces.
   */
  public static fromNamespaceNames(names: string[]): NetworkPeer {
    const where = 'NetworkPeer.fromNamespaceNames';
    return new NetworkPeer(render(where, { pods: { pods: {}, namespaces: { names: checkNamespaceNames(where, 'names', names) } } }));
  }

  /**
   * Every pod of the namespaces with these labels (`{}`: every namespace), such as the
   * `component: monitoring` label of the stack's namespace.
   */
  public static fromNamespaceLabels(labels: { [key: string]: string }): NetworkPeer {
    const where = 'NetworkPeer.fromNamespaceLabels';
    const selector = { matchLabels: checkKubernetesLabels(where, 'labels', requireProp(where, 'labels', labels)) };
    return new NetworkPeer(render(where, { pods: { pods: {}, namespaces: { selector } } }));
  }

  /**
   * The addresses of an IPv4 or IPv6 range (`10.0.0.0/8`, `2001:db8::/32`) but those of
   * `exceptCidrs` (ranges inside it). A NetworkPolicy sees a client's address after any NAT: one
   * behind a load balancer or a NAT gateway may show with a node's or the proxy's address.
   *
   * @param cidr the range
   * @param exceptCidrs ranges inside `cidr` to leave out (the ipBlock's `except`; named so
   * because `except` is a Python keyword)
   */
  public static fromIpBlock(cidr: string, exceptCidrs?: string[]): NetworkPeer {
    requireString('NetworkPeer.fromIpBlock', 'cidr', cidr);
    checkStringArray('NetworkPeer.fromIpBlock', 'exceptCidrs', exceptCidrs);
    return new NetworkPeer(render('NetworkPeer.fromIpBlock', { ipBlock: { cidr, except: exceptCidrs } }));
  }

  /**
   * The NetworkPolicy peers (several when the peer names several namespaces).
   *
   * @internal
   */
  public readonly _peers: kplus.k8s.NetworkPolicyPeer[];

  private constructor(peers: kplus.k8s.NetworkPolicyPeer[]) {
    this._peers = peers;
  }
}

function checkNamespaceNames(where: string, prop: string, names: string[]): string[] {
  checkArray(where, prop, requireProp(where, prop, names));
  if (names.length === 0) fail(where, prop, 'must name at least one namespace', []);
  names.forEach((n, i) => checkDnsLabel(where, `${prop}[${i}]`, n));
  return [...names];
}

/**
 * A source as NetworkPolicy peers: one peer per namespace when it names namespaces (a
 * namespaceSelector matches one name at a time), selectors as given otherwise. The one place where
 * the library renders who may connect.
 */
function render(where: string, source: PeerSource, ipBlockProps = { cidr: 'cidr', except: 'exceptCidrs' }): kplus.k8s.NetworkPolicyPeer[] {
  if (source.ipBlock) {
    const except = source.ipBlock.except ?? [];
    checkIpBlock(where, ipBlockProps, source.ipBlock.cidr, except);
    return [{ ipBlock: { cidr: source.ipBlock.cidr, except: except.length > 0 ? [...except] : undefined } }];
  }
  const { pods, namespaces } = source.pods!;
  const podSelector = copySelector(pods);
  if (!namespaces) return [{ podSelector }];
  const namespaceSelector = copySelector(namespaces.selector ?? {});
  if (!namespaces.names) return [{ podSelector, namespaceSelector }];
  return namespaces.names.map((name) => ({
    podSelector,
    namespaceSelector: {
      matchExpressions: namespaceSelector.matchExpressions,
      matchLabels: { ...namespaceSelector.matchLabels, [NAMESPACE_NAME_LABEL]: name },
    },
  }));
}

function copySelector(s: KubeLabelSelector): kplus.k8s.LabelSelector {
  const matchLabels = s.matchLabels && Object.keys(s.matchLabels).length > 0 ? { ...s.matchLabels } : undefined;
  const matchExpressions = s.matchExpressions && s.matchExpressions.length > 0
    ? s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: e.values && [...e.values] }))
    : undefined;
  return { matchLabels, matchExpressions };
}
