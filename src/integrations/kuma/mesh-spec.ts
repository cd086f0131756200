// The specs of a KumaMetricsMesh's Mesh and MeshMetric objects, from its settings, and the
// metadata and targets its policies share. Not exported from the package.
import { ApiObject, JsonPatch } from 'cdk8s';
import { proxyTlsMode } from './metrics-tls';
import { KumaMetricsTlsMode } from './options';
import { AggregateSpec, MeshSpec, MetricsBackendSpec, PrometheusConfSpec } from './proto-specs';
import { KUMA, MESH_LABEL, MeshSettings } from './settings';
import { compact } from '../../core/formats';
import * as kuma from '../../imports/kuma.io';
import { Version, versionAtLeast } from '../../model/prometheus/version';

/** The legacy Mesh spec: mTLS and the Prometheus metrics backend. */
export function legacyMeshSpec(s: MeshSettings): MeshSpec {
  const conf: PrometheusConfSpec = {
    skipMTLS: s.tls.writtenSkipMtls,
    port: s.metricsPort,
    path: s.metricsPath,
    tags: s.metricsTags,
    aggregate: s.aggregate.length ? s.aggregate.map((a): AggregateSpec => compact({
      name: a.name, port: a.metricsPort, path: a.metricsPath, enabled: a.enabled, address: a.address,
    })) : undefined,
    envoy: s.envoy && (s.envoy.filterRegex !== undefined || s.envoy.usedOnly !== undefined)
      ? compact({ filterRegex: s.envoy.filterRegex, usedOnly: s.envoy.usedOnly }) : undefined,
    tls: s.tls.tlsMode ? { mode: s.tls.tlsMode } : undefined,
  };
  const backend: MetricsBackendSpec = { name: s.backendName, type: 'prometheus', conf: compact(conf) };
  return compact({ mtls: s.mtls, metrics: { enabledBackend: s.backendName, backends: [backend] } });
}

/** The mesh-wide MeshMetric spec: the same intent as the legacy metrics backend. */
export function meshMetricSpec(s: MeshSettings): kuma.MeshMetricSpec {
  const applications = s.aggregate.filter((a) => a.enabled ?? true).map((a) => compact({
    name: a.name, port: a.metricsPort, path: a.metricsPath, address: a.address,
  }));
  return {
    targetRef: { kind: kuma.MeshMetricSpecTargetRefKind.MESH },
    default: compact({
      sidecar: {
        // Without profiles a proxy serves the Basic profile, a subset of Envoy's stats; the
        // legacy backend serves them all.
        profiles: versionAtLeast(s.version, KUMA.profiles)
          ? { appendProfiles: [{ name: kuma.MeshMetricSpecDefaultSidecarProfilesAppendProfilesName.ALL }] } : undefined,
        includeUnused: !(s.envoy?.usedOnly ?? false),
      },
      applications: applications.length ? applications : undefined,
      backends: [prometheusBackend(s)],
    }),
  };
}

/** A MeshMetric Prometheus backend, with the mesh's settings unless overridden. */
export function prometheusBackend(s: MeshSettings, port?: number, path?: string, skipMtls?: boolean): kuma.MeshMetricSpecDefaultBackends {
  return {
    type: kuma.MeshMetricSpecDefaultBackendsType.PROMETHEUS,
    prometheus: {
      port: port ?? s.metricsPort,
      path: path ?? s.metricsPath,
      tls: { mode: meshMetricTlsMode(proxyTlsMode(s.tls, skipMtls)) },
    },
  };
}

/** The MeshMetric spelling of a TLS mode. */
function meshMetricTlsMode(mode: KumaMetricsTlsMode): kuma.MeshMetricSpecDefaultBackendsPrometheusTlsMode {
  switch (mode) {
    case KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND: return kuma.MeshMetricSpecDefaultBackendsPrometheusTlsMode.ACTIVE_MTLS_BACKEND;
    case KumaMetricsTlsMode.PROVIDED_TLS: return kuma.MeshMetricSpecDefaultBackendsPrometheusTlsMode.PROVIDED_TLS;
    default: return kuma.MeshMetricSpecDefaultBackendsPrometheusTlsMode.DISABLED;
  }
}

/**
 * The top-level `targetRef` of a policy for the data plane proxies with these labels (the pod
 * labels and `k8s.kuma.io/namespace` Kuma copies onto each Kubernetes Dataplane):
 * `Dataplane` with `labels` from Kuma 2.10, a `MeshSubset` with the same tags before.
 */
export function dataplanesTargetRef<K>(version: Version, kinds: { DATAPLANE: K; MESH_SUBSET: K }, labels: { [key: string]: string }) {
  return versionAtLeast(version, KUMA.dataplaneTargetRef)
    ? { kind: kinds.DATAPLANE, labels }
    : { kind: kinds.MESH_SUBSET, tags: labels };
}

/** Metadata of a current-API policy: in the control plane's namespace, labelled with the mesh. */
export function policyMetadata(s: MeshSettings) {
  return { namespace: s.controlPlaneNamespaceName, labels: { [MESH_LABEL]: s.meshName } };
}

/** Mesh and TrafficPermission are cluster-scoped: drop the namespace a chart would give them. */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
