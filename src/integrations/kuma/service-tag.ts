import { IConstruct } from 'constructs';
import { checkRenamed, checkStruct, fail } from '../../core/checks';
import { checkDnsLabel, checkNonEmpty, checkPort } from '../../core/formats';
import { asService } from '../../core/plus';
import { namespaceOf } from '../../k8s/pod';
import { requireStack } from '../../stack/check-stack';
import { PrometheusStack } from '../../stack/prometheus-stack';

/**
 * Options of `KumaServiceTag.kubernetesService()`.
 */
export interface KumaKubernetesServiceOptions {
  /** The name of the Kubernetes Service. */
  readonly serviceName: string;
  /** The namespace of the Service. */
  readonly namespaceName: string;
  /** The port of the Service (its `port`, not the `targetPort`). */
  readonly servicePort: number;
}

/**
 * The `kuma.io/service` tag of a group of data plane proxies, as TrafficPermissions and
 * MeshTrafficPermissions match it.
 *
 * On Kubernetes, Kuma tags the proxy of a pod behind a Service with
 * `<service name>_<namespace>_svc_<service port>`; the factories derive that from the real
 * objects, so a renamed Service or port cannot leave a permission pointing at nothing.
 *
 * @see https://kuma.io/docs/latest/production/dp-config/dpp-on-kubernetes/
 */
export class KumaServiceTag {
  /**
   * The tag of the proxies behind a Kubernetes Service port.
   */
  public static kubernetesService(options: KumaKubernetesServiceOptions): KumaServiceTag {
    const where = 'KumaServiceTag.kubernetesService';
    checkStruct(where, 'options', options, true);
    checkRenamed(where, options, { portNumber: 'servicePort' });
    checkDnsLabel(where, 'serviceName', options.serviceName);
    checkDnsLabel(where, 'namespaceName', options.namespaceName);
    checkPort(where, 'servicePort', options.servicePort);
    return new KumaServiceTag(`${options.serviceName}_${options.namespaceName}_svc_${options.servicePort}`);
  }

  /**
   * The tag of the proxies behind a cdk8s-plus Service of any cdk8s-plus version. `servicePort`
   * picks the Service port when it has several.
   *
   * @param service the cdk8s-plus `Service`
   */
  public static fromService(service: IConstruct, servicePort?: number): KumaServiceTag {
    const svc = asService('KumaServiceTag.fromService', 'service', service);
    const where = service.node.path;
    const ports = svc.ports;
    let port = servicePort;
    if (port === undefined) {
      if (ports.length !== 1) {
        fail(where, 'servicePort', 'is required for a Service with more or fewer than one port', ports);
      }
      port = ports[0];
    } else if (!ports.includes(port)) {
      fail(where, 'servicePort', `must be a port of the Service (${ports.join(', ')})`, port);
    }
    return KumaServiceTag.kubernetesService({
      serviceName: svc.name,
      namespaceName: namespaceOf(service, svc.namespaceName),
      servicePort: port,
    });
  }

  /**
   * The tag of a `PrometheusStack`'s server, from its Service name, namespace and port.
   */
  public static fromStack(stack: PrometheusStack): KumaServiceTag {
    requireStack('KumaServiceTag.fromStack', 'stack', stack);
    return KumaServiceTag.kubernetesService({
      serviceName: stack.serviceName,
      namespaceName: stack.namespaceName,
      servicePort: stack.servicePort,
    });
  }

  /**
   * A tag given as is, such as `dataplane-metrics` or a Universal service name.
   */
  public static custom(value: string): KumaServiceTag {
    checkNonEmpty('KumaServiceTag.custom', 'value', value);
    if (/\s/.test(value)) {
      fail('KumaServiceTag.custom', 'value', 'must not contain whitespace', value);
    }
    return new KumaServiceTag(value);
  }

  /** The tag value. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }
}
