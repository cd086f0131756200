// The Prometheus pod as the stack builds it: the containers and volumes that users and
// integrations add beside Prometheus, the ServiceAccount token, the Secrets its configuration
// reads, and the template of each shard's pods (workload.ts renders it). Not exported.
import { createHash } from 'crypto';
import { ApiObjectMetadataDefinition, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { renderScheduling, SchedulingProps } from './pod-scheduling';
import { PrometheusWebAuth } from './web-auth';
import { CONFIG_DIR, DATA_DIR, podTemplate, SHARD_LABEL } from './workload';
import { checkStruct, fail, requireProp } from '../core/checks';
import { checkAbsolutePath, requireString } from '../core/formats';
import { checkResources, renderResources, restrictedContainerSecurityContext } from '../k8s/pod';
import { PrometheusConfig } from '../model/prometheus';
import { SECRETS_MOUNT_PATH, SERVICE_ACCOUNT_DIR } from '../model/prometheus/mount-paths';

/** What the pods of a stack are made of, fixed when the stack is made. */
export interface PrometheusPodProps {
  readonly image: string;
  readonly args: string[];
  readonly resources: kplus.ContainerResources;
  readonly serviceAccountName: string;
  /** The configuration, whose credentials and discoveries decide the Secrets and the token. */
  readonly config: PrometheusConfig;
  readonly webAuth?: PrometheusWebAuth;
  /** The data volume in the pod; none when a StatefulSet's claim template provides it. */
  readonly dataVolume?: kplus.k8s.Volume;
  readonly persistent: boolean;
  /** For Prometheus 2.x: the reloader sidecar's check interval, in seconds. */
  readonly reloaderIntervalSeconds?: number;
  readonly replicas: number;
  readonly scheduling: SchedulingProps;
  readonly selectorLabels: { [key: string]: string };
  /** Whether the pods run in StatefulSets, one per shard, whose pods carry their shard's label. */
  readonly sharded: boolean;
}

/** The Prometheus pod of a stack, which users and integrations extend until synthesis. */
export class PrometheusPod {
  /** Whether the ServiceAccount token is mounted even without Kubernetes discovery. */
  public tokenRequired = false;
  private readonly sidecars: kplus.Container[] = [];
  private readonly mounts: Array<{ path: string; volume: kplus.Volume }> = [];

  /** `path` is the stack's, for messages. */
  constructor(private readonly path: string, private readonly props: PrometheusPodProps) {}

  /** Adds a container beside Prometheus; fails if a container of the same name exists. */
  public addContainer(props: kplus.ContainerProps): kplus.Container {
    const path = this.path;
    checkStruct(path, 'container', requireProp(path, 'container', props, 'Pass the container\'s props, such as { image, name }'));
    checkResources(path, 'container.resources', props.resources);
    requireString(path, 'container.image', props.image);
    // Small resources unless given (kplus's defaults suit an application, not a helper).
    const container = new kplus.Container({
      ...props,
      resources: props.resources ?? { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) } },
    });
    if (container.name === 'prometheus' || this.sidecars.some((c) => c.name === container.name)) {
      fail(path, 'container.name', 'must be unique in the Prometheus pod', container.name);
    }
    this.sidecars.push(container);
    return container;
  }

  /** Mounts a volume into the Prometheus container, read-only; fails if the path is taken. */
  public mountVolume(path: string, volume: kplus.Volume): void {
    checkAbsolutePath(this.path, 'path', path);
    const isVolume = typeof (volume as unknown as { _toKube?: unknown })?._toKube === 'function' && typeof volume.name === 'string';
    if (!isVolume) fail(this.path, 'volume', 'must be a cdk8s-plus Volume', volume, 'Use Volume.fromEmptyDir(scope, id, name) or another Volume factory of cdk8s-plus');
    const taken = [CONFIG_DIR, DATA_DIR, SECRETS_MOUNT_PATH, ...this.mounts.map((m) => m.path)];
    if (taken.some((t) => path === t || path.startsWith(`${t}/`) || t.startsWith(`${path}/`))) {
      fail(this.path, 'path', `must not overlap the mounts of the Prometheus container (${taken.join(', ')})`, path);
    }
    this.mounts.push({ path, volume });
  }

  /**
   * The pod template of one shard. It depends on the pod's own settings and on the volumes the
   * configuration needs (Secrets), never on the configuration's content: a new job, rule group
   * or remote write changes the ConfigMap only, and Prometheus reloads it live.
   */
  public template(shard: number, configMapName: string, metadata: ApiObjectMetadataDefinition): kplus.k8s.PodTemplateSpec {
    const { config, webAuth } = this.props;
    const secretNames = [...new Set([
      ...config._credentials().flatMap((c) => c.secretName ? [c.secretName] : []),
      ...webAuth ? [webAuth.secretName] : [],
    ])].sort();
    const secrets = secretNames.map((secretName) => ({ secretName, volumeName: volumeName('secret', secretName) }));
    const mountsToken = this.tokenRequired || config._watches().length > 0
      || config._credentials().some((c) => c.path.startsWith(SERVICE_ACCOUNT_DIR));

    // Sidecars meet the restricted Pod Security Standard like Prometheus (kplus does not drop capabilities).
    const sidecars = this.sidecars.map((c) => {
      const kube = c._toKube();
      return { ...kube, securityContext: { ...restrictedContainerSecurityContext(), ...kube.securityContext, capabilities: { drop: ['ALL'] } } };
    });
    const extraVolumes = new Map<string, kplus.k8s.Volume>();
    for (const volume of [...this.mounts.map((m) => m.volume), ...this.sidecars.flatMap((c) => c.mounts.map((m) => m.volume))]) {
      if (volume.name === 'config' || volume.name === 'data' || secrets.some((s) => s.volumeName === volume.name)) {
        fail(this.path, 'volume.name', 'is used by the stack\'s own volumes (config, data, secret-*)', volume.name, 'Give the volume another name');
      }
      extraVolumes.set(volume.name, volume._toKube());
    }
    if (this.sidecars.some((c) => c.name === 'config-reloader') && this.props.reloaderIntervalSeconds !== undefined) {
      fail(this.path, 'container.name', 'is the reloader of Prometheus 2.x', 'config-reloader', 'Give the container another name');
    }
    const pod = metadata.toJson() ?? {};
    const shardLabels: { [key: string]: string } = this.props.sharded ? { [SHARD_LABEL]: String(shard) } : {};
    const labels = { ...pod.labels, ...this.props.selectorLabels, ...shardLabels };
    return podTemplate({
      image: this.props.image,
      args: this.props.args,
      resources: renderResources(this.props.resources),
      serviceAccountName: this.props.serviceAccountName,
      mountsToken,
      labels,
      annotations: pod.annotations,
      configMapName,
      dataVolume: this.props.dataVolume,
      persistent: this.props.persistent,
      secrets,
      mounts: this.mounts.map((m) => ({ path: m.path, volumeName: m.volume.name })),
      sidecars,
      extraVolumes: [...extraVolumes.values()],
      reloaderIntervalSeconds: this.props.reloaderIntervalSeconds,
      podNameEnv: this.props.replicas > 1,
      scheduling: renderScheduling(this.props.scheduling, this.props.replicas, { ...this.props.selectorLabels, ...shardLabels }),
      webAuth: webAuth !== undefined,
    });
  }
}

/** A volume name (DNS-1123 label) for a Secret, shortened with a hash when too long. */
function volumeName(prefix: string, name: string): string {
  const plain = `${prefix}-${name.replace(/\./g, '-')}`;
  if (plain.length <= 63) return plain;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${plain.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}
