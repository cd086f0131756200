// The names of the Kubernetes objects a construct creates: cdk8s derives them from the construct
// path (lowercased, ids joined by '-', plus a hash), and keeps characters such as '_' that the API
// server refuses in a name. Not exported from the package.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { problem } from '../core/checks';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kinds whose names are DNS-1123 labels rather than subdomains (the API server's validation). */
const LABEL_KINDS = ['Service', 'Namespace'];

/**
 * Checks, once the app is built, that every object under `construct` has a name the API server
 * accepts; a bad one fails with the construct path, the ids that make it bad and the fix.
 */
export function checkObjectNames(construct: Construct): void {
  construct.node.addValidation({ validate: () => objectNameProblems(construct) });
}

/**
 * Fails now when an object already under `construct` (or, given `objects`, one of them) has a
 * name the API server refuses. A construct that creates all its objects in its constructor
 * names them: no walk of its tree, and no check left for synthesis.
 */
export function failOnObjectNames(construct: Construct, objects?: ApiObject[]): void {
  const problems = objectNameProblems(construct, objects);
  if (problems.length > 0) throw new Error(problems[0]);
}

function objectNameProblems(construct: Construct, objects: ApiObject[] = construct.node.findAll().filter(ApiObject.isApiObject)): string[] {
  const bad = objects.filter((o) => {
    const name = o.name;
    if (typeof name !== 'string') return false;
    const label = LABEL_KINDS.includes(o.kind);
    return label ? name.length > 63 || !DNS_LABEL.test(name) : name.length > 253 || !DNS_SUBDOMAIN.test(name);
  });
  if (bad.length === 0) return [];
  const first = bad[0];
  const ids = first.node.scopes.map((s) => s.node.id).filter((id) => id !== '' && /[^A-Za-z0-9.-]/.test(id));
  const fix = ids.length > 0
    ? `cdk8s derives object names from the construct path: rename ${ids.map((id) => `'${id}'`).join(', ')} with letters, digits and '-' only `
      + `(such as ${ids.map((id) => `'${id.replace(/[^A-Za-z0-9.-]+/g, '-')}'`).join(', ')})`
    : 'Shorten the construct ids or the chart id';
  const label = LABEL_KINDS.includes(first.kind);
  return [problem(construct.node.path, 'id', `must give valid Kubernetes object names (a DNS-1123 ${label ? 'label' : 'subdomain'}: lowercase `
    + `alphanumerics and '-', at most ${label ? 63 : 253} characters); ${first.kind} '${first.node.path}'${bad.length > 1 ? ` and ${bad.length - 1} more` : ''} would be named`,
  first.name, fix)];
}
