import { checkString, checkStringArray, checkStringMap, checkStruct, requireProp } from '../../core/checks';

/**
 * Options of `WeaveDiscovery.kubernetes()`.
 */
export interface WeaveKubernetesDiscoveryOptions {
  /**
   * The namespace of the weave-net DaemonSet. Prometheus watches pods there only, and
   * `PrometheusStack` grants it a Role in that namespace (no ClusterRole).
   *
   * @default 'kube-system'
   */
  readonly namespaceName?: string;
  /**
   * The labels of the weave-net pods. They are used as a server-side label selector (the API
   * server sends only these pods) and in the `keep` relabelling rule.
   *
   * @default { name: 'weave-net' }
   */
  readonly podLabels?: { [key: string]: string };
}

/**
 * Options of `WeaveDiscovery.staticTargets()`.
 */
export interface WeaveStaticTargetsOptions {
  /**
   * The router endpoints: `host`, `host:port`, an IPv6 address or `[IPv6]:port`. A target
   * without a port gets `WeaveMonitoring`'s `routerPort` (6782).
   *
   * Each host must publish its endpoint where Prometheus can reach it (`WEAVE_STATUS_ADDR`,
   * see `WeaveStatusAddress`); loopback addresses are refused, because Prometheus runs in a pod.
   */
  readonly routerTargets: string[];
  /**
   * The network policy controller (weave-npc) endpoints, in the same forms; a target without
   * a port gets `npcPort` (6781).
   *
   * @default - none: weave-npc runs only in the Kubernetes addon, not on `weave launch` hosts
   */
  readonly npcTargets?: string[];
}

/**
 * Where `WeaveMonitoring` finds the Weave Net routers: discovered from Kubernetes (the
 * weave-net DaemonSet) or at fixed addresses (hosts started with `weave launch`).
 *
 * Values are checked by `WeaveMonitoring`, whose errors name its construct path.
 */
export class WeaveDiscovery {
  /**
   * The pods of the weave-net DaemonSet, discovered from the Kubernetes API: the
   * Weave Net document's Kubernetes set-up, with its relabelling made right for IPv4 and IPv6.
   */
  public static kubernetes(options: WeaveKubernetesDiscoveryOptions = {}): WeaveDiscovery {
    checkStruct('WeaveDiscovery.kubernetes', 'options', options);
    checkString('WeaveDiscovery.kubernetes', 'namespaceName', options.namespaceName);
    checkStringMap('WeaveDiscovery.kubernetes', 'podLabels', options.podLabels);
    return new WeaveDiscovery({
      namespaceName: options.namespaceName,
      podLabels: options.podLabels ? { ...options.podLabels } : undefined,
    }, undefined);
  }

  /**
   * Fixed endpoints: the Weave Net document's static configuration, for hosts that are not
   * discovered.
   */
  public static staticTargets(options: WeaveStaticTargetsOptions): WeaveDiscovery {
    const where = 'WeaveDiscovery.staticTargets';
    checkStruct(where, 'options', options, true);
    checkStringArray(where, 'routerTargets', requireProp(where, 'routerTargets', options.routerTargets, 'List the nodes\' addresses, such as [\'10.0.0.1\']'));
    checkStringArray(where, 'npcTargets', options.npcTargets);
    return new WeaveDiscovery(undefined, {
      routerTargets: [...options.routerTargets],
      npcTargets: options.npcTargets ? [...options.npcTargets] : undefined,
    });
  }

  /**
   * The Kubernetes discovery options.
   *
   * @internal
   */
  public readonly _kubernetes?: WeaveKubernetesDiscoveryOptions;
  /**
   * The static targets.
   *
   * @internal
   */
  public readonly _static?: WeaveStaticTargetsOptions;

  private constructor(kubernetes?: WeaveKubernetesDiscoveryOptions, staticTargets?: WeaveStaticTargetsOptions) {
    this._kubernetes = kubernetes;
    this._static = staticTargets;
  }

  /** Whether the routers are discovered from Kubernetes. */
  public get isKubernetes(): boolean {
    return this._kubernetes !== undefined;
  }
}
