// Least-privilege RBAC derived from what the Kubernetes discoveries of a Prometheus watch.
// Not exported from the package.
import * as kplus from 'cdk8s-plus-28';
import { KubernetesApiAccess, KubernetesRole, KubernetesWatch } from '../model/prometheus';

type Resource = { apiGroup: string; resource: string };

const CORE = '';
/** The objects each discovery role reads (Prometheus's kubernetes_sd implementation). */
const READS: { [role: string]: Resource[] } = {
  [KubernetesRole.NODE]: [{ apiGroup: CORE, resource: 'nodes' }],
  [KubernetesRole.SERVICE]: [{ apiGroup: CORE, resource: 'services' }],
  [KubernetesRole.POD]: [{ apiGroup: CORE, resource: 'pods' }],
  [KubernetesRole.ENDPOINTS]: [
    { apiGroup: CORE, resource: 'endpoints' }, { apiGroup: CORE, resource: 'services' }, { apiGroup: CORE, resource: 'pods' },
  ],
  [KubernetesRole.ENDPOINT_SLICE]: [
    { apiGroup: 'discovery.k8s.io', resource: 'endpointslices' },
    { apiGroup: CORE, resource: 'services' }, { apiGroup: CORE, resource: 'pods' },
  ],
  [KubernetesRole.INGRESS]: [{ apiGroup: 'networking.k8s.io', resource: 'ingresses' }],
};
const NODES: Resource = { apiGroup: CORE, resource: 'nodes' };

/** Where a watch reads: every namespace, or the listed ones. */
export function watchedNamespaces(watch: KubernetesWatch, ownNamespace: string): string[] | 'all' {
  if (!watch.namespaces && !watch.ownNamespace) return 'all';
  const names = [...watch.namespaces ?? [], ...watch.ownNamespace ? [ownNamespace] : []];
  return [...new Set(names)];
}

/** Whether a watch needs cluster-scoped access (all namespaces, or nodes). */
export function needsClusterRole(watch: KubernetesWatch, ownNamespace: string): boolean {
  return watchedNamespaces(watch, ownNamespace) === 'all' || watch.role === KubernetesRole.NODE || watch.attachNodeMetadata;
}

/**
 * The rules of the ClusterRole (scope 'cluster') or of the Role in one namespace.
 * Namespaced reads that a cluster-wide read already covers are left out of Roles.
 */
export function policyRules(watches: KubernetesWatch[], ownNamespace: string, scope: 'cluster' | string): kplus.k8s.PolicyRule[] {
  const wanted: Resource[] = [];
  for (const w of watches) {
    const ns = watchedNamespaces(w, ownNamespace);
    const reads = READS[w.role].filter((r) => r.resource !== 'nodes');
    const clusterScoped = [
      ...READS[w.role].filter((r) => r.resource === 'nodes'),
      ...w.attachNodeMetadata ? [NODES] : [],
    ];
    if (scope === 'cluster') {
      wanted.push(...clusterScoped);
      if (ns === 'all') wanted.push(...reads);
    } else if (ns !== 'all' && ns.includes(scope)) {
      wanted.push(...reads);
    }
  }
  if (scope !== 'cluster') {
    const cluster = new Set(policyRules(watches, ownNamespace, 'cluster').flatMap((r) =>
      (r.resources ?? []).map((res) => `${r.apiGroups?.[0]}/${res}`)));
    return group(wanted.filter((r) => !cluster.has(`${r.apiGroup}/${r.resource}`)));
  }
  return group(wanted);
}

/** One rule per API group, resources sorted, for a stable and short output. */
function group(resources: Resource[]): kplus.k8s.PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!byGroup.has(r.apiGroup)) byGroup.set(r.apiGroup, new Set());
    byGroup.get(r.apiGroup)!.add(r.resource);
  }
  return [...byGroup.keys()].sort().map((apiGroup) => ({
    apiGroups: [apiGroup],
    resources: [...byGroup.get(apiGroup)!].sort(),
    verbs: ['get', 'list', 'watch'],
  }));
}

/** One permission a scrape needs, with the jobs that need it. */
export interface AccessGrant {
  /** `nodes/metrics`, `nodes/proxy`, or a non-resource URL such as `/metrics`. */
  readonly what: string;
  readonly resource: boolean;
  readonly jobs: string[];
}

/** The permissions the scrapes need (not their discovery), each with the jobs that need it, sorted. */
export function accessGrants(access: Array<{ jobName: string; access: KubernetesApiAccess }>): AccessGrant[] {
  const byWhat = new Map<string, AccessGrant>();
  for (const { jobName, access: a } of access) {
    const items = a.resource !== undefined ? [{ what: a.resource, resource: true }] : (a.urls ?? []).map((u) => ({ what: u, resource: false }));
    for (const item of items) {
      const key = `${item.resource}:${item.what}`;
      const grant = byWhat.get(key) ?? { ...item, jobs: [] };
      if (!grant.jobs.includes(jobName)) grant.jobs.push(jobName);
      byWhat.set(key, grant);
    }
  }
  return [...byWhat.values()].sort((a, b) => a.what.localeCompare(b.what));
}

/**
 * The ClusterRole rules of the scrapes: `get` on the core-group (sub)resources, and `get` on
 * the non-resource URLs, as kube-prometheus's prometheus-k8s ClusterRole has them.
 */
export function accessRules(grants: AccessGrant[]): kplus.k8s.PolicyRule[] {
  const resources = grants.filter((g) => g.resource).map((g) => g.what);
  const urls = grants.filter((g) => !g.resource).map((g) => g.what);
  return [
    ...resources.length > 0 ? [{ apiGroups: [CORE], resources, verbs: ['get'] }] : [],
    ...urls.length > 0 ? [{ nonResourceUrLs: urls, verbs: ['get'] }] : [],
  ];
}
