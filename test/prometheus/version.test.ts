// The one parser of versions that every version gate uses.
import { imageAtLeast, imageVersion, parseVersion, versionAtLeast } from '../../src/model/prometheus/version';

test.each([
  ['quay.io/prometheus/prometheus:v2.26.0', { major: 2, minor: 26, patch: 0 }],
  ['prom/prometheus:v3.5.0', { major: 3, minor: 5, patch: 0 }],
  ['registry.local:5000/prometheus:v2.55.1', { major: 2, minor: 55, patch: 1 }],
  [`quay.io/prometheus/prometheus:v2.28.1@sha256:${'b'.repeat(64)}`, { major: 2, minor: 28, patch: 1 }],
  ['quay.io/prometheus/prometheus:v3.0.0-rc.1', { major: 3, minor: 0, patch: 0 }],
  ['grafana/grafana:12.1', { major: 12, minor: 1, patch: 0 }],
])('the version of %s', (image, version) => {
  expect(imageVersion(image)).toEqual(version);
});

test.each([
  ['a digest only', `quay.io/prometheus/prometheus@sha256:${'a'.repeat(64)}`],
  ['latest', 'quay.io/prometheus/prometheus:latest'],
  ['no tag, a registry port', 'registry.local:5000/prometheus'],
  ['a branch', 'quay.io/prometheus/prometheus:main'],
])('no version: %s, which gates take for the newest release', (_, image) => {
  expect(imageVersion(image)).toBeUndefined();
  expect(imageAtLeast(image, '2.29.0')).toBe(true);
});

test('imageAtLeast compares major, minor and patch as numbers', () => {
  expect(imageAtLeast('quay.io/prometheus/prometheus:v2.28.1', '2.29.0')).toBe(false);
  expect(imageAtLeast('quay.io/prometheus/prometheus:v2.29.0', '2.29.0')).toBe(true);
  expect(imageAtLeast('quay.io/prometheus/prometheus:v2.100.0', '2.29.0')).toBe(true);
  expect(imageAtLeast('quay.io/prometheus/prometheus:v3.0.0', '2.55.0')).toBe(true);
  expect(imageAtLeast('quay.io/prometheus/prometheus:v2.55.0', '2.55.1')).toBe(false);
});

test('parseVersion and versionAtLeast', () => {
  expect(parseVersion('2.12')).toEqual({ major: 2, minor: 12, patch: 0 });
  expect(parseVersion('2')).toBeUndefined();
  expect(parseVersion('v2.x')).toBeUndefined();
  expect(versionAtLeast(parseVersion('2.12.14')!, parseVersion('2.7')!)).toBe(true);
  expect(versionAtLeast(parseVersion('2.6.9')!, parseVersion('2.7')!)).toBe(false);
});
