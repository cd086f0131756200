/**
 * Synthesizing charts, finding objects, and validating Kubernetes manifests offline.
 *
 * `validateManifests` reports every problem of a set of objects at once:
 *  a) the shared validator (../shared/tools/validate-manifests.cjs, see ../shared/README.md): the
 *     Kubernetes 1.28 OpenAPI schemas and the pinned prometheus-operator and Kuma CRDs, strict
 *     (unknown fields, types, required fields, enums, unknown kinds), object names, labels, nodePorts;
 *  b) what the API server checks beyond that (./semantics.ts): selectors, ports, volumes, probes,
 *     RBAC rules, ConfigMap keys and size, duplicate objects;
 *  c) the checks of `customKinds` (the Kuma tests check the untyped specs against kuma-proto).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { checkUniqueNames, isObject, isRbacObject, joinPath, JsonObject, objectSemantics } from './semantics';

export type { JsonObject } from './semantics';
export { parseQuantity, selectorMatches } from './semantics';

/**
 * A kind with checks of its own: one the shared validator does not know (the object then gets
 * only those and the API-server semantics), or one whose CRD leaves parts unchecked.
 */
export interface CustomKind {
  /** e.g. `kuma.io/v1alpha1` */
  readonly apiVersion: string;
  /** e.g. `MeshMetric` */
  readonly kind: string;
  /**
   * Extra checks; returns problems as `path: message` strings.
   * @default - only the shared validator's checks (when it knows the kind) and the semantics
   */
  readonly validate?: (obj: JsonObject) => string[];
}

/** Options of `validateManifests`. */
export interface ValidateOptions {
  /** More kinds to accept or check (CRDs of other projects, specs their CRDs leave open). */
  readonly customKinds?: CustomKind[];
}

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
  for (const c of opts.customKinds ?? []) custom.set(`${c.apiVersion}/${c.kind}`, c);
  const validate = sharedValidator();
  const problems: string[] = [];
  const where = (obj: unknown, index: number) => `${kindOf(obj) ?? '?'}/${nameOf(obj) ?? `#${index}`}`;
  objs.forEach((obj, index) => {
    const report = (p: string, msg: string) => problems.push(`${where(obj, index)}: ${p ? `${p}: ` : ''}${msg}`);
    if (!isObject(obj)) {
      report('', `not an object: ${JSON.stringify(obj)}`);
      return;
    }
    const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
    const customKind = custom.get(key);
    for (const p of validate(obj, { allowUnknownKinds: customKind !== undefined })) {
      // RBAC names are path segments, not DNS-1123 subdomains: ./semantics.ts checks them
      if (isRbacObject(String(obj.apiVersion), String(obj.kind)) && /^metadata\.name ".*" is not a valid DNS-1123 subdomain$/.test(p)) continue;
      const [at, msg] = sharedProblem(p);
      report(at, msg);
    }
    if (customKind?.validate) {
      for (const p of customKind.validate(obj)) report('', p);
    }
    objectSemantics(obj, report);
  });
  checkUniqueNames(objs, (index, msg) => problems.push(`${where(objs[index], index)}: ${msg}`));
  return problems;
}

type SharedValidate = (obj: unknown, opts: { allowUnknownKinds: boolean }) => string[];
let sharedValidate: SharedValidate | undefined;

/**
 * `validateObject` of the shared validator, found where .ci/run finds it: $SHARED_DIR, the
 * checkout's sibling shared/, /work/shared.
 * @throws Error when it is in none of them: without it nothing checks the schemas
 */
function sharedValidator(): SharedValidate {
  if (!sharedValidate) {
    const candidates = [process.env.SHARED_DIR, path.join(__dirname, '..', '..', '..', 'shared'), '/work/shared']
      .filter((d): d is string => d !== undefined && d !== '')
      .map((d) => path.join(d, 'tools', 'validate-manifests.cjs'));
    const tool = candidates.find((f) => fs.existsSync(f));
    if (tool === undefined) {
      throw new Error(`validateManifests: the shared manifest validator is in none of ${candidates.join(', ')}. Set SHARED_DIR to the shared/ directory.`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sharedValidate = require(tool).validateObject as SharedValidate;
  }
  return sharedValidate;
}

/** A problem of the shared validator as [path, message]: `/spec/ports/0 must have ...` -> `spec.ports[0]`. */
function sharedProblem(problem: string): [string, string] {
  const m = /^(\/\S*) (.*)$/.exec(problem);
  if (!m) return ['', problem];
  const at = m[1].split('/').slice(1).filter((k) => k !== '')
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<string>((base, k) => joinPath(base, /^\d+$/.test(k) ? Number(k) : k), '');
  const unknown = /^must NOT have additional properties \((.+)\)$/.exec(m[2]);
  return unknown ? [joinPath(at, unknown[1]), 'unknown field'] : [at, m[2]];
}
