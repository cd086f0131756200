// The Universal form of Kuma resources: what `kumactl apply -f` reads. Not exported from the package.
//
// A Universal resource is the Kubernetes object without `apiVersion`/`metadata`: `type` is the
// kind, `name` and `mesh` are top-level, and the legacy kinds (Mesh, TrafficPermission,
// Dataplane) put their spec fields at the top level too, while the policies (MeshMetric,
// MeshTrafficPermission) keep them under `spec`.
import { toYaml } from '../../core/yaml';

/** One Universal resource. */
export interface UniversalResource {
  readonly type: string;
  readonly name: string;
  readonly mesh?: string;
  readonly [field: string]: unknown;
}

/** YAML documents separated by `---`, in the given order. */
export function toUniversalYaml(resources: UniversalResource[]): string {
  return resources.map((r) => toYaml(r)).join('---\n');
}
