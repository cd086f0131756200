// The Universal form of Kuma resources: what `kumactl apply -f` reads. Not exported from the package.
//
// A Universal resource is the Kubernetes object without `apiVersion`/`metadata`: `type` is the
// kind, `name` and `mesh` are top-level, and the legacy kinds (Mesh, TrafficPermission,
// Dataplane) put their spec fields at the top level too, while the policies (MeshMetric,
// MeshTrafficPermission) keep them under `spec`.
import type * as Yaml from 'yaml';

/** One Universal resource. */
export interface UniversalResource {
  readonly type: string;
  readonly name: string;
  readonly mesh?: string;
  readonly [field: string]: unknown;
}

let yaml: typeof Yaml | undefined;

/** YAML documents separated by `---`, in the given order. */
export function toUniversalYaml(resources: UniversalResource[]): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yaml ??= require('yaml') as typeof Yaml;
  const y = yaml;
  return resources.map((r) => y.stringify(r, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
