import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkString, checkStruct, fail } from '../../core/checks';
import { checkImage } from '../../k8s/checks';
import { checkResources } from '../../k8s/pod';
import { KumaDiscoveryOptions, Relabel, RelabelAction, ScrapeJob, ScrapeJobProps, ServiceDiscovery } from '../../model/prometheus';
import { promDuration } from '../../model/prometheus/validate';
import { formatVersion, imageAtLeast, parseVersion, Version, versionAtLeast } from '../../model/prometheus/version';
import { PodExtension } from '../../stack/integration';
import { PrometheusStack } from '../../stack/prometheus-stack';

/** Where kuma-prometheus-sd writes its file_sd file, in its container and in Prometheus's. */
const SD_DIR = '/var/run/kuma-prometheus-sd';
const SD_FILE = `${SD_DIR}/kuma.file_sd.json`;
/** The user of the Prometheus pod (the Prometheus image's `nobody`). */
const POD_UID = 65534;
/** The first Prometheus with `kuma_sd_configs`. */
const KUMA_SD_SINCE = '2.29.0';
/** The Kuma release that removed MADS over gRPC, the only transport kuma-prometheus-sd speaks (kumahq/kuma#9527). */
const GRPC_MADS_REMOVED = parseVersion('2.7')!;

/**
 * Options of `KumaDataplaneDiscovery.kumaPrometheusSd()`.
 */
export interface KumaPrometheusSdOptions {
  /**
   * The kuma-prometheus-sd image. The tool was deprecated in Kuma 1.3 and removed in 2.0; its
   * last release is 1.8.8. It speaks MADS v1 over gRPC only, which control planes before
   * Kuma 2.7 serve.
   *
   * @default 'docker.io/kumahq/kuma-prometheus-sd:1.8.8'
   */
  readonly image?: string;
  /**
   * The control plane's monitoring assignment (MADS) gRPC server (`--cp-address`): kuma-prometheus-sd
   * accepts only the grpc:// and grpcs:// schemes.
   *
   * @default 'grpc://kuma-control-plane.kuma-system:5676'
   */
  readonly controlPlaneAddress?: string;
  /**
   * CPU and memory of the kuma-prometheus-sd container.
   *
   * @default - requests 10m CPU and 32Mi memory, limit 64Mi memory
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * How often Prometheus re-reads the file (it also reacts to changes at once).
   *
   * @default - Prometheus's default, 5 minutes
   */
  readonly refreshInterval?: Duration;
}

/**
 * How Prometheus finds the data plane proxies of the mesh.
 *
 * Both variants ask the control plane's monitoring assignment service (MADS), which knows
 * every proxy of every mesh together with the port and path of its metrics.
 */
export class KumaDataplaneDiscovery {
  /**
   * `kuma_sd_configs`, built into Prometheus 2.29 and later, with the document's relabelling:
   * the `mesh`, `dataplane` and `service` labels, and one label per proxy tag
   * (`labelmap __meta_kuma_label_(.+)`); and, as kumactl's Prometheus had them, `pod` and
   * `namespace` for a Kubernetes proxy.
   *
   * Fails when the stack's image is a Prometheus older than 2.29 (the version comes from the
   * image tag; a tag that is no version, or a digest only, is taken for a current release).
   */
  public static kumaSd(options: KumaDiscoveryOptions = {}): KumaDataplaneDiscovery {
    const discovery = ServiceDiscovery.kuma(options);
    return new KumaDataplaneDiscovery('kuma_sd', JSON.stringify(discovery._render()), (scope, stack) => {
      if (!imageAtLeast(stack.image, KUMA_SD_SINCE)) {
        fail(scope.node.path, 'stack.image', 'must be Prometheus 2.29 or newer for kuma_sd_configs (KumaDataplaneDiscovery.kumaSd())',
          stack.image, 'Use a newer Prometheus image, or, with a Kuma control plane older than 2.7, KumaDataplaneDiscovery.kumaPrometheusSd()');
      }
      return {
        discovery,
        relabels: [
          // Constant regexes with one group each: created without compiling them (see Relabel._trusted).
          Relabel._trusted(RelabelAction.REPLACE, { sourceLabels: ['__meta_kuma_mesh'], regex: '(.*)', targetLabel: 'mesh' }),
          Relabel._trusted(RelabelAction.REPLACE, { sourceLabels: ['__meta_kuma_dataplane'], regex: '(.*)', targetLabel: 'dataplane' }),
          Relabel._trusted(RelabelAction.REPLACE, { sourceLabels: ['__meta_kuma_service'], regex: '(.*)', targetLabel: 'service' }),
          Relabel._trusted(RelabelAction.LABEL_MAP, { regex: '__meta_kuma_label_(.+)' }),
          ...podLabels(),
        ],
      };
    });
  }

  /**
   * For Prometheus older than 2.29 with a Kuma control plane older than 2.7: `kuma-prometheus-sd`
   * runs beside Prometheus in its pod and writes the proxies to a file on a shared volume, which
   * Prometheus reads with `file_sd_configs`.
   *
   * kuma-prometheus-sd speaks MADS over gRPC only, which Kuma removed in 2.7: with a mesh whose
   * `kumaVersion` is 2.7 or newer (the default), this fails; use `kumaSd()`.
   *
   * The file already carries the `mesh`, `dataplane` and `service` labels and one label per
   * tag, and `instance` is the proxy's name. kuma-prometheus-sd sets `job` to the Kuma service;
   * the job sets it back to the job's name, as `kumaSd()` has it and the Kuma dashboard expects.
   */
  public static kumaPrometheusSd(options: KumaPrometheusSdOptions = {}): KumaDataplaneDiscovery {
    const where = 'KumaDataplaneDiscovery.kumaPrometheusSd';
    checkStruct(where, 'options', options);
    checkString(where, 'controlPlaneAddress', options.controlPlaneAddress);
    checkResources(where, 'resources', options.resources);
    const image = options.image ?? 'docker.io/kumahq/kuma-prometheus-sd:1.8.8';
    checkImage(where, 'image', image);
    const address = options.controlPlaneAddress ?? 'grpc://kuma-control-plane.kuma-system:5676';
    if (!/^grpcs?:\/\/[^/\s:]+(:\d+)?$/.test(address)) {
      fail(where, 'controlPlaneAddress', 'must be grpc:// or grpcs:// followed by host[:port] (kuma-prometheus-sd speaks gRPC only)', address);
    }
    const refresh = options.refreshInterval && promDuration(where, 'refreshInterval', options.refreshInterval);
    const key = JSON.stringify({ image, address, refresh, resources: options.resources ?? null });
    return new KumaDataplaneDiscovery('file_sd', key, (scope, _stack, jobName, kumaVersion) => {
      if (versionAtLeast(kumaVersion, GRPC_MADS_REMOVED)) {
        fail(scope.node.path, 'discovery', `cannot be kuma-prometheus-sd with Kuma ${formatVersion(kumaVersion)} ('kumaVersion'): it speaks `
          + 'only MADS over gRPC, which Kuma 2.7 removed', 'KumaDataplaneDiscovery.kumaPrometheusSd()',
        'Use KumaDataplaneDiscovery.kumaSd() with Prometheus 2.29 or newer, or set kumaVersion to the control plane\'s version if it is older than 2.7');
      }
      const volume = kplus.Volume.fromEmptyDir(scope, 'KumaPrometheusSdVolume', 'kuma-prometheus-sd');
      const container: kplus.ContainerProps = {
        name: 'kuma-prometheus-sd',
        image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        args: ['run', `--cp-address=${address}`, `--output-file=${SD_FILE}`],
        volumeMounts: [{ path: SD_DIR, volume }],
        resources: options.resources ?? {
          cpu: { request: kplus.Cpu.millis(10) },
          memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) },
        },
        securityContext: {
          user: POD_UID,
          group: POD_UID,
          ensureNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: [kplus.Capability.ALL] },
        },
      };
      return {
        pod: { containers: [container], volumes: [{ path: SD_DIR, volume }] },
        discovery: ServiceDiscovery.file({ files: [SD_FILE], refreshInterval: options.refreshInterval }),
        relabels: [Relabel.replace({ targetLabel: 'job', replacement: jobName }), ...podLabels()],
      };
    });
  }

  private readonly mechanism: string;
  private readonly key: string;
  private readonly setUp: SetUp;

  private constructor(mechanism: string, key: string, setUp: SetUp) {
    this.mechanism = mechanism;
    this.key = `${mechanism}:${key}`;
    this.setUp = setUp;
  }

  /**
   * The job that discovers the proxies (and, for kuma-prometheus-sd, the sidecar it needs in
   * the Prometheus pod), or the job an earlier mesh added to the stack, which the stack holds
   * under its name: one job discovers the proxies of every mesh of the control plane.
   *
   * @internal
   */
  public _attach(scope: Construct, stack: PrometheusStack, jobName: string, kumaVersion: Version,
    scrapeInterval?: Duration): { job: ScrapeJob; added: boolean; pod?: PodExtension } {
    const interval = scrapeInterval && promDuration(scope.node.path, 'scrapeInterval', scrapeInterval);
    const key = JSON.stringify([this.key, interval]);
    const existing = stack.config.findScrapeJob(jobName);
    if (existing instanceof DataplanesJob) {
      if (existing.discoveryKey !== key) {
        fail(scope.node.path, 'discovery', `must match the '${jobName}' job that ${existing.owner} added to the same stack `
          + '(one job discovers the proxies of every mesh of the control plane)', this.mechanism,
        'Give both meshes the same discovery and scrapeInterval, or another jobName');
      }
      return { job: existing, added: false };
    }
    const { discovery, relabels, pod } = this.setUp(scope, stack, jobName, kumaVersion);
    const job = new DataplanesJob({ jobName, scrapeInterval, discovery: [discovery], relabelConfigs: relabels }, key, scope.node.path);
    return { job, added: true, pod };
  }
}

/** The job of a mesh's proxies, with what tells whether another mesh may share it. */
class DataplanesJob extends ScrapeJob {
  constructor(props: ScrapeJobProps, public readonly discoveryKey: string, public readonly owner: string) {
    super(props);
  }
}

/**
 * `pod` and `namespace` from the name and namespace of a Kubernetes proxy, as kumactl's
 * Prometheus had them (kumahq/kuma app/kumactl/data/install/k8s/metrics/prometheus/server.yaml).
 * MADS sends a Kubernetes Dataplane's name extensions `k8s.kuma.io/name` and
 * `k8s.kuma.io/namespace` as labels (pkg/mads/util.go `DataplaneLabels`), which arrive sanitized
 * (`k8s_kuma_io_name`) once the tags are mapped; Universal proxies and MeshMetric assignments
 * have none, and get neither label.
 */
function podLabels(): Relabel[] {
  return [
    Relabel._trusted(RelabelAction.REPLACE, { sourceLabels: ['k8s_kuma_io_name'], regex: '(.+)', targetLabel: 'pod' }),
    Relabel._trusted(RelabelAction.REPLACE, { sourceLabels: ['k8s_kuma_io_namespace'], regex: '(.+)', targetLabel: 'namespace' }),
  ];
}

/** Creates what a discovery needs on the stack: the discovery and its relabelling. */
type SetUp = (scope: Construct, stack: PrometheusStack, jobName: string, kumaVersion: Version) => {
  discovery: ServiceDiscovery; relabels: Relabel[]; pod?: PodExtension;
};

