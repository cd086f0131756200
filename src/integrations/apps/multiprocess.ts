import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkStruct, fail } from '../../core/checks';
import { checkAbsolutePath, requireString } from '../../core/formats';
import { PlusContainer, PlusWorkload } from '../../core/plus';

/**
 * Options of `MultiprocessMetrics.sharedDirectory()`.
 */
export interface SharedDirectoryOptions {
  /** The environment variable that tells the client library where the directory is. */
  readonly envVariable: string;
  /**
   * Where the directory is mounted in the serving container.
   *
   * @default '/tmp/prometheus-multiproc'
   */
  readonly mountPath?: string;
}

/**
 * Options of `MultiprocessMetrics.python()`.
 */
export interface PythonMultiprocessOptions {
  /**
   * Where the directory is mounted in the serving container.
   *
   * @default '/tmp/prometheus-multiproc'
   */
  readonly mountPath?: string;
}

/**
 * How an application served by several worker processes (a pre-forking server such as
 * gunicorn, unicorn or puma) exports consistent metrics.
 *
 * Each worker keeps its own counters; a scrape reaches one worker at random and Prometheus
 * sees counters jump back and forth. Client libraries that support this write every worker's
 * samples to files in a directory and merge them at scrape time. The directory belongs to one
 * process tree: it is set up in the serving container only (the container that declares the
 * metrics port), as its own subdirectory of an emptyDir volume of the pod, fresh at each pod
 * start. Another container of the pod (a celery worker, a sidecar) neither sees it nor writes
 * to it.
 *
 * A container restart keeps the emptyDir, and with it the files of the previous run: wipe the
 * directory when the server starts (gunicorn's `on_starting` hook), as the client library asks.
 * Nothing can run before the image's entrypoint without replacing the container's command,
 * which this library neither knows nor changes.
 */
export class MultiprocessMetrics {
  /**
   * The official Python client (`prometheus_client`): `PROMETHEUS_MULTIPROC_DIR` (and the
   * lowercase name older clients read) pointing at the directory, in the serving container.
   * The application must still serve `/metrics` through a `MultiProcessCollector`, gunicorn
   * must call `multiprocess.mark_process_dead(worker.pid)` in its `child_exit` hook, and wipe
   * the directory's `*.db` files in its `on_starting` hook.
   *
   * @see https://prometheus.github.io/client_python/multiprocess/
   */
  public static python(options: PythonMultiprocessOptions = {}): MultiprocessMetrics {
    const mountPath = checkStruct('MultiprocessMetrics.python', 'options', options).mountPath ?? DEFAULT_PATH;
    checkAbsolutePath('MultiprocessMetrics.python', 'mountPath', mountPath);
    return new MultiprocessMetrics(mountPath, ['PROMETHEUS_MULTIPROC_DIR', 'prometheus_multiproc_dir']);
  }

  /**
   * Any client library that merges workers through a directory (for example the Ruby
   * client's `DirectFileStore`, configured from an environment variable in the application).
   */
  public static sharedDirectory(options: SharedDirectoryOptions): MultiprocessMetrics {
    const mountPath = checkStruct('MultiprocessMetrics.sharedDirectory', 'options', options, true).mountPath ?? DEFAULT_PATH;
    checkAbsolutePath('MultiprocessMetrics.sharedDirectory', 'mountPath', mountPath);
    requireString('MultiprocessMetrics.sharedDirectory', 'envVariable', options.envVariable);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.envVariable)) {
      fail('MultiprocessMetrics.sharedDirectory', 'envVariable', 'must be an environment variable name', options.envVariable);
    }
    return new MultiprocessMetrics(mountPath, [options.envVariable]);
  }

  /**
   * The application already handles it (for example one metrics process per pod, or an
   * exporter sidecar); nothing is changed.
   */
  public static handledByApplication(): MultiprocessMetrics {
    return new MultiprocessMetrics(undefined, []);
  }

  /**
   * Where the directory is mounted in the serving container.
   *
   * @default - no directory (handled by the application)
   */
  public readonly mountPath?: string;
  private readonly envVariables: string[];

  private constructor(mountPath: string | undefined, envVariables: string[]) {
    this.mountPath = mountPath;
    this.envVariables = envVariables;
  }

  /**
   * Mounts the container's own subdirectory of the pod's multiprocess volume, and sets the
   * variables, in the container of the workload that serves `portNumber`. Applying the same
   * setting to the same container again changes nothing.
   *
   * @internal
   */
  public _apply(where: string, workload: PlusWorkload, portNumber: number): void {
    if (this.mountPath === undefined) return;
    const container = servingContainer(where, workload, portNumber);
    const volume = workload.node.tryFindChild(VOLUME_ID) as kplus.Volume | undefined
      ?? kplus.Volume.fromEmptyDir(workload as unknown as Construct, VOLUME_ID, VOLUME_NAME);
    const mounted = container.mounts.find((m) => m.volume === volume);
    if (mounted) {
      if (mounted.path === this.mountPath) return;
      fail(where, 'multiprocess', `must use the directory the container '${container.name}' already has (${mounted.path})`, this.mountPath);
    }
    // The container's own subdirectory: the kubelet creates it with the emptyDir's permissions.
    // The volume and the value are cdk8s-plus-28 objects, which every cdk8s-plus version renders.
    container.mount(this.mountPath, volume, { subPath: container.name });
    for (const name of this.envVariables) {
      container.env.addVariable(name, kplus.EnvValue.fromValue(this.mountPath));
    }
  }
}

/**
 * The container that serves the metrics: the one that declares the port, or the only one.
 */
function servingContainer(where: string, workload: PlusWorkload, portNumber: number): PlusContainer {
  const containers = workload.containers;
  if (containers.length === 0) {
    fail(workload.node.path, 'containers', 'must exist before multiprocess metrics are configured (add the containers first)', 0);
  }
  const serving = containers.filter((c) => c.ports.some((p) => p.number === portNumber));
  if (serving.length === 1) return serving[0];
  if (serving.length === 0 && containers.length === 1) return containers[0];
  fail(where, 'multiprocess', `needs exactly one container of '${workload.node.path}' that declares port ${portNumber} (its directory is that container's own)`,
    serving.length === 0 ? containers.map((c) => c.name) : serving.map((c) => c.name),
    `Declare the port on the serving container only (portNumber: ${portNumber})`);
}

const VOLUME_ID = 'PrometheusMultiproc';
const VOLUME_NAME = 'prometheus-multiproc';
const DEFAULT_PATH = '/tmp/prometheus-multiproc';
