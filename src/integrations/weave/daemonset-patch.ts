// JSON patches that publish the metrics endpoints of a weave-net DaemonSet on a chosen
// address. Not exported from the package.
import { JsonPatch } from 'cdk8s';
import { WeaveStatusAddress } from './weave-status-address';
import { fail } from '../../core/checks';

/** The router container of the weave-net DaemonSet, and the network policy controller's. */
export const ROUTER_CONTAINER = 'weave';
export const NPC_CONTAINER = 'weave-npc';
/**
 * The variable weave-kube's launch.sh reads for weaver's `--metrics-addr` (default
 * `0.0.0.0:6782`): a listener that serves `/metrics` only.
 */
export const METRICS_ADDR_VARIABLE = 'WEAVE_METRICS_ADDR';
/**
 * The variable of `weave launch` (the `weave` script; default `127.0.0.1:6782`) for weaver's
 * `--status-addr`, a listener that serves the status API and `/metrics`. weave-kube's launch.sh
 * adds `--status-addr` only when it is set, as a second listener next to `--metrics-addr`.
 */
export const STATUS_ADDR_VARIABLE = 'WEAVE_STATUS_ADDR';
const METRICS_ADDR_FLAG = '--metrics-addr';

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { fieldRef: { apiVersion: string; fieldPath: string } };
}

interface Container {
  name?: string;
  env?: Array<{ name?: string; value?: string }> | null;
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
 * Patches that set `WEAVE_METRICS_ADDR` in the `weave` container and `--metrics-addr` in the
 * `weave-npc` container (when the DaemonSet has one), with the node-IP variable they refer to.
 * Entries they replace are removed first, so that the variable is always defined before its
 * use (Kubernetes expands `$(VAR)` only from variables listed earlier).
 *
 * weave-kube's launch.sh always passes `--metrics-addr=${WEAVE_METRICS_ADDR:-0.0.0.0:6782}` to
 * weaver, and `--status-addr` only when `WEAVE_STATUS_ADDR` is set; weaver opens a listener for
 * each, and exits when one cannot bind. So the router port goes into `WEAVE_METRICS_ADDR`, and a
 * `WEAVE_STATUS_ADDR` already on that port is refused: it would take the router down.
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
  const router = containers[routerIndex];
  const status = (router.env ?? []).find((e) => e.name === STATUS_ADDR_VARIABLE);
  const statusPort = portOf(status?.value);
  if (status !== undefined && status.value !== '' && (statusPort === undefined || statusPort === routerPort)) {
    fail(where, 'daemonSet', `must not set ${STATUS_ADDR_VARIABLE} in its '${ROUTER_CONTAINER}' container on the router port `
      + `${routerPort} (or on a port that is not written out): weave-kube opens that status listener next to the metrics `
      + `listener (${METRICS_ADDR_VARIABLE}), and the router exits when both want one port`, status.value ?? status,
    `Remove ${STATUS_ADDR_VARIABLE}: patchDaemonSet() publishes the metrics with ${METRICS_ADDR_VARIABLE}, and the status API `
      + 'would expose internal information');
  }
  const patches = setEnv(routerIndex, router, [...nodeIp, { name: METRICS_ADDR_VARIABLE, value: address.withPort(routerPort) }]);

  const npcIndex = containers.findIndex((c) => c.name === NPC_CONTAINER);
  if (npcIndex >= 0) {
    const npc = containers[npcIndex];
    patches.push(...setEnv(npcIndex, npc, nodeIp));
    patches.push(...setMetricsAddr(npcIndex, npc, address.withPort(npcPort)));
  }
  return { patches, npcPatched: npcIndex >= 0 };
}

/** The port of a `host:port` value, when it ends with a literal one. */
function portOf(value: string | undefined): number | undefined {
  const port = value === undefined ? undefined : /:(\d+)$/.exec(value)?.[1];
  return port === undefined ? undefined : Number(port);
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
