// Which Prometheus release introduced each flag and field the library emits. Not exported.
//
// Every entry was checked against the upstream source at the tag it names (the yaml tag or
// flag is absent from the release before); test/prometheus/version-gates.test.ts re-checks
// them against a fetched prometheus/prometheus repository when one is present.
import { atLeast, Version } from './version';
import { problem } from '../../core/checks';

/**
 * The release assumed when the image tag names no version (a digest-only reference, `latest`),
 * and for a `PrometheusConfig` used on its own: the stack's default image.
 */
export const LATEST_PROMETHEUS: Version = { major: 3, minor: 5, patch: 0 };

/** A flag or field that exists from a given release on. */
export interface VersionGate {
  /** The path pattern of the field in prometheus.yml or the rule file (array items are `*`), or the flag. */
  readonly field: RegExp;
  /** Only when the field has one of these values. */
  readonly values?: string[];
  /** Only when the object holding the field matches. */
  readonly when?: (parent: { [key: string]: unknown }) => boolean;
  /** The first release that has it. */
  readonly since: string;
  /** Where upstream defines it: `<repo> <tag> <file>`. */
  readonly source: string;
}

const CLIENT = '^(?:scrape_configs|remote_write|alerting\\.alertmanagers)\\.\\*';
const SD_OWNER = '^(?:scrape_configs|alerting\\.alertmanagers)\\.\\*';
const KUBERNETES_SD = `${SD_OWNER}\\.kubernetes_sd_configs\\.\\*`;
const RELABEL_ACTION = /(?:^|\.)(?:relabel_configs|metric_relabel_configs|write_relabel_configs)\.\*\.action$/;
const CONFIG_GO = (tag: string) => `prometheus/prometheus ${tag} config/config.go`;
const MAIN_GO = (tag: string) => `prometheus/prometheus ${tag} cmd/prometheus/main.go`;
const KUBERNETES_GO = (tag: string) => `prometheus/prometheus ${tag} discovery/kubernetes/kubernetes.go`;

/** prometheus.yml fields newer than 2.0. */
export const CONFIG_GATES: VersionGate[] = [
  // basic_auth reads the password from a file (the library never writes it inline).
  { field: new RegExp(`${CLIENT}\\.basic_auth\\.password_file$`), since: '2.3.0', source: 'prometheus/prometheus v2.3.0 vendor/github.com/prometheus/common/config/http_config.go' },
  { field: new RegExp(`${CLIENT}\\.authorization$`), since: '2.26.0', source: 'prometheus/common v0.20.0 config/http_config.go (go.mod of prometheus/prometheus v2.26.0)' },
  { field: new RegExp(`${CLIENT}\\.oauth2$`), since: '2.27.0', source: 'prometheus/common v0.23.0 config/http_config.go (go.mod of prometheus/prometheus v2.27.0)' },
  { field: /^scrape_configs\.\*\.honor_timestamps$/, since: '2.9.0', source: CONFIG_GO('v2.9.0') },
  { field: /^scrape_configs\.\*\.target_limit$/, since: '2.21.0', source: CONFIG_GO('v2.21.0') },
  { field: /^scrape_configs\.\*\.label_limit$/, since: '2.27.0', source: CONFIG_GO('v2.27.0') },
  { field: new RegExp(`${CLIENT}\\.tls_config\\.min_version$`), since: '2.35.0', source: 'prometheus/common v0.34.0 config/http_config.go (go.mod of prometheus/prometheus v2.35.0)' },
  { field: /^alerting\.alertmanagers\.\*\.api_version$/, since: '2.11.0', source: CONFIG_GO('v2.11.0') },
  { field: /^remote_write\.\*\.queue_config\.min_shards$/, since: '2.6.0', source: CONFIG_GO('v2.6.0') },
  { field: /^remote_write\.\*\.name$/, since: '2.15.0', source: CONFIG_GO('v2.15.0') },
  { field: /^remote_write\.\*\.headers$/, since: '2.25.0', source: CONFIG_GO('v2.25.0') },
  // http_headers came with prometheus/common v0.54.0 (Prometheus 2.53), whose Validate read each
  // file when the configuration loaded, failing before a Secret's volume was there; v0.59.1
  // (Prometheus 2.55) reads them per request (common commit d64a747).
  { field: new RegExp(`${CLIENT}\\.http_headers$`), since: '2.55.0', source: 'prometheus/common v0.59.1 config/headers.go (go.mod of prometheus/prometheus v2.55.0)' },
  { field: /^remote_write\.\*\.send_exemplars$/, since: '2.27.0', source: CONFIG_GO('v2.27.0') },
  { field: new RegExp(`${KUBERNETES_SD}\\.selectors$`), since: '2.17.0', source: KUBERNETES_GO('v2.17.0') },
  { field: new RegExp(`${KUBERNETES_SD}\\.role$`), values: ['endpointslice'], since: '2.21.0', source: KUBERNETES_GO('v2.21.0') },
  { field: new RegExp(`${KUBERNETES_SD}\\.namespaces\\.own_namespace$`), since: '2.33.0', source: KUBERNETES_GO('v2.33.0') },
  { field: new RegExp(`${KUBERNETES_SD}\\.attach_metadata$`), since: '2.35.0', source: KUBERNETES_GO('v2.35.0') },
  // 2.35 attaches node metadata to the pod role only; endpoints and endpointslice follow in 2.37.
  {
    field: new RegExp(`${KUBERNETES_SD}\\.attach_metadata$`),
    since: '2.37.0',
    source: KUBERNETES_GO('v2.37.0'),
    when: (sd) => sd.role === 'endpoints' || sd.role === 'endpointslice',
  },
  { field: new RegExp(`${SD_OWNER}\\.kuma_sd_configs$`), since: '2.29.0', source: 'prometheus/prometheus v2.29.0 discovery/xds/kuma.go' },
  { field: RELABEL_ACTION, values: ['lowercase', 'uppercase'], since: '2.36.0', source: 'prometheus/prometheus v2.36.0 model/relabel/relabel.go' },
  { field: RELABEL_ACTION, values: ['keepequal', 'dropequal'], since: '2.41.0', source: 'prometheus/prometheus v2.41.0 model/relabel/relabel.go' },
];

/** Rule file fields newer than 2.0. */
export const RULE_GATES: VersionGate[] = [
  { field: /^groups\.\*\.limit$/, since: '2.31.0', source: 'prometheus/prometheus v2.31.0 pkg/rulefmt/rulefmt.go' },
  { field: /^groups\.\*\.rules\.\*\.keep_firing_for$/, since: '2.42.0', source: 'prometheus/prometheus v2.42.0 model/rulefmt/rulefmt.go' },
];

/** Server flags, by name (without the value). */
export const FLAG_GATES: VersionGate[] = [
  // --config.file and --web.listen-address are 1.x flags too (Go's flag package takes -- as well).
  ...['storage.tsdb.path', 'web.enable-lifecycle'].map((flag) => ({
    field: new RegExp(`^--${flag.replace(/\./g, '\\.')}$`), since: '2.0.0', source: 'prometheus/prometheus v2.0.0 cmd/prometheus/main.go',
  })),
  ...['storage.tsdb.retention.time', 'storage.tsdb.retention.size'].map((flag) => ({
    field: new RegExp(`^--${flag.replace(/\./g, '\\.')}$`), since: '2.7.0', source: 'prometheus/prometheus v2.7.0 cmd/prometheus/main.go',
  })),
  // TLS and basic auth on the web port: main.go registers exporter-toolkit's flag from 2.24
  // (`httpsflag.AddFlags`; the name is in exporter-toolkit v0.4.0 https/kingpinflag/flag.go, go.mod of v2.24.0).
  { field: /^--web\.config\.file$/, since: '2.24.0', source: 'prometheus/prometheus v2.24.0 cmd/prometheus/main.go (httpsflag.AddFlags)' },
  // ${VAR} in external_labels: behind a feature flag in 2.x, always on in 3.x.
  { field: /^--enable-feature$/, values: ['expand-external-labels'], since: '2.27.0', source: MAIN_GO('v2.27.0') },
  // Agent mode: a feature flag in 2.x, the --agent flag in 3.x (where the feature value is ignored).
  { field: /^--enable-feature$/, values: ['agent'], since: '2.32.0', source: MAIN_GO('v2.32.0') },
  { field: /^--storage\.agent\.path$/, since: '2.32.0', source: MAIN_GO('v2.32.0') },
  { field: /^--agent$/, since: '3.0.0', source: MAIN_GO('v3.0.0') },
  // The server reloads its configuration when the files change (config/reload.go).
  { field: /^--enable-feature$/, values: ['auto-reload-config'], since: '3.0.0', source: MAIN_GO('v3.0.0') },
  { field: /^--config\.auto-reload-interval$/, since: '3.0.0', source: MAIN_GO('v3.0.0') },
];

/** A gated field found in a document: where it is, and what it needs. */
export interface GatedField {
  /** The field's path, readable: `scrape_configs[weave].target_limit`. */
  readonly field: string;
  /** The value that needs the release, when only some values do (`keepequal`). */
  readonly value?: string;
  readonly since: string;
  readonly source: string;
}

/** Every gated field of a prometheus.yml or rule file document. */
export function gatedFields(doc: unknown, gates: VersionGate[]): GatedField[] {
  const found: GatedField[] = [];
  const walk = (value: unknown, pattern: string, shown: string, parent: { [key: string]: unknown }) => {
    for (const gate of gates) {
      if (!gate.field.test(pattern)) continue;
      if (gate.values && !gate.values.includes(String(value))) continue;
      if (gate.when && !gate.when(parent)) continue;
      found.push({ field: shown, value: gate.values ? String(value) : undefined, since: gate.since, source: gate.source });
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const name = item?.job_name ?? item?.name;
        walk(item, `${pattern}.*`, `${shown}[${typeof name === 'string' ? name : i}]`, parent);
      });
    } else if (value !== null && typeof value === 'object') {
      const obj = value as { [key: string]: unknown };
      for (const [key, child] of Object.entries(obj)) {
        walk(child, pattern ? `${pattern}.${key}` : key, shown ? `${shown}.${key}` : key, obj);
      }
    }
  };
  walk(doc, '', '', {});
  return found;
}

/** Every gated flag among the server's arguments. */
export function gatedFlags(args: string[]): GatedField[] {
  return args.flatMap((arg) => {
    const [flag, ...rest] = arg.split('=');
    const values = rest.join('=').split(',');
    return FLAG_GATES.flatMap((g) => {
      if (!g.field.test(flag)) return [];
      if (!g.values) return [{ field: flag, since: g.since, source: g.source }];
      return values.filter((v) => g.values!.includes(v)).map((value) => ({ field: flag, value, since: g.since, source: g.source }));
    });
  });
}

/**
 * Whether `version` has every gated field of `gates`: then no document can lack one, and its
 * fields need not be looked for (every gate is a first release; none is a last).
 */
export function hasEveryGate(version: Version, ...gates: VersionGate[][]): boolean {
  return gates.every((list) => list.every((g) => atLeast(version, g.since)));
}

/** The messages for the fields that `version` lacks. */
export function versionProblems(where: string, image: string | undefined, version: Version, fields: GatedField[]): string[] {
  const running = `Prometheus ${version.major}.${version.minor}.${version.patch}`;
  return fields.filter((f) => !atLeast(version, f.since)).map((f) =>
    problem(where, f.field, `${f.value ? `'${f.value}' ` : ''}needs Prometheus ${f.since} or newer (${f.source})`,
      image ? `image ${image} (${running})` : running, `Use a Prometheus image of ${f.since} or newer, or do without it`));
}
