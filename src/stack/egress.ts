// Where Prometheus connects, derived from its configuration: the egress rules of its
// NetworkPolicy. Not exported.
//
// kube-prometheus (prometheus-operator/kube-prometheus v0.18.0 manifests/prometheus-networkPolicy.yaml)
// declares the Egress policy type with one rule `{}`: every destination. The library narrows it to
// what the jobs name, and lets a job go anywhere (on its ports, when known) only where no
// selector can name its targets; `openEgressReasons` says which and why.
import * as kplus from 'cdk8s-plus-28';
import { dnsEgress, EgressRules, endpointEgress, kubernetesApiEgress, NAMESPACE_NAME_LABEL, tcpPorts, urlEgress } from '../k8s/network-policy';
import { PrometheusConfig } from '../model/prometheus';

type Rule = kplus.k8s.NetworkPolicyEgressRule;

/**
 * The egress of the Prometheus pods: DNS, the API server when it discovers or reads from it,
 * the targets of every job, the Alertmanagers and the remote writes.
 */
export function prometheusEgress(config: PrometheusConfig, namespace: string, apiServer: boolean): EgressRules {
  const rules: Rule[] = [dnsEgress()];
  const openReasons: string[] = [];
  if (apiServer || config._watches().length > 0 || config._apiAccess().length > 0) rules.push(kubernetesApiEgress());
  const open = (why: string, ports: number[] | undefined) => {
    openReasons.push(why);
    rules.push(ports ? { ports: tcpPorts(ports) } : {});
  };
  for (const job of config.scrapeJobs) {
    clientEgress(`job '${job.jobName}'`, job._render(), namespace, job._hostNetworkTargets, rules, open);
  }
  for (const am of config._alertmanagers()) clientEgress('an Alertmanager endpoint', am._render(), namespace, false, rules, open);
  for (const rw of config.remoteWrites) {
    const rule = urlEgress(rw.url);
    if (rule) rules.push(rule);
  }
  return { rules, openReasons };
}

/** The egress of one client (a scrape job, an Alertmanager endpoint) from its rendered configuration. */
function clientEgress(what: string, rendered: { [key: string]: unknown }, namespace: string, hostNetwork: boolean,
  rules: Rule[], open: (why: string, ports: number[] | undefined) => void): void {
  const rewrite = addressPorts(rendered.relabel_configs as Array<{ [key: string]: unknown }> | undefined);
  const defaultPort = rendered.scheme === 'https' ? 443 : 80;
  for (const sc of (rendered.static_configs ?? []) as Array<{ targets: string[] }>) {
    for (const target of sc.targets) {
      if (rewrite) {
        open(`${what}: relabelling rewrites the address of its static targets`, rewrite.ports);
        continue;
      }
      const m = target.match(/^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/)!;
      const rule = endpointEgress(m[1], m[2] !== undefined ? Number(m[2]) : defaultPort);
      if (rule) rules.push(rule);
    }
  }
  type KubernetesSd = { api_server?: string; role?: string; namespaces?: { names?: string[]; own_namespace?: boolean } };
  for (const sd of (rendered.kubernetes_sd_configs ?? []) as KubernetesSd[]) {
    const ports = rewrite?.ports;
    if (sd.api_server !== undefined) {
      open(`${what}: discovers the targets of another cluster (${sd.api_server})`, undefined);
    } else if (sd.role === 'node') {
      open(`${what}: its targets are nodes (kubelets), at addresses outside the pod network`, ports);
    } else if (sd.role === 'ingress') {
      open(`${what}: its targets are the hosts of Ingresses, anywhere`, ports);
    } else if (hostNetwork) {
      open(`${what}: its pods run on the host network, with their nodes' addresses, which no selector matches`, ports);
    } else {
      const names: string[] = [...sd.namespaces?.names ?? [], ...sd.namespaces?.own_namespace ? [namespace] : []];
      const to = names.length > 0
        ? [...new Set(names)].map((n) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: n } } }))
        : [{ namespaceSelector: {} }];
      rules.push({ to, ports: ports && tcpPorts(ports) });
    }
  }
  for (const sd of (rendered.kuma_sd_configs ?? []) as Array<{ server: string }>) {
    const server = urlEgress(sd.server);
    if (server) rules.push(server);
    open(`${what}: its targets are Kuma data plane proxies, in any namespace or outside Kubernetes (Universal)`, rewrite?.ports);
  }
  if (((rendered.file_sd_configs ?? []) as unknown[]).length > 0) {
    open(`${what}: its targets come from files written at run time`, rewrite?.ports);
  }
}

/**
 * When relabelling rewrites `__address__`: the ports the replacements end with, or undefined
 * ports when one of them names none (`${1}:6782` names 6782; `$1` none).
 */
function addressPorts(relabels: Array<{ [key: string]: unknown }> | undefined): { ports?: number[] } | undefined {
  const rewrites = (relabels ?? []).filter((r) => r.target_label === '__address__' && (r.action ?? 'replace') === 'replace');
  if (rewrites.length === 0) return undefined;
  const ports = rewrites.map((r) => String(r.replacement ?? '$1').match(/:(\d+)$/)?.[1]);
  if (ports.some((p) => p === undefined)) return { ports: undefined };
  return { ports: [...new Set(ports.map(Number))].sort((a, b) => a - b) };
}
