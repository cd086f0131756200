// The grafana.ini sections the `settings` of Grafana are checked against.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { GRAFANA_INI_SECTIONS, iniSectionOf, nearestIniKey } from '../../src/grafana/ini-sections';

/** The `[section]` headers of a grafana.ini, as the list names them (the unnamed first section is `default`). */
function sectionsOf(ini: string): string[] {
  return ['default', ...[...ini.matchAll(/^\[([^\]]+)\]\s*$/gm)].map((m) => m[1])];
}

// Re-derived from Grafana's own file when grafana/grafana was fetched (the `fetch` tool puts it
// under /work/.mirror); the image the library pins is 12.3.0.
const GRAFANA = '/work/.mirror/grafana+grafana/repo';
(existsSync(GRAFANA) ? test : test.skip)('is the section list of grafana/grafana v12.3.0 conf/defaults.ini', () => {
  const ini = spawnSync('git', ['-C', GRAFANA, 'show', 'v12.3.0:conf/defaults.ini'], { encoding: 'utf8' }).stdout;
  expect([...GRAFANA_INI_SECTIONS].sort()).toEqual(sectionsOf(ini).sort());
});

test('pins the list read from grafana/grafana conf/defaults.ini (commit d6b8507785537dfee49671e76444b02643d02f53)', () => {
  expect(GRAFANA_INI_SECTIONS).toHaveLength(86);
  expect(new Set(GRAFANA_INI_SECTIONS).size).toBe(GRAFANA_INI_SECTIONS.length);
  expect(GRAFANA_INI_SECTIONS).toEqual(expect.arrayContaining([
    'server', 'security', 'auth', 'auth.anonymous', 'auth.generic_oauth', 'plugins', 'unified_alerting.screenshots',
    'plugin.grafana-image-renderer', 'feature_toggles',
  ]));
  // A small excerpt of that file, to prove the parser reads section headers as Grafana's files write them.
  expect(sectionsOf('app_mode = production\n\n[paths]\ndata = data\n\n[auth.anonymous]\n# enable anonymous access\nenabled = false\n'))
    .toEqual(['default', 'paths', 'auth.anonymous']);
});

test('a key belongs to the longest section it starts with', () => {
  expect(iniSectionOf('auth.anonymous.enabled')).toBe('auth.anonymous');
  expect(iniSectionOf('auth.login_cookie_name')).toBe('auth');
  expect(iniSectionOf('server.root_url')).toBe('server');
  expect(iniSectionOf('unified_alerting.state_history.external_labels.team')).toBe('unified_alerting.state_history.external_labels');
  expect(iniSectionOf('aut.anonymous.enabled')).toBeUndefined();
});

test('the nearest key replaces a misspelt section', () => {
  expect(nearestIniKey('aut.anonymous.enabled')).toEqual({ key: 'auth.anonymous.enabled', section: 'auth.anonymous', distance: 1 });
  expect(nearestIniKey('sever.root_url')).toEqual({ key: 'server.root_url', section: 'server', distance: 1 });
});
