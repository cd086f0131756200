// Which Alertmanager release introduced each field the library emits beyond 0.25. Not exported.
//
// Every entry was checked against prometheus/alertmanager at the tag it names (the yaml tag is
// absent from the release before); test/alertmanager/version-gates.test.ts re-checks them
// against a fetched prometheus/alertmanager repository when one is present.
import { problem } from '../../core/checks';
import { atLeast, formatVersion, Version } from '../prometheus/version';
import { GatedField, gatedFields, VersionGate } from '../prometheus/version-gates';

/** The oldest release the library supports (Debian bookworm's, which the tests run). */
export const OLDEST_ALERTMANAGER = '0.25.0';

/** The default image, and the release assumed when a tag names no version. */
export const DEFAULT_ALERTMANAGER_IMAGE = 'quay.io/prometheus/alertmanager:v0.28.1';
export const LATEST_ALERTMANAGER: Version = { major: 0, minor: 28, patch: 1 };

const NOTIFIERS_GO = (tag: string) => `prometheus/alertmanager ${tag} config/notifiers.go`;

/** alertmanager.yml fields newer than 0.25. */
export const ALERTMANAGER_CONFIG_GATES: VersionGate[] = [
  { field: /^receivers\.\*\.webhook_configs\.\*\.url_file$/, since: '0.26.0', source: NOTIFIERS_GO('v0.26.0') },
  { field: /^receivers\.\*\.msteams_configs$/, since: '0.26.0', source: 'prometheus/alertmanager v0.26.0 config/config.go' },
  // 0.27 has the field, but its Config.UnmarshalYAML still demands webhook_url (fixed in 0.28.0).
  { field: /^receivers\.\*\.msteams_configs\.\*\.webhook_url_file$/, since: '0.28.0', source: 'prometheus/alertmanager v0.28.0 config/config.go' },
];

/** Alertmanager flags newer than 0.25, by name. */
export const ALERTMANAGER_FLAG_GATES: VersionGate[] = [
  { field: /^--cluster\.label$/, since: '0.26.0', source: 'prometheus/alertmanager v0.26.0 cmd/alertmanager/main.go' },
];

/** The gated fields of an alertmanager.yml document. */
export function alertmanagerGatedFields(doc: object): GatedField[] {
  return gatedFields(doc, ALERTMANAGER_CONFIG_GATES);
}

/** The messages for the fields that `version` lacks. */
export function alertmanagerVersionProblems(where: string, image: string | undefined, version: Version, fields: GatedField[]): string[] {
  const running = `Alertmanager ${formatVersion(version)}`;
  return fields.filter((f) => !atLeast(version, f.since)).map((f) =>
    problem(where, f.field, `needs Alertmanager ${f.since} or newer (${f.source})`,
      image ? `image ${image} (${running})` : running,
      `Use an Alertmanager image of ${f.since} or newer, or do without it`));
}
