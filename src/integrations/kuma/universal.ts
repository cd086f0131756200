// The Universal form of Kuma resources: what `kumactl apply -f` reads. Not exported from the package.
//
// A Universal resource is the Kubernetes object without `apiVersion`/`metadata`: `type` is the
// kind, `name` and `mesh` are top-level, and the legacy kinds (Mesh, TrafficPermission,
// Dataplane) put their spec fields at the top level too, while the policies (MeshMetric,
// MeshTrafficPermission) keep them under `spec`.
import { legacyMeshSpec, meshMetricSpec, prometheusBackend } from './mesh-spec';
import { KumaDataplaneInbound, KumaPolicyApi, KumaUniversalDataplaneOptions } from './options';
import { DataplaneSpec } from './proto-specs';
import { MeshSettings, SERVICE_TAG } from './settings';
import { checkArray, checkBoolean, checkStringMap, checkStruct, fail, requireProp } from '../../core/checks';
import { checkDnsLabel, checkHttpPath, checkNonEmpty, checkPort, compact } from '../../core/formats';
import { toYaml } from '../../core/yaml';
import * as kuma from '../../imports/kuma.io';

/** One Universal resource. */
export interface UniversalResource {
  readonly type: string;
  readonly name: string;
  readonly mesh?: string;
  readonly [field: string]: unknown;
}

/** YAML documents separated by `---`, in the given order. */
export function toUniversalYaml(resources: UniversalResource[]): string {
  return resources.map((r) => toYaml(r)).join('---\n');
}

/** The Universal output of one mesh: its Mesh, its policies and its Universal data plane proxies. */
export class UniversalMesh {
  private readonly dataplanes: UniversalResource[] = [];
  private readonly dataplaneOverrides: Array<{ name: string; port?: number; path?: string; skipMtls?: boolean }> = [];

  /** @param path the mesh construct's path, for error messages */
  constructor(private readonly path: string, private readonly settings: MeshSettings) {}

  /** See `KumaMetricsMesh.addUniversalDataplane()`. */
  public addDataplane(options: KumaUniversalDataplaneOptions): void {
    checkStruct(this.path, 'options', options, true);
    const where = `${this.path}/Dataplane '${options.name}'`;
    checkArray(where, 'inbound', requireProp(where, 'inbound', options.inbound), (w, p, i: KumaDataplaneInbound) => {
      checkStruct(w, p, i, true);
      checkStringMap(w, `${p}.tags`, i.tags);
    });
    checkBoolean(where, 'skipMtls', options.skipMtls);
    checkDnsLabel(where, 'name', options.name);
    if (this.dataplanes.some((d) => d.name === options.name)) {
      fail(this.path, 'name', 'must be unique among the Universal data plane proxies', options.name);
    }
    checkNonEmpty(where, 'address', options.address);
    if (options.inbound.length === 0) fail(where, 'inbound', 'must list at least one inbound', []);
    const inbound = options.inbound.map((i, n) => {
      checkPort(where, `inbound[${n}].portNumber`, i.portNumber);
      if (i.servicePort !== undefined) checkPort(where, `inbound[${n}].servicePort`, i.servicePort);
      checkNonEmpty(where, `inbound[${n}].serviceName`, i.serviceName);
      return { port: i.portNumber, servicePort: i.servicePort, tags: { ...i.tags, [SERVICE_TAG]: i.serviceName } };
    });
    if (options.metricsPort !== undefined) checkPort(where, 'metricsPort', options.metricsPort);
    if (options.metricsPath !== undefined) checkHttpPath(where, 'metricsPath', options.metricsPath);
    const port = options.metricsPort ?? this.settings.metricsPort;
    const appPorts = inbound.flatMap((i) => [i.port, i.servicePort ?? i.port]);
    if (appPorts.includes(port)) {
      const inherited = options.metricsPort === undefined;
      fail(where, 'metricsPort', `${inherited ? '(the mesh\'s) ' : ''}must not be an inbound or service port of the proxy `
        + `(${[...new Set(appPorts)].join(', ')})`, port, inherited ? 'Give this proxy its own metricsPort' : undefined);
    }
    const override = { name: options.name, port: options.metricsPort, path: options.metricsPath, skipMtls: options.skipMtls };
    const hasOverride = override.port !== undefined || override.path !== undefined || override.skipMtls !== undefined;
    const legacy = this.settings.policyApi === KumaPolicyApi.SOURCE_DESTINATION;
    const spec: DataplaneSpec = {
      networking: { address: options.address, inbound: inbound.map((i) => compact(i)) },
      metrics: hasOverride && legacy ? {
        type: 'prometheus',
        conf: compact({ skipMTLS: override.skipMtls, port: override.port, path: override.path }),
      } : undefined,
    };
    this.dataplanes.push({ type: 'Dataplane', mesh: this.settings.meshName, name: options.name, ...compact(spec) });
    if (hasOverride && !legacy) this.dataplaneOverrides.push(override);
  }

  /** The YAML documents; `policyName` names the mesh-wide MeshMetric (current API). */
  public toYaml(policyName: string): string {
    const s = this.settings;
    const docs: UniversalResource[] = [];
    if (s.policyApi === KumaPolicyApi.SOURCE_DESTINATION) {
      docs.push({ type: 'Mesh', name: s.meshName, ...legacyMeshSpec(s) });
    } else {
      if (s.mtls) docs.push({ type: 'Mesh', name: s.meshName, mtls: s.mtls });
      docs.push({ type: 'MeshMetric', name: policyName, mesh: s.meshName, spec: meshMetricSpec(s) });
      for (const o of this.dataplaneOverrides) {
        docs.push({
          type: 'MeshMetric',
          name: `${policyName}-${o.name}`,
          mesh: s.meshName,
          spec: {
            targetRef: { kind: kuma.MeshMetricSpecTargetRefKind.DATAPLANE, name: o.name },
            default: { backends: [prometheusBackend(s, o.port, o.path, o.skipMtls)] },
          },
        });
      }
    }
    docs.push(...this.dataplanes);
    return toUniversalYaml(docs);
  }
}
