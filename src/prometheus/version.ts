// The Prometheus version an image runs, read from its tag. Not exported from the package.

/** A Prometheus release, `major.minor.patch`. */
export interface PrometheusVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/**
 * The Prometheus version of a container image, from its tag: `quay.io/prometheus/prometheus:v2.55.1`,
 * `prom/prometheus:2.55.1`, `...:v3.5.0-rc.0` (a release candidate counts as its release) and
 * `...:v3.5.0@sha256:...` (the tag names the version; the digest pins it).
 *
 * @returns undefined for a digest-only reference or a tag that is not a version (`latest`,
 * `main`); the caller then assumes the newest release it supports.
 */
export function parsePrometheusVersion(image: string): PrometheusVersion | undefined {
  const name = image.split('@')[0].slice(image.lastIndexOf('/') + 1);
  const tag = name.includes(':') ? name.slice(name.indexOf(':') + 1) : '';
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+][\w.-]*)?$/.exec(tag);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

/** Whether `version` is `min` (`'2.55.0'`) or newer. */
export function atLeast(version: PrometheusVersion, min: string): boolean {
  const [major, minor, patch] = min.split('.').map(Number);
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= (patch ?? 0);
}

