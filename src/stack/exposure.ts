// How a stack's Prometheus is exposed: its Service (type, port, node port, and the ClusterIP it
// falls back to in a strict-mTLS mesh), what a port published on the nodes must not offer, and
// the NetworkPolicy of its web port with the peers admitted to it. Not exported.
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PrometheusStackProps } from './stack-props';
import { PrometheusWebAuth } from './web-auth';
import { WEB_PORT } from './workload';
import { fail } from '../core/checks';
import { addWarning } from '../core/warnings';
import { EgressRules } from '../k8s/network-policy';
import { webClients, webExposure, WebExposure, webIngressPolicy, WebMetadata, webService } from '../k8s/web-workload';

/** The default node port of the Prometheus Service. */
const DEFAULT_NODE_PORT = 30900;

/** The Service and NetworkPolicy of a stack, and the choices behind them. */
export class PrometheusExposure {
  /** The Service type, port and node port asked for, or their defaults. */
  public readonly requested: WebExposure;
  /** Whether the web port is published to every source (a node port without `allowFrom`). */
  public readonly openToAll: boolean;
  /** Whether the user chose the Service type (`serviceType` or `nodePort`). */
  private readonly explicit: boolean;
  /** Set when the pod joins a strict-mTLS mesh and the Service type was left to its default. */
  private clusterIpInMesh = false;
  /** Who the NetworkPolicy admits besides `allowFrom`; undefined when it admits every source. */
  private admitted?: kplus.k8s.NetworkPolicyPeer[];

  constructor(private readonly scope: Construct, private readonly props: PrometheusStackProps) {
    this.requested = webExposure(scope.node.path, props,
      { serviceType: kplus.ServiceType.NODE_PORT, servicePort: WEB_PORT, nodePort: DEFAULT_NODE_PORT });
    this.explicit = props.serviceType !== undefined || props.nodePort !== undefined;
    this.openToAll = this.requested.publishesNodePort && !props.allowFrom;
  }

  /** The type of the Service: ClusterIP in a strict-mTLS mesh unless the user chose one. */
  public get serviceType(): kplus.ServiceType {
    return this.clusterIpInMesh ? kplus.ServiceType.CLUSTER_IP : this.requested.serviceType;
  }

  /**
   * What a web port published on the nodes must not do: offer the lifecycle API to every source
   * (refused), or serve without authentication (a warning).
   */
  public checkPublished(webAuth: PrometheusWebAuth | undefined): void {
    const serviceType = this.requested.serviceType;
    if (this.props.lifecycleApi && this.openToAll) {
      fail(this.scope.node.path, 'lifecycleApi', `must not be on while the ${serviceType} Service admits every source: anyone who reaches a node could `
        + 'POST /-/quit and stop Prometheus', true, 'Set allowFrom to the clients that need Prometheus, use ServiceType.CLUSTER_IP, '
        + 'or leave lifecycleApi unset (configuration changes are reloaded without it)');
    }
    if (this.requested.publishesNodePort && !webAuth) {
      addWarning(this.scope, `the ${serviceType} Service publishes Prometheus on the nodes without authentication: whoever reaches a node `
        + 'can read every series and its labels. Set webAuth: PrometheusWebAuth.fromSecret(...) (basic auth with bcrypt hashes, TLS), '
        + 'or a ClusterIP Service.');
    }
  }

  /** The Service, rendered at synthesis: a mesh the pod joins later may change the default type. */
  public service(metadata: WebMetadata, selectorLabels: { [key: string]: string }): kplus.k8s.KubeService {
    return webService(this.scope, 'Service', {
      metadata,
      selectorLabels,
      ports: [{ name: 'web', port: this.requested.servicePort }],
      exposure: () => ({ serviceType: this.serviceType, nodePort: this.clusterIpInMesh ? undefined : this.requested.nodePort }),
    });
  }

  /** The NetworkPolicy of the web port (with `networkPolicy`), rendered at synthesis so that peers admitted later appear. */
  public networkPolicy(metadata: WebMetadata, selectorLabels: { [key: string]: string }, egress: () => EgressRules): void {
    if (!(this.props.networkPolicy ?? true)) return;
    this.admitted = webClients(this.scope.node.path, this.props.allowFrom, this.requested.serviceType,
      'an empty list would block every scrape of Prometheus itself and every query');
    webIngressPolicy(this.scope, 'NetworkPolicy', {
      metadata,
      selectorLabels,
      rules: [{ from: this.admitted, ports: [WEB_PORT] }],
      egress: (this.props.networkPolicyEgress ?? true) ? egress : undefined,
    });
  }

  /** Lets `peers` reach the web port, unless the policy admits every source (or there is none). */
  public admit(peers: kplus.k8s.NetworkPolicyPeer[]): void {
    this.admitted?.push(...peers);
  }

  /** Whether the NetworkPolicy lists whom it admits. */
  public get restricted(): boolean {
    return this.admitted !== undefined;
  }

  /**
   * The pod joined a mesh with strict mTLS (`why`): its sidecar refuses clients outside the mesh,
   * so a node port is unreachable. The Service falls back to ClusterIP unless the user chose its type.
   */
  public joinStrictMtlsMesh(why: string): void {
    if (!this.explicit) {
      this.clusterIpInMesh = true;
    } else if (this.requested.serviceType !== kplus.ServiceType.CLUSTER_IP) {
      addWarning(this.scope, `the pod ${why}, whose sidecar accepts only mTLS from the mesh's proxies: the ${this.requested.serviceType} `
        + 'Service you asked for is unreachable from outside the mesh (a browser, a client without a sidecar). Leave serviceType and '
        + 'nodePort unset for a ClusterIP Service, and reach Prometheus from inside the mesh (Grafana in the mesh) or with kubectl port-forward.');
    }
  }
}
