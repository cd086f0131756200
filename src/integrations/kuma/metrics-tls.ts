// How the proxies' metrics endpoint uses TLS: one pure decision from the mesh's mTLS and the
// TLS props of a KumaMetricsMesh. Not exported from the package.
import { KumaMtlsMode } from './ca-backend';
import { KumaMetricsTlsMode } from './options';
import { MtlsSpec } from './proto-specs';

/** What decides the TLS of the metrics endpoint. */
export interface MetricsTlsInput {
  /** The mesh's mTLS (its certificate authority backends and the enabled one), when it has mTLS. */
  readonly mtls?: MtlsSpec;
  /** `secureMetrics` as given. */
  readonly secureMetrics?: boolean;
  /** `skipMtls` as given. */
  readonly skipMtls?: boolean;
  /** `tlsMode` as given. */
  readonly tlsMode?: KumaMetricsTlsMode;
  /** Whether a `stack` scrapes the mesh. */
  readonly hasStack: boolean;
  /** The service tags of `prometheusClients`. */
  readonly prometheusClients?: string[];
  /** The service tags of `prometheusComponents`. */
  readonly prometheusComponents?: string[];
}

/** A prop that contradicts the others: `fail(path, prop, constraint, value, fix)`. */
export interface MetricsTlsError {
  readonly prop: string;
  readonly constraint: string;
  readonly value: unknown;
  readonly fix?: string;
}

/** The TLS of the metrics endpoint, and what is wrong with the props that asked for it. */
export interface MetricsTlsDecision {
  /** Whether the mesh's mTLS secures the metrics (Prometheus joins the mesh). */
  readonly secureMetrics: boolean;
  /** Whether the endpoint skips the mesh's mTLS, after defaults. */
  readonly skipMtls: boolean;
  /**
   * `conf.skipMTLS` as the legacy backend writes it: left out when a `tls.mode` is written and
   * the user gave no `skipMtls`, since Kuma refuses the two together unless they agree
   * (kumahq/kuma v2.12.14 pkg/core/resources/apis/mesh/mesh_validator.go
   * `validatePrometheusConfig`, `hasEqualConfiguration`).
   */
  readonly writtenSkipMtls?: boolean;
  /** The `tls.mode` written out, when the user gave one (Kuma derives it from `skipMTLS` otherwise). */
  readonly tlsMode?: KumaMetricsTlsMode;
  /** The mode Kuma applies to the endpoint: `tlsMode`, or the one it derives from `skipMTLS`. */
  readonly effectiveMode: KumaMetricsTlsMode;
  /** Whether the mesh's mTLS refuses plaintext (STRICT, Kuma's default mode of a CA backend). */
  readonly strictMtls: boolean;
  /** Contradictions, in the order the props are checked; the construct fails with the first. */
  readonly errors: MetricsTlsError[];
  /** Legal but probably unintended settings. */
  readonly warnings: string[];
}

/** Decides how the metrics endpoint uses TLS. */
export function decideMetricsTls(input: MetricsTlsInput): MetricsTlsDecision {
  const errors: MetricsTlsError[] = [];
  const secureMetrics = input.secureMetrics ?? false;
  const tlsMode = input.tlsMode;
  if (secureMetrics) {
    if (!input.mtls) {
      errors.push({
        prop: 'secureMetrics',
        constraint: 'needs mTLS with a certificate authority backend',
        value: true,
        fix: 'Set mtls: { backends: [KumaCaBackend.builtin()] }',
      });
    }
    if (input.skipMtls) {
      errors.push({
        prop: 'skipMtls',
        constraint: 'contradicts \'secureMetrics\' (metrics secured by mTLS cannot skip it)',
        value: true,
        fix: 'Remove skipMtls, or turn secureMetrics off',
      });
    }
    if (tlsMode !== undefined && tlsMode !== KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND) {
      errors.push({
        prop: 'tlsMode',
        constraint: 'must be ACTIVE_MTLS_BACKEND with \'secureMetrics\' (the mesh\'s mTLS secures the endpoint)',
        value: tlsMode,
      });
    }
    if (!input.hasStack) {
      errors.push({
        prop: 'stack',
        constraint: 'is required with \'secureMetrics\': Prometheus must join the mesh to scrape through mTLS',
        value: undefined,
      });
    }
  } else {
    if (input.prometheusClients?.length) {
      errors.push({ prop: 'prometheusClients', constraint: 'only take effect with \'secureMetrics\' (permissions apply to mTLS traffic)', value: input.prometheusClients });
    }
    if (input.prometheusComponents?.length) {
      errors.push({
        prop: 'prometheusComponents',
        constraint: 'only take effect with \'secureMetrics\' (permissions apply to mTLS traffic)',
        value: input.prometheusComponents,
      });
    }
  }
  // Kuma accepts skipMTLS with a tls mode only when they agree: false with ACTIVE_MTLS_BACKEND,
  // true with DISABLED (mesh_validator.go `hasEqualConfiguration`).
  if (input.skipMtls === true && tlsMode !== undefined && tlsMode !== KumaMetricsTlsMode.DISABLED) {
    errors.push({
      prop: 'tlsMode',
      constraint: `${tlsMode === KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND ? 'ACTIVE_MTLS_BACKEND' : 'PROVIDED_TLS'} contradicts 'skipMtls' (Kuma refuses skipMTLS: true with a tls mode other than disabled)`,
      value: tlsMode,
      fix: 'Remove skipMtls, or use KumaMetricsTlsMode.DISABLED',
    });
  }
  if (input.skipMtls === false && tlsMode !== undefined && tlsMode !== KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND) {
    errors.push({
      prop: 'tlsMode',
      constraint: `${tlsMode === KumaMetricsTlsMode.DISABLED ? 'DISABLED' : 'PROVIDED_TLS'} contradicts 'skipMtls: false' (Kuma refuses skipMTLS: false with a tls mode other than activeMTLSBackend)`,
      value: tlsMode,
      fix: 'Remove skipMtls: the tls mode alone says it',
    });
  }
  // A Prometheus outside the mesh can only scrape proxies whose metrics skip the mesh's mTLS.
  const skipMtls = input.skipMtls ?? (input.mtls !== undefined && !secureMetrics && tlsMode === undefined);
  const effectiveMode = tlsMode ?? (skipMtls ? KumaMetricsTlsMode.DISABLED : KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND);
  const warnings: string[] = [];
  if (input.mtls && !secureMetrics && effectiveMode === KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND) {
    warnings.push('the mesh has mTLS and the metrics endpoint requires it, but \'secureMetrics\' is off: a Prometheus '
      + 'outside the mesh cannot scrape the proxies. Set secureMetrics: true (Prometheus joins the mesh), or leave skipMtls and tlsMode unset.');
  }
  const mtls = input.mtls;
  const enabled = mtls?.backends.find((b) => b.name === mtls.enabledBackend);
  const strictMtls = enabled !== undefined && (enabled.mode ?? KumaMtlsMode.STRICT) === KumaMtlsMode.STRICT;
  const writtenSkipMtls = tlsMode === undefined ? skipMtls : input.skipMtls;
  return { secureMetrics, skipMtls, writtenSkipMtls, tlsMode, effectiveMode, strictMtls, errors, warnings };
}

/**
 * The mode of one proxy's endpoint whose `skipMtls` may override the mesh's, as Kuma defaults the
 * legacy backend: a given tls mode wins; otherwise skipMTLS true means plaintext, and false the
 * mesh's mTLS (which only applies once mTLS is on).
 */
export function proxyTlsMode(mesh: MetricsTlsDecision, skipMtls?: boolean): KumaMetricsTlsMode {
  if (skipMtls === undefined) return mesh.effectiveMode;
  if (skipMtls) return KumaMetricsTlsMode.DISABLED;
  return mesh.tlsMode && mesh.tlsMode !== KumaMetricsTlsMode.DISABLED ? mesh.tlsMode : KumaMetricsTlsMode.ACTIVE_MTLS_BACKEND;
}
