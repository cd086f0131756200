// The sections of grafana.ini. Not exported.
//
// From grafana/grafana conf/defaults.ini, the `[section]` headers, in file order, at commit
// d6b8507785537dfee49671e76444b02643d02f53: the newest copy of the file that could be read here.
// The library pins docker.io/grafana/grafana:12.3.0, but grafana/grafana is larger than what can
// be fetched here, so v12.3.0's own file could not be compared; test/grafana/ini-sections.test.ts
// re-derives the list from `git show v12.3.0:conf/defaults.ini` when the repository is fetched.
//
// Grafana applies a GF_<SECTION>_<KEY> variable only to a key of a section its ini files have
// (pkg/setting/setting.go `applyEnvVariableOverrides`): a variable for another section is ignored.

/** The `[section]` names of grafana.ini; `default` is the unnamed first section (`GF_DEFAULT_...`). */
export const GRAFANA_INI_SECTIONS: readonly string[] = [
  'default',
  'paths', 'server', 'server.custom_response_headers', 'grpc_server', 'database', 'remote_cache', 'dataproxy',
  'analytics', 'security', 'security.encryption', 'snapshots', 'dashboards', 'datasources', 'sql_datasources',
  'users', 'service_accounts', 'auth', 'auth.anonymous', 'auth.github', 'auth.gitlab', 'auth.google',
  'auth.grafananet', 'auth.grafana_com', 'auth.azuread', 'auth.okta', 'auth.generic_oauth', 'auth.basic',
  'auth.proxy', 'auth.jwt', 'auth.ldap', 'aws', 'azure', 'rbac', 'smtp', 'emails', 'log', 'log.console', 'log.file',
  'log.syslog', 'log.frontend', 'quota', 'unified_alerting', 'unified_alerting.screenshots',
  'unified_alerting.reserved_labels', 'unified_alerting.state_history', 'unified_alerting.state_history.external_labels',
  'alerting', 'annotations', 'annotations.dashboard', 'annotations.api', 'explore', 'help', 'profile', 'query_history',
  'metrics', 'metrics.environment_info', 'metrics.graphite', 'grafana_net', 'grafana_com', 'tracing.jaeger',
  'tracing.opentelemetry', 'tracing.opentelemetry.jaeger', 'tracing.opentelemetry.otlp', 'external_image_storage',
  'external_image_storage.s3', 'external_image_storage.webdav', 'external_image_storage.gcs',
  'external_image_storage.azure_blob', 'external_image_storage.local', 'rendering', 'panels', 'plugins', 'live',
  'plugin.grafana-image-renderer', 'enterprise', 'feature_toggles', 'date_formats', 'expressions', 'geomap',
  'support_bundles', 'storage', 'search', 'navigation.app_sections', 'navigation.app_standalone_pages',
  'secure_socks_datasource_proxy',
];

/**
 * The section of a `section.option` key: the longest leading part that is a section
 * (`auth.anonymous.enabled` is option `enabled` of `[auth.anonymous]`).
 *
 * @returns the section, or undefined when no leading part is one
 */
export function iniSectionOf(key: string): string | undefined {
  const parts = key.toLowerCase().split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const section = parts.slice(0, n).join('.');
    if (GRAFANA_INI_SECTIONS.includes(section)) return section;
  }
  return undefined;
}

/**
 * The key with its section replaced by the nearest known one (edit distance), as a suggestion
 * for a misspelt section: `aut.anonymous.enabled` -> `auth.anonymous.enabled`.
 */
export function nearestIniKey(key: string): { key: string; section: string; distance: number } {
  const parts = key.toLowerCase().split('.');
  let best = { key, section: GRAFANA_INI_SECTIONS[1], distance: Infinity };
  for (let n = parts.length - 1; n >= 1; n--) {
    const given = parts.slice(0, n).join('.');
    for (const section of GRAFANA_INI_SECTIONS) {
      const distance = editDistance(given, section);
      if (distance < best.distance) best = { key: [section, ...parts.slice(n)].join('.'), section, distance };
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}
