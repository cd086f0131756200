// What a stack's integrations contribute for its clients (dashboards, data sources, pod
// extensions), told to each subscriber as it comes. Not exported from the package.
import type { ApiObjectMetadataDefinition } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GrafanaDatasourceSpec, IPrometheusContent, IPrometheusContentSubscriber, PodExtension } from './integration';
import { fail } from '../core/checks';
import type { Dashboard, IDashboardSource } from '../model/dashboard/dashboard';

export class StackContent implements IPrometheusContent {
  private readonly dashboards = new Map<string, IDashboardSource>();
  private readonly datasources: GrafanaDatasourceSpec[] = [];
  private readonly podExtensions: PodExtension[] = [];
  private readonly subscribers: IPrometheusContentSubscriber[] = [];

  public subscribe(subscriber: IPrometheusContentSubscriber): void {
    this.subscribers.push(subscriber);
    for (const source of this.dashboards.values()) subscriber.addDashboardSource(source);
    for (const datasource of this.datasources) subscriber.addGrafanaDatasource(datasource);
    for (const extension of this.podExtensions) subscriber.extendPod(extension);
  }

  /** Adds a dashboard; a second source with a key already added is the same dashboard. */
  public addDashboardSource(source: IDashboardSource): void {
    if (this.dashboards.has(source.dashboardKey)) return;
    this.dashboards.set(source.dashboardKey, source);
    for (const s of this.subscribers) s.addDashboardSource(source);
  }

  public addGrafanaDatasource(datasource: GrafanaDatasourceSpec): void {
    this.datasources.push(datasource);
    for (const s of this.subscribers) s.addGrafanaDatasource(datasource);
  }

  public extendPod(extension: PodExtension): void {
    this.podExtensions.push(extension);
    for (const s of this.subscribers) s.extendPod(extension);
  }
}

/** A dashboard built each time it is read, so it shows what was added until then. */
export function lazyDashboard(key: string, produce: () => Dashboard): IDashboardSource {
  return { dashboardKey: key, produceDashboard: produce };
}

/** What a pod takes from a `PodExtension`: its template's metadata, its token and its egress. */
export interface ExtensiblePod {
  readonly podMetadata: ApiObjectMetadataDefinition;
  mountServiceAccountToken(): void;
  allowEgress(rules: kplus.k8s.NetworkPolicyEgressRule[]): void;
}

/**
 * Applies the labels, annotations, token and egress of `extension` to `pod`: the part every pod
 * takes. A pod that has no room for containers or volumes (a client's) refuses them.
 */
export function extendPodBasics(where: string, pod: ExtensiblePod, extension: PodExtension, takesContainers: boolean): void {
  for (const [key, value] of Object.entries(extension.labels ?? {})) pod.podMetadata.addLabel(key, value);
  for (const [key, value] of Object.entries(extension.annotations ?? {})) pod.podMetadata.addAnnotation(key, value);
  if (extension.serviceAccountToken) pod.mountServiceAccountToken();
  if (extension.egress?.length) pod.allowEgress(extension.egress);
  if (!takesContainers && (extension.containers?.length || extension.volumes?.length)) {
    fail(where, 'clientPods', 'may give a client\'s pod labels, annotations, its token and egress only', extension.containers?.length ? 'containers' : 'volumes',
      'Add containers and volumes to the Prometheus pod through \'pod\'');
  }
}
