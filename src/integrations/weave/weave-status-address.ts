import { isIPv4, isIPv6 } from 'net';
import { isLoopbackIp, isUnspecifiedIp } from './addresses';
import { checkEnum, checkStruct, fail } from '../../core/checks';
import { checkPort, requireString } from '../../core/formats';

/**
 * The IP family of the nodes' primary address.
 */
export enum WeaveIpFamily {
  /** IPv4: the router listens on `<ip>:<port>`. */
  IPV4 = 'IPv4',
  /** IPv6: the router listens on `[<ip>]:<port>`. */
  IPV6 = 'IPv6',
}

/**
 * Options of `WeaveStatusAddress.nodeIp()`.
 */
export interface WeaveNodeIpOptions {
  /**
   * The IP family of the nodes' primary address (the pod field `status.hostIP`), which
   * decides whether the address is bracketed.
   *
   * @default WeaveIpFamily.IPV4
   */
  readonly ipFamily?: WeaveIpFamily;
}

/**
 * The address the Weave Net router serves its metrics on, and likewise the network policy
 * controller (`--metrics-addr`).
 *
 * The router's setting depends on how it runs. In the weave-net DaemonSet (weave-kube) it is
 * `WEAVE_METRICS_ADDR=X.X.X.X:PORT`, a listener for the metrics only
 * (`WeaveMonitoring.patchDaemonSet()`). On a host started with `weave launch` it is
 * `WEAVE_STATUS_ADDR=X.X.X.X:PORT`, which serves the status API and the metrics
 * (`WeaveMonitoring.launchEnvironment()`).
 *
 * The port is not part of it: `WeaveMonitoring` adds its `routerPort` / `npcPort`, so the
 * address the endpoint listens on and the address Prometheus scrapes cannot disagree.
 *
 * `weave launch` listens on the local interface only (`127.0.0.1:6782`); weave-kube listens on
 * `0.0.0.0:6782` and weave-npc on `:6781`, that is on every interface of the node, and a
 * NetworkPolicy cannot protect them because the pods use the host network.
 *
 * @see https://github.com/weaveworks/weave/blob/master/site/tasks/manage/metrics.md
 */
export class WeaveStatusAddress {
  /**
   * The environment variable that `WeaveMonitoring.patchDaemonSet()` sets, in each patched
   * container, to the node's IP (`status.hostIP`), so that the address can refer to it.
   */
  public static readonly NODE_IP_VARIABLE = 'WEAVE_NODE_IP';

  /**
   * The IP of the node the pod runs on, from the Kubernetes downward API (`status.hostIP`):
   * the node's primary (usually internal) address, which is the address Prometheus discovers
   * for the hostNetwork weave-net pods. Recommended for the weave-net DaemonSet.
   *
   * Only for `WeaveMonitoring.patchDaemonSet()`: the value refers to an environment variable
   * that the patch defines.
   */
  public static nodeIp(options: WeaveNodeIpOptions = {}): WeaveStatusAddress {
    const ref = `$(${WeaveStatusAddress.NODE_IP_VARIABLE})`;
    checkStruct('WeaveStatusAddress.nodeIp', 'options', options);
    checkEnum('WeaveStatusAddress.nodeIp', 'ipFamily', options.ipFamily, WeaveIpFamily, 'WeaveIpFamily');
    const ipv6 = (options.ipFamily ?? WeaveIpFamily.IPV4) === WeaveIpFamily.IPV6;
    return new WeaveStatusAddress(ipv6 ? `[${ref}]` : ref, true, false);
  }

  /**
   * A fixed IP address of the host, such as its address on the network Prometheus scrapes
   * from: `WEAVE_STATUS_ADDR=10.0.0.21:6782` before `weave launch`.
   *
   * Only for `WeaveMonitoring.launchEnvironment()`: a fixed IP exists on one node only.
   *
   * @param address an IPv4 or IPv6 address (IPv6 with or without brackets)
   */
  public static ip(address: string): WeaveStatusAddress {
    const where = 'WeaveStatusAddress.ip';
    requireString(where, 'address', address);
    const bare = /^\[(.*)\]$/.exec(address)?.[1] ?? address;
    if (!isIPv4(bare) && !isIPv6(bare)) {
      fail(where, 'address', 'must be an IPv4 or IPv6 address', address);
    }
    if (isUnspecifiedIp(bare)) {
      fail(where, 'address', 'must be the address of one interface', address,
        'Use WeaveStatusAddress.allInterfaces() to listen on every interface');
    }
    if (isLoopbackIp(bare)) {
      fail(where, 'address', 'must not be a loopback address, which publishes nothing (it is what `weave launch` does by default)', address);
    }
    return new WeaveStatusAddress(isIPv6(bare) ? `[${bare}]` : bare, false, false);
  }

  /**
   * Every interface (`0.0.0.0`), as weave-kube does by default (`WEAVE_METRICS_ADDR` unset)
   * and the Weave Net documentation allows for `weave launch` (`WEAVE_STATUS_ADDR=0.0.0.0:6782`).
   *
   * Be aware that this may expose the metrics to the public internet (with `weave launch`, the
   * status API too): the router runs in the host network, where no NetworkPolicy applies.
   * `WeaveMonitoring` prints a warning at synthesis when it is used.
   */
  public static allInterfaces(): WeaveStatusAddress {
    return new WeaveStatusAddress('0.0.0.0', false, true);
  }

  /**
   * The host part of the address, as it appears before `:<port>`: an IP (IPv6 in brackets),
   * `0.0.0.0`, or a reference to `WEAVE_NODE_IP`.
   */
  public readonly host: string;
  /** Whether the host is the node IP from the downward API (Kubernetes only). */
  public readonly usesNodeIp: boolean;
  /** Whether the endpoint listens on every interface. */
  public readonly listensOnAllInterfaces: boolean;

  private constructor(host: string, usesNodeIp: boolean, listensOnAllInterfaces: boolean) {
    this.host = host;
    this.usesNodeIp = usesNodeIp;
    this.listensOnAllInterfaces = listensOnAllInterfaces;
  }

  /** The address with a port: the value of `WEAVE_METRICS_ADDR`, `WEAVE_STATUS_ADDR` or `--metrics-addr`. */
  public withPort(port: number): string {
    checkPort('WeaveStatusAddress.withPort', 'port', port);
    return `${this.host}:${port}`;
  }
}
