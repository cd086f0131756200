// Addresses of Weave Net endpoints: static scrape targets and the IPs the router and weave-npc bind to.
// Not exported from the package.
import { isIPv4, isIPv6 } from 'net';
import { fail } from '../../core/checks';
import { checkScrapeHost } from '../../model/prometheus/validate';

/** A DNS host name (RFC 1123 labels, no trailing dot). */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export { isLoopbackIp, isUnspecifiedIp } from '../../model/prometheus/validate';

/**
 * Parses a static scrape target (`host`, `host:port`, an IPv6 address, `[IPv6]:port`) into
 * `host:port`, with `defaultPort` when it has none and IPv6 addresses bracketed. Rejects URLs,
 * paths, bad ports, and addresses that cannot reach a Weave Net host from a Prometheus pod
 * (loopback, unspecified).
 */
export function parseTarget(where: string, prop: string, target: string, defaultPort: number): string {
  if (target.trim() === '') fail(where, prop, 'must not be empty', target);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    fail(where, prop, 'must be host or host:port without a scheme', target);
  }
  if (target.includes('/')) fail(where, prop, 'must be host or host:port without a path', target);
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (bracketed) {
    [, host, portText] = bracketed;
    if (!isIPv6(host)) fail(where, prop, 'must have an IPv6 address between the brackets', target);
  } else if (isIPv6(target)) {
    host = target;
  } else {
    const m = /^([^:]+)(?::(\d+))?$/.exec(target);
    if (!m) fail(where, prop, 'must be host, host:port, an IPv6 address or [IPv6]:port', target);
    [, host, portText] = m;
    if (!isIPv4(host) && (!HOST_NAME.test(host) || /^[\d.]+$/.test(host))) {
      fail(where, prop, 'must have an IPv4 address or a DNS host name as its host', target);
    }
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (port < 1 || port > 65535) fail(where, prop, 'must have a port in 1-65535', target);
  checkScrapeHost(where, prop, host, target,
    'Use the address of the Weave Net host, and publish its metrics there (WEAVE_STATUS_ADDR for weave launch, WEAVE_METRICS_ADDR for weave-kube; see WeaveStatusAddress)');
  return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
}
