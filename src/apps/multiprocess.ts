import { PlusWorkload, mountEmptyDir } from '../plus';
import { checkAbsolutePath, fail } from '../prometheus/validate';

/**
 * Options of `MultiprocessMetrics.sharedDirectory()`.
 */
export interface SharedDirectoryOptions {
  /** The environment variable that tells the client library where the directory is. */
  readonly envVariable: string;
  /**
   * Where the directory is mounted in every container.
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
   * Where the directory is mounted in every container.
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
 * samples to a shared directory and merge them at scrape time. A fresh, writable directory
 * per pod is an emptyDir volume.
 */
export class MultiprocessMetrics {
  /**
   * The official Python client (`prometheus_client`): an emptyDir mounted in every container
   * and `PROMETHEUS_MULTIPROC_DIR` (and the lowercase name older clients read) pointing at it.
   * The application must still serve `/metrics` through a `MultiProcessCollector`, and
   * gunicorn must call `multiprocess.mark_process_dead(worker.pid)` in its `child_exit` hook.
   *
   * @see https://prometheus.github.io/client_python/multiprocess/
   */
  public static python(options: PythonMultiprocessOptions = {}): MultiprocessMetrics {
    const mountPath = options.mountPath ?? DEFAULT_PATH;
    checkAbsolutePath('MultiprocessMetrics.python', 'mountPath', mountPath);
    return new MultiprocessMetrics(mountPath, ['PROMETHEUS_MULTIPROC_DIR', 'prometheus_multiproc_dir']);
  }

  /**
   * Any client library that merges workers through a directory (for example the Ruby
   * client's `DirectFileStore`, configured from an environment variable in the application).
   */
  public static sharedDirectory(options: SharedDirectoryOptions): MultiprocessMetrics {
    const mountPath = options.mountPath ?? DEFAULT_PATH;
    checkAbsolutePath('MultiprocessMetrics.sharedDirectory', 'mountPath', mountPath);
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
   * Where the shared directory is mounted.
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
   * Mounts the directory and sets the variables in every container of the workload.
   *
   * @internal
   */
  public _apply(workload: PlusWorkload): void {
    const mountPath = this.mountPath;
    if (mountPath === undefined) return;
    if (workload.containers.length === 0) {
      fail(workload.node.path, 'containers', 'must exist before multiprocess metrics are configured (add the containers first)', 0);
    }
    mountEmptyDir(workload, 'PrometheusMultiproc', 'prometheus-multiproc', mountPath,
      Object.fromEntries(this.envVariables.map((name) => [name, mountPath])));
  }
}

const DEFAULT_PATH = '/tmp/prometheus-multiproc';
