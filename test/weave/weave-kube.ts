// What the containers of a weave-net pod listen on, derived from their spec the way Kubernetes
// and weave-kube 2.8.1 derive it, so that tests can check a (patched) DaemonSet for clashes.
//
// 1. Kubernetes: each env entry is resolved in order; `$(VAR)` in a value or an arg expands to
//    a variable defined EARLIER in the list, `$$` is a literal `$`, and an undefined reference
//    stays as written. A `fieldRef` gives the pod's field (hostNetwork: the pod IP is the node's).
// 2. The `weave` container runs weaveworks/weave v2.8.1 prog/weave-kube/launch.sh:
//      line 41   HTTP_ADDR=${WEAVE_HTTP_ADDR:-127.0.0.1:6784}
//      line 42   METRICS_ADDR=${WEAVE_METRICS_ADDR:-0.0.0.0:6782}
//      line 53   STATUS_OPTS="--metrics-addr=$METRICS_ADDR"
//      line 55   if [ -n "${WEAVE_STATUS_ADDR}" ]; then STATUS_OPTS="$STATUS_OPTS --status-addr=$WEAVE_STATUS_ADDR"
//      line 146  weaver $EXTRA_ARGS --port=6783 ... --http-addr=$HTTP_ADDR $STATUS_OPTS ... "$@" $KUBE_PEERS
//    (`${X:-d}` takes d when X is unset or empty). weaver (prog/weaver/main.go lines 468-505,
//    778-790) opens one TCP listener per non-empty --http-addr (control API, /status, /report),
//    --status-addr (status API and /metrics) and --metrics-addr (/metrics only), and exits
//    ("Unable to create http listener socket") when one cannot bind; --port is the mesh port.
//    weaver's flags (mflag, like Go's flag package) keep the last value given.
// 3. The `weave-npc` container has no command: its image's ENTRYPOINT is
//    prog/weave-npc/launch.sh, `exec /usr/bin/weave-npc $EXTRA_ARGS $@` (the container's args
//    are `$@`). prog/weave-npc/main.go line 351: cobra flag --metrics-addr, default ":6781"; the
//    last value given wins. npc/metrics/metrics.go Start(): one listener serving /metrics.

/** The node the pod runs on, for the downward API. */
export interface Node {
  readonly ip: string;
  readonly name: string;
}

/** A listening TCP socket of a weave-net pod (all of them share the node's network). */
export interface Listener {
  readonly container: string;
  readonly flag: string;
  /** The bind host: '' / '0.0.0.0' / '::' mean every interface. */
  readonly host: string;
  readonly port: number;
  /** What it serves. */
  readonly serves: string;
}

/** Kubernetes's `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion). */
export function expand(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) => {
    if (m === '$$') return '$';
    return name in vars ? vars[name] : m;
  });
}

/** The environment of a container as the process sees it. */
export function environment(container: any, node: Node): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      vars[e.name] = expand(e.value, vars);
    } else if (e.valueFrom?.fieldRef) {
      const field = e.valueFrom.fieldRef.fieldPath;
      const fields: Record<string, string> = { 'status.hostIP': node.ip, 'status.podIP': node.ip, 'spec.nodeName': node.name };
      if (!(field in fields)) throw new Error(`weave-kube.ts: no value for fieldRef ${field}`);
      vars[e.name] = fields[field];
    } else {
      vars[e.name] = ''; // `valueFrom` that this helper does not model
    }
  }
  return vars;
}

/** `${NAME:-fallback}` of a POSIX shell. */
const orDefault = (env: Record<string, string>, name: string, fallback: string) => (env[name] ? env[name] : fallback);

/** The flags launch.sh passes to weaver, in order (the ones about listeners and the container's args). */
export function weaverFlags(container: any, node: Node): string[] {
  const env = environment(container, node);
  const flags = [...words(env.EXTRA_ARGS), '--port=6783', `--http-addr=${orDefault(env, 'WEAVE_HTTP_ADDR', '127.0.0.1:6784')}`];
  flags.push(`--metrics-addr=${orDefault(env, 'WEAVE_METRICS_ADDR', '0.0.0.0:6782')}`);
  if (env.WEAVE_STATUS_ADDR) flags.push(`--status-addr=${env.WEAVE_STATUS_ADDR}`);
  flags.push(...(container.args ?? []).map((a: string) => expand(a, env)));
  return flags;
}

/** The flags weave-npc runs with: `$EXTRA_ARGS $@`. */
export function npcFlags(container: any, node: Node): string[] {
  const env = environment(container, node);
  if (container.command !== undefined) throw new Error('weave-kube.ts: weave-npc with its own command is not modelled');
  return [...words(env.EXTRA_ARGS), ...(container.args ?? []).map((a: string) => expand(a, env))];
}

/** The last value of a `--name=value` or `--name value` flag. */
export function flagValue(flags: string[], name: string): string | undefined {
  let value: string | undefined;
  flags.forEach((f, i) => {
    if (f.startsWith(`${name}=`)) value = f.slice(name.length + 1);
    else if (f === name) value = flags[i + 1];
  });
  return value;
}

/** Every listener of a weave-net pod's `weave` and `weave-npc` containers. */
export function listeners(podSpec: any, node: Node): Listener[] {
  const result: Listener[] = [];
  const add = (container: string, flag: string, address: string | undefined, serves: string) => {
    if (!address) return; // weaver: an empty address disables the listener
    result.push({ container, flag, ...splitHostPort(address), serves });
  };
  for (const c of podSpec.containers) {
    if (c.name === 'weave') {
      const flags = weaverFlags(c, node);
      add('weave', '--port', `:${flagValue(flags, '--port')}`, 'the mesh protocol');
      add('weave', '--http-addr', flagValue(flags, '--http-addr'), 'the control API');
      add('weave', '--status-addr', flagValue(flags, '--status-addr'), 'the status API and /metrics');
      add('weave', '--metrics-addr', flagValue(flags, '--metrics-addr'), '/metrics');
    } else if (c.name === 'weave-npc') {
      add('weave-npc', '--metrics-addr', flagValue(npcFlags(c, node), '--metrics-addr') ?? ':6781', '/metrics');
    }
  }
  return result;
}

/** Go's net.SplitHostPort, for the addresses weave takes. */
export function splitHostPort(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(address);
  if (!m) throw new Error(`weave-kube.ts: '${address}' is not host:port (weave would fail to listen on it)`);
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}

const ANY = new Set(['', '0.0.0.0', '::']);

/**
 * Pairs of listeners that cannot both bind: the same port, and the same host or one of them on
 * every interface (Linux refuses a second listening socket there without SO_REUSEPORT, which
 * Go's net.Listen does not set).
 */
export function clashes(all: Listener[]): Array<[Listener, Listener]> {
  const pairs: Array<[Listener, Listener]> = [];
  all.forEach((a, i) => all.slice(i + 1).forEach((b) => {
    if (a.port === b.port && (a.host === b.host || ANY.has(a.host) || ANY.has(b.host))) pairs.push([a, b]);
  }));
  return pairs;
}

function words(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter((w) => w !== '');
}
