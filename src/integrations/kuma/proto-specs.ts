// The JSON form of the legacy Kuma specs that the CRDs leave untyped
// (`x-kubernetes-preserve-unknown-fields`): Mesh, TrafficPermission and Dataplane, as
// kuma-proto (mesh.proto, metrics.proto, traffic_permission.proto, selector.proto,
// dataplane.proto) defines them. Field names are the proto JSON names (lowerCamelCase).
// Not exported from the package.

/** `kuma.mesh.v1alpha1.Mesh` (the fields this library writes). */
export interface MeshSpec {
  readonly mtls?: MtlsSpec;
  readonly metrics?: MetricsSpec;
}

/** `Mesh.Mtls`. */
export interface MtlsSpec {
  readonly enabledBackend: string;
  readonly backends: CaBackendSpec[];
  readonly skipValidation?: boolean;
}

/** `CertificateAuthorityBackend`; `conf` is a `google.protobuf.Struct` read by the CA plugin. */
export interface CaBackendSpec {
  readonly name: string;
  readonly type: string;
  /** `CertificateAuthorityBackend.Mode`: STRICT or PERMISSIVE. */
  readonly mode?: string;
  readonly dpCert?: { readonly rotation?: { readonly expiration?: string } };
  readonly conf?: { readonly caCert?: { readonly expiration?: string } };
}

/** `Metrics`. */
export interface MetricsSpec {
  readonly enabledBackend: string;
  readonly backends: MetricsBackendSpec[];
}

/** `MetricsBackend`; `conf` is a `google.protobuf.Struct` holding a `PrometheusMetricsBackendConfig`. */
export interface MetricsBackendSpec {
  readonly name?: string;
  readonly type: string;
  readonly conf?: PrometheusConfSpec;
}

/** `PrometheusMetricsBackendConfig`. */
export interface PrometheusConfSpec {
  readonly skipMTLS?: boolean;
  readonly port?: number;
  readonly path?: string;
  readonly tags?: { [key: string]: string };
  readonly aggregate?: AggregateSpec[];
  readonly envoy?: { readonly filterRegex?: string; readonly usedOnly?: boolean };
  /** `PrometheusTlsConfig.Mode`: activeMTLSBackend, providedTLS or disabled. */
  readonly tls?: { readonly mode: string };
}

/** `PrometheusAggregateMetricsConfig`. */
export interface AggregateSpec {
  readonly name: string;
  readonly port: number;
  readonly path?: string;
  readonly enabled?: boolean;
  readonly address?: string;
}

/** `Selector`. */
export interface SelectorSpec {
  readonly match: { [tag: string]: string };
}

/** `TrafficPermission`. */
export interface TrafficPermissionSpec {
  readonly sources: SelectorSpec[];
  readonly destinations: SelectorSpec[];
}

/** `Dataplane.Networking.Inbound`. */
export interface InboundSpec {
  readonly port: number;
  readonly servicePort?: number;
  readonly tags: { [tag: string]: string };
}

/** `Dataplane` (the fields this library writes). */
export interface DataplaneSpec {
  readonly networking: { readonly address: string; readonly inbound: InboundSpec[] };
  readonly metrics?: MetricsBackendSpec;
}
