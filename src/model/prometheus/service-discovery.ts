import { Duration } from 'cdk8s';
import { checkLabelMap, promDuration } from './validate';
import { checkArray, checkBoolean, checkEnum, checkString, checkStringArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkAbsolutePath, checkDnsLabel, checkNonEmpty, checkUrl, compact } from '../../core/formats';

/**
 * The Kubernetes objects that `kubernetes_sd_configs` discovers targets from.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config
 */
export enum KubernetesRole {
  /** One target per node, at the kubelet's address. */
  NODE = 'node',
  /** One target per Service port. */
  SERVICE = 'service',
  /** One target per container port of each pod (one per pod when it declares none). */
  POD = 'pod',
  /** One target per Endpoints address and port. Deprecated by Kubernetes from 1.33: prefer ENDPOINT_SLICE. */
  ENDPOINTS = 'endpoints',
  /** One target per EndpointSlice address and port. */
  ENDPOINT_SLICE = 'endpointslice',
  /** One target per Ingress path. */
  INGRESS = 'ingress',
}

/**
 * A server-side filter of a Kubernetes discovery, applied by the API server.
 */
export interface KubernetesSelector {
  /** The kind of object the selector applies to. */
  readonly role: KubernetesRole;
  /**
   * A label selector, such as `app=my-app,tier!=cache`.
   *
   * @default - no label selector
   */
  readonly label?: string;
  /**
   * A field selector, such as `metadata.name=my-app`.
   *
   * @default - no field selector
   */
  readonly field?: string;
}

/**
 * Options of `ServiceDiscovery.kubernetes()`.
 */
export interface KubernetesDiscoveryOptions {
  /** The kind of object to discover targets from. */
  readonly role: KubernetesRole;
  /**
   * The namespaces to watch.
   *
   * `PrometheusStack` derives its RBAC from this: a Role per namespace listed here, a
   * ClusterRole when every namespace is watched.
   *
   * @default - every namespace (unless `ownNamespace` is set)
   */
  readonly namespaces?: string[];
  /**
   * Also watch the namespace Prometheus runs in.
   *
   * @default false
   */
  readonly ownNamespace?: boolean;
  /**
   * Server-side label and field selectors.
   *
   * @default - no selectors
   */
  readonly selectors?: KubernetesSelector[];
  /**
   * The API server of another cluster. Prometheus then needs credentials for it, which this
   * library does not manage; no RBAC is created in this cluster.
   *
   * @default - the cluster Prometheus runs in, with its ServiceAccount
   */
  readonly apiServer?: string;
  /**
   * Attach the labels of the node a pod runs on (`__meta_kubernetes_node_*`). Needs read
   * access to nodes. Only for the pod, endpoints and endpointslice roles.
   *
   * @default false
   */
  readonly attachNodeMetadata?: boolean;
}

/**
 * Options of `ServiceDiscovery.staticTargets()`.
 */
export interface StaticTargetsOptions {
  /** The targets, as `host:port` (no scheme, no path). */
  readonly targets: string[];
  /**
   * Labels attached to every target.
   *
   * @default - no extra labels
   */
  readonly labels?: { [name: string]: string };
}

/**
 * Options of `ServiceDiscovery.kuma()`.
 */
export interface KumaDiscoveryOptions {
  /**
   * The Kuma control plane's monitoring assignment (MADS) server.
   *
   * @default 'http://kuma-control-plane.kuma-system.svc:5676'
   */
  readonly server?: string;
  /**
   * How often the targets are refreshed.
   *
   * @default Duration.seconds(30)
   */
  readonly refreshInterval?: Duration;
  /**
   * How long a fetch of the targets may take.
   *
   * @default Duration.minutes(2)
   */
  readonly fetchTimeout?: Duration;
}

/**
 * Options of `ServiceDiscovery.file()`.
 */
export interface FileDiscoveryOptions {
  /** The files to read targets from (JSON or YAML); the last path element may contain `*`. */
  readonly files: string[];
  /**
   * How often the files are re-read (changes are also picked up when they happen).
   *
   * @default Duration.minutes(5)
   */
  readonly refreshInterval?: Duration;
}

/**
 * What a Kubernetes discovery watches, for deriving RBAC.
 */
export interface KubernetesWatch {
  /** The role discovered. */
  readonly role: KubernetesRole;
  /**
   * The namespaces watched.
   *
   * @default - every namespace
   */
  readonly namespaces?: string[];
  /** Whether the namespace Prometheus runs in is watched. */
  readonly ownNamespace: boolean;
  /** Whether node metadata is attached (needs read access to nodes). */
  readonly attachNodeMetadata: boolean;
}

/** Discovery roles whose selectors Prometheus accepts, per discovery role. */
const SELECTOR_ROLES: { [role: string]: KubernetesRole[] } = {
  node: [KubernetesRole.NODE],
  service: [KubernetesRole.SERVICE],
  pod: [KubernetesRole.POD],
  endpoints: [KubernetesRole.POD, KubernetesRole.SERVICE, KubernetesRole.ENDPOINTS],
  endpointslice: [KubernetesRole.POD, KubernetesRole.SERVICE, KubernetesRole.ENDPOINT_SLICE],
  ingress: [KubernetesRole.INGRESS],
};

/**
 * Where a scrape job (or Alertmanager endpoint) finds its targets.
 *
 * A job can combine several discoveries.
 */
export class ServiceDiscovery {
  /**
   * A fixed list of targets (`static_configs`).
   */
  public static staticTargets(options: StaticTargetsOptions): ServiceDiscovery {
    const where = 'ServiceDiscovery.staticTargets';
    checkStruct(where, 'options', options, true);
    checkArray(where, 'targets', requireProp(where, 'targets', options.targets));
    if (options.targets.length === 0) {
      fail(where, 'targets', 'must list at least one target', options.targets);
    }
    options.targets.forEach((t, i) => checkTarget(where, `targets[${i}]`, t));
    checkLabelMap(where, 'labels', options.labels);
    return new ServiceDiscovery('static_configs', compact({
      targets: [...options.targets],
      labels: options.labels ? { ...options.labels } : undefined,
    }));
  }

  /**
   * Targets discovered from the Kubernetes API (`kubernetes_sd_configs`).
   */
  public static kubernetes(options: KubernetesDiscoveryOptions): ServiceDiscovery {
    const where = 'ServiceDiscovery.kubernetes';
    checkStruct(where, 'options', options, true);
    checkEnum(where, 'role', requireProp(where, 'role', options.role), KubernetesRole, 'KubernetesRole');
    checkStringArray(where, 'namespaces', options.namespaces);
    checkBoolean(where, 'ownNamespace', options.ownNamespace);
    checkBoolean(where, 'attachNodeMetadata', options.attachNodeMetadata);
    checkArray(where, 'selectors', options.selectors, (w, p, s: KubernetesSelector) => {
      checkStruct(w, p, s, true);
      checkEnum(w, `${p}.role`, requireProp(w, `${p}.role`, s.role), KubernetesRole, 'KubernetesRole');
      checkString(w, `${p}.label`, s.label);
      checkString(w, `${p}.field`, s.field);
    });
    if (options.namespaces && options.namespaces.length === 0 && !options.ownNamespace) {
      fail(where, 'namespaces', 'must name at least one namespace (omit it to watch every namespace)', []);
    }
    (options.namespaces ?? []).forEach((ns, i) => checkDnsLabel(where, `namespaces[${i}]`, ns));
    const seen = new Set<KubernetesRole>();
    for (const [i, s] of (options.selectors ?? []).entries()) {
      if (!SELECTOR_ROLES[options.role].includes(s.role)) {
        fail(where, `selectors[${i}].role`, `must be one of ${SELECTOR_ROLES[options.role].join(', ')} for role ${options.role}`, s.role);
      }
      if (seen.has(s.role)) {
        fail(where, `selectors[${i}].role`, 'must not repeat a role (Prometheus allows one selector per role)', s.role);
      }
      seen.add(s.role);
      if (s.label === undefined && s.field === undefined) {
        fail(where, `selectors[${i}]`, 'needs a label or field selector', s);
      }
    }
    if (options.apiServer !== undefined) checkUrl(where, 'apiServer', options.apiServer);
    if (options.attachNodeMetadata && ![KubernetesRole.POD, KubernetesRole.ENDPOINTS, KubernetesRole.ENDPOINT_SLICE].includes(options.role)) {
      fail(where, 'attachNodeMetadata', 'is only supported for the pod, endpoints and endpointslice roles', options.role);
    }
    const namespaces = (options.namespaces?.length || options.ownNamespace)
      ? compact({ own_namespace: options.ownNamespace || undefined, names: options.namespaces ? [...options.namespaces] : undefined })
      : undefined;
    const watch: KubernetesWatch | undefined = options.apiServer !== undefined ? undefined : {
      role: options.role,
      namespaces: options.namespaces?.length ? [...options.namespaces] : undefined,
      ownNamespace: options.ownNamespace ?? false,
      attachNodeMetadata: options.attachNodeMetadata ?? false,
    };
    return new ServiceDiscovery('kubernetes_sd_configs', compact({
      role: options.role,
      api_server: options.apiServer,
      namespaces,
      selectors: options.selectors?.map((s) => compact({ role: s.role, label: s.label, field: s.field })),
      attach_metadata: options.attachNodeMetadata ? { node: true } : undefined,
    }), watch);
  }

  /**
   * Kuma data plane proxies, from the control plane's MADS server (`kuma_sd_configs`,
   * Prometheus >= 2.29).
   */
  public static kuma(options: KumaDiscoveryOptions = {}): ServiceDiscovery {
    const where = 'ServiceDiscovery.kuma';
    checkStruct(where, 'options', options);
    const server = options.server ?? 'http://kuma-control-plane.kuma-system.svc:5676';
    checkUrl(where, 'server', server);
    return new ServiceDiscovery('kuma_sd_configs', compact({
      server,
      refresh_interval: options.refreshInterval && promDuration(where, 'refreshInterval', options.refreshInterval),
      fetch_timeout: options.fetchTimeout && promDuration(where, 'fetchTimeout', options.fetchTimeout),
    }));
  }

  /**
   * Targets read from files that another process writes (`file_sd_configs`).
   */
  public static file(options: FileDiscoveryOptions): ServiceDiscovery {
    const where = 'ServiceDiscovery.file';
    checkStruct(where, 'options', options, true);
    checkArray(where, 'files', requireProp(where, 'files', options.files));
    if (options.files.length === 0) {
      fail(where, 'files', 'must list at least one file', options.files);
    }
    options.files.forEach((f, i) => {
      checkAbsolutePath(where, `files[${i}]`, f);
      if (!/\.(json|ya?ml|JSON|YA?ML)$/.test(f)) {
        fail(where, `files[${i}]`, 'must end in .json, .yml or .yaml', f);
      }
      // prometheus/prometheus v3.5.0 discovery/file/file.go `patFileSDName`: a * only in the file name.
      if (!/^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/.test(f)) {
        fail(where, `files[${i}]`, 'may have a * in its last path component only (Prometheus refuses other patterns)', f,
          'List each directory: /etc/targets/a/*.json, /etc/targets/b/*.json');
      }
    });
    return new ServiceDiscovery('file_sd_configs', compact({
      files: [...options.files],
      refresh_interval: options.refreshInterval && promDuration(where, 'refreshInterval', options.refreshInterval),
    }));
  }

  /**
   * Renders discoveries grouped under their prometheus.yml keys.
   *
   * @internal
   */
  public static _renderAll(discovery: ServiceDiscovery[]): { [key: string]: object[] } {
    const out: { [key: string]: object[] } = {};
    for (const sd of discovery) {
      const { key, entry } = sd._render();
      (out[key] ??= []).push(entry);
    }
    return out;
  }

  /**
   * What this discovery watches in the cluster Prometheus runs in.
   *
   * @default - not a Kubernetes discovery of this cluster
   */
  public readonly watch?: KubernetesWatch;
  private readonly key: string;
  private readonly body: object;

  private constructor(key: string, body: object, watch?: KubernetesWatch) {
    this.key = key;
    this.body = body;
    this.watch = watch;
  }

  /**
   * The prometheus.yml key (`static_configs`, `kubernetes_sd_configs`, ...) and one entry under it.
   *
   * @internal
   */
  public _render(): { key: string; entry: object } {
    return { key: this.key, entry: this.body };
  }
}

/** A static target is `host:port` or `host`, never a URL. */
function checkTarget(where: string, prop: string, target: string): void {
  checkNonEmpty(where, prop, target);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    fail(where, prop, 'must be host:port without a scheme', target, 'Set the job\'s \'scheme\' instead');
  }
  if (target.includes('/')) {
    fail(where, prop, 'must be host:port without a path', target, 'Set the job\'s \'metricsPath\' instead');
  }
  const m = target.match(/^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+)(?::(\d+))?$/);
  if (!m) {
    fail(where, prop, 'must be host:port (IPv6 addresses in brackets)', target);
  }
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) {
    fail(where, prop, 'must have a port in 1-65535', target);
  }
}
