import { Duration } from 'cdk8s';
import { Authentication, Credential, TlsOptions } from './credential';
import { DISCOVERY_FIX, RELABEL_FIX } from './fixes';
import { cleartextAuthWarning, httpClientCredentials, renderHttpClient } from './http-client';
import { Relabel } from './relabel';
import { Scheme } from './scrape-job';
import { KubernetesWatch, ServiceDiscovery } from './service-discovery';
import { promDuration } from './validate';
import { checkEnum, checkInstances, checkStruct, fail, requireProp } from '../../core/checks';
import { checkHttpPath, compact } from '../../core/formats';

/**
 * Properties of an `AlertmanagerEndpoint`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#alertmanager_config
 */
export interface AlertmanagerEndpointProps {
  /**
   * Where the Alertmanagers are, for example
   * `ServiceDiscovery.staticTargets({ targets: ['alertmanager.monitoring.svc:9093'] })`.
   */
  readonly discovery: ServiceDiscovery[];
  /**
   * The protocol.
   *
   * @default Scheme.HTTP
   */
  readonly scheme?: Scheme;
  /**
   * A path prefix of the Alertmanager API (when it runs behind a prefix).
   *
   * @default '/'
   */
  readonly pathPrefix?: string;
  /**
   * Timeout of each push of alerts.
   *
   * @default Duration.seconds(10) (Prometheus's default)
   */
  readonly timeout?: Duration;
  /**
   * How to authenticate.
   *
   * @default - no authentication
   */
  readonly auth?: Authentication;
  /**
   * TLS settings.
   *
   * @default - the system's trusted CAs, no client certificate
   */
  readonly tls?: TlsOptions;
  /**
   * HTTP headers whose values are secrets: each is read from a file
   * (`http_headers.<name>.files`, Prometheus 2.55 or newer), a key of a Secret that
   * `PrometheusStack` mounts. Use `auth` for the `Authorization` header.
   *
   * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#http_config
   * @default - none
   */
  readonly secretHeaders?: { [name: string]: Credential };
  /**
   * Relabelling of the discovered Alertmanagers.
   *
   * @default - none
   */
  readonly relabelConfigs?: Relabel[];
}

/**
 * A set of Alertmanagers that Prometheus sends alerts to (`alerting.alertmanagers`).
 */
export class AlertmanagerEndpoint {
  private readonly props: AlertmanagerEndpointProps;
  private readonly rendered: { [key: string]: unknown };

  constructor(props: AlertmanagerEndpointProps) {
    const where = 'AlertmanagerEndpoint';
    checkStruct(where, 'props', props, true);
    checkInstances(where, 'discovery', requireProp(where, 'discovery', props.discovery, DISCOVERY_FIX), ServiceDiscovery, DISCOVERY_FIX);
    checkEnum(where, 'scheme', props.scheme, Scheme, 'Scheme');
    checkInstances(where, 'relabelConfigs', props.relabelConfigs, Relabel, RELABEL_FIX);
    if (props.discovery.length === 0) {
      fail(where, 'discovery', 'must have at least one target source', []);
    }
    if (props.pathPrefix !== undefined) checkHttpPath(where, 'pathPrefix', props.pathPrefix);
    this.props = props;
    this.rendered = compact({
      scheme: props.scheme,
      path_prefix: props.pathPrefix,
      timeout: props.timeout && promDuration(where, 'timeout', props.timeout),
      api_version: 'v2',
      ...renderHttpClient(where, props),
      ...ServiceDiscovery._renderAll(props.discovery),
      relabel_configs: props.relabelConfigs?.map((r) => r._render()),
    });
  }

  /** @internal */
  public _credentials(): Credential[] {
    return httpClientCredentials(this.props);
  }

  /** @internal */
  public _cleartextAuth(): string | undefined {
    return cleartextAuthWarning('the Alertmanager endpoint', this.props, (this.props.scheme ?? Scheme.HTTP) === Scheme.HTTP);
  }

  /** @internal */
  public _watches(): KubernetesWatch[] {
    return this.props.discovery.flatMap((d) => d.watch ? [d.watch] : []);
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    return this.rendered;
  }
}
