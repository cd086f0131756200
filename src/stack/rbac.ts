// Least-privilege RBAC derived from what the Kubernetes discoveries of a Prometheus watch, and
// the Roles and ClusterRole that grant it to the stack's ServiceAccount. Not exported.
import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KubernetesApiAccess, KubernetesRole, KubernetesWatch, PrometheusConfig } from '../model/prometheus';

const k8s = kplus.k8s;

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

/**
 * The RBAC objects of a stack's discovery: a Role (and RoleBinding) per watched namespace, a
 * ClusterRole (and ClusterRoleBinding) for cluster-wide discovery and the API paths scrapes read.
 */
export class DiscoveryRbac {
  private clusterRole?: kplus.k8s.KubeClusterRole;
  private readonly roles = new Map<string, kplus.k8s.KubeRole>();

  /** `metadata` holds the labels and annotations of every object (namespace excluded). */
  constructor(
    private readonly scope: Construct,
    private readonly config: PrometheusConfig,
    private readonly namespaceName: string,
    private readonly serviceAccountName: string,
    private readonly metadata: { labels: { [key: string]: string }; annotations?: { [key: string]: string } },
  ) {}

  /**
   * Creates the Roles and ClusterRole that discovery needs, when first needed. Their rules
   * are computed at synthesis from every job, so the order of calls does not matter.
   */
  public grant(watches: KubernetesWatch[]): void {
    // What the scrapes themselves need (the kubelet's nodes/metrics, the API server's /metrics) is cluster-scoped too.
    const scrapesNeedAccess = this.config._apiAccess().length > 0;
    for (const watch of scrapesNeedAccess ? [...watches, undefined] : watches) {
      if ((watch === undefined || needsClusterRole(watch, this.namespaceName)) && !this.clusterRole) {
        this.clusterRole = new k8s.KubeClusterRole(this.scope, 'ClusterRole', {
          metadata: this.metadata,
          rules: Lazy.any({
            produce: () => [
              ...policyRules(this.config._watches(), this.namespaceName, 'cluster'),
              ...accessRules(accessGrants(this.config._apiAccess())),
            ],
          }),
        });
        new k8s.KubeClusterRoleBinding(this.scope, 'ClusterRoleBinding', {
          metadata: this.metadata,
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.name },
          subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespaceName }],
        });
      }
      if (watch === undefined) continue;
      const namespaces = watchedNamespaces(watch, this.namespaceName);
      if (namespaces === 'all') continue;
      for (const ns of namespaces) {
        if (this.roles.has(ns)) continue;
        const role = new k8s.KubeRole(this.scope, `Role-${ns}`, {
          metadata: { ...this.metadata, namespace: ns },
          rules: Lazy.any({ produce: () => policyRules(this.config._watches(), this.namespaceName, ns) }),
        });
        new k8s.KubeRoleBinding(this.scope, `RoleBinding-${ns}`, {
          metadata: { ...this.metadata, namespace: ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
          subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespaceName }],
        });
        this.roles.set(ns, role);
      }
    }
  }
}
