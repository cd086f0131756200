// NetworkPolicies, shared by the stack and the integrations: ingress for web and metrics ports,
// and egress for the pods the library runs itself (Prometheus, Grafana, Alertmanager). Not exported.
//
// The policies of application pods (AppServiceMonitor, KrakenD's gateway) declare Ingress only:
// their pods' own connections are the application's business, and an Egress policy type there
// would cut every connection the policy does not list.
//
// Written as L1 objects rather than kplus.NetworkPolicy: kplus needs a construct per peer, which
// costs more than the policy itself when thousands of applications each get one. Peers that
// users pass are `NetworkPeer`s, rendered in network-peer.ts.
import { ApiObjectMetadata, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkPeer } from './network-peer';
import { WireNetworkPolicy } from './wire';
import { checkInstances, fail } from '../core/checks';
import { NAMESPACE_NAME_LABEL } from '../core/plus';

export { NAMESPACE_NAME_LABEL } from '../core/plus';

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
  /** The same ports over UDP too (Alertmanager's gossip). */
  readonly udp?: boolean;
}

/** Options of `ingressPolicy`. */
export interface IngressPolicyOptions {
  readonly metadata: ApiObjectMetadata;
  /** The pods the policy protects. */
  readonly podSelector: kplus.k8s.LabelSelector;
  /** What is admitted; everything else is not. */
  readonly rules: IngressRule[];
  /**
   * Where the pods may connect, produced at synthesis (the Egress policy type); everything
   * else is refused.
   *
   * @default - the policy declares Ingress only: the pods may connect anywhere
   */
  readonly egress?: () => EgressRules;
}

/** Where pods may connect, and why some rules allow any address. */
export interface EgressRules {
  readonly rules: kplus.k8s.NetworkPolicyEgressRule[];
  /** Why a rule lets some connections go to any address (`job 'x': ...`), shown in an annotation. */
  readonly openReasons: string[];
}

/** The annotation that says why a policy's egress rules allow any address. */
export const OPEN_EGRESS_ANNOTATION = 'cdk8s-prometheus-monitoring/open-egress';

/** A NetworkPolicy that admits what its rules name to the selected pods, and nothing else. */
export function ingressPolicy(scope: Construct, id: string, options: IngressPolicyOptions): kplus.k8s.KubeNetworkPolicy {
  const ingress = options.rules.map((rule) => ({ from: rule.from, ports: rule.udp ? tcpAndUdpPorts(rule.ports) : tcpPorts(rule.ports) }));
  const egress = options.egress;
  if (!egress) {
    return new WireNetworkPolicy(scope, id, { metadata: options.metadata, spec: { podSelector: options.podSelector, policyTypes: ['Ingress'], ingress } });
  }
  // Produced once, at synthesis, when every job, data source and receiver is known.
  let produced: EgressRules | undefined;
  const rendered = () => produced ??= egress();
  const openReasons = Lazy.any({ produce: () => [...new Set(rendered().openReasons)].join('; ') || undefined }) as unknown as string;
  return new WireNetworkPolicy(scope, id, {
    metadata: { ...options.metadata, annotations: { ...options.metadata.annotations, [OPEN_EGRESS_ANNOTATION]: openReasons } },
    spec: Lazy.any({
      produce: () => ({ podSelector: options.podSelector, policyTypes: ['Ingress', 'Egress'], ingress, egress: uniqueRules(rendered().rules) }),
    }),
  });
}

/** TCP ports of a rule. */
export function tcpPorts(ports: number[]): kplus.k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' }));
}

/** The ports over TCP and UDP. */
export function tcpAndUdpPorts(ports: number[]): kplus.k8s.NetworkPolicyPort[] {
  return ports.flatMap((port) => ['TCP', 'UDP'].map((protocol) => ({ port: kplus.k8s.IntOrString.fromNumber(port), protocol })));
}

/** The rules without repeats, in their first order (the same rule from several jobs). */
function uniqueRules(rules: kplus.k8s.NetworkPolicyEgressRule[]): kplus.k8s.NetworkPolicyEgressRule[] {
  const seen = new Map<string, kplus.k8s.NetworkPolicyEgressRule>();
  for (const rule of rules) {
    const key = JSON.stringify(rule, (_, v) => (v instanceof kplus.k8s.IntOrString ? v.value : v));
    if (!seen.has(key)) seen.set(key, rule);
  }
  return [...seen.values()];
}

/**
 * Name lookups: the cluster DNS in kube-system (CoreDNS or kube-dns), UDP and TCP 53. A cluster
 * whose pods ask a node-local cache (NodeLocal DNSCache on a link-local address) needs that
 * address too: there, turn the egress rules off.
 */
export function dnsEgress(): kplus.k8s.NetworkPolicyEgressRule {
  return {
    to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } } }],
    ports: tcpAndUdpPorts([53]),
  };
}

/**
 * The Kubernetes API server, for discovery: TCP 443 (the `kubernetes` Service) and 6443 (the
 * port most API servers listen on, which the Service forwards to), to any address. The API
 * server's address is the cluster's own (a managed control plane is outside the pod network,
 * and kube-apiserver runs on the host network), so no selector can name it.
 */
export function kubernetesApiEgress(): kplus.k8s.NetworkPolicyEgressRule {
  return { ports: tcpPorts([443, 6443]) };
}

/**
 * Connections to `host:port`: none for the pod itself (loopback is never filtered); the
 * address for an IP; the namespace for an in-cluster Service name (`<svc>.<namespace>.svc`),
 * on any port, since a policy sees the pod's port after the Service has translated its own;
 * the port to any address for any other name (DNS may give any address).
 */
export function endpointEgress(host: string, port: number | undefined): kplus.k8s.NetworkPolicyEgressRule | undefined {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || /^127\./.test(bare) || bare === '::1') return undefined;
  const ports = port !== undefined ? tcpPorts([port]) : undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bare)) return { to: [{ ipBlock: { cidr: `${bare}/32` } }], ports };
  if (bare.includes(':')) return { to: [{ ipBlock: { cidr: `${bare}/128` } }], ports };
  const service = bare.match(/^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.cluster\.local)?\.?$/);
  if (service) return { to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: service[1] } } }] };
  return { ports };
}

/** Connections to the host and port of an http(s) URL (`endpointEgress`). */
export function urlEgress(url: string): kplus.k8s.NetworkPolicyEgressRule | undefined {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : (parsed.protocol === 'https:' ? 443 : 80);
  return endpointEgress(parsed.hostname, port);
}
