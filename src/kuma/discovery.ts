import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KumaDiscoveryOptions, Relabel, ScrapeJob, ServiceDiscovery } from '../prometheus';
import { checkImage, fail, promDuration } from '../prometheus/validate';
import { PrometheusStack } from '../stack';

/** Where kuma-prometheus-sd writes its file_sd file, in its container and in Prometheus's. */
const SD_DIR = '/var/run/kuma-prometheus-sd';
const SD_FILE = `${SD_DIR}/kuma.file_sd.json`;
/** The user of the Prometheus pod (the Prometheus image's `nobody`). */
const POD_UID = 65534;

/**
 * Options of `KumaDataplaneDiscovery.kumaPrometheusSd()`.
 */
export interface KumaPrometheusSdOptions {
  /**
   * The kuma-prometheus-sd image. The tool was deprecated in Kuma 1.3 and removed in 2.0;
   * its last releases still speak the control plane's MADS v1 API.
   *
   * @default 'docker.io/kumahq/kuma-prometheus-sd:1.4.1'
   */
  readonly image?: string;
  /**
   * The control plane's monitoring assignment (MADS) gRPC server (`--cp-address`).
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
   * (`labelmap __meta_kuma_label_(.+)`).
   */
  public static kumaSd(options: KumaDiscoveryOptions = {}): KumaDataplaneDiscovery {
    const discovery = ServiceDiscovery.kuma(options);
    return new KumaDataplaneDiscovery('kuma_sd', JSON.stringify(discovery._render()), () => ({
      discovery,
      relabels: [
        Relabel.replace({ sourceLabels: ['__meta_kuma_mesh'], regex: '(.*)', targetLabel: 'mesh' }),
        Relabel.replace({ sourceLabels: ['__meta_kuma_dataplane'], regex: '(.*)', targetLabel: 'dataplane' }),
        Relabel.replace({ sourceLabels: ['__meta_kuma_service'], regex: '(.*)', targetLabel: 'service' }),
        Relabel.labelMap({ regex: '__meta_kuma_label_(.+)' }),
      ],
    }));
  }

  /**
   * For Prometheus older than 2.29: `kuma-prometheus-sd` runs beside Prometheus in its pod and
   * writes the proxies to a file on a shared volume, which Prometheus reads with
   * `file_sd_configs`.
   *
   * The file already carries the `mesh`, `dataplane` and `service` labels and one label per
   * tag; kuma-prometheus-sd also sets `job` to the Kuma service and `instance` to the proxy's
   * name, so no relabelling is needed.
   */
  public static kumaPrometheusSd(options: KumaPrometheusSdOptions = {}): KumaDataplaneDiscovery {
    const where = 'KumaDataplaneDiscovery.kumaPrometheusSd';
    const image = options.image ?? 'docker.io/kumahq/kuma-prometheus-sd:1.4.1';
    checkImage(where, 'image', image);
    const address = options.controlPlaneAddress ?? 'grpc://kuma-control-plane.kuma-system:5676';
    if (!/^(grpcs?|https?):\/\/[^/\s:]+(:\d+)?$/.test(address)) {
      fail(where, 'controlPlaneAddress', 'must be grpc://, grpcs://, http:// or https:// followed by host[:port]', address);
    }
    const refresh = options.refreshInterval && promDuration(where, 'refreshInterval', options.refreshInterval);
    const key = JSON.stringify({ image, address, refresh, resources: options.resources ?? null });
    return new KumaDataplaneDiscovery('file_sd', key, (scope, stack) => {
      const volume = kplus.Volume.fromEmptyDir(scope, 'KumaPrometheusSdVolume', 'kuma-prometheus-sd');
      stack.addContainer({
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
      });
      stack.mountVolume(SD_DIR, volume);
      return {
        discovery: ServiceDiscovery.file({ files: [SD_FILE], refreshInterval: options.refreshInterval }),
        relabels: [],
      };
    });
  }

  private readonly mechanism: string;
  private readonly key: string;
  private readonly setUp: (scope: Construct, stack: PrometheusStack) => { discovery: ServiceDiscovery; relabels: Relabel[] };

  private constructor(
    mechanism: string,
    key: string,
    setUp: (scope: Construct, stack: PrometheusStack) => { discovery: ServiceDiscovery; relabels: Relabel[] },
  ) {
    this.mechanism = mechanism;
    this.key = `${mechanism}:${key}`;
    this.setUp = setUp;
  }

  /**
   * Adds the job (and, for kuma-prometheus-sd, the sidecar) to the stack, or returns the job
   * an earlier mesh added: one job discovers the proxies of every mesh of the control plane.
   *
   * @internal
   */
  public _attach(scope: Construct, stack: PrometheusStack, jobName: string, scrapeInterval?: Duration): ScrapeJob {
    const interval = scrapeInterval && promDuration(scope.node.path, 'scrapeInterval', scrapeInterval);
    const key = JSON.stringify([this.key, interval]);
    let jobs = attached.get(stack);
    if (!jobs) attached.set(stack, jobs = new Map());
    const existing = jobs.get(jobName);
    if (existing) {
      if (existing.key !== key) {
        fail(scope.node.path, 'discovery', `must match the '${jobName}' job that ${existing.owner} added to the same stack `
          + '(one job discovers the proxies of every mesh of the control plane)', this.mechanism,
        'Give both meshes the same discovery and scrapeInterval, or another jobName');
      }
      return existing.job;
    }
    const { discovery, relabels } = this.setUp(scope, stack);
    const job = new ScrapeJob({ jobName, scrapeInterval, discovery: [discovery], relabelConfigs: relabels });
    stack.addScrapeJob(job);
    jobs.set(jobName, { key, job, owner: scope.node.path });
    return job;
  }
}

const attached = new WeakMap<PrometheusStack, Map<string, { key: string; job: ScrapeJob; owner: string }>>();
