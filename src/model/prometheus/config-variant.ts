// How one server of several renders a shared prometheus.yml. Not exported from the package.
import { Relabel } from './relabel';

/** What differs between the servers (shards, replicas) that share one `PrometheusConfig`. */
export interface ConfigVariant {
  /** Relabel rules appended to every scrape job's own, but those of `unshardedJobs`. */
  readonly appendRelabels?: Relabel[];
  /** Jobs left whole on every server (the server's own metrics). */
  readonly unshardedJobs?: string[];
  /** External labels added to the global ones. */
  readonly externalLabels?: { [name: string]: string };
  /** `alerting.alert_relabel_configs`. */
  readonly alertRelabels?: Relabel[];
}
