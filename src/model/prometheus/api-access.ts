import { checkArray, fail, requireProp } from '../../core/checks';
import { checkHttpPath } from '../../core/formats';

/**
 * A permission that a scrape (not its discovery) needs from the Kubernetes API server: the
 * kubelet's metrics endpoints, the API server's node proxy, or the API server's own metrics.
 *
 * A `PrometheusStack` grants it in its ClusterRole, with the verb `get` only, when a job that
 * needs it is added, and never otherwise.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/
 */
export class KubernetesApiAccess {
  /**
   * `get` on `nodes/metrics`: the kubelet authorises requests to `/metrics`, `/metrics/cadvisor`,
   * `/metrics/probes` and `/metrics/slis` as this subresource.
   */
  public static nodeMetrics(): KubernetesApiAccess {
    return new KubernetesApiAccess('nodes/metrics', undefined);
  }

  /**
   * `get` on `nodes/proxy`: the API server's proxy to the kubelet,
   * `/api/v1/nodes/<node>/proxy/...`.
   */
  public static nodeProxy(): KubernetesApiAccess {
    return new KubernetesApiAccess('nodes/proxy', undefined);
  }

  /**
   * `get` on non-resource URLs of the API server, such as `/metrics` and `/metrics/slis`.
   *
   * @param urls absolute paths
   */
  public static nonResourceUrls(urls: string[]): KubernetesApiAccess {
    checkArray('KubernetesApiAccess.nonResourceUrls', 'urls', requireProp('KubernetesApiAccess.nonResourceUrls', 'urls', urls));
    if (urls.length === 0) fail('KubernetesApiAccess.nonResourceUrls', 'urls', 'must list at least one path', urls);
    urls.forEach((u, i) => checkHttpPath('KubernetesApiAccess.nonResourceUrls', `urls[${i}]`, u));
    return new KubernetesApiAccess(undefined, [...urls]);
  }

  /**
   * The core-group resource (with its subresource) to `get`.
   *
   * @default - a non-resource URL access
   */
  public readonly resource?: string;
  /**
   * The non-resource URLs to `get`.
   *
   * @default - a resource access
   */
  public readonly urls?: string[];

  private constructor(resource: string | undefined, urls: string[] | undefined) {
    this.resource = resource;
    this.urls = urls;
  }
}
