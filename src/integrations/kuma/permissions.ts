// The permissions that let Prometheus, inside a mesh whose mTLS secures the metrics, reach what it
// scrapes and be reached by its clients: TrafficPermissions (legacy API) or
// MeshTrafficPermissions (current API). Not exported from the package.
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterScoped, dataplanesTargetRef, policyMetadata } from './mesh-spec';
import { KumaPolicyApi } from './options';
import { SelectorSpec, TrafficPermissionSpec } from './proto-specs';
import { KumaServiceTag } from './service-tag';
import { MeshSettings, NAMESPACE_LABEL, SERVICE_TAG } from './settings';
import * as kuma from '../../imports/kuma.io';
import { PrometheusStack } from '../../stack/prometheus-stack';

/** The permissions of one mesh, created under its construct as services are allowed. */
export class MeshPermissions {
  /** Prometheus -> these services (tag maps), by key. */
  private readonly destinations = new Map<string, { [tag: string]: string }>();
  /** These services -> Prometheus, by tag. */
  private readonly sources = new Map<string, KumaServiceTag>();
  private prometheusAccess?: ApiObject;

  /**
   * @param scope the mesh construct, parent of the permission objects
   * @param prometheus the stack that scrapes the mesh, in the mesh with `secureMetrics`
   */
  constructor(private readonly scope: Construct, private readonly settings: MeshSettings,
    private readonly prometheus: PrometheusStack, private readonly prometheusService: KumaServiceTag) {}

  /** Lets Prometheus reach the proxies' metrics endpoint, which has these tags (legacy API). */
  public allowMetricsEndpoint(tags: { [tag: string]: string }): void {
    this.destinations.set(tagKey(tags), tags);
  }

  /** Lets Prometheus reach a service. */
  public allowFromPrometheus(destination: KumaServiceTag): void {
    const match = { [SERVICE_TAG]: destination.value };
    const key = tagKey(match);
    if (this.destinations.has(key)) return;
    this.destinations.set(key, match);
    if (this.settings.policyApi === KumaPolicyApi.TARGET_REF) {
      new kuma.MeshTrafficPermission(this.scope, `FromPrometheus-${destination.value.replace(/[^A-Za-z0-9-]/g, '-')}`, {
        metadata: policyMetadata(this.settings),
        spec: {
          targetRef: { kind: kuma.MeshTrafficPermissionSpecTargetRefKind.MESH_SUBSET, tags: match },
          from: [{
            targetRef: { kind: kuma.MeshTrafficPermissionSpecFromTargetRefKind.MESH_SUBSET, tags: this.prometheusMatch() },
            default: { action: kuma.MeshTrafficPermissionSpecFromDefaultAction.ALLOW },
          }],
        },
      });
    }
  }

  /** Lets a client in the mesh reach Prometheus. */
  public allowToPrometheus(source: KumaServiceTag): void {
    if (this.sources.has(source.value)) return;
    this.sources.set(source.value, source);
    if (this.prometheusAccess) return;
    if (this.settings.policyApi === KumaPolicyApi.SOURCE_DESTINATION) {
      this.prometheusAccess = this.newTrafficPermission('PrometheusAccess', () => ({
        sources: [...this.sources.values()].map((s) => ({ match: { [SERVICE_TAG]: s.value } })),
        destinations: [{ match: this.prometheusMatch() }],
      }));
    } else {
      this.prometheusAccess = new kuma.MeshTrafficPermission(this.scope, 'PrometheusAccess', {
        metadata: policyMetadata(this.settings),
        spec: Lazy.any({
          produce: (): kuma.MeshTrafficPermissionSpec => ({
            targetRef: dataplanesTargetRef(this.settings.version, kuma.MeshTrafficPermissionSpecTargetRefKind,
              { ...this.prometheus.selectorLabels, [NAMESPACE_LABEL]: this.prometheus.namespaceName }),
            from: [...this.sources.values()].map((s) => ({
              targetRef: { kind: kuma.MeshTrafficPermissionSpecFromTargetRefKind.MESH_SUBSET, tags: { [SERVICE_TAG]: s.value } },
              default: { action: kuma.MeshTrafficPermissionSpecFromDefaultAction.ALLOW },
            })),
          }),
        }),
      });
    }
  }

  /** The TrafficPermission that lets Prometheus reach the metrics and its components (legacy API). */
  public addOutboundPermission(): void {
    this.newTrafficPermission('MetricsPermissions', (): TrafficPermissionSpec => ({
      sources: [{ match: this.prometheusMatch() }],
      destinations: [...this.destinations.values()].map((match): SelectorSpec => ({ match })),
    }));
  }

  private newTrafficPermission(id: string, spec: () => TrafficPermissionSpec): ApiObject {
    return clusterScoped(new kuma.TrafficPermission(this.scope, id, {
      mesh: this.settings.meshName,
      spec: Lazy.any({ produce: spec }),
    }));
  }

  private prometheusMatch(): { [tag: string]: string } {
    return { [SERVICE_TAG]: this.prometheusService.value };
  }
}

function tagKey(tags: { [tag: string]: string }): string {
  return JSON.stringify(Object.entries(tags).sort());
}
