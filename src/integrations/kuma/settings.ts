// A KumaMetricsMesh's props after defaults and checks, and the Kuma names and releases they rest
// on. Not exported from the package.
import { Construct, IConstruct } from 'constructs';
import { KumaCaBackend } from './ca-backend';
import { KumaDataplaneDiscovery } from './discovery';
import type { KumaMetricsMeshProps } from './kuma-metrics-mesh';
import { decideMetricsTls, MetricsTlsDecision } from './metrics-tls';
import { KumaAggregateMetrics, KumaEnvoyMetricsOptions, KumaMetricsTlsMode, KumaMtlsOptions, KumaPolicyApi } from './options';
import { MtlsSpec } from './proto-specs';
import { KumaServiceTag } from './service-tag';
import {
  checkArray, checkBoolean, checkEnum, checkInstance, checkInstances, checkRenamed, checkString, checkStringMap, checkStruct, checkUnique,
  fail, requireProp,
} from '../../core/checks';
import { checkDnsLabel, checkHttpPath, checkNonEmpty, checkPort, compact } from '../../core/formats';
import { addWarning } from '../../core/warnings';
import { checkRegex } from '../../model/prometheus/validate';
import { parseVersion, Version, versionAtLeast } from '../../model/prometheus/version';
import { checkStack } from '../../stack/check-stack';

export const SERVICE_TAG = 'kuma.io/service';
export const SERVICE_TAG_FIX = 'Use KumaServiceTag.fromStack(stack), .fromService(service), .kubernetesService({...}) or .custom(value)';
export const MESH_LABEL = 'kuma.io/mesh';
/** The label Kuma gives a Kubernetes data plane proxy with its pod's namespace. */
export const NAMESPACE_LABEL = 'k8s.kuma.io/namespace';
/** Kuma releases that changed what the current API can say (kumahq/kuma, at these tags). */
export const KUMA = {
  /** MeshMetric (pkg/plugins/policies/meshmetric). */
  meshMetric: parseVersion('2.6')!,
  /** `sidecar.profiles`; without it the proxy serves the Basic profile (app/kuma-dp/pkg/dataplane/metrics/profiles.go). */
  profiles: parseVersion('2.7')!,
  /** `targetRef.kind: Dataplane` with `labels`, which 2.12 asks for instead of a top-level MeshSubset (api/common/v1alpha1/targetref.go). */
  dataplaneTargetRef: parseVersion('2.10')!,
};

/** A KumaMetricsMesh's props after defaults and checks: what its objects are rendered from. */
export interface MeshSettings {
  readonly meshName: string;
  readonly policyApi: KumaPolicyApi;
  /** `kumaVersion` as given (or its default). */
  readonly kumaVersion: string;
  readonly version: Version;
  /** Where current-API policies go, and the control plane's namespace. */
  readonly controlPlaneNamespaceName: string;
  readonly backendName: string;
  readonly metricsPort: number;
  readonly metricsPath: string;
  readonly metricsTags: { [tag: string]: string };
  readonly tls: MetricsTlsDecision;
  readonly aggregate: KumaAggregateMetrics[];
  readonly envoy?: KumaEnvoyMetricsOptions;
  readonly mtls?: MtlsSpec;
}

/**
 * Checks the props of `mesh` and applies their defaults. `findOwner` returns another construct of
 * the chart that defines the mesh of this name, if any.
 */
export function meshSettings(mesh: Construct, props: KumaMetricsMeshProps, findOwner: (meshName: string) => IConstruct | undefined): MeshSettings {
  const path = mesh.node.path;
  checkStruct(path, 'props', props);
  checkRenamed(path, props, { kumaNamespace: 'controlPlaneNamespaceName', grafana: 'prometheusClients' });
  checkStack(path, 'stack', props.stack);
  checkEnum(path, 'policyApi', props.policyApi, KumaPolicyApi, 'KumaPolicyApi');
  checkEnum(path, 'tlsMode', props.tlsMode, KumaMetricsTlsMode, 'KumaMetricsTlsMode');
  checkString(path, 'kumaVersion', props.kumaVersion);
  checkStringMap(path, 'metricsTags', props.metricsTags);
  checkInstance(path, 'discovery', props.discovery, KumaDataplaneDiscovery,
    'Use KumaDataplaneDiscovery.kumaSd() or KumaDataplaneDiscovery.kumaPrometheusSd()');
  checkInstances(path, 'prometheusClients', props.prometheusClients, KumaServiceTag, SERVICE_TAG_FIX);
  checkInstances(path, 'prometheusComponents', props.prometheusComponents, KumaServiceTag, SERVICE_TAG_FIX);
  checkArray(path, 'aggregate', props.aggregate, (w, p, a) => checkStruct(w, p, a, true));
  checkStruct(path, 'envoy', props.envoy);
  checkBoolean(path, 'envoy.usedOnly', props.envoy?.usedOnly);
  checkStruct(path, 'mtls', props.mtls);
  if (props.mtls) {
    checkInstances(path, 'mtls.backends', requireProp(path, 'mtls.backends', props.mtls.backends, 'Use [KumaCaBackend.builtin()]'), KumaCaBackend,
      'Use KumaCaBackend.builtin({...})');
    checkString(path, 'mtls.enabledBackend', props.mtls.enabledBackend);
    checkBoolean(path, 'mtls.skipValidation', props.mtls.skipValidation);
  }
  for (const flag of ['kumaDatasource', 'scrapeControlPlane', 'secureMetrics', 'skipMtls'] as const) checkBoolean(path, flag, props[flag]);

  const meshName = checkDnsLabel(path, 'meshName', props.meshName ?? 'default');
  // Two constructs writing the Mesh of the same name into one chart would overwrite each other on apply.
  const owner = findOwner(meshName);
  if (owner !== undefined) {
    fail(path, 'meshName', `must be unique in the chart: ${owner.node.path} already defines this mesh`, meshName);
  }
  const policyApi = props.policyApi ?? KumaPolicyApi.SOURCE_DESTINATION;
  const kumaVersion = props.kumaVersion ?? '2.12';
  const version = /^\d+\.\d+(\.\d+)?$/.test(kumaVersion) ? parseVersion(kumaVersion) : undefined;
  if (!version) fail(path, 'kumaVersion', 'must be a Kuma release as major.minor or major.minor.patch, such as 2.12', kumaVersion);
  if (policyApi === KumaPolicyApi.TARGET_REF && !versionAtLeast(version, KUMA.meshMetric)) {
    fail(path, 'policyApi', `TARGET_REF writes MeshMetric policies, which Kuma ${kumaVersion} ('kumaVersion') does not have (they came in 2.6)`,
      policyApi, 'Use KumaPolicyApi.SOURCE_DESTINATION');
  }
  const controlPlaneNamespaceName = checkDnsLabel(path, 'controlPlaneNamespaceName', props.controlPlaneNamespaceName ?? 'kuma-system');
  if (props.controlPlaneNamespaceName !== undefined && policyApi !== KumaPolicyApi.TARGET_REF && !props.scrapeControlPlane && !props.kumaDatasource) {
    fail(path, 'controlPlaneNamespaceName', 'only places the policies of KumaPolicyApi.TARGET_REF (the legacy Mesh and TrafficPermissions are cluster-scoped)',
      props.controlPlaneNamespaceName, 'It also names the control plane that scrapeControlPlane scrapes and kumaDatasource reads');
  }
  const backendName = checkNonEmpty(path, 'backendName', props.backendName ?? 'prometheus-1');
  const metricsPort = checkPort(path, 'metricsPort', props.metricsPort ?? 5670);
  const metricsPath = checkHttpPath(path, 'metricsPath', props.metricsPath ?? '/metrics');
  const legacy = policyApi === KumaPolicyApi.SOURCE_DESTINATION;

  if (props.metricsTags !== undefined && !legacy) {
    fail(path, 'metricsTags', 'has no MeshMetric equivalent (the MeshMetric endpoint carries no tags); only KumaPolicyApi.SOURCE_DESTINATION uses it',
      props.metricsTags);
  }
  const metricsTags = { ...props.metricsTags ?? { [SERVICE_TAG]: 'dataplane-metrics' } };
  if (!metricsTags[SERVICE_TAG]) {
    fail(path, 'metricsTags', `must include a non-empty '${SERVICE_TAG}' tag`, metricsTags);
  }

  const mtls = props.mtls ? meshMtls(path, props.mtls) : undefined;
  const tls = decideMetricsTls({
    mtls,
    secureMetrics: props.secureMetrics,
    skipMtls: props.skipMtls,
    tlsMode: props.tlsMode,
    hasStack: props.stack !== undefined,
    prometheusClients: props.prometheusClients?.map((c) => c.value),
    prometheusComponents: props.prometheusComponents?.map((c) => c.value),
  });
  const [error] = tls.errors;
  if (error) fail(path, error.prop, error.constraint, error.value, error.fix);
  for (const warning of tls.warnings) addWarning(mesh, warning);

  // What the proxies expose
  const aggregate = (props.aggregate ?? []).map((a, i) => checkAggregate(path, a, i, metricsPort));
  checkUnique(path, 'aggregate', aggregate.map((a) => a.name));
  if (props.envoy?.filterRegex !== undefined) {
    if (!legacy) {
      fail(path, 'envoy.filterRegex', 'filters Envoy stat names, which a MeshMetric cannot express; only KumaPolicyApi.SOURCE_DESTINATION uses it',
        props.envoy.filterRegex);
    }
    checkRegex(path, 'envoy.filterRegex', props.envoy.filterRegex);
  }
  return {
    meshName,
    policyApi,
    kumaVersion,
    version,
    controlPlaneNamespaceName,
    backendName,
    metricsPort,
    metricsPath,
    metricsTags,
    tls,
    aggregate,
    envoy: props.envoy,
    mtls,
  };
}

/** The mesh's mTLS from `mtls` (its backends already checked one by one). */
function meshMtls(path: string, mtls: KumaMtlsOptions): MtlsSpec {
  const backends = mtls.backends;
  if (backends.length === 0) {
    fail(path, 'mtls.backends', 'must have at least one certificate authority backend to enable mTLS', [],
      'Add KumaCaBackend.builtin()');
  }
  const names = backends.map((b) => b.name);
  checkUnique(path, 'mtls.backends', names);
  const enabled = mtls.enabledBackend ?? names[0];
  if (!names.includes(enabled)) {
    fail(path, 'mtls.enabledBackend', `must name one of the backends (${names.join(', ')})`, enabled);
  }
  return compact({ enabledBackend: enabled, backends: backends.map((b) => b._toSpec()), skipValidation: mtls.skipValidation });
}

function checkAggregate(where: string, a: KumaAggregateMetrics, i: number, metricsPort: number): KumaAggregateMetrics {
  checkNonEmpty(where, `aggregate[${i}].name`, a.name);
  checkPort(where, `aggregate[${i}].metricsPort`, a.metricsPort);
  if (a.metricsPort === metricsPort) {
    fail(where, `aggregate[${i}].metricsPort`, `must not be the proxies' metrics port (${metricsPort})`, a.metricsPort);
  }
  if (a.metricsPath !== undefined) checkHttpPath(where, `aggregate[${i}].metricsPath`, a.metricsPath);
  if (a.address !== undefined) checkNonEmpty(where, `aggregate[${i}].address`, a.address);
  return a;
}
