// The scrape jobs of WeaveMonitoring. Not exported from the package.
import { Duration } from 'cdk8s';
import { KubernetesRole, Relabel, RelabelAction, ScrapeJob, ServiceDiscovery } from '../../model/prometheus';

/** A Weave Net endpoint in the weave-net pods: the container that serves it and its port. */
export interface Endpoint {
  readonly jobName: string;
  readonly container: string;
  readonly port: number;
}

/** Where the weave-net pods are. */
export interface PodSelection {
  readonly namespaceName: string;
  /** The pod labels, keys sorted. */
  readonly podLabels: Array<[string, string]>;
}

/**
 * A job over the pods of the weave-net DaemonSet: the seed's relabelling, made right.
 *
 * The DaemonSet uses the host network and declares no container ports, so the pod role
 * yields one target per container whose `__address__` is the bare pod IP (an IPv6 one
 * unbracketed). The address is rebuilt from `__meta_kubernetes_pod_ip`, which is always the
 * bare IP, by two rules keyed on whether it contains a colon: `ip:port` for IPv4,
 * `[ip]:port` for IPv6. The seed's `(.+?)(?::\d+)?` would cut the last group of an IPv6
 * address, taking it for a port.
 */
export function kubernetesJob(endpoint: Endpoint, pods: PodSelection, scrapeInterval: Duration): ScrapeJob {
  const selector = pods.podLabels.map(([k, v]) => `${k}=${v}`).join(',');
  const job = new ScrapeJob({
    jobName: endpoint.jobName,
    scrapeInterval,
    discovery: [ServiceDiscovery.kubernetes({
      role: KubernetesRole.POD,
      namespaces: [pods.namespaceName],
      selectors: [{ role: KubernetesRole.POD, label: selector }],
    })],
    relabelConfigs: [
      // The seed's keep: the namespace and the pod labels (the API server already filters
      // by label; this also holds if the selector is dropped or the labels change).
      Relabel.keep({
        sourceLabels: ['__meta_kubernetes_namespace', ...pods.podLabels.map(([k]) => `__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`)],
        regex: [pods.namespaceName, ...pods.podLabels.map(([, v]) => v)].map(quoteMeta).join(';'),
      }),
      // One container per job; also drops the init container (weave-init).
      Relabel.keep({ sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: quoteMeta(endpoint.container) }),
      // Constant regexes with one group each: created without compiling them (see Relabel._trusted).
      Relabel._trusted(RelabelAction.REPLACE, {
        sourceLabels: ['__meta_kubernetes_pod_ip'],
        regex: '([^:]+)',
        targetLabel: '__address__',
        replacement: `\${1}:${endpoint.port}`,
      }),
      Relabel._trusted(RelabelAction.REPLACE, {
        sourceLabels: ['__meta_kubernetes_pod_ip'],
        regex: '(.*:.*)',
        targetLabel: '__address__',
        replacement: `[\${1}]:${endpoint.port}`,
      }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
    ],
  });
  // weave-net is `hostNetwork: true`: its pods have the nodes' addresses.
  job._hostNetworkTargets = true;
  return job;
}

/** A job over fixed `host:port` targets: the seed's static configuration. */
export function staticJob(jobName: string, targets: string[], scrapeInterval: Duration): ScrapeJob {
  return new ScrapeJob({
    jobName,
    scrapeInterval,
    discovery: [ServiceDiscovery.staticTargets({ targets })],
  });
}

/** Prometheus's name for a Kubernetes label in `__meta_kubernetes_pod_label_<name>`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Go's regexp.QuoteMeta: the text as a literal RE2 pattern. */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
