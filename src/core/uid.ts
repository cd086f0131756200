// Stable dashboard uids for generated dashboards. Not exported from the package.
import { createHash } from 'crypto';
import { Duration } from 'cdk8s';

/**
 * A dashboard uid that stays the same across synths: a readable prefix and a hash of what
 * makes the dashboard unique (a construct path, a job name), within Grafana's 40 characters.
 *
 * With `readable`, the uid is `<prefix>-<unique>` when that fits, so it can be read and
 * bookmarked as the job's name; only a longer one is cut and given the hash.
 */
export function uidFor(prefix: string, unique: string, options: { readable?: boolean } = {}): string {
  const name = options.readable ? `${slug(prefix)}-${slug(unique)}` : slug(prefix);
  if (options.readable && name.length <= 40) return name;
  const hash = createHash('sha256').update(unique).digest('hex').slice(0, 8);
  return `${name.slice(0, 31).replace(/-+$/, '')}-${hash}`;
}

/** Lowercase, each run of characters other than a-z, 0-9 and '-' as one '-', no '-' at either end. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** A duration in one unit, as Grafana's time ranges, refresh and intervals take it (`90m`, not `1h30m`). */
export function grafanaDuration(duration: Duration): string {
  const seconds = duration.toSeconds();
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
