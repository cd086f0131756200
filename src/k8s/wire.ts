// Objects rendered from the wire form of their props, the JSON the API server reads. The L1
// classes (cdk8s-plus-28's k8s imports, our CRD imports) convert their typed props at every
// rendering, rebuilding each object of the manifest key by key, which for the objects the
// library creates once per application (a Service, a NetworkPolicy, a ServiceMonitor) costs more
// than the rest of their rendering; for the workloads and Services a stack creates once, it is
// the first run of several dozen converters. `wireRendered` derives from an L1 class one that
// keeps its type and takes the same typed props; at synthesis it converts them in one pass (the
// props may still change until then: a stack admits peers after its policy exists) and renders
// through ApiObject alone. The manifest is the same object: the fields carry their wire names (the few
// whose typed name differs are renamed, by position), and ApiObject sorts keys as the L1
// conversion orders them (alphabetically, as in the OpenAPI schema). An object with a JSON
// patch, and every object while CDK8S_DISABLE_SORT is set, renders through its L1 class. Not
// exported from the package.
import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/**
 * Where a typed field's wire name differs, by position in the spec: a string renames the field,
 * an object holds the renames below it (array items take their array's). Map-valued fields
 * (labels, selectors) are not renamed. test/k8s/wire.test.ts reads the generated converters for
 * the renames of each kind.
 */
export interface WireNames {
  readonly [typed: string]: string | WireNames;
}

/** cdk8s-plus-28 imports/k8s.js toJson_ServiceSpec, toJson_SessionAffinityConfig. */
export const SERVICE_WIRE_NAMES: WireNames = { clusterIp: 'clusterIP', loadBalancerIp: 'loadBalancerIP', sessionAffinityConfig: { clientIp: 'clientIP' } };
/** cdk8s-plus-28 imports/k8s.js toJson_NetworkPolicySpec: every field has its wire name. */
export const NETWORK_POLICY_WIRE_NAMES: WireNames = {};
/** cdk8s-plus-28 imports/k8s.js toJson_PodSpec and the converters below it. */
const POD_SPEC_WIRE_NAMES: WireNames = {
  containers: { ports: { hostIp: 'hostIP' } },
  ephemeralContainers: { ports: { hostIp: 'hostIP' } },
  hostIpc: 'hostIPC',
  hostPid: 'hostPID',
  initContainers: { ports: { hostIp: 'hostIP' } },
  setHostnameAsFqdn: 'setHostnameAsFQDN',
  volumes: {
    awsElasticBlockStore: { volumeId: 'volumeID' },
    azureDisk: { diskUri: 'diskURI' },
    cinder: { volumeId: 'volumeID' },
    downwardApi: 'downwardAPI',
    fc: { targetWwNs: 'targetWWNs' },
    flocker: { datasetUuid: 'datasetUUID' },
    photonPersistentDisk: { pdId: 'pdID' },
    portworxVolume: { volumeId: 'volumeID' },
    projected: { sources: { downwardApi: 'downwardAPI' } },
    scaleIo: 'scaleIO',
    vsphereVolume: { storagePolicyId: 'storagePolicyID' },
  },
};
/** cdk8s-plus-28 imports/k8s.js toJson_DeploymentSpec and toJson_StatefulSetSpec: only their pod template has renames. */
export const WORKLOAD_WIRE_NAMES: WireNames = { template: { spec: POD_SPEC_WIRE_NAMES } };

/**
 * A typed value in its wire form, for synthesis: number-or-string unions (IntOrString,
 * Quantity) as their value, Lazy values produced, fields given in `names` renamed, fields that
 * are undefined left out.
 */
export function wire<T>(value: T, names?: WireNames): T {
  return toWire(value, names) as T;
}

function toWire(value: unknown, names: WireNames | undefined): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => toWire(item, names));
  if (value instanceof Lazy) return toWire(value.produce(), names);
  if (value.constructor !== Object) {
    // Every generated union class holds its value in `value` (cdk8s NumberStringUnionResolver).
    const union = (value as { value?: unknown }).value;
    if (typeof union === 'number' || typeof union === 'string') return union;
    return value;
  }
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(value)) {
    const v = (value as { [key: string]: unknown })[key];
    if (v === undefined) continue;
    const name = names?.[key];
    out[typeof name === 'string' ? name : key] = toWire(v, typeof name === 'object' ? name : undefined);
  }
  return out;
}

/** A spec converted to its wire form when the object is rendered. */
function wireAtSynthesis<T>(spec: T, names: WireNames): T {
  return Lazy.any({ produce: () => wire(spec, names) }) as unknown as T;
}

/** Set on a wire-rendered object when a JSON patch is added to it. */
const PATCHED = Symbol('cdk8s-prometheus-monitoring.wire.patched');

/** Whether a JSON patch was added to a wire-rendered object (which may then differ from its props). */
export function isPatched(obj: ApiObject): boolean {
  return (obj as unknown as { [PATCHED]?: boolean })[PATCHED] === true;
}

/** An L1 class: a constructor of (scope, id, props with a spec). */
type L1Class = new (scope: Construct, id: string, props: any) => ApiObject;

/** The typed spec of a wire-rendered object, for the objects that render as their L1 class. */
const TYPED_SPEC = Symbol('cdk8s-prometheus-monitoring.wire.typedSpec');

/**
 * The L1 class `Base`, rendered from the wire form of its spec (`names`: the fields to rename).
 *
 * An object with a JSON patch renders as its L1 class does: the patch applies to the typed
 * manifest, which is then converted (a union value or a typed field name in a patch is converted
 * by position, apiVersion and kind are the object's own, fields the API does not define are
 * dropped). So does every object made while CDK8S_DISABLE_SORT is set, which asks for fields in
 * the order they were written.
 */
export function wireRendered<C extends L1Class>(Base: C, names: WireNames): C {
  // A class expression that extends a constructor type must take (...args: any[]).
  return class extends (Base as new (...args: any[]) => ApiObject) {
    constructor(...args: any[]) {
      const [scope, id, props] = args as [Construct, string, { readonly spec?: unknown }];
      super(scope, id, process.env.CDK8S_DISABLE_SORT ? props : { ...props, spec: wireAtSynthesis(props.spec, names) });
      Object.defineProperty(this, TYPED_SPEC, { value: props.spec });
    }

    public addJsonPatch(...ops: JsonPatch[]): void {
      Object.defineProperty(this, PATCHED, { value: true });
      super.addJsonPatch(...ops);
    }

    public toJson(): any {
      const self = this as unknown as { props: { spec?: unknown }; [TYPED_SPEC]: unknown };
      // Made while CDK8S_DISABLE_SORT was set: the props hold the typed spec.
      if (self.props.spec === self[TYPED_SPEC]) return super.toJson();
      if (!isPatched(this)) return ApiObject.prototype.toJson.call(this);
      // ApiObject keeps its props in `props`: the L1 rendering reads the typed spec from there.
      const wired = self.props;
      self.props = { ...wired, spec: self[TYPED_SPEC] };
      try {
        return super.toJson();
      } finally {
        self.props = wired;
      }
    }
  } as unknown as C;
}

/** A Service rendered from its wire form. */
export const WireService = wireRendered(kplus.k8s.KubeService, SERVICE_WIRE_NAMES);
/** A NetworkPolicy rendered from its wire form. */
export const WireNetworkPolicy = wireRendered(kplus.k8s.KubeNetworkPolicy, NETWORK_POLICY_WIRE_NAMES);
/** A Deployment rendered from its wire form. */
export const WireDeployment = wireRendered(kplus.k8s.KubeDeployment, WORKLOAD_WIRE_NAMES);
/** A StatefulSet rendered from its wire form. */
export const WireStatefulSet = wireRendered(kplus.k8s.KubeStatefulSet, WORKLOAD_WIRE_NAMES);
