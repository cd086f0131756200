// The scrape job of the Kuma control plane's own metrics. Not exported from the package.
import { Duration } from 'cdk8s';
import { KubernetesRole, Relabel, ScrapeJob, ServiceDiscovery } from '../../model/prometheus';
import { PrometheusStack } from '../../stack/prometheus-stack';

/** The job's name; one per stack, whichever mesh asks for it. */
export const CONTROL_PLANE_JOB = 'kuma-control-plane';

/**
 * Scrapes every replica of the control plane on its diagnostics port (5680, `/metrics`), found
 * through the EndpointSlices of the `kuma-control-plane` Service and its port named
 * `diagnostics` (the Kuma Helm chart's cp-service.yaml), so that each replica is its own target
 * with `pod` and `namespace` labels. One per stack: the job an earlier mesh added is returned,
 * with `added: false`; a new one is for the caller to contribute.
 */
export function controlPlaneJob(stack: PrometheusStack, namespaceName: string, scrapeInterval?: Duration): { job: ScrapeJob; added: boolean } {
  const existing = stack.config.findScrapeJob(CONTROL_PLANE_JOB);
  if (existing) return { job: existing, added: false };
  const service = 'kuma-control-plane';
  const job = new ScrapeJob({
    jobName: CONTROL_PLANE_JOB,
    scrapeInterval,
    discovery: [ServiceDiscovery.kubernetes({
      role: KubernetesRole.ENDPOINT_SLICE,
      namespaces: [namespaceName],
      selectors: [{ role: KubernetesRole.ENDPOINT_SLICE, label: `kubernetes.io/service-name=${service}` }],
    })],
    relabelConfigs: [
      Relabel.keep({
        sourceLabels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
        regex: `${service};diagnostics`,
      }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
      Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
    ],
  });
  return { job, added: true };
}
