/**
 * Synthesizing charts, finding objects, and validating Kubernetes manifests offline.
 *
 * `validateManifests` combines three checks and reports every problem at once:
 *  a) the kubernetes-models@4.5.1 / @kubernetes-models/prometheus-operator JSON schemas
 *     (types, required fields, enums);
 *  b) a strict unknown-field check against the Kubernetes 1.28 structs of the cdk8s-plus-28
 *     jsii assembly (built-in kinds), and against the TypeScript typings of
 *     @kubernetes-models/prometheus-operator (monitoring.coreos.com kinds);
 *  c) the semantic checks the API server makes (names, labels, selectors, ports, RBAC, ...).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as po from '@kubernetes-models/prometheus-operator';
import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as km from 'kubernetes-models';
import * as ts from 'typescript';
import * as YAML from 'yaml';

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * A kind the validator does not know from Kubernetes 1.28 or prometheus-operator.
 */
export interface CustomKind {
  /** e.g. `kuma.io/v1alpha1` */
  readonly apiVersion: string;
  /** e.g. `MeshMetric` */
  readonly kind: string;
  /**
   * Extra checks; returns problems as `path: message` strings.
   * @default - only the generic checks (names, labels, selectors, duplicates)
   */
  readonly validate?: (obj: JsonObject) => string[];
}

/** Options of `validateManifests`. */
export interface ValidateOptions {
  /** More kinds to accept (CRDs of other projects). */
  readonly customKinds?: CustomKind[];
}

/**
 * Kuma CRDs the library emits. There is no offline schema for them here: they get the
 * generic checks only; tests check their `spec` with their own assertions.
 */
export const KUMA_KINDS: readonly CustomKind[] = ['Mesh', 'TrafficPermission', 'MeshMetric', 'MeshTrafficPermission', 'Dataplane']
  .map((kind) => ({ apiVersion: 'kuma.io/v1alpha1', kind }));

/**
 * The objects a chart synthesizes, resolved (`Testing.synth`, which is `chart.toJson()`
 * and runs the app's validations first).
 */
export function synthObjects(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** Matches `metadata.name` exactly, or by `RegExp.test`. */
export type NameMatcher = string | RegExp;

function nameOf(obj: unknown): string | undefined {
  const meta = isObject(obj) ? obj.metadata : undefined;
  return isObject(meta) && typeof meta.name === 'string' ? meta.name : undefined;
}

function kindOf(obj: unknown): string | undefined {
  return isObject(obj) && typeof obj.kind === 'string' ? obj.kind : undefined;
}

/**
 * All objects of `kind` (and, when given, whose `metadata.name` matches `name`),
 * in synthesis order.
 */
export function findObjects(objs: readonly any[], kind: string, name?: NameMatcher): any[] {
  return objs.filter((o) => {
    if (kindOf(o) !== kind) return false;
    if (name === undefined) return true;
    const n = nameOf(o);
    if (n === undefined) return false;
    return typeof name === 'string' ? n === name : name.test(n);
  });
}

/**
 * The one object of `kind` (matching `name` when given).
 * @throws Error listing the objects that exist when there is not exactly one match
 */
export function findObject(objs: readonly any[], kind: string, name?: NameMatcher): any {
  const matches = findObjects(objs, kind, name);
  if (matches.length === 1) return matches[0];
  const wanted = `${kind}${name === undefined ? '' : `/${String(name)}`}`;
  const existing = objs.map((o) => `${kindOf(o) ?? '?'}/${nameOf(o) ?? '?'}`).join(', ') || '(none)';
  throw new Error(`findObject: expected exactly one ${wanted}, found ${matches.length}. Objects: ${existing}`);
}

/**
 * Parses multi-document YAML and validates every non-empty document.
 * @throws Error on YAML syntax errors or any validation problem
 */
export function validateManifestsYaml(text: string, opts: ValidateOptions = {}): void {
  const docs = YAML.parseAllDocuments(text);
  const objs: unknown[] = [];
  const problems: string[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      problems.push(`document #${i}: YAML error: ${doc.errors.map((e) => e.message).join('; ')}`);
      return;
    }
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objs.push(value);
  });
  if (problems.length > 0) throw new Error(`validateManifestsYaml: ${problems.join('\n')}`);
  validateManifests(objs, opts);
}

/**
 * Validates Kubernetes objects like a strict API server would (see the module doc).
 * @throws Error listing every problem as `Kind/name: path: problem`
 */
export function validateManifests(objs: readonly unknown[], opts: ValidateOptions = {}): void {
  const problems = manifestProblems(objs, opts);
  if (problems.length > 0) {
    throw new Error(`validateManifests: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Like `validateManifests`, but returns the problems instead of throwing. */
export function manifestProblems(objs: readonly unknown[], opts: ValidateOptions = {}): string[] {
  const custom = new Map<string, CustomKind>();
  for (const c of [...KUMA_KINDS, ...(opts.customKinds ?? [])]) custom.set(`${c.apiVersion}/${c.kind}`, c);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  objs.forEach((obj, index) => {
    const where = `${kindOf(obj) ?? '?'}/${nameOf(obj) ?? `#${index}`}`;
    const report = (p: string, msg: string) => problems.push(`${where}: ${p ? `${p}: ` : ''}${msg}`);
    if (!isObject(obj)) {
      report('', `not an object: ${JSON.stringify(obj)}`);
      return;
    }
    checkObject(obj, custom, report);
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    const id = `${group}/${String(obj.kind)}/${String(meta.namespace ?? '')}/${String(meta.name ?? '')}`;
    const first = seen.get(id);
    if (first !== undefined) {
      report('', `duplicate object: same group, kind, namespace and name as object #${first}`);
    } else {
      seen.set(id, index);
    }
  });
  return problems;
}

type Report = (path: string, msg: string) => void;

function checkObject(obj: JsonObject, custom: Map<string, CustomKind>, report: Report): void {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') report('apiVersion', 'missing');
  if (typeof kind !== 'string' || kind === '') report('kind', 'missing');
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return;
  if (!isObject(obj.metadata)) {
    report('metadata', 'missing');
    return;
  }
  const key = `${apiVersion}/${kind}`;
  const builtin = builtinKinds().get(key);
  const operator = operatorModel(apiVersion, kind);
  const customKind = custom.get(key);
  if (!builtin && !operator && !customKind) {
    report('', `unknown apiVersion/kind ${key} (not in Kubernetes 1.28, prometheus-operator or the known CRDs)`);
    return;
  }
  // a) schema: types, required fields, enums
  const model = builtin ? kubernetesModel(apiVersion, kind) : operator;
  if (model) {
    for (const p of modelProblems(model, obj)) report(p.path, p.message);
  }
  // b) unknown fields, against the Kubernetes 1.28 structs, or the prometheus-operator typings
  if (builtin) {
    const walker = new JsiiWalker(report, model === undefined);
    walker.walkStruct(obj, builtin.propsFqn, '', true);
  } else if (operator) {
    // The typings (@kubernetes-models/prometheus-operator 4.4.4) predate the pinned v0.93.0 CRDs
    // (../shared/crds): a field they lack is unknown only if the CRD's schema lacks it too.
    const crd = crdUnknownFields(obj);
    operatorUnknownFields(obj, apiVersion, kind, (at, message) => {
      if (message !== 'unknown field' || crd === undefined || crd.has(at)) report(at, message);
    });
  }
  if (customKind?.validate) {
    for (const p of customKind.validate(obj)) report('', p);
  }
  // c) semantics
  semanticChecks(obj, apiVersion, kind, report);
}

// ---------------------------------------------------------------------------------------------
// a) kubernetes-models

interface ModelInstance { validate(): void }
type ModelClass = (new (data: JsonObject) => ModelInstance) & { apiVersion?: string; kind?: string };

interface AjvError {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function groupKey(group: string): string {
  return group.split('.').map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('');
}

function lookupModel(root: unknown, apiVersion: string, kind: string): ModelClass | undefined {
  const parts = apiVersion.split('/');
  const [group, version] = parts.length === 2 ? parts : ['', parts[0]];
  const versionNs = group === '' ? prop(root, version) : prop(root, groupKey(group), version);
  const cls = prop(versionNs, kind);
  if (typeof cls !== 'function') return undefined;
  const c = cls as ModelClass;
  return c.apiVersion === apiVersion && c.kind === kind ? c : undefined;
}

function kubernetesModel(apiVersion: string, kind: string): ModelClass | undefined {
  return lookupModel(km, apiVersion, kind);
}

function operatorModel(apiVersion: string, kind: string): ModelClass | undefined {
  if (!apiVersion.startsWith('monitoring.coreos.com/')) return undefined;
  return lookupModel(po, apiVersion, kind);
}

function modelProblems(model: ModelClass, obj: JsonObject): Array<{ path: string; message: string }> {
  try {
    new model(obj).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors)) return [{ path: '', message: `schema validation failed: ${(e as Error).message}` }];
    // oneOf/anyOf failures come with one error per alternative at the same path: collapse them
    const collapsed = new Set(errors.filter((err) => err.keyword === 'oneOf' || err.keyword === 'anyOf').map((err) => err.instancePath ?? ''));
    const result: Array<{ path: string; message: string }> = [];
    const done = new Set<string>();
    for (const err of errors) {
      const pointer = err.instancePath ?? '';
      const p = jsonPointerToPath(pointer);
      if (collapsed.has(pointer)) {
        if (done.has(pointer)) continue;
        done.add(pointer);
        const alternatives = errors.filter((x) => (x.instancePath ?? '') === pointer && x.keyword !== 'oneOf' && x.keyword !== 'anyOf');
        result.push({ path: p, message: `matches none of the allowed forms (${alternatives.map((x) => x.message).join('; ')})` });
        continue;
      }
      let message = err.message ?? 'invalid';
      if (err.params && Array.isArray(err.params.allowedValues)) message += ` (${err.params.allowedValues.join(', ')})`;
      if (err.params && typeof err.params.missingProperty === 'string') message = `must have required property '${err.params.missingProperty}'`;
      result.push({ path: p, message });
    }
    return result;
  }
}

function jsonPointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer.split('/').slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => joinPath(acc, /^\d+$/.test(seg) ? Number(seg) : seg), '');
}

// ---------------------------------------------------------------------------------------------
// b) the jsii assembly of cdk8s-plus-28 (Kubernetes 1.28 L1 structs)

interface JsiiTypeRef {
  primitive?: string;
  fqn?: string;
  collection?: { kind: 'array' | 'map'; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}

interface JsiiProperty {
  name: string;
  optional?: boolean;
  type: JsiiTypeRef;
  docs?: { custom?: { schema?: string } };
}

interface JsiiType {
  fqn: string;
  name: string;
  kind: 'interface' | 'class' | 'enum';
  datatype?: boolean;
  interfaces?: string[];
  properties?: JsiiProperty[];
  members?: Array<{ name: string }>;
}

interface StructInfo {
  /** JSON field name -> property */
  fields: Map<string, JsiiProperty>;
}

let assemblyTypes: Record<string, JsiiType> | undefined;
const structCache = new Map<string, StructInfo>();
let builtinKindCache: Map<string, { propsFqn: string }> | undefined;

function jsiiTypes(): Record<string, JsiiType> {
  if (!assemblyTypes) {
    const dir = path.dirname(require.resolve('cdk8s-plus-28/package.json'));
    const assembly = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8')) as { types: Record<string, JsiiType> };
    assemblyTypes = assembly.types;
  }
  return assemblyTypes;
}

/** `apiVersion/kind` -> the FQN of its `Kube<Kind>Props` struct, for every Kubernetes 1.28 kind. */
function builtinKinds(): Map<string, { propsFqn: string }> {
  if (!builtinKindCache) {
    const map = new Map<string, { propsFqn: string }>();
    const types = jsiiTypes();
    for (const [name, value] of Object.entries(k8s as unknown as Record<string, unknown>)) {
      const gvk = prop(value, 'GVK');
      if (!isObject(gvk) || typeof gvk.apiVersion !== 'string' || typeof gvk.kind !== 'string') continue;
      const propsFqn = `cdk8s-plus-28.k8s.${name}Props`;
      if (!types[propsFqn]) throw new Error(`harness: no jsii struct ${propsFqn} for ${gvk.apiVersion}/${gvk.kind}`);
      map.set(`${gvk.apiVersion}/${gvk.kind}`, { propsFqn });
    }
    builtinKindCache = map;
  }
  return builtinKindCache;
}

function structInfo(fqn: string): StructInfo {
  const cached = structCache.get(fqn);
  if (cached) return cached;
  const types = jsiiTypes();
  const fields = new Map<string, JsiiProperty>();
  const visit = (f: string) => {
    const t = types[f];
    if (!t) throw new Error(`harness: jsii type ${f} not found`);
    for (const parent of t.interfaces ?? []) visit(parent);
    for (const p of t.properties ?? []) {
      // docs.custom.schema is "io.k8s.api.core.v1.Container#name": the part after '#' is the
      // JSON field name (jsii names differ for e.g. hostIP -> hostIp, $ref -> ref).
      const schema = p.docs?.custom?.schema;
      const jsonName = schema && schema.includes('#') ? schema.slice(schema.indexOf('#') + 1) : p.name;
      fields.set(jsonName, p);
    }
  };
  visit(fqn);
  const info = { fields };
  structCache.set(fqn, info);
  return info;
}

function enumValues(name: string): string[] | undefined {
  const e = prop(k8s, name);
  return isObject(e) ? Object.values(e).filter((v): v is string => typeof v === 'string') : undefined;
}

class JsiiWalker {
  constructor(private readonly report: Report, private readonly checkRequired: boolean) {}

  public walkStruct(value: unknown, fqn: string, at: string, root = false): void {
    if (!isObject(value)) {
      this.report(at, `must be an object, got ${describe(value)}`);
      return;
    }
    const info = structInfo(fqn);
    for (const [key, v] of Object.entries(value)) {
      if (root && (key === 'apiVersion' || key === 'kind')) continue;
      const p = info.fields.get(key);
      const here = joinPath(at, key);
      if (!p) {
        this.report(here, 'unknown field');
        continue;
      }
      if (v === null) continue; // null means "unset" to the API server
      this.walk(v, p.type, here);
    }
    if (this.checkRequired) {
      for (const [key, p] of info.fields) {
        if (!p.optional && value[key] === undefined) this.report(joinPath(at, key), 'missing required field');
      }
    }
  }

  public walk(value: unknown, type: JsiiTypeRef, at: string): void {
    if (type.primitive !== undefined) {
      this.walkPrimitive(value, type.primitive, at);
    } else if (type.collection) {
      const { kind, elementtype } = type.collection;
      if (kind === 'array') {
        if (!Array.isArray(value)) {
          this.report(at, `must be an array, got ${describe(value)}`);
          return;
        }
        value.forEach((v, i) => this.walk(v, elementtype, joinPath(at, i)));
      } else {
        if (!isObject(value)) {
          this.report(at, `must be an object (map), got ${describe(value)}`);
          return;
        }
        for (const [k, v] of Object.entries(value)) this.walk(v, elementtype, joinPath(at, k));
      }
    } else if (type.union) {
      const ok = type.union.types.some((t) => {
        let failed = false;
        new JsiiWalker(() => { failed = true; }, this.checkRequired).walk(value, t, at);
        return !failed;
      });
      if (!ok) this.report(at, `does not match any of ${type.union.types.map((t) => t.primitive ?? t.fqn ?? '?').join(' | ')}`);
    } else if (type.fqn) {
      const t = jsiiTypes()[type.fqn];
      if (!t) throw new Error(`harness: jsii type ${type.fqn} not found`);
      if (t.kind === 'interface') {
        this.walkStruct(value, type.fqn, at);
      } else if (t.kind === 'enum') {
        const values = enumValues(t.name) ?? [];
        if (typeof value !== 'string' || !values.includes(value)) this.report(at, `must be one of ${values.join(', ')}, got ${describe(value)}`);
      } else if (typeof value !== 'string' && typeof value !== 'number') {
        // IntOrString, Quantity
        this.report(at, `must be a string or a number (${t.name}), got ${describe(value)}`);
      }
    }
  }

  private walkPrimitive(value: unknown, primitive: string, at: string): void {
    switch (primitive) {
      case 'string':
      case 'date':
        if (typeof value !== 'string') this.report(at, `must be a string, got ${describe(value)}`);
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) this.report(at, `must be a number, got ${describe(value)}`);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') this.report(at, `must be a boolean, got ${describe(value)}`);
        break;
      default:
        // any, json
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// b') unknown fields of prometheus-operator kinds, from the TypeScript typings of
// @kubernetes-models/prometheus-operator (the API server prunes unknown fields of custom
// resources silently, so a misspelt ServiceMonitor field would just vanish).

let operatorProgram: { checker: ts.TypeChecker; roots: Map<string, ts.Type> } | undefined;

function operatorTypes(): { checker: ts.TypeChecker; roots: Map<string, ts.Type> } {
  if (!operatorProgram) {
    const base = path.dirname(require.resolve('@kubernetes-models/prometheus-operator/package.json'));
    const files: string[] = [];
    for (const version of ['v1', 'v1alpha1']) {
      const dir = path.join(base, 'monitoring.coreos.com', version);
      for (const f of fs.readdirSync(dir)) if (f.endsWith('.d.ts') && f !== 'index.d.ts') files.push(path.join(dir, f));
    }
    const program = ts.createProgram(files, { noEmit: true, types: [], lib: ['lib.es5.d.ts'], skipLibCheck: true });
    const checker = program.getTypeChecker();
    const roots = new Map<string, ts.Type>();
    for (const file of files) {
      const sf = program.getSourceFile(file);
      if (!sf) continue;
      const version = path.basename(path.dirname(file));
      ts.forEachChild(sf, (node) => {
        if (ts.isInterfaceDeclaration(node) && node.name.text.startsWith('I')) {
          roots.set(`monitoring.coreos.com/${version}/${node.name.text.slice(1)}`, checker.getTypeAtLocation(node));
        }
      });
    }
    operatorProgram = { checker, roots };
  }
  return operatorProgram;
}

function hasTypeFlag(t: ts.Type, flag: ts.TypeFlags): boolean {
  // eslint-disable-next-line no-bitwise
  return (t.flags & flag) !== 0;
}

function operatorUnknownFields(obj: JsonObject, apiVersion: string, kind: string, report: Report): void {
  const { checker, roots } = operatorTypes();
  const root = roots.get(`${apiVersion}/${kind}`);
  if (!root) return;
  const walk = (value: unknown, type: ts.Type, at: string, out: Report, isRoot = false): void => {
    const t = checker.getNonNullableType(type);
    if (hasTypeFlag(t, ts.TypeFlags.Any) || hasTypeFlag(t, ts.TypeFlags.Unknown)) return;
    if (t.isUnion()) {
      const objectMembers = t.types.filter((m) => hasTypeFlag(m, ts.TypeFlags.Object));
      if (objectMembers.length === 0) return; // primitives and literals: the schema checks them
      for (const m of objectMembers) {
        let failed = false;
        walk(value, m, at, () => { failed = true; });
        if (!failed) return;
      }
      walk(value, objectMembers[0], at, out);
      return;
    }
    if (!hasTypeFlag(t, ts.TypeFlags.Object)) return;
    if (checker.isArrayType(t)) {
      const element = checker.getTypeArguments(t as ts.TypeReference)[0];
      if (Array.isArray(value) && element) value.forEach((v, i) => walk(v, element, joinPath(at, i), out));
      return;
    }
    if (!isObject(value)) return;
    const index = checker.getIndexInfoOfType(t, ts.IndexKind.String);
    for (const [key, v] of Object.entries(value)) {
      if (isRoot && (key === 'apiVersion' || key === 'kind')) continue;
      const here = joinPath(at, key);
      const symbol = t.getProperty(key);
      if (symbol) {
        if (v !== null) walk(v, checker.getTypeOfSymbol(symbol), here, out);
      } else if (index) {
        if (v !== null) walk(v, index.type, here, out);
      } else {
        out(here, 'unknown field');
      }
    }
  };
  walk(obj, root, '', report, true);
}

// ---------------------------------------------------------------------------------------------
// c) semantics (what the API server checks beyond the schema)

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const DNS_LABEL_NAMED_KINDS = new Set(['Service', 'Namespace']);
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const SELECTOR_MATCHES_TEMPLATE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** A DNS-1123 label (at most 63 characters), as Service and Namespace names must be. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** A DNS-1123 subdomain (at most 253 characters), as most object names must be. */
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** An IANA service name (container port names, named target ports). */
export function isIanaSvcName(s: string): boolean {
  return s.length <= 15 && IANA_SVC_NAME.test(s) && /[a-z]/.test(s) && !s.includes('--');
}

/** Why `key` is not a valid label/annotation key, or undefined when it is. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) return 'has an empty prefix';
    if (!isDnsSubdomain(prefix)) return `has a prefix "${prefix}" that is not a DNS-1123 subdomain`;
  }
  if (name.length === 0) return 'has an empty name';
  if (name.length > 63) return `has a name longer than 63 characters (${name.length})`;
  if (!QUALIFIED_NAME_PART.test(name)) return 'has a name that is not alphanumeric with "-", "_", "." inside';
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
  if (value.length > 63) return `is longer than 63 characters (${value.length})`;
  if (!LABEL_VALUE.test(value)) return 'must be empty or alphanumeric with "-", "_", "." inside';
  return undefined;
}

function semanticChecks(obj: JsonObject, apiVersion: string, kind: string, report: Report): void {
  const meta = obj.metadata as JsonObject;
  // object name
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    if (typeof meta.generateName !== 'string') report('metadata.name', 'missing');
  } else if (RBAC_KINDS.has(kind) && apiVersion.startsWith('rbac.authorization.k8s.io/')) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) report('metadata.name', `"${name}" is not a valid path segment name`);
  } else if (DNS_LABEL_NAMED_KINDS.has(kind) && apiVersion === 'v1') {
    if (!isDnsLabel(name)) report('metadata.name', `"${name}" is not a valid DNS-1123 label (lowercase alphanumeric and "-", at most 63 characters)`);
  } else if (!isDnsSubdomain(name)) {
    report('metadata.name', `"${name}" is not a valid DNS-1123 subdomain`);
  }
  if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || !isDnsLabel(meta.namespace))) {
    report('metadata.namespace', `${describe(meta.namespace)} is not a valid DNS-1123 label`);
  }

  // labels, annotations and label selectors wherever they appear
  walkLabelsAndSelectors(obj, '', report, kind);

  if (apiVersion === 'v1' && (kind === 'Service')) checkService(obj, report);
  if (apiVersion === 'v1' && (kind === 'ConfigMap' || kind === 'Secret')) checkConfigData(obj, kind, report);
  if (apiVersion === 'v1' && kind === 'ReplicationController') checkLabelMap(prop(obj, 'spec', 'selector'), 'spec.selector', report);
  if (apiVersion === 'networking.k8s.io/v1' && kind === 'NetworkPolicy') checkNetworkPolicy(obj, report);
  if (apiVersion.startsWith('rbac.authorization.k8s.io/')) checkRbac(obj, kind, report);

  const podPath = builtinKinds().has(`${apiVersion}/${kind}`) ? POD_TEMPLATE_PATHS[kind] : undefined;
  if (podPath) {
    const podSpec = prop(obj, ...podPath);
    // A StatefulSet's claim templates are volumes of its pods: the controller adds them (the API
    // server does not check its mounts against the pod's volumes, kubernetes/kubernetes
    // pkg/apis/apps/validation/validation.go ValidatePodTemplateSpecForStatefulSet).
    const claimTemplates = kind === 'StatefulSet' ? prop(obj, 'spec', 'volumeClaimTemplates') : undefined;
    const claimNames = (Array.isArray(claimTemplates) ? claimTemplates : []).map((t) => prop(t, 'metadata', 'name')).filter((n): n is string => typeof n === 'string');
    if (isObject(podSpec)) checkPodSpec(podSpec, podPath.join('.'), report, claimNames);
    if (SELECTOR_MATCHES_TEMPLATE.has(kind)) {
      const selector = prop(obj, 'spec', 'selector');
      const labels = prop(obj, 'spec', 'template', 'metadata', 'labels');
      if (isObject(selector) && !selectorMatches(selector, isObject(labels) ? labels : {})) {
        report('spec.selector', 'does not match spec.template.metadata.labels');
      }
    }
  }
}

function walkLabelsAndSelectors(value: unknown, at: string, report: Report, kind: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkLabelsAndSelectors(v, joinPath(at, i), report, kind));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const here = joinPath(at, key);
    if (at === '' && (kind === 'ConfigMap' || kind === 'Secret') && key !== 'metadata') continue;
    if (key === 'metadata' && isObject(v)) {
      if (v.labels !== undefined) checkLabelMap(v.labels, joinPath(here, 'labels'), report);
      if (v.annotations !== undefined) checkAnnotations(v.annotations, joinPath(here, 'annotations'), report);
    }
    if (key === 'matchLabels') checkLabelMap(v, here, report);
    if (key === 'matchExpressions') checkMatchExpressions(v, here, report);
    walkLabelsAndSelectors(v, here, report, kind);
  }
}

function checkLabelMap(labels: unknown, at: string, report: Report): void {
  if (labels === undefined || labels === null) return;
  if (!isObject(labels)) {
    report(at, `must be a map of strings, got ${describe(labels)}`);
    return;
  }
  for (const [k, v] of Object.entries(labels)) {
    const keyProblem = qualifiedNameProblem(k);
    if (keyProblem) report(joinPath(at, k), `label key ${keyProblem}`);
    const valueProblem = labelValueProblem(v);
    if (valueProblem) report(joinPath(at, k), `label value ${JSON.stringify(v)} ${valueProblem}`);
  }
}

function checkAnnotations(annotations: unknown, at: string, report: Report): void {
  if (!isObject(annotations)) {
    report(at, `must be a map of strings, got ${describe(annotations)}`);
    return;
  }
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    const keyProblem = qualifiedNameProblem(k.toLowerCase());
    if (keyProblem) report(joinPath(at, k), `annotation key ${keyProblem}`);
    if (typeof v !== 'string') report(joinPath(at, k), `annotation value must be a string, got ${describe(v)}`);
    size += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (size > 256 * 1024) report(at, `annotations total ${size} bytes, more than 256 KiB`);
}

function checkMatchExpressions(exprs: unknown, at: string, report: Report): void {
  if (!Array.isArray(exprs)) return;
  exprs.forEach((e, i) => {
    const here = joinPath(at, i);
    if (!isObject(e)) return;
    if (typeof e.key !== 'string' || qualifiedNameProblem(e.key)) report(joinPath(here, 'key'), `invalid label key ${describe(e.key)}`);
    const values = Array.isArray(e.values) ? e.values : [];
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) report(joinPath(here, 'values'), `must be non-empty for operator ${e.operator}`);
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) report(joinPath(here, 'values'), `must be empty for operator ${e.operator}`);
    } else {
      report(joinPath(here, 'operator'), `must be In, NotIn, Exists or DoesNotExist, got ${describe(e.operator)}`);
    }
    values.forEach((v, j) => {
      const problem = labelValueProblem(v);
      if (problem) report(joinPath(joinPath(here, 'values'), j), `label value ${JSON.stringify(v)} ${problem}`);
    });
  });
}

/** Whether a LabelSelector (matchLabels + matchExpressions) selects `labels`. */
export function selectorMatches(selector: JsonObject, labels: JsonObject): boolean {
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (Object.keys(matchLabels).length === 0 && exprs.length === 0) return false; // an empty selector is rejected for workloads
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    if (!isObject(e) || typeof e.key !== 'string') return false;
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

function checkPortNumber(value: unknown, at: string, report: Report): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    report(at, `must be a port number 1-65535, got ${describe(value)}`);
  }
}

/** A port given as a number or as an IANA service name (targetPort, probe ports, NetworkPolicy ports). */
function checkNumberOrNamedPort(value: unknown, at: string, report: Report): void {
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) report(at, `numeric port given as a string ${JSON.stringify(value)}: use a number`);
    else if (!isIanaSvcName(value)) report(at, `port name ${JSON.stringify(value)} is not an IANA service name (at most 15 lowercase alphanumerics or "-", with a letter)`);
  } else {
    checkPortNumber(value, at, report);
  }
}

function checkService(obj: JsonObject, report: Report): void {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const names = new Set<string>();
  const portProtocols = new Set<string>();
  if (type !== 'ExternalName' && ports.length === 0 && spec.clusterIP !== 'None') report('spec.ports', 'must have at least one port');
  if (type === 'ExternalName' && typeof spec.externalName !== 'string') report('spec.externalName', 'required for type ExternalName');
  if (spec.selector !== undefined) checkLabelMap(spec.selector, 'spec.selector', report);
  ports.forEach((p, i) => {
    const at = joinPath('spec.ports', i);
    if (!isObject(p)) return;
    if (p.name === undefined) {
      if (ports.length > 1) report(joinPath(at, 'name'), 'required when a Service has more than one port');
    } else if (typeof p.name !== 'string' || !isDnsLabel(p.name)) {
      report(joinPath(at, 'name'), `${describe(p.name)} is not a valid DNS-1123 label`);
    } else if (names.has(p.name)) {
      report(joinPath(at, 'name'), `duplicate port name "${p.name}"`);
    } else {
      names.add(p.name);
    }
    checkPortNumber(p.port, joinPath(at, 'port'), report);
    const pp = `${String(p.port)}/${String(p.protocol ?? 'TCP')}`;
    if (portProtocols.has(pp)) report(joinPath(at, 'port'), `duplicate port ${pp}`);
    portProtocols.add(pp);
    if (p.targetPort !== undefined) checkNumberOrNamedPort(p.targetPort, joinPath(at, 'targetPort'), report);
    if (p.nodePort !== undefined) {
      const nodePort = p.nodePort;
      if (typeof nodePort !== 'number' || nodePort < 30000 || nodePort > 32767) {
        report(joinPath(at, 'nodePort'), `must be in 30000-32767, got ${describe(nodePort)}`);
      }
      if (type !== 'NodePort' && type !== 'LoadBalancer') {
        report(joinPath(at, 'nodePort'), `may only be set on Services of type NodePort or LoadBalancer, this one is ${type}`);
      }
    }
  });
}

function checkConfigData(obj: JsonObject, kind: string, report: Report): void {
  const sections = kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData'];
  const keys = new Map<string, string>();
  for (const section of sections) {
    const data = obj[section];
    if (!isObject(data)) continue;
    for (const k of Object.keys(data)) {
      if (k.length > 253 || !CONFIG_KEY.test(k) || k === '.' || k === '..') {
        report(joinPath(section, k), 'key must consist of alphanumerics, "-", "_" or "." (at most 253 characters)');
      }
      const other = keys.get(k);
      if (other !== undefined && kind === 'ConfigMap') report(joinPath(section, k), `duplicate key, also in ${other}`);
      keys.set(k, section);
    }
  }
}

function checkNetworkPolicy(obj: JsonObject, report: Report): void {
  for (const direction of ['ingress', 'egress']) {
    const rules = prop(obj, 'spec', direction);
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, i) => {
      const ports = prop(rule, 'ports');
      if (!Array.isArray(ports)) return;
      ports.forEach((p, j) => {
        const at = joinPath(joinPath(joinPath(joinPath('spec', direction), i), 'ports'), j);
        if (!isObject(p) || p.port === undefined) return;
        checkNumberOrNamedPort(p.port, joinPath(at, 'port'), report);
        if (p.endPort !== undefined) {
          if (typeof p.port !== 'number') report(joinPath(at, 'endPort'), 'may only be used with a numeric port');
          else if (typeof p.endPort !== 'number' || p.endPort < p.port) report(joinPath(at, 'endPort'), `must be >= port ${p.port}`);
        }
      });
    });
  }
}

function checkRbac(obj: JsonObject, kind: string, report: Report): void {
  if (kind === 'Role' || kind === 'ClusterRole') {
    const rules = Array.isArray(obj.rules) ? obj.rules : [];
    rules.forEach((rule, i) => {
      const at = joinPath('rules', i);
      if (!isObject(rule)) return;
      const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
      if (len(rule.verbs) === 0) report(joinPath(at, 'verbs'), 'must have at least one verb');
      if (len(rule.nonResourceURLs) > 0) {
        if (kind === 'Role') report(joinPath(at, 'nonResourceURLs'), 'Roles cannot have nonResourceURLs (only ClusterRoles)');
        if (len(rule.resources) > 0 || len(rule.apiGroups) > 0) report(at, 'nonResourceURLs cannot be combined with apiGroups/resources');
      } else {
        if (len(rule.apiGroups) === 0) report(joinPath(at, 'apiGroups'), 'required (use [""] for the core group)');
        if (len(rule.resources) === 0) report(joinPath(at, 'resources'), 'required');
      }
    });
  }
  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
    const ref = isObject(obj.roleRef) ? obj.roleRef : {};
    if (ref.apiGroup !== 'rbac.authorization.k8s.io') report('roleRef.apiGroup', `must be rbac.authorization.k8s.io, got ${describe(ref.apiGroup)}`);
    const allowed = kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
    if (!allowed.includes(String(ref.kind))) report('roleRef.kind', `must be ${allowed.join(' or ')}, got ${describe(ref.kind)}`);
    if (typeof ref.name !== 'string' || ref.name === '') report('roleRef.name', 'required');
    const subjects = Array.isArray(obj.subjects) ? obj.subjects : [];
    subjects.forEach((s, i) => {
      const at = joinPath('subjects', i);
      if (!isObject(s)) return;
      if (s.kind === 'ServiceAccount') {
        if (s.apiGroup !== undefined && s.apiGroup !== '') report(joinPath(at, 'apiGroup'), 'must be "" for ServiceAccount subjects');
        if (typeof s.name !== 'string' || !isDnsSubdomain(s.name)) report(joinPath(at, 'name'), `invalid ServiceAccount name ${describe(s.name)}`);
        if (kind === 'ClusterRoleBinding' && (typeof s.namespace !== 'string' || s.namespace === '')) {
          report(joinPath(at, 'namespace'), 'required for ServiceAccount subjects of a ClusterRoleBinding');
        }
      } else if (s.kind === 'User' || s.kind === 'Group') {
        if (s.apiGroup !== 'rbac.authorization.k8s.io') report(joinPath(at, 'apiGroup'), `must be rbac.authorization.k8s.io for ${s.kind} subjects`);
      } else {
        report(joinPath(at, 'kind'), `must be ServiceAccount, User or Group, got ${describe(s.kind)}`);
      }
    });
  }
}

function checkPodSpec(spec: JsonObject, at: string, report: Report, claimTemplateNames: string[] = []): void {
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  const volumeNames = new Set<string>(claimTemplateNames);
  volumes.forEach((v, i) => {
    const here = joinPath(joinPath(at, 'volumes'), i);
    if (!isObject(v)) return;
    if (typeof v.name !== 'string' || !isDnsLabel(v.name)) report(joinPath(here, 'name'), `${describe(v.name)} is not a valid DNS-1123 label`);
    else if (volumeNames.has(v.name)) report(joinPath(here, 'name'), `duplicate volume name "${v.name}"`);
    else volumeNames.add(v.name);
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length !== 1) report(here, `must have exactly one volume source, has ${sources.length}${sources.length ? ` (${sources.join(', ')})` : ''}`);
    for (const [source, key] of [['configMap', 'name'], ['secret', 'secretName'], ['persistentVolumeClaim', 'claimName']]) {
      const ref = prop(v, source, key);
      if (isObject(v[source]) && (typeof ref !== 'string' || !isDnsSubdomain(ref))) {
        report(joinPath(joinPath(here, source), key), `${describe(ref)} is not a valid object name`);
      }
    }
  });
  if (spec.serviceAccountName !== undefined && (typeof spec.serviceAccountName !== 'string' || !isDnsSubdomain(spec.serviceAccountName))) {
    report(joinPath(at, 'serviceAccountName'), `${describe(spec.serviceAccountName)} is not a valid DNS-1123 subdomain`);
  }
  const containerNames = new Set<string>();
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) report(joinPath(at, 'containers'), 'must have at least one container');
  for (const list of ['initContainers', 'containers']) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      if (isObject(c)) checkContainer(c, joinPath(joinPath(at, list), i), containerNames, volumeNames, report);
    });
  }
}

function checkContainer(c: JsonObject, at: string, names: Set<string>, volumeNames: Set<string>, report: Report): void {
  if (typeof c.name !== 'string' || !isDnsLabel(c.name)) report(joinPath(at, 'name'), `${describe(c.name)} is not a valid DNS-1123 label`);
  else if (names.has(c.name)) report(joinPath(at, 'name'), `duplicate container name "${c.name}"`);
  else names.add(c.name);
  if (typeof c.image !== 'string' || c.image.trim() === '') report(joinPath(at, 'image'), 'required');

  const portNames = new Set<string>();
  const ports = Array.isArray(c.ports) ? c.ports : [];
  ports.forEach((p, i) => {
    const here = joinPath(joinPath(at, 'ports'), i);
    if (!isObject(p)) return;
    checkPortNumber(p.containerPort, joinPath(here, 'containerPort'), report);
    if (p.hostPort !== undefined) checkPortNumber(p.hostPort, joinPath(here, 'hostPort'), report);
    if (p.name !== undefined) {
      if (typeof p.name !== 'string' || !isIanaSvcName(p.name)) {
        report(joinPath(here, 'name'), `${describe(p.name)} is not an IANA service name (at most 15 lowercase alphanumerics or "-", with a letter)`);
      } else if (portNames.has(p.name)) {
        report(joinPath(here, 'name'), `duplicate port name "${p.name}"`);
      } else {
        portNames.add(p.name);
      }
    }
  });

  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const pr = c[probe];
    if (!isObject(pr)) continue;
    const here = joinPath(at, probe);
    const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => pr[h] !== undefined);
    if (handlers.length !== 1) report(here, `must have exactly one handler (exec, httpGet, tcpSocket or grpc), has ${handlers.length}`);
    for (const h of ['httpGet', 'tcpSocket']) {
      const port = prop(pr, h, 'port');
      if (port === undefined) continue;
      checkNumberOrNamedPort(port, joinPath(joinPath(here, h), 'port'), report);
      if (typeof port === 'string' && !portNames.has(port)) report(joinPath(joinPath(here, h), 'port'), `names port "${port}", which the container does not declare`);
    }
  }

  const mountPaths = new Set<string>();
  const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
  mounts.forEach((m, i) => {
    const here = joinPath(joinPath(at, 'volumeMounts'), i);
    if (!isObject(m)) return;
    if (typeof m.name !== 'string' || !volumeNames.has(m.name)) report(joinPath(here, 'name'), `${describe(m.name)} is not a volume of the pod`);
    if (typeof m.mountPath !== 'string' || m.mountPath === '') report(joinPath(here, 'mountPath'), 'required');
    else if (mountPaths.has(m.mountPath)) report(joinPath(here, 'mountPath'), `duplicate mountPath "${m.mountPath}"`);
    else mountPaths.add(m.mountPath);
  });

  const env = Array.isArray(c.env) ? c.env : [];
  env.forEach((e, i) => {
    const n = prop(e, 'name');
    if (typeof n !== 'string' || !ENV_VAR_NAME.test(n)) report(joinPath(joinPath(joinPath(at, 'env'), i), 'name'), `${describe(n)} is not a valid environment variable name`);
  });

  const requests = prop(c, 'resources', 'requests');
  const limits = prop(c, 'resources', 'limits');
  const parsed: Record<string, Record<string, number>> = { requests: {}, limits: {} };
  for (const [section, values] of [['requests', requests], ['limits', limits]] as const) {
    if (!isObject(values)) continue;
    for (const [resource, q] of Object.entries(values)) {
      // kubernetes-models reports malformed quantities; only well-formed ones are compared here
      const n = parseQuantity(q);
      if (n !== undefined) parsed[section][resource] = n;
    }
  }
  for (const [resource, request] of Object.entries(parsed.requests)) {
    const limit = parsed.limits[resource];
    if (limit !== undefined && request > limit) {
      report(joinPath(joinPath(joinPath(at, 'resources'), 'requests'), resource), `must be less than or equal to the ${resource} limit`);
    }
  }
}

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const QUANTITY_FACTORS = new Map<string, number>([
  ['Ki', 2 ** 10], ['Mi', 2 ** 20], ['Gi', 2 ** 30], ['Ti', 2 ** 40], ['Pi', 2 ** 50], ['Ei', 2 ** 60],
  ['n', 1e-9], ['u', 1e-6], ['m', 1e-3], ['', 1], ['k', 1e3], ['M', 1e6], ['G', 1e9], ['T', 1e12], ['P', 1e15], ['E', 1e18],
]);

/** The value of a Kubernetes quantity (`500m`, `1Gi`, `2e3`, 1.5), or undefined when invalid. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : QUANTITY_FACTORS.get(suffix) ?? NaN;
  return Number(m[1]) * factor;
}

// ---------------------------------------------------------------------------------------------
// small helpers

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function prop(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if ((typeof cur !== 'object' && typeof cur !== 'function') || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * The unknown fields (as `a.b[0].c` paths) that ../shared/tools/validate-manifests.cjs finds
 * against the pinned CRDs, or undefined when that validator is not there.
 */
function crdUnknownFields(obj: JsonObject): Set<string> | undefined {
  // Where .ci/run looks for the shared tools: $SHARED_DIR, the checkout's sibling, /work/shared.
  const tool = [process.env.SHARED_DIR, path.join(__dirname, '..', '..', '..', 'shared'), '/work/shared']
    .filter((d): d is string => d !== undefined && d !== '')
    .map((d) => path.join(d, 'tools', 'validate-manifests.cjs'))
    .find((f) => fs.existsSync(f));
  if (tool === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const problems: string[] = require(tool).validateObject(obj, {});
  const out = new Set<string>();
  for (const p of problems) {
    const m = p.match(/^(\S*) must NOT have additional properties \((.+)\)$/);
    if (!m) continue;
    const at = m[1].split('/').filter(Boolean).reduce<string>((base, k) => joinPath(base, /^\d+$/.test(k) ? Number(k) : k), '');
    out.add(joinPath(at, m[2]));
  }
  return out;
}

function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return `${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v} ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}
