// Checks of Kubernetes values: images, Service types and node ports, storage classes, labels and
// IP blocks. Not exported from the package.
import { BlockList, isIPv4, isIPv6 } from 'net';
import { checkString, checkStringMap, fail } from '../core/checks';
import { DNS_SUBDOMAIN, requireString } from '../core/formats';

/**
 * A container image pinned to a tag or digest. The tag is looked for after the last '/', so a
 * registry with a port (`registry.local:5000/prometheus:v3.5.0`) is fine.
 */
export function checkImage(where: string, prop: string, image: string, fix?: string): string {
  requireString(where, prop, image);
  const slash = image.lastIndexOf('/');
  const name = image.slice(slash + 1);
  const ok = /^[^\s@]+$/.test(image.split('@')[0])
    && /^[a-z0-9]+([._-][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(name)
    && /[:@]/.test(name);
  if (!ok) fail(where, prop, 'must be an image reference with a tag or digest', image, fix);
  return image;
}

/**
 * A Service type that selects pods (not ExternalName), and a node port only on a type that
 * publishes one.
 */
export function checkServiceType(where: string, serviceType: string, nodePort: number | undefined): void {
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(serviceType)) {
    fail(where, 'serviceType', 'must be ClusterIP, NodePort or LoadBalancer', serviceType,
      'Use ServiceType.CLUSTER_IP, ServiceType.NODE_PORT or ServiceType.LOAD_BALANCER from cdk8s-plus (the Kubernetes names, case-sensitive)');
  }
  if (nodePort === undefined) return;
  if (serviceType !== 'NodePort' && serviceType !== 'LoadBalancer') {
    fail(where, 'nodePort', `is only valid with a NodePort or LoadBalancer serviceType (serviceType is ${serviceType})`, nodePort);
  }
  if (!Number.isInteger(nodePort) || nodePort < 30000 || nodePort > 32767) {
    fail(where, 'nodePort', 'must be in 30000-32767', nodePort);
  }
}

const LABEL_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A StorageClass name (a DNS-1123 subdomain, as the API server checks `storageClassName`). */
export function checkStorageClassName(where: string, prop: string, name: string | undefined): void {
  checkString(where, prop, name);
  if (name === undefined || name === null) return;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    fail(where, prop, 'must be a StorageClass name (a DNS-1123 subdomain: lowercase alphanumerics, \'-\' and \'.\')', name,
      'Use the name `kubectl get storageclass` lists, such as \'fast-ssd\'');
  }
}

/** Kubernetes labels: `[prefix/]name` keys and values as the API server checks them. */
export function checkKubernetesLabels(where: string, prop: string, labels: { [key: string]: string } | undefined): { [key: string]: string } {
  checkStringMap(where, prop, labels);
  for (const [key, value] of Object.entries(labels ?? {})) {
    const slash = key.indexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
    if (!prefixOk || name.length > 63 || !LABEL_NAME_PART.test(name)) {
      fail(where, prop, 'keys must be Kubernetes label keys ([DNS subdomain/]name, the name at most 63 alphanumerics, \'-\', \'_\' or \'.\')', key,
        'Write keys such as \'team\' or \'example.com/team\'');
    }
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !LABEL_NAME_PART.test(value))) {
      fail(where, `${prop}.${key}`, 'must be a Kubernetes label value (empty, or at most 63 alphanumerics, \'-\', \'_\' or \'.\', '
        + 'starting and ending with an alphanumeric)', value, 'Replace spaces and other characters with \'-\', or move free text to an annotation');
    }
  }
  return { ...labels };
}

/** An IPv4 or IPv6 CIDR (`10.0.0.0/8`, `2001:db8::/32`): its address, prefix length and family. */
function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const family = isIPv4(m[1]) ? 'ipv4' : isIPv6(m[1]) ? 'ipv6' : undefined;
  const prefix = Number(m[2]);
  if (!family || prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  return { address: m[1], prefix, family };
}

/**
 * A NetworkPolicy ipBlock: `cidr` an IPv4 or IPv6 CIDR, and each of `except` a CIDR strictly
 * inside it, as the API server checks.
 */
export function checkIpBlock(where: string, props: { cidr: string; except: string }, cidr: string, except: string[]): void {
  const range = parseCidr(cidr);
  if (!range) fail(where, props.cidr, 'must be an IPv4 or IPv6 CIDR, such as 10.0.0.0/8 or 2001:db8::/32', cidr);
  const inside = new BlockList();
  inside.addSubnet(range.address, range.prefix, range.family);
  except.forEach((e, i) => {
    const sub = parseCidr(e);
    if (!sub) fail(where, `${props.except}[${i}]`, 'must be an IPv4 or IPv6 CIDR', e);
    if (sub.family !== range.family || sub.prefix <= range.prefix || !inside.check(sub.address, sub.family)) {
      fail(where, `${props.except}[${i}]`, `must be a CIDR strictly inside '${cidr}'`, e);
    }
  });
}
