// What a stack's integrations contribute for its clients (dashboards, data sources, pod
// extensions), told to each subscriber as it comes. Not exported from the package.
import { GrafanaDatasourceSpec, IPrometheusContent, IPrometheusContentSubscriber, PodExtension } from './integration';
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
