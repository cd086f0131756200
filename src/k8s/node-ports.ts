// Node ports are cluster-wide: two Services of one App that take the same node port cannot both
// be created. Not exported.
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { isPatched, WireService } from './wire';

/** The id of the construct, at the root of the App, that checks the node ports of every Service. */
const CHECK_ID = 'cdk8s-prometheus-monitoring.NodePorts';

/**
 * A Service whose spec is fixed when it is created, so the node ports it takes are known
 * without rendering it (which the check would otherwise do for each Service of the App, at
 * every validation of a synthesis). A JSON patch may change them: a patched Service is
 * rendered like any other.
 */
export class FixedSpecService extends WireService {
  private readonly nodePorts: number[];

  constructor(scope: Construct, id: string, props: kplus.k8s.KubeServiceProps & { readonly spec: kplus.k8s.ServiceSpec }) {
    super(scope, id, props);
    this.nodePorts = (props.spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number');
  }

  /** The node ports of the Service, or undefined when a JSON patch may have changed them. */
  public knownNodePorts(): number[] | undefined {
    return isPatched(this) ? undefined : this.nodePorts;
  }
}

/**
 * Makes synthesis fail when two Services of the App take the same node port: the API server
 * would refuse the second one. Every Service counts, ours or not. Called by each construct that
 * creates a Service with a node port; the check is added once, to a construct at the App root.
 */
export function checkNodePortsAcrossApp(scope: IConstruct): void {
  const root = scope.node.root;
  if (root.node.tryFindChild(CHECK_ID)) return;
  const check = new Construct(root as Construct, CHECK_ID);
  check.node.addValidation({ validate: () => nodePortCollisions(root) });
}

function nodePortCollisions(root: IConstruct): string[] {
  const byPort = new Map<number, string[]>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c) || c.kind !== 'Service') continue;
    // Not `instanceof`: ApiObject's [Symbol.hasInstance], which subclasses inherit, says yes to every ApiObject.
    const known = FixedSpecService.prototype.isPrototypeOf(c) ? (c as FixedSpecService).knownNodePorts() : undefined;
    const nodePorts: unknown[] = known ?? (c.toJson().spec?.ports ?? []).map((p: { nodePort?: unknown }) => p.nodePort);
    // One Service may use a node port for both TCP and UDP.
    for (const port of new Set(nodePorts)) {
      if (typeof port !== 'number') continue;
      byPort.set(port, [...byPort.get(port) ?? [], c.node.path]);
    }
  }
  return [...byPort.entries()].filter(([, paths]) => paths.length > 1).map(([port, [first, ...others]]) =>
    `${others.join(', ')}: 'nodePort' must be unique in the cluster (${first} takes it too), got ${port}. `
    + 'Give one of them another `nodePort`, or make it ClusterIP');
}
