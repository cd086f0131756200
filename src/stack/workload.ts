// The Prometheus pods: their template, the Deployment or StatefulSets (and ConfigMaps) that run
// them, and the sidecar that reloads Prometheus 2.x when its configuration changes. Not exported.
//
// Nothing here depends on the configuration's content: a new job, rule group or remote write
// changes the ConfigMap only, and Prometheus reloads it live (3.x by itself, 2.x on the
// sidecar's SIGHUP). Only a change to the pod (image, resources, flags, volumes) rolls it.
import { ApiObjectMetadata, Lazy, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodScheduling } from './pod-scheduling';
import { httpProbe, restrictedContainerSecurityContext, restrictedPodSecurityContext, tcpProbe } from '../k8s/pod';
import { DataStorage } from '../k8s/storage';
import { WireDeployment, WireStatefulSet } from '../k8s/wire';
import { SECRETS_MOUNT_PATH } from '../model/prometheus/mount-paths';

/** Where the ConfigMap with prometheus.yml and the rule file is mounted, as a directory. */
export const CONFIG_DIR = '/etc/prometheus/config';
/** prometheus.yml in the ConfigMap's directory. */
export const CONFIG_FILE = `${CONFIG_DIR}/prometheus.yml`;
export const DATA_DIR = '/prometheus';
/** The user and group of the official Prometheus image. */
export const PROMETHEUS_UID = 65534;
export const WEB_PORT = 9090;
/** The pod label that tells the shards of a stack apart. */
// The library's own label (prometheus.io/* belongs to the annotations Prometheus's helm chart reads).
export const SHARD_LABEL = 'cdk8s-prometheus-monitoring/shard';
/** The environment variable holding the pod's name, for `${POD_NAME}` in external labels. */
export const POD_NAME_ENV = 'POD_NAME';

/**
 * The 2.x reloader: every `$3` seconds, it compares the files of the ConfigMap directory `$1`
 * (read through the kubelet's `..data` symlink, which it swaps atomically on a change; the glob
 * skips the dot entries) with what they were, and on a change sends SIGHUP to the process named
 * `prometheus` that reads `$2`. It needs the pod's process namespace and Prometheus's user: a
 * process may signal another of the same user without any capability. It uses only busybox
 * applets of the Prometheus image (`FROM quay.io/prometheus/busybox`, in prometheus/prometheus
 * v2.42.0 Dockerfile; prometheus/busybox uclibc/Dockerfile is `FROM busybox:uclibc`).
 */
export const RELOADER_SCRIPT = [
  'dir=$1 file=$2 interval=$3',
  'last=$(cat "$dir"/* 2>/dev/null)',
  'while sleep "$interval"; do',
  '  now=$(cat "$dir"/* 2>/dev/null)',
  '  [ "$now" = "$last" ] && continue',
  '  last=$now',
  '  for proc in /proc/[0-9]*; do',
  '    [ "$(cat "$proc/comm" 2>/dev/null)" = prometheus ] || continue',
  '    case " $(tr \'\\0\' \' \' < "$proc/cmdline" 2>/dev/null) " in',
  '      *" --config.file=$file "*) kill -HUP "${proc#/proc/}" && echo "configuration changed: sent SIGHUP to prometheus (pid ${proc#/proc/})" ;;',
  '    esac',
  '  done',
  'done',
].join('\n');

/** What the pods of one server (shard) are made of. */
export interface PodInputs {
  readonly image: string;
  readonly args: string[];
  readonly resources: kplus.k8s.ResourceRequirements;
  readonly serviceAccountName: string;
  /** Whether the pod gets the ServiceAccount token (Kubernetes discovery needs it). */
  readonly mountsToken: boolean;
  readonly labels: { [key: string]: string };
  readonly annotations?: { [key: string]: string };
  /** The ConfigMap with this server's prometheus.yml and rule file. */
  readonly configMapName: string;
  /** The data volume in the pod; none when a StatefulSet's claim template provides it. */
  readonly dataVolume?: kplus.k8s.Volume;
  /** Whether the data outlives the pod (fsGroup changes only on a root mismatch then). */
  readonly persistent: boolean;
  /** Secrets mounted read-only under SECRETS_MOUNT_PATH, by volume name. */
  readonly secrets: Array<{ secretName: string; volumeName: string }>;
  /** More volumes mounted read-only into the Prometheus container. */
  readonly mounts: Array<{ path: string; volumeName: string }>;
  readonly sidecars: kplus.k8s.Container[];
  readonly extraVolumes: kplus.k8s.Volume[];
  /** For Prometheus 2.x: the reloader sidecar's check interval, in seconds. */
  readonly reloaderIntervalSeconds?: number;
  /** Whether Prometheus reads its pod's name (external labels of replicas). */
  readonly podNameEnv: boolean;
  readonly scheduling: PodScheduling;
  /**
   * Whether a web configuration file asks for credentials on every path: the probes then
   * check the TCP port (`/-/ready` and `/-/healthy` would answer 401).
   */
  readonly webAuth: boolean;
}

/** The pod template of one server. */
export function podTemplate(p: PodInputs): kplus.k8s.PodTemplateSpec {
  const configMount = { name: 'config', mountPath: CONFIG_DIR, readOnly: true };
  const reloader: kplus.k8s.Container[] = p.reloaderIntervalSeconds === undefined ? [] : [{
    name: 'config-reloader',
    image: p.image,
    command: ['/bin/sh', '-c', RELOADER_SCRIPT, 'config-reloader', CONFIG_DIR, CONFIG_FILE, String(p.reloaderIntervalSeconds)],
    resources: {
      requests: { cpu: kplus.k8s.Quantity.fromString('5m'), memory: kplus.k8s.Quantity.fromString('8Mi') },
      limits: { memory: kplus.k8s.Quantity.fromString('32Mi') },
    },
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [configMount],
  }];
  return {
    metadata: { labels: p.labels, annotations: p.annotations && Object.keys(p.annotations).length > 0 ? p.annotations : undefined },
    spec: {
      serviceAccountName: p.serviceAccountName,
      // Only Kubernetes discovery (or what asked for it) needs the API token.
      automountServiceAccountToken: p.mountsToken,
      // The reloader signals Prometheus, so it must see its process.
      shareProcessNamespace: reloader.length > 0 ? true : undefined,
      securityContext: {
        ...restrictedPodSecurityContext(PROMETHEUS_UID, { fsGroup: true }),
        fsGroupChangePolicy: p.persistent ? 'OnRootMismatch' : undefined,
      },
      ...p.scheduling,
      containers: [{
        name: 'prometheus',
        image: p.image,
        args: p.args,
        env: p.podNameEnv ? [{ name: POD_NAME_ENV, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] : undefined,
        ports: [{ name: 'web', containerPort: WEB_PORT, protocol: 'TCP' }],
        ...probes(p.webAuth),
        resources: p.resources,
        securityContext: restrictedContainerSecurityContext(),
        volumeMounts: [
          configMount,
          { name: 'data', mountPath: DATA_DIR },
          ...p.secrets.map((s) => ({ name: s.volumeName, mountPath: `${SECRETS_MOUNT_PATH}/${s.secretName}`, readOnly: true })),
          ...p.mounts.map((m) => ({ name: m.volumeName, mountPath: m.path, readOnly: true })),
        ],
      }, ...reloader, ...p.sidecars],
      volumes: [
        // A directory, never a subPath: the kubelet updates only directory mounts of a ConfigMap.
        { name: 'config', configMap: { name: p.configMapName } },
        ...p.dataVolume ? [p.dataVolume] : [],
        ...p.secrets.map((s) => ({ name: s.volumeName, secret: { secretName: s.secretName, defaultMode: 0o440 } })),
        ...p.extraVolumes,
      ],
    },
  };
}

/**
 * The probes of the Prometheus container: `/-/ready` and `/-/healthy`, or the TCP port when the
 * web port asks for credentials. Prometheus listens during WAL replay, so a TCP probe passes
 * before `/-/ready` would; the credentials stay out of the pod spec.
 */
function probes(webAuth: boolean): Pick<kplus.k8s.Container, 'readinessProbe' | 'livenessProbe' | 'startupProbe'> {
  const probe = (path: string, timing: { periodSeconds: number; failureThreshold?: number }) =>
    webAuth ? tcpProbe('web', timing) : httpProbe(path, 'web', timing);
  return {
    readinessProbe: probe('/-/ready', { periodSeconds: 5 }),
    livenessProbe: probe('/-/healthy', { periodSeconds: 15 }),
    // WAL replay after a restart can take minutes; liveness must not kill it meanwhile.
    startupProbe: probe('/-/ready', { periodSeconds: 10, failureThreshold: 60 }),
  };
}

/** The spec of the Deployment of a single server. */
export function deploymentSpec(
  template: kplus.k8s.PodTemplateSpec, selector: { [key: string]: string }, persistent: boolean,
): kplus.k8s.DeploymentSpec {
  return {
    replicas: 1,
    selector: { matchLabels: selector },
    // A ReadWriteOnce volume and the TSDB lock allow one pod at a time.
    strategy: persistent ? { type: 'Recreate' } : undefined,
    template,
  };
}

/** The spec of the StatefulSet of one server (shard) of `replicas` pods. */
export function statefulSetSpec(options: {
  template: kplus.k8s.PodTemplateSpec;
  selector: { [key: string]: string };
  replicas: number;
  serviceName: string;
  claimTemplate?: kplus.k8s.KubePersistentVolumeClaimProps;
}): kplus.k8s.StatefulSetSpec {
  return {
    replicas: options.replicas,
    selector: { matchLabels: options.selector },
    serviceName: options.serviceName,
    // Replicas are independent copies: start and replace them together, as prometheus-operator does.
    podManagementPolicy: 'Parallel',
    template: options.template,
    volumeClaimTemplates: options.claimTemplate ? [options.claimTemplate] : undefined,
  };
}

/** Options of `prometheusServers`. */
export interface ServersOptions {
  readonly metadata: ApiObjectMetadata;
  readonly selectorLabels: { [key: string]: string };
  readonly shards: number;
  readonly replicas: number;
  readonly storage: DataStorage;
  /** Whether the servers run as StatefulSets (replicas, shards or a new claim) rather than a Deployment. */
  readonly statefulSet: boolean;
  /** The files of a shard's ConfigMap, produced at synthesis. */
  readonly files: (shard: number) => { [file: string]: string };
  /** The pod template of a shard, produced at synthesis, given its ConfigMap's name. */
  readonly template: (shard: number, configMapName: string) => kplus.k8s.PodTemplateSpec;
  /** The name of the Service the StatefulSets are governed by. */
  readonly serviceName: () => string;
}

/** The objects that run the servers. */
export interface Servers {
  readonly deployment?: kplus.k8s.KubeDeployment;
  readonly statefulSets: kplus.k8s.KubeStatefulSet[];
  /** The name of each shard's ConfigMap. */
  readonly configMapNames: string[];
}

/**
 * One ConfigMap and one workload per shard (a PodDisruptionBudget too when replicated); the
 * first shard keeps the ids (and names) of a single server, so adding shards leaves it in place.
 */
export function prometheusServers(scope: Construct, options: ServersOptions): Servers {
  const { metadata, storage } = options;
  const k8s = kplus.k8s;
  let deployment: kplus.k8s.KubeDeployment | undefined;
  const statefulSets: kplus.k8s.KubeStatefulSet[] = [];
  const configMapNames: string[] = [];
  for (let shard = 0; shard < options.shards; shard++) {
    const shardScope = shard === 0 ? scope : new Construct(scope, `Shard${shard}`);
    const configMap = new k8s.KubeConfigMap(shardScope, 'ConfigMap', {
      metadata,
      data: Lazy.any({ produce: () => options.files(shard) }),
    });
    const configMapName = configMap.name;
    configMapNames.push(configMapName);
    if (!options.statefulSet) {
      deployment = new WireDeployment(shardScope, 'Resource', {
        metadata,
        spec: Lazy.any({ produce: () => deploymentSpec(options.template(0, configMapName), options.selectorLabels, storage.persistent) }),
      });
      continue;
    }
    const shardSelector = { ...options.selectorLabels, [SHARD_LABEL]: String(shard) };
    statefulSets.push(new WireStatefulSet(shardScope, 'Resource', {
      // Pod names are <name>-<ordinal>, and their controller-revision-hash label <name>-<hash>
      // must stay within 63 characters.
      metadata: { ...metadata, name: Names.toDnsLabel(shardScope, { maxLen: 52 }) },
      spec: Lazy.any({
        produce: () => statefulSetSpec({
          template: options.template(shard, configMapName),
          selector: shardSelector,
          replicas: options.replicas,
          serviceName: options.serviceName(),
          claimTemplate: storage._claimTemplate('data', shardSelector),
        }),
      }),
    }));
    if (options.replicas > 1) {
      // A drain evicts one replica at a time; the others keep scraping.
      new k8s.KubePodDisruptionBudget(shardScope, 'DisruptionBudget', {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: shardSelector } },
      });
    }
  }
  return { deployment, statefulSets, configMapNames };
}
