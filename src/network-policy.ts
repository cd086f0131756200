// Ingress NetworkPolicies for metrics ports, shared by the stack and the integrations. Not exported.
//
// Written as L1 objects rather than kplus.NetworkPolicy: kplus needs a construct per peer, which
// costs more than the policy itself when thousands of applications each get one. Peers that
// users pass are kplus peers (Pods.select, Namespaces.select, NetworkPolicyIpBlock), rendered
// the way kplus renders them.
import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { fail } from './prometheus/validate';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Pods with these labels in namespaces with these labels. */
export function podsInNamespacesLabelled(
  namespaceLabels: { [key: string]: string }, podLabels?: { [key: string]: string }): kplus.k8s.NetworkPolicyPeer {
  const anyPod = !podLabels || Object.keys(podLabels).length === 0;
  return { namespaceSelector: { matchLabels: namespaceLabels }, podSelector: anyPod ? {} : { matchLabels: podLabels } };
}

/** Pods with these labels in the named namespace. */
export function podsInNamespace(namespaceName: string, podLabels: { [key: string]: string }): kplus.k8s.NetworkPolicyPeer {
  return podsInNamespacesLabelled({ [NAMESPACE_NAME_LABEL]: namespaceName }, podLabels);
}

/** A kplus peer as NetworkPolicy peers (one per namespace when it names namespaces). */
export function peersOf(peer: kplus.INetworkPolicyPeer): kplus.k8s.NetworkPolicyPeer[] {
  const config = peer.toNetworkPolicyPeerConfig();
  if (config.ipBlock) {
    return [{ ipBlock: { cidr: config.ipBlock.cidr, except: config.ipBlock.except } }];
  }
  const podSelector = config.podSelector!.labelSelector._toKube();
  const namespaces = config.podSelector!.namespaces;
  const namespaceSelector = namespaces?.labelSelector?._toKube();
  if (!namespaces?.names) {
    return [{ podSelector, namespaceSelector }];
  }
  return namespaces.names.map((name) => ({
    podSelector,
    namespaceSelector: {
      matchExpressions: namespaceSelector?.matchExpressions,
      matchLabels: { ...namespaceSelector?.matchLabels, [NAMESPACE_NAME_LABEL]: name },
    },
  }));
}

/** One ingress rule: who may connect to which TCP ports. */
export interface IngressRule {
  /** Who may connect; undefined admits every source. */
  readonly from?: kplus.k8s.NetworkPolicyPeer[];
  /** The TCP ports they may connect to. */
  readonly ports: number[];
}

/** Options of `ingressPolicy`. */
export interface IngressPolicyOptions {
  readonly metadata: ApiObjectMetadata;
  /** The pods the policy protects. */
  readonly podSelector: kplus.k8s.LabelSelector;
  /** What is admitted; everything else is not. */
  readonly rules: IngressRule[];
}

/** A NetworkPolicy that admits what its rules name to the selected pods, and nothing else. */
export function ingressPolicy(scope: Construct, id: string, options: IngressPolicyOptions): kplus.k8s.KubeNetworkPolicy {
  return new kplus.k8s.KubeNetworkPolicy(scope, id, {
    metadata: options.metadata,
    spec: {
      podSelector: options.podSelector,
      policyTypes: ['Ingress'],
      ingress: options.rules.map((rule) => ({
        from: rule.from,
        ports: rule.ports.map((port) => ({ port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
      })),
    },
  });
}

/**
 * Who may reach a web port (Prometheus, Grafana): `allowFrom` when given (never empty: `why`
 * says what an empty list would block); by default every source for a port published on the
 * nodes, and the pods of its own namespace for a ClusterIP Service. Undefined admits everyone.
 */
export function webClients(where: string, allowFrom: kplus.INetworkPolicyPeer[] | undefined, serviceType: kplus.ServiceType,
  why: string): kplus.k8s.NetworkPolicyPeer[] | undefined {
  if (allowFrom && allowFrom.length === 0) fail(where, 'allowFrom', `must name at least one source (${why})`, []);
  return allowFrom?.flatMap(peersOf) ?? (serviceType === kplus.ServiceType.CLUSTER_IP ? [{ podSelector: {} }] : undefined);
}
