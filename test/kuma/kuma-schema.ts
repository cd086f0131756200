/**
 * Checks for the Kuma kinds, as `customKinds` for the harness's `validateManifests`.
 *
 * The legacy kinds' CRDs (Mesh, TrafficPermission, Dataplane) leave `spec` unchecked
 * (`x-kubernetes-preserve-unknown-fields`); the control plane decodes it with protojson into the
 * messages of kuma-proto (mesh.proto, metrics.proto, traffic_permission.proto, selector.proto,
 * dataplane.proto), rejecting unknown fields, wrong types and unknown enum names. The messages are
 * encoded below by hand (the suite cannot read ../shared at test time), field for field with their
 * proto JSON names; nested messages this library never writes are accepted as any object.
 * `google.protobuf.Struct` fields (`conf`) are decoded by the plugin named in `type`, as Kuma does:
 * `prometheus` metrics backends as PrometheusMetricsBackendConfig, `builtin` CAs as
 * BuiltinCertificateAuthorityConfig (kuma-proto's builtin_ca.proto, not in ../shared).
 *
 * MeshMetric and MeshTrafficPermission have structural CRDs; the parts of their schemas this
 * library writes are encoded the same way (field names, types, enums, required fields), so the
 * tests catch what the strict validator (`validate-manifests.cjs`, run over the example) catches.
 */
import { CustomKind, JsonObject } from '../harness';

type FieldType =
  | 'string' | 'bool' | 'uint32' | 'int32' | 'object'
  | 'BoolValue' | 'UInt32Value' | 'Duration' | 'Struct'
  | { readonly enum: readonly string[] }
  | { readonly message: string }
  | { readonly map: FieldType }
  | { readonly repeated: FieldType };

interface Message {
  readonly fields: Record<string, FieldType>;
  /** Required by the CRD schema (structural kinds only). */
  readonly required?: readonly string[];
}

const msg = (name: string): FieldType => ({ message: name });
const list = (t: FieldType): FieldType => ({ repeated: t });
const stringMap: FieldType = { map: 'string' };

const TARGET_REF_KINDS = ['Mesh', 'MeshSubset', 'MeshGateway', 'MeshService', 'MeshExternalService', 'MeshMultiZoneService',
  'MeshServiceSubset', 'MeshHTTPRoute', 'Dataplane'];

/** kuma-proto messages (proto JSON names) and the CRD schemas of the policies. */
export const MESSAGES: Record<string, Message> = {
  // mesh.proto
  'Mesh': {
    fields: {
      mtls: msg('Mesh.Mtls'),
      tracing: 'object',
      logging: 'object',
      metrics: msg('Metrics'),
      networking: 'object',
      routing: 'object',
      constraints: 'object',
      skipCreatingInitialPolicies: list('string'),
      meshServices: 'object',
    },
  },
  'Mesh.Mtls': { fields: { enabledBackend: 'string', backends: list(msg('CertificateAuthorityBackend')), skipValidation: 'bool' } },
  'CertificateAuthorityBackend': {
    fields: {
      name: 'string',
      type: 'string',
      dpCert: msg('CertificateAuthorityBackend.DpCert'),
      conf: 'Struct',
      mode: { enum: ['STRICT', 'PERMISSIVE'] },
      rootChain: msg('CertificateAuthorityBackend.RootChain'),
    },
  },
  'CertificateAuthorityBackend.DpCert': { fields: { rotation: msg('CertificateAuthorityBackend.DpCert.Rotation'), requestTimeout: 'Duration' } },
  'CertificateAuthorityBackend.DpCert.Rotation': { fields: { expiration: 'string' } },
  'CertificateAuthorityBackend.RootChain': { fields: { requestTimeout: 'Duration' } },
  // builtin_ca.proto
  'BuiltinCertificateAuthorityConfig': { fields: { caCert: msg('BuiltinCertificateAuthorityConfig.CaCert') } },
  'BuiltinCertificateAuthorityConfig.CaCert': { fields: { RSAbits: 'UInt32Value', expiration: 'string' } },
  // metrics.proto
  'Metrics': { fields: { enabledBackend: 'string', backends: list(msg('MetricsBackend')) } },
  'MetricsBackend': { fields: { name: 'string', type: 'string', conf: 'Struct' } },
  'PrometheusMetricsBackendConfig': {
    fields: {
      port: 'uint32',
      path: 'string',
      tags: stringMap,
      skipMTLS: 'BoolValue',
      aggregate: list(msg('PrometheusAggregateMetricsConfig')),
      envoy: msg('PrometheusEnvoyConfig'),
      tls: msg('PrometheusTlsConfig'),
    },
  },
  'PrometheusAggregateMetricsConfig': { fields: { name: 'string', port: 'uint32', path: 'string', enabled: 'BoolValue', address: 'string' } },
  'PrometheusEnvoyConfig': { fields: { filterRegex: 'string', usedOnly: 'BoolValue' } },
  'PrometheusTlsConfig': { fields: { mode: { enum: ['activeMTLSBackend', 'providedTLS', 'disabled'] } } },
  // traffic_permission.proto, selector.proto
  'TrafficPermission': { fields: { sources: list(msg('Selector')), destinations: list(msg('Selector')) } },
  'Selector': { fields: { match: stringMap } },
  // dataplane.proto
  'Dataplane': { fields: { networking: msg('Dataplane.Networking'), metrics: msg('MetricsBackend'), probes: 'object' } },
  'Dataplane.Networking': {
    fields: {
      address: 'string',
      advertisedAddress: 'string',
      gateway: 'object',
      inbound: list(msg('Dataplane.Networking.Inbound')),
      outbound: list('object'),
      transparentProxying: 'object',
      admin: 'object',
    },
  },
  'Dataplane.Networking.Inbound': {
    fields: {
      port: 'uint32',
      servicePort: 'uint32',
      serviceAddress: 'string',
      address: 'string',
      tags: stringMap,
      health: 'object',
      serviceProbe: 'object',
      state: { enum: ['Ready', 'NotReady', 'Ignored'] },
      name: 'string',
    },
  },

  // The CRD schemas of the policies (kuma.io_meshmetrics.yaml, kuma.io_meshtrafficpermissions.yaml)
  'MeshMetric.spec': { fields: { targetRef: msg('TargetRef'), default: msg('MeshMetric.default') } },
  'TargetRef': {
    fields: {
      kind: { enum: TARGET_REF_KINDS },
      labels: stringMap,
      mesh: 'string',
      name: 'string',
      namespace: 'string',
      proxyTypes: list({ enum: ['Sidecar', 'Gateway'] }),
      sectionName: 'string',
      tags: stringMap,
    },
    required: ['kind'],
  },
  'MeshMetric.default': {
    fields: {
      applications: list(msg('MeshMetric.application')),
      backends: list(msg('MeshMetric.backend')),
      sidecar: msg('MeshMetric.sidecar'),
    },
  },
  'MeshMetric.application': { fields: { address: 'string', name: 'string', path: 'string', port: 'int32' }, required: ['port'] },
  'MeshMetric.backend': {
    fields: { openTelemetry: 'object', prometheus: msg('MeshMetric.prometheus'), type: { enum: ['Prometheus', 'OpenTelemetry'] } },
    required: ['type'],
  },
  'MeshMetric.prometheus': { fields: { clientId: 'string', path: 'string', port: 'int32', tls: msg('MeshMetric.tls') } },
  'MeshMetric.tls': { fields: { mode: { enum: ['Disabled', 'ProvidedTLS', 'ActiveMTLSBackend'] } } },
  'MeshMetric.sidecar': { fields: { includeUnused: 'bool', profiles: 'object' } },
  'MeshTrafficPermission.spec': { fields: { targetRef: msg('TargetRef'), from: list(msg('MeshTrafficPermission.from')), rules: list('object') } },
  'MeshTrafficPermission.from': {
    fields: { targetRef: msg('TargetRef'), default: msg('MeshTrafficPermission.default') },
    required: ['targetRef'],
  },
  'MeshTrafficPermission.default': { fields: { action: { enum: ['Allow', 'Deny', 'AllowWithShadowDeny'] } } },
};

/** Which message a `Struct` `conf` holds, by the `type` of the object around it. */
const CONF_BY_TYPE: Record<string, Record<string, string>> = {
  MetricsBackend: { prometheus: 'PrometheusMetricsBackendConfig' },
  CertificateAuthorityBackend: { builtin: 'BuiltinCertificateAuthorityConfig' },
};

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** Problems of a value against a field type (protojson decoding rules, or the CRD's). */
function checkType(value: unknown, type: FieldType, path: string, problems: string[]): void {
  const bad = (what: string): void => {
    problems.push(`${path}: must be ${what}, got ${JSON.stringify(value)}`);
  };
  if (typeof type === 'string') {
    switch (type) {
      case 'string': if (typeof value !== 'string') bad('a string'); return;
      case 'bool': case 'BoolValue': if (typeof value !== 'boolean') bad('a boolean'); return;
      case 'uint32': case 'UInt32Value':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) bad('an unsigned 32-bit integer');
        return;
      case 'int32':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) bad('a 32-bit integer');
        return;
      case 'Duration': if (typeof value !== 'string' || !/^-?\d+(\.\d+)?s$/.test(value)) bad('a protobuf Duration such as "10s"'); return;
      case 'object': case 'Struct': if (!isObject(value)) bad('an object'); return;
    }
  }
  if ('enum' in type) {
    if (typeof value !== 'string' || !type.enum.includes(value)) bad(`one of ${type.enum.join(', ')}`);
  } else if ('repeated' in type) {
    if (!Array.isArray(value)) return bad('a list');
    value.forEach((v, i) => checkType(v, type.repeated, at(path, i), problems));
  } else if ('map' in type) {
    if (!isObject(value)) return bad('a map');
    for (const [k, v] of Object.entries(value)) checkType(v, type.map, `${path}[${JSON.stringify(k)}]`, problems);
  } else {
    checkMessage(value, type.message, path, problems);
  }
}

/** Problems of a value against a message: unknown fields, field types, required fields, Struct payloads. */
export function checkMessage(value: unknown, name: string, path: string, problems: string[]): void {
  const message = MESSAGES[name];
  if (!message) throw new Error(`kuma-schema: no message ${name}`);
  if (!isObject(value)) {
    problems.push(`${path || '(root)'}: must be a ${name} object, got ${JSON.stringify(value)}`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const type = message.fields[k];
    if (!type) {
      problems.push(`${at(path, k)}: unknown field of ${name}`);
      continue;
    }
    checkType(v, type, at(path, k), problems);
  }
  for (const r of message.required ?? []) {
    if (value[r] === undefined) problems.push(`${at(path, r)}: required by ${name}`);
  }
  const confs = CONF_BY_TYPE[name];
  if (confs && isObject(value.conf)) {
    const confMessage = confs[String(value.type)];
    if (!confMessage) problems.push(`${at(path, 'type')}: no plugin ${JSON.stringify(value.type)} decodes 'conf'`);
    else checkMessage(value.conf, confMessage, at(path, 'conf'), problems);
  }
}

/** The rules the control plane's validators add to the messages (the ones this library can get wrong). */
function meshRules(spec: JsonObject): string[] {
  const problems: string[] = [];
  for (const section of ['mtls', 'metrics'] as const) {
    const s = spec[section];
    if (!isObject(s)) continue;
    const backends = Array.isArray(s.backends) ? s.backends.filter(isObject) : [];
    const names = backends.map((b) => b.name);
    if (s.enabledBackend !== undefined && !names.includes(s.enabledBackend)) {
      problems.push(`${section}.enabledBackend: ${JSON.stringify(s.enabledBackend)} is not a backend (${names.join(', ')})`);
    }
    if (new Set(names).size !== names.length) problems.push(`${section}.backends: duplicate names`);
    backends.forEach((b, i) => {
      if (!b.name) problems.push(`${section}.backends[${i}].name: required`);
      const conf = b.conf;
      if (section === 'metrics' && isObject(conf)) {
        if (typeof conf.port === 'number' && (conf.port < 1 || conf.port > 65535)) problems.push(`metrics.backends[${i}].conf.port: must be in 1-65535`);
        if (typeof conf.path === 'string' && !conf.path.startsWith('/')) problems.push(`metrics.backends[${i}].conf.path: must start with /`);
        if (isObject(conf.tags) && !conf.tags['kuma.io/service']) problems.push(`metrics.backends[${i}].conf.tags: kuma.io/service is required`);
      }
    });
  }
  return problems;
}

function trafficPermissionRules(spec: JsonObject): string[] {
  const problems: string[] = [];
  for (const side of ['sources', 'destinations'] as const) {
    const selectors = spec[side];
    if (!Array.isArray(selectors) || selectors.length === 0) problems.push(`${side}: must have at least one selector`);
    (Array.isArray(selectors) ? selectors : []).forEach((s, i) => {
      if (!isObject(s) || !isObject(s.match) || Object.keys(s.match).length === 0) problems.push(`${side}[${i}].match: must not be empty`);
      else if (side === 'destinations' && !s.match['kuma.io/service']) problems.push(`${side}[${i}].match: kuma.io/service is required`);
    });
  }
  return problems;
}

function dataplaneRules(spec: JsonObject): string[] {
  const problems: string[] = [];
  const networking = isObject(spec.networking) ? spec.networking : undefined;
  if (!networking) return ['networking: required'];
  if (!networking.address) problems.push('networking.address: required');
  const inbound = Array.isArray(networking.inbound) ? networking.inbound : [];
  if (inbound.length === 0 && !networking.gateway) problems.push('networking.inbound: at least one inbound or a gateway is required');
  inbound.forEach((ib, i) => {
    if (!isObject(ib)) return;
    if (!isObject(ib.tags) || !ib.tags['kuma.io/service']) problems.push(`networking.inbound[${i}].tags: kuma.io/service is required`);
    if (typeof ib.port === 'number' && (ib.port < 1 || ib.port > 65535)) problems.push(`networking.inbound[${i}].port: must be in 1-65535`);
  });
  if (isObject(spec.metrics) && spec.metrics.type !== 'prometheus') problems.push('metrics.type: must be prometheus');
  return problems;
}

/** Problems of a legacy spec (Mesh, TrafficPermission, Dataplane) against kuma-proto and Kuma's validators. */
export function legacySpecProblems(kind: 'Mesh' | 'TrafficPermission' | 'Dataplane', spec: unknown): string[] {
  const problems: string[] = [];
  checkMessage(spec, kind, '', problems);
  if (!isObject(spec)) return problems;
  const rules = { Mesh: meshRules, TrafficPermission: trafficPermissionRules, Dataplane: dataplaneRules }[kind];
  return [...problems, ...rules(spec)];
}

function withSpec(kind: 'Mesh' | 'TrafficPermission' | 'Dataplane'): CustomKind {
  return {
    apiVersion: 'kuma.io/v1alpha1',
    kind,
    validate: (obj) => {
      const problems = legacySpecProblems(kind, obj.spec ?? {}).map((p) => `spec.${p}`);
      for (const k of Object.keys(obj)) if (!['apiVersion', 'kind', 'metadata', 'mesh', 'spec'].includes(k)) problems.push(`${k}: unknown field`);
      if (kind === 'TrafficPermission' && typeof obj.mesh !== 'string') problems.push('mesh: the mesh the permission belongs to is required');
      if (kind !== 'Dataplane' && isObject(obj.metadata) && obj.metadata.namespace !== undefined) {
        problems.push(`metadata.namespace: ${kind} is cluster-scoped`);
      }
      return problems;
    },
  };
}

function policy(kind: 'MeshMetric' | 'MeshTrafficPermission'): CustomKind {
  return {
    apiVersion: 'kuma.io/v1alpha1',
    kind,
    validate: (obj) => {
      const problems: string[] = [];
      checkMessage(obj.spec ?? {}, `${kind}.spec`, 'spec', problems);
      for (const k of Object.keys(obj)) if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(k)) problems.push(`${k}: unknown field`);
      const meta = isObject(obj.metadata) ? obj.metadata : {};
      if (typeof meta.namespace !== 'string') problems.push(`metadata.namespace: ${kind} is namespaced`);
      const labels = isObject(meta.labels) ? meta.labels : {};
      if (typeof labels['kuma.io/mesh'] !== 'string') problems.push('metadata.labels: kuma.io/mesh names the mesh the policy belongs to');
      return problems;
    },
  };
}

/** The Kuma kinds with their spec checks, for `validateManifests(objs, { customKinds: KUMA_SCHEMAS })`. */
export const KUMA_SCHEMAS: CustomKind[] = [
  withSpec('Mesh'), withSpec('TrafficPermission'), withSpec('Dataplane'), policy('MeshMetric'), policy('MeshTrafficPermission'),
];

/** Problems of the documents of a Universal YAML (`kumactl apply` form). */
export function universalProblems(docs: unknown[]): string[] {
  const problems: string[] = [];
  docs.forEach((doc, i) => {
    const where = `document #${i}`;
    if (!isObject(doc)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const { type, name, mesh, ...rest } = doc;
    if (typeof name !== 'string' || name === '') problems.push(`${where}: name is required`);
    if (type === 'Mesh') {
      if (mesh !== undefined) problems.push(`${where}: a Mesh has no mesh field`);
      problems.push(...legacySpecProblems('Mesh', rest).map((p) => `${where} (Mesh): ${p}`));
    } else if (type === 'TrafficPermission' || type === 'Dataplane') {
      if (typeof mesh !== 'string') problems.push(`${where}: mesh is required`);
      problems.push(...legacySpecProblems(type, rest).map((p) => `${where} (${type}): ${p}`));
    } else if (type === 'MeshMetric' || type === 'MeshTrafficPermission') {
      if (typeof mesh !== 'string') problems.push(`${where}: mesh is required`);
      const { spec, ...other } = rest;
      for (const k of Object.keys(other)) problems.push(`${where}: unknown field ${k}`);
      const p: string[] = [];
      checkMessage(spec, `${type}.spec`, 'spec', p);
      problems.push(...p.map((x) => `${where} (${type}): ${x}`));
    } else {
      problems.push(`${where}: unknown type ${JSON.stringify(type)}`);
    }
  });
  return problems;
}
