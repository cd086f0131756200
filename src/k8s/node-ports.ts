// Node ports are cluster-wide: two Services of one App that take the same node port cannot both
// be created. Not exported.
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/** The id of the construct, at the root of the App, that checks the node ports of every Service. */
const CHECK_ID = 'cdk8s-prometheus-monitoring.NodePorts';

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
    const ports: Array<{ nodePort?: unknown }> = c.toJson().spec?.ports ?? [];
    // One Service may use a node port for both TCP and UDP.
    for (const port of new Set(ports.map((p) => p.nodePort))) {
      if (typeof port !== 'number') continue;
      byPort.set(port, [...byPort.get(port) ?? [], c.node.path]);
    }
  }
  return [...byPort.entries()].filter(([, paths]) => paths.length > 1).map(([port, [first, ...others]]) =>
    `${others.join(', ')}: 'nodePort' must be unique in the cluster (${first} takes it too), got ${port}. `
    + 'Give one of them another `nodePort`, or make it ClusterIP');
}
