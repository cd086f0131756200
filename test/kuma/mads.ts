// What the Kuma control plane's MADS tells Prometheus about each proxy, as kuma_sd and
// kuma-prometheus-sd hand it on. Shared by the discovery and dashboard tests.
import { RelabelTarget } from '../harness';

/** A Dataplane as MADS sees it. */
export interface MadsProxy {
  readonly mesh: string;
  /** The Dataplane's name: `<pod>.<namespace>` on Kubernetes. */
  readonly dataplane: string;
  /** The identifying service: the first inbound's `kuma.io/service`, or a gateway's. */
  readonly service: string;
  readonly address: string;
  readonly path?: string;
  /** The proxy's tags (inbound tags, pod labels). */
  readonly tags: Record<string, string>;
  /** The Dataplane's name extensions: the pod's name and namespace on Kubernetes. */
  readonly kubernetes?: { readonly name: string; readonly namespace: string };
  /** For a builtin gateway proxy (`networking.gateway.type: BUILTIN`): the MeshGateway that selects it. */
  readonly meshGateway?: string;
}

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * The labels of a MonitoringAssignment target of the legacy metrics backend.
 * from kumahq/kuma v2.12.14 pkg/mads/util.go (DataplaneLabels): each tag, sanitized, with its
 * first value, and its plural with every value as `,v1,v2,`; then the name extensions
 * `k8s.kuma.io/name` and `k8s.kuma.io/namespace` (pkg/plugins/common/k8s/names.go), sanitized;
 * and for a builtin gateway `kuma_io_mesh_gateway`, the name of the MeshGateway selecting it.
 */
export function madsLabels(p: MadsProxy): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.tags)) {
    labels[sanitize(k)] = v;
    labels[sanitize(`${k}s`)] = `,${v},`;
  }
  if (p.kubernetes) {
    labels.k8s_kuma_io_name = p.kubernetes.name;
    labels.k8s_kuma_io_namespace = p.kubernetes.namespace;
  }
  if (p.meshGateway !== undefined) labels.kuma_io_mesh_gateway = p.meshGateway;
  return labels;
}

/**
 * A target as kuma_sd yields it.
 * from prometheus/prometheus v3.5.0 discovery/xds/kuma.go (convertKumaV1MonitoringAssignment,
 * convertKumaUserLabels): the assignment's labels under `__meta_kuma_label_`.
 */
export function kumaSdTarget(p: MadsProxy): RelabelTarget {
  const labels: Record<string, string> = {
    __meta_kuma_mesh: p.mesh,
    __meta_kuma_service: p.service,
    __meta_kuma_dataplane: p.dataplane,
    instance: p.dataplane,
    __scheme__: 'http',
    __metrics_path__: p.path ?? '/metrics',
  };
  for (const [k, v] of Object.entries(madsLabels(p))) labels[`__meta_kuma_label_${k}`] = v;
  return { address: p.address, labels };
}

/**
 * The same proxy as kuma-prometheus-sd writes it to its file_sd file.
 * from kumahq/kuma 1.8.8 app/kuma-prometheus-sd/pkg/discovery/xds/v1/converter.go (Convert):
 * the labels as they are, `mesh`, `service`, `dataplane`, `instance`, and `job` set to the service.
 */
export function kumaPrometheusSdTarget(p: MadsProxy): RelabelTarget {
  const labels: Record<string, string> = {
    ...madsLabels(p),
    mesh: p.mesh,
    service: p.service,
    dataplane: p.dataplane,
    instance: p.dataplane,
    job: p.service,
    __scheme__: 'http',
    __metrics_path__: p.path ?? '/metrics',
  };
  return { address: p.address, labels };
}

/**
 * A scrape job for a real Prometheus that scrapes `proxies` (at the addresses given) as the
 * library's kuma_sd job does: the synthesized job's relabelling over static targets that carry
 * the labels kuma_sd gives them.
 */
export function kumaSdScrapeJob(job: any, proxies: MadsProxy[]): any {
  return {
    job_name: job.job_name,
    relabel_configs: job.relabel_configs,
    static_configs: proxies.map((p) => {
      const { address, labels } = kumaSdTarget(p);
      return { targets: [address], labels };
    }),
  };
}
