// The parts every web workload the library runs shares (Prometheus, Grafana, Alertmanager, the
// KrakenD gateway): the labels that select its pods, the metadata of its objects, the Service that
// exposes it and the checks of its exposure, the NetworkPolicy of its ports, its in-cluster URL,
// and the checksum that rolls its pods when their configuration changes. Not exported.
import { createHash } from 'crypto';
import { ApiObjectMetadata, Lazy, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { checkServiceType, checkKubernetesLabels } from './checks';
import { NetworkPeer } from './network-peer';
import { allowedPeers, EgressRules, ingressPolicy, IngressRule } from './network-policy';
import { checkNodePortsAcrossApp } from './node-ports';
import { WireService } from './wire';
import { checkPort } from '../core/formats';

/** The labels that select the pods of the workload `name` (`prometheus`, `grafana`) that `scope` runs. */
export function webSelectorLabels(scope: IConstruct, name: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': Names.toLabelValue(scope) };
}

/**
 * The metadata of a workload's objects: its namespace; the user's labels (checked), the selector
 * labels and `app.kubernetes.io/component`; the user's annotations.
 */
export function webMetadata(path: string, namespace: string, user: ApiObjectMetadata | undefined,
  selectorLabels: { [key: string]: string }, component: string): WebMetadata {
  const labels = { ...checkKubernetesLabels(path, 'metadata.labels', user?.labels), ...selectorLabels, 'app.kubernetes.io/component': component };
  return { namespace, labels, annotations: user?.annotations };
}

/** The metadata `webMetadata` gives. */
export interface WebMetadata {
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly annotations?: { [key: string]: string };
}

/** The props of a web workload that say how it is exposed (the names of the public props). */
export interface WebExposureProps {
  readonly serviceType?: kplus.ServiceType;
  readonly servicePort?: number;
  readonly nodePort?: number;
}

/** The defaults of a workload's exposure. */
export interface WebExposureDefaults {
  readonly serviceType: kplus.ServiceType;
  readonly servicePort: number;
  /** The node port of a NodePort Service when none is given; undefined lets Kubernetes assign one. */
  readonly nodePort?: number;
}

/** How a web workload is exposed, checked and defaulted. */
export interface WebExposure {
  readonly serviceType: kplus.ServiceType;
  readonly servicePort: number;
  readonly nodePort?: number;
  /** Whether the port is published on the nodes (a NodePort or LoadBalancer Service). */
  readonly publishesNodePort: boolean;
}

/** The Service type, port and node port of `props` with their defaults, checked. */
export function webExposure(path: string, props: WebExposureProps, defaults: WebExposureDefaults): WebExposure {
  const serviceType = props.serviceType ?? defaults.serviceType;
  const servicePort = checkPort(path, 'servicePort', props.servicePort ?? defaults.servicePort);
  const nodePort = props.nodePort ?? (serviceType === kplus.ServiceType.NODE_PORT ? defaults.nodePort : undefined);
  checkServiceType(path, serviceType, nodePort);
  return { serviceType, servicePort, nodePort, publishesNodePort: serviceType !== kplus.ServiceType.CLUSTER_IP };
}

/** A port of a workload's Service, which targets the container port of the same name. */
export interface WebServicePort {
  readonly name: string;
  readonly port: number;
}

/** Options of `webService`. */
export interface WebServiceOptions {
  readonly metadata: ApiObjectMetadata;
  readonly selectorLabels: { [key: string]: string };
  /** The ports; the first one gets the node port. */
  readonly ports: WebServicePort[];
  /**
   * The type and node port, read at synthesis (a mesh the pod joins later may change them).
   * Node ports are checked across the App.
   *
   * @default - the cluster's default type (ClusterIP)
   */
  readonly exposure?: () => Pick<WebExposure, 'serviceType' | 'nodePort'>;
}

/** The Service in front of a workload. */
export function webService(scope: Construct, id: string, options: WebServiceOptions): kplus.k8s.KubeService {
  const exposure = options.exposure;
  const service = new WireService(scope, id, {
    metadata: options.metadata,
    spec: Lazy.any({
      produce: (): kplus.k8s.ServiceSpec => {
        const { serviceType, nodePort } = exposure?.() ?? {};
        return {
          type: serviceType,
          selector: options.selectorLabels,
          ports: options.ports.map((p, i) => ({
            name: p.name,
            protocol: 'TCP',
            port: p.port,
            targetPort: kplus.k8s.IntOrString.fromString(p.name),
            nodePort: i === 0 ? nodePort : undefined,
          })),
        };
      },
    }),
  });
  if (exposure) checkNodePortsAcrossApp(scope);
  return service;
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

/** Options of `webIngressPolicy`. */
export interface WebIngressPolicyOptions {
  readonly metadata: ApiObjectMetadata;
  readonly selectorLabels: { [key: string]: string };
  /** What is admitted to the workload's pods; everything else is not. */
  readonly rules: IngressRule[];
  /**
   * Where the pods may connect, produced at synthesis.
   *
   * @default - the policy declares Ingress only
   */
  readonly egress?: () => EgressRules;
}

/** The NetworkPolicy of a workload's pods. */
export function webIngressPolicy(scope: Construct, id: string, options: WebIngressPolicyOptions): kplus.k8s.KubeNetworkPolicy {
  return ingressPolicy(scope, id, {
    metadata: options.metadata,
    podSelector: { matchLabels: options.selectorLabels },
    rules: options.rules,
    egress: options.egress,
  });
}

/** The in-cluster name of a Service, `<service>.<namespace>.svc`. */
export function serviceHost(serviceName: string, namespaceName: string): string {
  return `${serviceName}.${namespaceName}.svc`;
}

/** The in-cluster URL of a Service's port, `http(s)://<service>.<namespace>.svc:<port>`. */
export function serviceUrl(serviceName: string, namespaceName: string, port: number, tls?: boolean): string {
  return `${tls ? 'https' : 'http'}://${serviceHost(serviceName, namespaceName)}:${port}`;
}

/**
 * The pod annotation `checksum/<what>` whose value changes with the configuration the pods read
 * at start, so that a change rolls them: the SHA-256 of a text, or of files (name and content).
 */
export function configChecksum(what: string, content: string | { [file: string]: string }): { [key: string]: string } {
  const text = typeof content === 'string' ? content : Object.entries(content).map(([k, v]) => `${k}\n${v}`).join('\n');
  return { [`checksum/${what}`]: createHash('sha256').update(text).digest('hex') };
}
