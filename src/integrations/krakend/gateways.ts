import * as kplus from 'cdk8s-plus-28';
import { checkArray, checkStruct, fail, requireProp } from '../../core/checks';
import { checkNonEmpty, checkPositiveInteger } from '../../core/formats';
import { checkImage } from '../../k8s/checks';
import { checkResources } from '../../k8s/pod';
import { checkScrapeHost } from '../../model/prometheus/validate';

/**
 * Options of `KrakendGateways.deploy()`.
 */
export interface KrakendDeployOptions {
  /**
   * How many gateway pods run.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The KrakenD image: a 2.x release, which reads configuration version 3.
   *
   * @default 'krakend:2.12.1'
   */
  readonly image?: string;
  /**
   * CPU and memory of the gateway container.
   *
   * @default - requests 100m CPU and 128Mi memory, limits 512Mi memory and no CPU limit
   */
  readonly resources?: kplus.ContainerResources;
}

/**
 * Options of `KrakendGateways.external()`.
 */
export interface KrakendExternalOptions {
  /**
   * The gateways, as `host` or `host:port` (such as `krakend1` or `krakend1:9091`; IPv6
   * addresses in brackets with a port). A target without a port gets the exporter port; a
   * target with a port must use it. Loopback addresses (`localhost`, `127.0.0.1`, `::1`) are
   * refused: Prometheus runs in a pod, where they reach Prometheus itself, not a gateway.
   */
  readonly targets: string[];
}

/**
 * Which KrakenD gateways `KrakendMetrics` monitors: gateways it deploys on Kubernetes, or
 * gateways that run elsewhere (containers, VMs), scraped at fixed addresses.
 */
export class KrakendGateways {
  /** The default gateway image: the Docker Official Image of KrakenD CE, pinned to a 2.x release. */
  public static readonly DEFAULT_IMAGE = 'krakend:2.12.1';

  /**
   * Gateways deployed by `KrakendMetrics`: a ConfigMap with krakend.json, a Deployment and a
   * Service; Prometheus finds the pods through the Service's EndpointSlices.
   */
  public static deploy(options: KrakendDeployOptions = {}): KrakendGateways {
    const where = 'KrakendGateways.deploy';
    checkStruct(where, 'options', options);
    checkResources(where, 'resources', options.resources);
    checkPositiveInteger(where, 'replicas', options.replicas);
    const image = options.image ?? KrakendGateways.DEFAULT_IMAGE;
    checkImage(where, 'image', image, `Pin a 2.x release, such as ${KrakendGateways.DEFAULT_IMAGE}`);
    return new KrakendGateways({ replicas: options.replicas ?? 1, image, resources: options.resources });
  }

  /**
   * Gateways that run outside the cluster (or are deployed by other means), scraped as
   * static targets; no Kubernetes object is created for them.
   */
  public static external(options: KrakendExternalOptions): KrakendGateways {
    const where = 'KrakendGateways.external';
    checkStruct(where, 'options', options, true);
    checkArray(where, 'targets', requireProp(where, 'targets', options.targets, 'List the gateways as host:port, such as [\'krakend-1:9090\']'));
    if (options.targets.length === 0) fail(where, 'targets', 'must list at least one gateway', []);
    const targets = options.targets.map((t, i) => parseTarget(where, `targets[${i}]`, t));
    return new KrakendGateways(undefined, targets);
  }

  /**
   * The deployment settings, for deployed gateways.
   *
   * @internal
   */
  public readonly _deploy?: { readonly replicas: number; readonly image: string; readonly resources?: kplus.ContainerResources };
  /**
   * The addresses, for external gateways: the host (IPv6 in brackets) and the port, if given.
   *
   * @internal
   */
  public readonly _targets?: ExternalTarget[];

  private constructor(deploy?: KrakendGateways['_deploy'], targets?: ExternalTarget[]) {
    this._deploy = deploy;
    this._targets = targets;
  }
}

/** A parsed external target. */
interface ExternalTarget {
  /** What the user wrote, for error messages. */
  readonly text: string;
  /** The host, IPv6 addresses in brackets. */
  readonly host: string;
  readonly port?: number;
  /** The property it came from. */
  readonly prop: string;
}

/** `host`, `host:port`, a bare IPv6 address or `[IPv6]:port`, with a host Prometheus can reach. */
function parseTarget(where: string, prop: string, target: string): ExternalTarget {
  checkNonEmpty(where, prop, target);
  let host: string;
  let port: string | undefined;
  const m = target.match(/^(\[[0-9a-fA-F:.]+\]|[^:\s[\]/]+)(?::(\d+))?$/);
  if (m) {
    [, host, port] = m;
  } else if (/^[0-9a-fA-F:.]+$/.test(target) && target.includes(':')) {
    host = `[${target}]`;
  } else {
    return fail(where, prop, 'must be host or host:port (IPv6 addresses in brackets), without a scheme or path', target);
  }
  checkScrapeHost(where, prop, host.replace(/^\[(.*)\]$/, '$1'), target,
    'Use the gateway\'s address as Prometheus\'s pod sees it (a DNS name or an IP of the gateway\'s host)');
  return { text: target, host, port: port === undefined ? undefined : Number(port), prop };
}
