// JSON patches that publish the metrics endpoints of a weave-net DaemonSet on a chosen
// address. Not exported from the package.
import { JsonPatch } from 'cdk8s';
import { WeaveStatusAddress } from './weave-status-address';
import { fail } from '../prometheus/validate';

/** The router container of the weave-net DaemonSet, and the network policy controller's. */
export const ROUTER_CONTAINER = 'weave';
export const NPC_CONTAINER = 'weave-npc';
export const STATUS_ADDR_VARIABLE = 'WEAVE_STATUS_ADDR';
const METRICS_ADDR_FLAG = '--metrics-addr';

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { fieldRef: { apiVersion: string; fieldPath: string } };
}

interface Container {
  name?: string;
  env?: Array<{ name?: string }> | null;
  args?: string[] | null;
}

/** What the patch needs from the DaemonSet's rendered JSON. */
export interface DaemonSetJson {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { template?: { metadata?: { labels?: { [key: string]: string } }; spec?: { containers?: Container[] } } };
}

/** The patches, and the containers they change. */
export interface DaemonSetPatch {
  readonly patches: JsonPatch[];
  readonly npcPatched: boolean;
}

/**
 * Patches that set `WEAVE_STATUS_ADDR` in the `weave` container and `--metrics-addr` in the
 * `weave-npc` container (when the DaemonSet has one), with the node-IP variable they refer to.
 * Entries they replace are removed first, so that the variable is always defined before its
 * use (Kubernetes expands `$(VAR)` only from variables listed earlier).
 */
export function daemonSetPatches(where: string, ds: DaemonSetJson, address: WeaveStatusAddress, routerPort: number, npcPort: number): DaemonSetPatch {
  const containers = ds.spec?.template?.spec?.containers ?? [];
  const routerIndex = containers.findIndex((c) => c.name === ROUTER_CONTAINER);
  if (routerIndex < 0) {
    fail(where, 'daemonSet', `must have a container named '${ROUTER_CONTAINER}' (the Weave Net router)`,
      containers.map((c) => c.name));
  }
  const nodeIp: EnvVar[] = address.usesNodeIp
    ? [{ name: WeaveStatusAddress.NODE_IP_VARIABLE, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } }]
    : [];
  const patches = setEnv(routerIndex, containers[routerIndex], [...nodeIp, { name: STATUS_ADDR_VARIABLE, value: address.withPort(routerPort) }]);

  const npcIndex = containers.findIndex((c) => c.name === NPC_CONTAINER);
  if (npcIndex >= 0) {
    const npc = containers[npcIndex];
    patches.push(...setEnv(npcIndex, npc, nodeIp));
    patches.push(...setMetricsAddr(npcIndex, npc, address.withPort(npcPort)));
  }
  return { patches, npcPatched: npcIndex >= 0 };
}

const containerPath = (index: number) => `/spec/template/spec/containers/${index}`;

/** Removes the variables of the same names, then appends `vars`. */
function setEnv(index: number, container: Container, vars: EnvVar[]): JsonPatch[] {
  if (vars.length === 0) return [];
  const path = `${containerPath(index)}/env`;
  if (!Array.isArray(container.env)) return [JsonPatch.add(path, vars)];
  const names = new Set(vars.map((v) => v.name));
  const patches = container.env
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.name !== undefined && names.has(e.name))
    .reverse()
    .map(({ i }) => JsonPatch.remove(`${path}/${i}`));
  return [...patches, ...vars.map((v) => JsonPatch.add(`${path}/-`, v))];
}

/** Replaces `--metrics-addr=X` or `--metrics-addr X` in the args with `--metrics-addr=<value>`. */
function setMetricsAddr(index: number, container: Container, value: string): JsonPatch[] {
  const path = `${containerPath(index)}/args`;
  const flag = `${METRICS_ADDR_FLAG}=${value}`;
  if (!Array.isArray(container.args)) return [JsonPatch.add(path, [flag])];
  const remove: number[] = [];
  container.args.forEach((arg, i) => {
    if (arg === METRICS_ADDR_FLAG) remove.push(i, i + 1);
    else if (arg.startsWith(`${METRICS_ADDR_FLAG}=`)) remove.push(i);
  });
  const existing = [...new Set(remove)].filter((i) => i < container.args!.length).sort((a, b) => b - a);
  return [...existing.map((i) => JsonPatch.remove(`${path}/${i}`)), JsonPatch.add(`${path}/-`, flag)];
}
