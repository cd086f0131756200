// The command line of the Prometheus server: where it stores samples and for how long (or, as an
// agent, its write-ahead log), how it reloads its configuration, and its web port. Not exported.
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { PrometheusMode, PrometheusStackProps } from './stack-props';
import { CONFIG_FILE, DATA_DIR, WEB_PORT } from './workload';
import { fail } from '../core/checks';
import { toQuantity } from '../k8s/quantity';
import { DataStorage } from '../k8s/storage';
import { promDuration } from '../model/prometheus/validate';
import { Version } from '../model/prometheus/version';

/** The share of a new claim the TSDB may fill when `retentionSize` is unset. */
const DEFAULT_RETENTION_SHARE = 0.8;

/** What the flags depend on besides the props. */
export interface ServerFlagsInputs {
  readonly version: Version;
  readonly mode: PrometheusMode;
  readonly storage: DataStorage;
  readonly replicas: number;
  /** Whether the web port is published to every source (a node port without `allowFrom`). */
  readonly openToAll: boolean;
}

/** The flags, and how the configuration is reloaded. */
export interface ServerFlags {
  readonly args: string[];
  /** For Prometheus 2.x, which cannot reload by itself: the reloader's interval in seconds. */
  readonly reloaderIntervalSeconds?: number;
}

/** The server's flags, from the props; the lifecycle API is off by default where anyone could reach it. */
export function serverFlags(path: string, props: PrometheusStackProps, inputs: ServerFlagsInputs): ServerFlags {
  const { version, storage } = inputs;
  const lifecycleApi = props.lifecycleApi ?? !inputs.openToAll;
  const agent = inputs.mode === PrometheusMode.AGENT;
  if (agent) {
    for (const prop of ['retention', 'retentionSize'] as const) {
      if (props[prop] !== undefined) {
        fail(path, prop, 'has no effect in agent mode (an agent keeps a write-ahead log, not a TSDB)', String(props[prop]),
          'Leave it unset, or use PrometheusMode.SERVER');
      }
    }
  }
  const reloadInterval = props.configReloadInterval ?? Duration.seconds(30);
  const reloadSeconds = reloadInterval.toMilliseconds() / 1000;
  if (!Number.isInteger(reloadSeconds) || reloadSeconds < 1) {
    fail(path, 'configReloadInterval', 'must be a whole number of seconds, at least 1', `${reloadInterval.toMilliseconds()}ms`);
  }
  // 3.x reloads by itself (cmd/prometheus/main.go, config/reload.go); 2.x reloads on SIGHUP.
  const autoReload = version.major >= 3;
  // 3.x expands ${VAR} in external_labels always, 2.x behind a feature flag (config/config.go).
  const expandLabels = inputs.replicas > 1 && !autoReload;
  const retentionBytes = agent ? undefined : (props.retentionSize ?? defaultRetentionSize(storage));
  if (props.retentionSize && storage._newClaim) {
    const claim = storage._newClaim.size;
    if (props.retentionSize.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) > claim.toKibibytes({ rounding: SizeRoundingBehavior.NONE })) {
      fail(path, 'retentionSize', `must fit the volume (${toQuantity(claim)}): Prometheus would fill it and stop`, toQuantity(props.retentionSize),
        'Make retentionSize smaller than the claim (about 80% of it leaves room for the WAL and compaction), or the claim larger');
    }
  }
  const args = [
    `--config.file=${CONFIG_FILE}`,
    ...agent ? [
      version.major >= 3 ? '--agent' : '--enable-feature=agent',
      `--storage.agent.path=${DATA_DIR}`,
    ] : [
      `--storage.tsdb.path=${DATA_DIR}`,
      `--storage.tsdb.retention.time=${promDuration(path, 'retention', props.retention ?? Duration.days(15))}`,
      ...retentionBytes ? [`--storage.tsdb.retention.size=${retentionSize(path, retentionBytes)}`] : [],
    ],
    ...autoReload ? ['--enable-feature=auto-reload-config', `--config.auto-reload-interval=${reloadSeconds}s`] : [],
    ...expandLabels ? ['--enable-feature=expand-external-labels'] : [],
    `--web.listen-address=:${WEB_PORT}`,
    ...lifecycleApi ? ['--web.enable-lifecycle'] : [],
  ];
  return { args, reloaderIntervalSeconds: autoReload ? undefined : reloadSeconds };
}

/** 80% of a new claim (rounded down to a whole MiB), the retention size when none is given. */
function defaultRetentionSize(storage: DataStorage): Size | undefined {
  const claim = storage._newClaim?.size;
  if (!claim) return undefined;
  return Size.mebibytes(Math.floor(claim.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) * DEFAULT_RETENTION_SHARE));
}

/** `--storage.tsdb.retention.size` takes base-2 units named KB, MB, GB, TB. */
function retentionSize(path: string, size: Size): string {
  const mb = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mb) || mb <= 0) {
    fail(path, 'retentionSize', 'must be a positive whole number of mebibytes', `${mb} MiB`);
  }
  return mb % 1024 === 0 ? `${mb / 1024}GB` : `${mb}MB`;
}
