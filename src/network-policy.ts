// Ingress NetworkPolicies for metrics ports, shared by the stack and the integrations. Not exported.
//
// Written as L1 objects rather than kplus.NetworkPolicy: kplus needs a construct per peer, which
// costs more than the policy itself when thousands of applications each get one. Peers that
// users pass are `NetworkPeer`s, rendered in network-peer.ts.
import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkPeer } from './network-peer';
import { NAMESPACE_NAME_LABEL } from './plus';
import { checkInstances, fail } from './shape';

export { NAMESPACE_NAME_LABEL } from './plus';

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

/**
 * The NetworkPolicy peers of an `allowFrom`-like prop: undefined when it is not given; never an
 * empty list (an ingress rule with no peer would admit every source): `why` says what it would block.
 */
export function allowedPeers(where: string, prop: string, peers: NetworkPeer[] | undefined, why: string): kplus.k8s.NetworkPolicyPeer[] | undefined {
  checkInstances(where, prop, peers, NetworkPeer, 'Use NetworkPeer.fromPods(), .fromPodLabels(), .fromNamespaceNames(), .fromNamespaceLabels() or .fromIpBlock(), in a list');
  if (peers && peers.length === 0) fail(where, prop, `must name at least one source (${why})`, []);
  return peers?.flatMap((p) => p._peers);
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
export function webClients(where: string, allowFrom: NetworkPeer[] | undefined, serviceType: kplus.ServiceType,
  why: string): kplus.k8s.NetworkPolicyPeer[] | undefined {
  return allowedPeers(where, 'allowFrom', allowFrom, why) ?? (serviceType === kplus.ServiceType.CLUSTER_IP ? [{ podSelector: {} }] : undefined);
}
