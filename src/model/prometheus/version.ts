// Release versions, and the version of a container image from its tag: the one parser every
// version gate uses. Not exported from the package.

/** A release version. */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/**
 * Parses `2.29`, `2.29.1`, `v3.5.0` or `v2.55.0-rc.0` (a pre-release counts as its release);
 * undefined for anything else.
 */
export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/**
 * The version in an image's tag: `quay.io/prometheus/prometheus:v2.26.0` is 2.26.0, and so is
 * `registry.local:5000/prometheus:v2.26.0@sha256:...`.
 *
 * Undefined when the tag is no version: a digest-only reference (`prometheus@sha256:...`), or
 * a tag such as `latest` or `main`. Version gates then assume the newest supported release,
 * since nothing else can be known at synthesis.
 */
export function imageVersion(image: string): Version | undefined {
  const name = image.split('@')[0];
  const colon = name.lastIndexOf(':');
  if (colon < 0 || colon < name.lastIndexOf('/')) return undefined;
  return parseVersion(name.slice(colon + 1));
}

/** Whether `version` is `minimum` or newer. */
export function versionAtLeast(version: Version, minimum: Version): boolean {
  if (version.major !== minimum.major) return version.major > minimum.major;
  if (version.minor !== minimum.minor) return version.minor > minimum.minor;
  return version.patch >= minimum.patch;
}

/**
 * Whether an image is `minimum` (such as '2.29.0') or newer, from its tag. An image whose tag
 * is no version (digest only, `latest`) is assumed to be the newest supported release, and passes.
 */
export function imageAtLeast(image: string, minimum: string): boolean {
  const version = imageVersion(image);
  return version === undefined || versionAtLeast(version, parseVersion(minimum)!);
}

/** `2.26.0` */
export function formatVersion(version: Version): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/** Whether `version` is `minimum` (such as `'2.55.0'`) or newer. */
export function atLeast(version: Version, minimum: string): boolean {
  return versionAtLeast(version, parseVersion(minimum)!);
}
