// The ServiceMonitor of an AppServiceMonitor: its endpoint in prometheus-operator's terms. Not
// exported from the package.
import { AppServiceMonitorProps } from './app-service-monitor-props';
import { fail } from '../../core/checks';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { WireNames, wireRendered } from '../../k8s/wire';
import { Authentication, Credential, Relabel, TlsOptions } from '../../model/prometheus';

/**
 * The ServiceMonitor's spec: the Service labelled `serviceLabel: serviceName` only, whatever
 * other Services select the same pods, on the port `portName`.
 */
export function serviceMonitorSpec(path: string, props: AppServiceMonitorProps, serviceLabel: string, serviceName: string, portName: string,
  interval: string | undefined, timeout: string | undefined): monitoring.ServiceMonitorSpec {
  return {
    selector: { matchLabels: { [serviceLabel]: serviceName } },
    endpoints: [{
      port: portName,
      path: props.metricsPath,
      interval,
      scrapeTimeout: timeout,
      scheme: props.scheme as unknown as monitoring.ServiceMonitorSpecEndpointsScheme | undefined,
      params: props.queryParams,
      honorLabels: props.honorLabels,
      ...operatorClientSettings(path, props.tls, props.auth),
      relabelings: props.relabelConfigs?.map((r) => relabelFields<monitoring.ServiceMonitorSpecEndpointsRelabelings>(r)),
      metricRelabelings: props.metricRelabelConfigs?.map((r) => relabelFields<monitoring.ServiceMonitorSpecEndpointsMetricRelabelings>(r)),
    }],
  };
}

/** A relabel rule in the CRDs' camelCase form; the action enums carry the same wire strings. */
function relabelFields<T>(relabel: Relabel): T {
  const f = relabel._fields();
  return {
    action: f.action,
    sourceLabels: f.sourceLabels,
    separator: f.separator,
    regex: f.regex,
    modulus: f.modulus,
    targetLabel: f.targetLabel,
    replacement: f.replacement,
  } as unknown as T;
}

/** A Credential as prometheus-operator's SecretKeySelector; fails for a file, naming the prop. */
function secretRef(path: string, prop: string, c: Credential): { name: string; key: string } {
  if (c.secretName === undefined || c.secretKey === undefined) {
    fail(path, prop, 'must come from a Secret on a ServiceMonitor (prometheus-operator takes no file for it)', c.path,
      'Use Credential.fromSecret(secretName, key), or set serviceMonitor: false');
  }
  return { name: c.secretName, key: c.secretKey };
}

/**
 * The endpoint's `tlsConfig`, `authorization`, `basicAuth` and `oauth2`, as prometheus-operator
 * v0.93.0 reads them (pkg/prometheus/promcfg.go addTLStoYaml, addAuthorizationToYaml,
 * addBasicAuthToYaml, addOAuth2ToYaml).
 */
function operatorClientSettings(path: string, tls: TlsOptions | undefined, auth: Authentication | undefined): object {
  const out: { [key: string]: unknown } = {};
  if (tls) {
    const file = (c: Credential | undefined) => (c && c.secretName === undefined ? c.path : undefined);
    const secret = (c: Credential | undefined) =>
      (c?.secretName !== undefined && c.secretKey !== undefined ? { name: c.secretName, key: c.secretKey } : undefined);
    out.tlsConfig = {
      ca: secret(tls.ca) && { secret: secret(tls.ca) },
      caFile: file(tls.ca),
      cert: secret(tls.cert) && { secret: secret(tls.cert) },
      certFile: file(tls.cert),
      keySecret: secret(tls.key),
      keyFile: file(tls.key),
      serverName: tls.serverName,
      minVersion: tls.minVersion,
      insecureSkipVerify: tls.insecureSkipVerify,
    };
  }
  const a = auth?._fields();
  if (a?.kind === 'authorization') {
    out.authorization = { type: a.type, credentials: secretRef(path, 'auth.credentials', a.secret) };
  } else if (a?.kind === 'basic') {
    if (a.username !== undefined) {
      fail(path, 'auth.username', 'cannot be written on a ServiceMonitor: prometheus-operator reads basicAuth.username from a Secret', a.username,
        'Use Authentication.authorization() (a token), leave the user name out, or set serviceMonitor: false');
    }
    out.basicAuth = { password: secretRef(path, 'auth.password', a.secret) };
  } else if (a?.kind === 'oauth2') {
    fail(path, 'auth', 'cannot be OAuth 2.0 on a ServiceMonitor: prometheus-operator reads oauth2.clientId from a Secret or ConfigMap', 'Authentication.oauth2()',
      'Set serviceMonitor: false (the stack\'s job supports it), or use Authentication.authorization()');
  }
  return out;
}

/** src/imports/monitoring.coreos.com.ts toJson_ServiceMonitorSpec. */
export const SERVICE_MONITOR_WIRE_NAMES: WireNames = { convertClassicHistogramsToNhcb: 'convertClassicHistogramsToNHCB' };

/** A ServiceMonitor rendered from its wire form (see k8s/wire.ts). */
export const WireServiceMonitor = wireRendered(monitoring.ServiceMonitor, SERVICE_MONITOR_WIRE_NAMES);
