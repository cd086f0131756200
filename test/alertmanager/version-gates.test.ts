// Each Alertmanager gate, checked against prometheus/alertmanager's source: the field or flag
// is at the cited tag and not at the minor release before. Runs when the repository was
// fetched (the `fetch` tool puts it under /work/.mirror). This is how fields newer than
// Debian's amtool 0.25 are checked, since amtool refuses them.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { ALERTMANAGER_CONFIG_GATES, ALERTMANAGER_FLAG_GATES } from '../../src/model/alertmanager/version-gates';
import { VersionGate } from '../../src/model/prometheus/version-gates';

const REPO = '/work/.mirror/prometheus+alertmanager/repo';
const show = (tag: string, file: string) => {
  const r = spawnSync('git', ['-C', REPO, 'show', `${tag}:${file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : '';
};
const previous = (tag: string) => {
  const [major, minor] = tag.slice(1).split('.').map(Number);
  return `v${major}.${minor - 1}.0`;
};
/** The text that proves the gate: a yaml tag, a flag's name, or for Teams' url file the Config-level check that accepts it. */
function evidence(gate: VersionGate): string {
  const pattern = gate.field.source;
  if (pattern.startsWith('^--')) return `"${pattern.slice(3, -1).replace(/\\\./g, '.')}"`;
  if (pattern.includes('msteams_configs\\.\\*\\.webhook_url_file')) return 'no msteams webhook URL or URLFile provided';
  return `yaml:"${/([a-z_]+)\$$/.exec(pattern)![1]}`;
}

(existsSync(REPO) ? describe : describe.skip)('each Alertmanager gate matches upstream source', () => {
  test.each([...ALERTMANAGER_CONFIG_GATES, ...ALERTMANAGER_FLAG_GATES].map((g) => [g.source, g.since, g]))('%s has it since %s', (_s, since, gate) => {
    const g = gate as VersionGate;
    const [, tag, file] = g.source.split(' ');
    expect(tag).toBe(`v${since}`);
    expect(show(tag, file)).toContain(evidence(g));
    expect(show(previous(tag), file)).not.toContain(evidence(g));
  });

  test('0.27 has msteams webhook_url_file, but its Config still demands webhook_url: hence the 0.28 gate', () => {
    expect(show('v0.27.0', 'config/notifiers.go')).toContain('yaml:"webhook_url_file');
    expect(show('v0.27.0', 'config/config.go')).toContain('no msteams webhook URL provided');
  });
});
