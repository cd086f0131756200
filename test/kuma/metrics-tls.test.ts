// The TLS decision of the proxies' metrics endpoint, as a table. The mode Kuma applies when no
// `tls.mode` is written follows Kuma's defaulting of the legacy backend (kumahq/kuma v2.12.14
// pkg/core/resources/apis/mesh/mesh_defaulter.go: no skipMTLS and no tls -> activeMTLSBackend,
// skipMTLS true -> disabled, skipMTLS false -> activeMTLSBackend), and a STRICT mesh is Kuma's
// default CA backend mode (api/mesh/v1alpha1/mesh.proto CertificateAuthorityBackend.Mode).
import { KumaMetricsTlsMode, KumaMtlsMode } from '../../src/integrations/kuma';
import { decideMetricsTls, MetricsTlsInput, proxyTlsMode } from '../../src/integrations/kuma/metrics-tls';
import { MtlsSpec } from '../../src/integrations/kuma/proto-specs';

const { ACTIVE_MTLS_BACKEND: ACTIVE, DISABLED, PROVIDED_TLS: PROVIDED } = KumaMetricsTlsMode;
const mtls = (mode?: KumaMtlsMode): MtlsSpec => ({ enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin', mode }] });
const decide = (input: Partial<MetricsTlsInput>) => decideMetricsTls({ hasStack: false, ...input });

describe('the decision, when the props agree', () => {
  // [case, input, skipMtls, written tls.mode, the mode Kuma applies, strict mTLS, warns]
  const table: Array<[string, Partial<MetricsTlsInput>, boolean, KumaMetricsTlsMode | undefined, KumaMetricsTlsMode, boolean, boolean]> = [
    ['no mTLS: the endpoint would use the mesh\'s mTLS once it is on', {}, false, undefined, ACTIVE, false, false],
    ['no mTLS, skipMtls', { skipMtls: true }, true, undefined, DISABLED, false, false],
    ['mTLS, Prometheus outside the mesh: plaintext by default', { mtls: mtls() }, true, undefined, DISABLED, true, false],
    ['mTLS, secureMetrics: Prometheus joins the mesh', { mtls: mtls(), secureMetrics: true, hasStack: true }, false, undefined, ACTIVE, true, false],
    ['mTLS PERMISSIVE, secureMetrics', { mtls: mtls(KumaMtlsMode.PERMISSIVE), secureMetrics: true, hasStack: true }, false, undefined, ACTIVE, false, false],
    ['secureMetrics with an explicit ACTIVE_MTLS_BACKEND', { mtls: mtls(), secureMetrics: true, hasStack: true, tlsMode: ACTIVE }, false, ACTIVE, ACTIVE, true, false],
    ['mTLS, PROVIDED_TLS', { mtls: mtls(), tlsMode: PROVIDED }, false, PROVIDED, PROVIDED, true, false],
    ['mTLS, DISABLED', { mtls: mtls(), tlsMode: DISABLED }, false, DISABLED, DISABLED, true, false],
    ['mTLS, skipMtls false without secureMetrics: unreachable from outside', { mtls: mtls(), skipMtls: false }, false, undefined, ACTIVE, true, true],
    ['mTLS, ACTIVE_MTLS_BACKEND without secureMetrics: unreachable from outside', { mtls: mtls(), tlsMode: ACTIVE }, false, ACTIVE, ACTIVE, true, true],
  ];
  test.each(table)('%s', (_name, input, skipMtls, tlsMode, effectiveMode, strictMtls, warns) => {
    const d = decide(input);
    expect(d.errors).toEqual([]);
    expect(d.secureMetrics).toBe(input.secureMetrics ?? false);
    expect({ skipMtls: d.skipMtls, tlsMode: d.tlsMode, effectiveMode: d.effectiveMode, strictMtls: d.strictMtls })
      .toEqual({ skipMtls, tlsMode, effectiveMode, strictMtls });
    expect(d.warnings).toHaveLength(warns ? 1 : 0);
    if (warns) expect(d.warnings[0]).toMatch(/a Prometheus outside the mesh cannot scrape the proxies/);
  });

  test('the strictness is the enabled backend\'s, not the first one\'s', () => {
    const two: MtlsSpec = {
      enabledBackend: 'ca-2',
      backends: [{ name: 'ca-1', type: 'builtin' }, { name: 'ca-2', type: 'builtin', mode: KumaMtlsMode.PERMISSIVE }],
    };
    expect(decide({ mtls: two }).strictMtls).toBe(false);
    expect(decide({ mtls: { ...two, enabledBackend: 'ca-1' } }).strictMtls).toBe(true);
  });
});

describe('the errors, in the order the props are checked', () => {
  const table: Array<[string, Partial<MetricsTlsInput>, string[]]> = [
    ['secureMetrics without mTLS', { secureMetrics: true, hasStack: true }, ['secureMetrics']],
    ['secureMetrics with skipMtls', { mtls: mtls(), secureMetrics: true, hasStack: true, skipMtls: true }, ['skipMtls']],
    ['secureMetrics with DISABLED', { mtls: mtls(), secureMetrics: true, hasStack: true, tlsMode: DISABLED }, ['tlsMode']],
    ['secureMetrics with PROVIDED_TLS', { mtls: mtls(), secureMetrics: true, hasStack: true, tlsMode: PROVIDED }, ['tlsMode']],
    ['secureMetrics without a stack', { mtls: mtls(), secureMetrics: true }, ['stack']],
    ['prometheusClients without secureMetrics', { prometheusClients: ['grafana_monitoring_svc_80'] }, ['prometheusClients']],
    ['prometheusComponents without secureMetrics', { prometheusComponents: ['alertmanager_monitoring_svc_9093'] }, ['prometheusComponents']],
    // kumahq/kuma v2.12.14 pkg/core/resources/apis/mesh/mesh_validator.go hasEqualConfiguration.
    ['skipMtls with ACTIVE_MTLS_BACKEND', { mtls: mtls(), skipMtls: true, tlsMode: ACTIVE }, ['tlsMode']],
    ['every secureMetrics prerequisite missing at once', { secureMetrics: true, skipMtls: true, tlsMode: DISABLED }, ['secureMetrics', 'skipMtls', 'tlsMode', 'stack']],
  ];
  test.each(table)('%s', (_name, input, props) => {
    expect(decide(input).errors.map((e) => e.prop)).toEqual(props);
  });

  test('an empty prometheusComponents list is no error', () => {
    expect(decide({ prometheusComponents: [] }).errors).toEqual([]);
  });

  test('each error carries the value and the fix the construct reports', () => {
    expect(decide({ secureMetrics: true, hasStack: true }).errors).toEqual([{
      prop: 'secureMetrics',
      constraint: 'needs mTLS with a certificate authority backend',
      value: true,
      fix: 'Set mtls: { backends: [KumaCaBackend.builtin()] }',
    }]);
    expect(decide({ prometheusClients: ['grafana_monitoring_svc_80'] }).errors[0].value).toEqual(['grafana_monitoring_svc_80']);
  });
});

describe('the mode of one proxy that overrides skipMtls', () => {
  // [mesh input, the proxy's skipMtls, its mode]
  const table: Array<[Partial<MetricsTlsInput>, boolean | undefined, KumaMetricsTlsMode]> = [
    [{ mtls: mtls() }, undefined, DISABLED],
    [{ mtls: mtls() }, false, ACTIVE],
    [{ mtls: mtls(), secureMetrics: true, hasStack: true }, undefined, ACTIVE],
    [{ mtls: mtls(), secureMetrics: true, hasStack: true }, true, DISABLED],
    [{ mtls: mtls(), tlsMode: PROVIDED }, undefined, PROVIDED],
    [{ mtls: mtls(), tlsMode: PROVIDED }, false, PROVIDED],
    [{ mtls: mtls(), tlsMode: PROVIDED }, true, DISABLED],
    [{ mtls: mtls(), tlsMode: DISABLED }, false, ACTIVE],
  ];
  test.each(table)('mesh %j, proxy skipMtls %s -> %s', (input, skipMtls, mode) => {
    expect(proxyTlsMode(decide(input), skipMtls)).toBe(mode);
  });
});

// What Kuma accepts in a legacy Prometheus backend: skipMTLS and tls together only when they
// agree (kumahq/kuma v2.12.14 pkg/core/resources/apis/mesh/mesh_validator.go,
// `validatePrometheusConfig` and `hasEqualConfiguration`: skipMTLS false with activeMTLSBackend,
// or true with disabled).
function kumaAccepts(skipMtls: boolean | undefined, tlsMode: KumaMetricsTlsMode | undefined): boolean {
  if (skipMtls === undefined || tlsMode === undefined) return true;
  return (!skipMtls && tlsMode === ACTIVE) || (skipMtls && tlsMode === DISABLED);
}

describe('what the legacy backend writes, Kuma accepts', () => {
  const cases = [undefined, ACTIVE, DISABLED, PROVIDED].flatMap((tlsMode) => [undefined, true, false].flatMap((skipMtls) =>
    [false, true].map((withMtls) => ({ tlsMode, skipMtls, withMtls }))));
  test.each(cases)('tlsMode $tlsMode, skipMtls $skipMtls, mTLS $withMtls: refused, or written as Kuma accepts it', ({ tlsMode, skipMtls, withMtls }) => {
    const d = decide({ tlsMode, skipMtls, mtls: withMtls ? mtls() : undefined });
    if (d.errors.length > 0) return;
    expect(kumaAccepts(d.writtenSkipMtls, d.tlsMode)).toBe(true);
  });

  test('mTLS with tlsMode DISABLED writes the tls mode alone (it wrote skipMTLS: false beside it, which Kuma refuses)', () => {
    const d = decide({ mtls: mtls(), tlsMode: DISABLED });
    expect(d.writtenSkipMtls).toBeUndefined();
    expect(d.tlsMode).toBe(DISABLED);
  });

  test('a skipMtls that contradicts the tls mode is refused, with the fix', () => {
    expect(decide({ skipMtls: false, tlsMode: DISABLED }).errors[0]).toMatchObject({ prop: 'tlsMode', value: DISABLED });
    expect(decide({ skipMtls: true, tlsMode: PROVIDED }).errors[0]).toMatchObject({ prop: 'tlsMode', value: PROVIDED });
  });
});
