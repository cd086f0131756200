// Objects whose props are held in their wire form, the JSON the API server reads. The L1 classes
// (cdk8s-plus-28's k8s imports, our CRD imports; apps/service-monitor.ts holds the ServiceMonitor) convert their typed props at every rendering,
// rebuilding each object of the manifest key by key; for the objects the library creates once
// per application (a Service, a NetworkPolicy, a ServiceMonitor) that conversion costs more than
// the rest of their rendering. These subclasses keep their L1 type, take the same typed props,
// convert them once, in one pass, when they are created, and render through ApiObject alone.
// The manifest is the same: the typed fields of these kinds carry their wire names, and ApiObject
// sorts keys as the L1 conversion orders them (alphabetically, as in the OpenAPI schema). Not
// exported from the package.
import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/**
 * A typed value in its wire form: number-or-string unions (IntOrString, Quantity) as their
 * value, fields that are undefined left out. Lazy values stay, for ApiObject to resolve.
 */
export function wire<T>(value: T): T {
  return toWire(value) as T;
}

function toWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toWire);
  if (value instanceof Lazy) return value;
  if (value.constructor !== Object) {
    // Every generated union class holds its value in `value` (cdk8s NumberStringUnionResolver).
    const union = (value as { value?: unknown }).value;
    if (typeof union === 'number' || typeof union === 'string') return union;
    return value;
  }
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(value)) {
    const v = (value as { [key: string]: unknown })[key];
    if (v !== undefined) out[key] = toWire(v);
  }
  return out;
}

/**
 * The manifest of an object held in wire form. ApiObject sorts keys before it applies JSON
 * patches, and the L1 conversion after: a patched manifest is sorted again, so that a key a
 * patch adds stands where the L1 class would put it.
 */
export function renderWire(obj: ApiObject, patched: boolean): any {
  const json = ApiObject.prototype.toJson.call(obj);
  if (!patched) return json;
  const { apiVersion, kind, metadata, ...rest } = json;
  return { apiVersion, kind, metadata: sorted(metadata), ...sorted(rest) as object };
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as { [key: string]: unknown })[k])]));
}

/** A Service rendered from its wire form. */
export class WireService extends kplus.k8s.KubeService {
  private patched = false;

  constructor(scope: Construct, id: string, props: kplus.k8s.KubeServiceProps) {
    super(scope, id, { metadata: props.metadata, spec: wire(props.spec) });
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    return renderWire(this, this.patched);
  }
}

/** A NetworkPolicy rendered from its wire form (a Lazy spec must produce it in wire form). */
export class WireNetworkPolicy extends kplus.k8s.KubeNetworkPolicy {
  private patched = false;

  constructor(scope: Construct, id: string, props: kplus.k8s.KubeNetworkPolicyProps) {
    super(scope, id, { metadata: props.metadata, spec: wire(props.spec) });
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    return renderWire(this, this.patched);
  }
}
