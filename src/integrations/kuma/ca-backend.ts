import { Duration } from 'cdk8s';
import { CaBackendSpec } from './proto-specs';
import { checkEnum, checkStruct, fail } from '../../core/checks';
import { checkNonEmpty, millis } from '../../core/formats';
import { promDuration } from '../../model/prometheus/validate';

/**
 * How the inbound listeners of a mesh treat plaintext once mTLS is enabled
 * (`CertificateAuthorityBackend.Mode` of kuma-proto/mesh.proto).
 */
export enum KumaMtlsMode {
  /** Only mTLS traffic is accepted. */
  STRICT = 'STRICT',
  /**
   * Outbound traffic is encrypted, inbound listeners accept mTLS and plaintext (for migrating
   * workloads, or clients outside the mesh).
   */
  PERMISSIVE = 'PERMISSIVE',
}

/**
 * Options of `KumaCaBackend.builtin()`.
 */
export interface KumaBuiltinCaOptions {
  /**
   * The name of the backend, referred to by `enabledBackend`.
   *
   * @default 'ca-1'
   */
  readonly name?: string;
  /**
   * Whether inbound listeners also accept plaintext.
   *
   * @default - Kuma's default, KumaMtlsMode.STRICT
   */
  readonly mode?: KumaMtlsMode;
  /**
   * How long a data plane proxy certificate is valid before it is rotated
   * (`dpCert.rotation.expiration`).
   *
   * @default - Kuma's default (24 hours)
   */
  readonly dpCertExpiration?: Duration;
  /**
   * How long the generated CA certificate is valid (`conf.caCert.expiration`).
   *
   * @default - Kuma's default (10 years)
   */
  readonly caCertExpiration?: Duration;
}

/**
 * A certificate authority backend of a mesh's mTLS settings (`spec.mtls.backends[]`).
 *
 * @see https://kuma.io/docs/latest/policies/mutual-tls/
 */
export class KumaCaBackend {
  /**
   * Kuma's builtin CA: the control plane generates the CA and signs every proxy certificate.
   */
  public static builtin(options: KumaBuiltinCaOptions = {}): KumaCaBackend {
    const where = 'KumaCaBackend.builtin';
    checkStruct(where, 'options', options);
    checkEnum(where, 'mode', options.mode, KumaMtlsMode, 'KumaMtlsMode');
    const name = checkNonEmpty(where, 'name', options.name ?? 'ca-1');
    const dpCert = options.dpCertExpiration && kumaDuration(where, 'dpCertExpiration', options.dpCertExpiration);
    const caCert = options.caCertExpiration && kumaDuration(where, 'caCertExpiration', options.caCertExpiration);
    return new KumaCaBackend(name, {
      name,
      type: 'builtin',
      mode: options.mode,
      dpCert: dpCert ? { rotation: { expiration: dpCert } } : undefined,
      conf: caCert ? { caCert: { expiration: caCert } } : undefined,
    });
  }

  /** The name of the backend. */
  public readonly name: string;
  private readonly spec: CaBackendSpec;

  private constructor(name: string, spec: CaBackendSpec) {
    this.name = name;
    this.spec = spec;
  }

  /**
   * The backend as it appears under `mtls.backends`.
   *
   * @internal
   */
  public _toSpec(): CaBackendSpec {
    return JSON.parse(JSON.stringify(this.spec));
  }
}

/**
 * A duration the way Kuma writes certificate lifetimes: whole days as `Nd`, otherwise Go
 * duration syntax without days (`36h`, `90m`).
 */
function kumaDuration(where: string, prop: string, duration: Duration): string {
  promDuration(where, prop, duration); // positive, whole milliseconds
  const ms = millis(duration);
  if (ms % 1000 !== 0) {
    fail(where, prop, 'must be a whole number of seconds', duration.toHumanString());
  }
  const day = 86_400_000;
  if (ms % day === 0) return `${ms / day}d`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
