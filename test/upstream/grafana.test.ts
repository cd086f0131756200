// Every GF_ variable, provisioning field and data source setting the examples give Grafana is
// one Grafana defines.
//
// grafana/grafana is larger than what can be fetched here, so its files were read through the
// file index, at the commits named below: the newest copies stored, NOT the v12.3.0 tag of the
// image the library pins (docker.io/grafana/grafana:12.3.0). Each fixture says which commit.
import * as YAML from 'yaml';
import { exampleContainers, exampleFiles, haveMirrors, show } from './upstream';

// Grafana applies GF_<SECTION>_<KEY> only to a key its ini files have: pkg/setting/setting.go
// `applyEnvVariableOverrides` loops over the sections and keys of the loaded file, and `EnvKey`
// upper-cases them and replaces '.' and '-' by '_'.
const envKey = (section: string, key: string) => `GF_${section.toUpperCase().replace(/[.-]/g, '_')}_${key.toUpperCase().replace(/\./g, '_')}`;

// The keys of the sections the library sets, from grafana/grafana conf/defaults.ini at commit
// d6b8507785537dfee49671e76444b02643d02f53 (the copy src/grafana/ini-sections.ts lists sections from).
const DEFAULTS_INI: { [section: string]: string[] } = {
  'paths': ['data', 'temp_data_lifetime', 'logs', 'plugins', 'provisioning'],
  'security': ['disable_initial_admin_creation', 'admin_user', 'admin_password', 'admin_email', 'secret_key', 'encryption_provider',
    'available_encryption_providers', 'disable_gravatar', 'data_source_proxy_whitelist', 'disable_brute_force_login_protection',
    'cookie_secure', 'cookie_samesite', 'allow_embedding', 'strict_transport_security', 'strict_transport_security_max_age_seconds',
    'strict_transport_security_preload', 'strict_transport_security_subdomains', 'x_content_type_options', 'x_xss_protection',
    'content_security_policy', 'content_security_policy_template', 'content_security_policy_report_only',
    'content_security_policy_report_only_template', 'angular_support_enabled', 'csrf_skip_check_if_login_cookie_not_present'],
  'log': ['mode', 'level', 'filters'],
  'analytics': ['reporting_enabled', 'reporting_distributor', 'check_for_updates', 'check_for_plugin_updates', 'google_analytics_ua_id',
    'google_analytics_4_id', 'google_analytics_4_send_manual_page_views', 'google_tag_manager_id', 'rudderstack_write_key',
    'rudderstack_data_plane_url', 'rudderstack_sdk_url', 'rudderstack_config_url', 'intercom_secret',
    'application_insights_connection_string', 'application_insights_endpoint_url', 'feedback_links_enabled'],
  'auth.anonymous': ['enabled', 'org_name', 'org_role', 'hide_version'],
  'plugins': ['enable_alpha', 'app_tls_skip_verify_insecure', 'allow_loading_unsigned_plugins', 'plugin_admin_enabled',
    'plugin_admin_external_manage_enabled', 'plugin_catalog_url', 'plugin_catalog_hidden_plugins', 'log_backend_requests'],
};

// That copy of defaults.ini predates plugin preinstalling. The keys of [plugins] Grafana reads, from
// grafana/grafana pkg/setting/setting_plugins.go `readPluginSettings` at commit
// 0a8a924c187bd8d51ce56a9d7fcdd89d28a122ca; preinstall_sync came with "Plugins: Add preinstall_sync
// config" (grafana/grafana #105292, Grafana 12.1). Whether v12.3.0's defaults.ini lists it (which the
// variable needs, see above) could not be read here: the Grafana docs' own docker examples set
// GF_PLUGINS_PREINSTALL_SYNC, and test/grafana checks the variable's value.
const PLUGIN_SETTINGS = ['enable_alpha', 'app_tls_skip_verify_insecure', 'public_key_retrieval_disabled', 'public_key_retrieval_on_startup',
  'allow_loading_unsigned_plugins', 'disable_plugins', 'forward_host_env_vars', 'preinstall_disabled', 'preinstall', 'preinstall_sync',
  'preinstall_async', 'preinstall_auto_update', 'plugin_catalog_url', 'plugin_admin_enabled', 'plugin_admin_external_manage_enabled',
  'plugin_catalog_hidden_plugins', 'cdn_base_url', 'log_backend_requests', 'update_strategy'];

/** Every GF_ variable Grafana reads for the keys above. */
function knownVariables(): Set<string> {
  const sections = { ...DEFAULTS_INI, plugins: [...DEFAULTS_INI.plugins, ...PLUGIN_SETTINGS] };
  return new Set(Object.entries(sections).flatMap(([section, keys]) => keys.map((k) => envKey(section, k))));
}

// from grafana/grafana pkg/services/provisioning/datasources/types.go (commit
// 01c834234982c8ae5eba61acd1313c1c4443e9dd): configVersion `apiVersion`, configsV1 and
// upsertDataSourceFromConfigV1.
const DATASOURCES_V1 = ['apiVersion', 'datasources', 'deleteDatasources'];
const DATASOURCE_V1 = ['orgId', 'orgName', 'version', 'name', 'type', 'access', 'url', 'user', 'database', 'basicAuth', 'basicAuthUser',
  'withCredentials', 'isDefault', 'correlations', 'jsonData', 'secureJsonData', 'editable', 'uid'];

// The jsonData each data source type reads:
// - prometheus: `PromOptions` in grafana/grafana packages/grafana-prometheus/src/types.ts (commit
//   0e9025bbc1327cc90c2f75210d5470efce944bfb); the fields of `DataSourceJsonData` it extends are not
//   listed, as the library sets none of them.
// - kumahq-kuma-datasource: `prometheusDataSourceId` in kumahq/kuma-grafana-datasource v0.1.1 src/types.ts.
const JSON_DATA: { [type: string]: string[] } = {
  'prometheus': ['timeInterval', 'queryTimeout', 'httpMethod', 'customQueryParameters', 'disableMetricsLookup', 'exemplarTraceIdDestinations',
    'prometheusType', 'prometheusVersion', 'cacheLevel', 'defaultEditor', 'incrementalQuerying', 'incrementalQueryOverlapWindow',
    'disableRecordingRules', 'allowAsRecordingRulesTarget', 'sigV4Auth', 'oauthPassThru', 'codeModeMetricNamesSuggestionLimit',
    'seriesEndpoint'],
  'kumahq-kuma-datasource': ['prometheusDataSourceId'],
};

// from grafana/grafana pkg/services/provisioning/dashboards/types.go (commit
// 1411ff8797bd3fc717e206d6afa9bd1fccd9567f): configVersion, configV1 and configs; the file
// provider's options from file_reader.go `NewDashboardFileReader` (commit
// 669d0865b2ad17e51ece47d196c8f1af9aff37b8): `path` (or the deprecated `folder`) and `foldersFromFilesStructure`.
const DASHBOARDS_V1 = ['apiVersion', 'providers'];
const PROVIDER_V1 = ['name', 'type', 'orgId', 'folder', 'folderUid', 'editable', 'options', 'disableDeletion', 'updateIntervalSeconds', 'allowUiUpdates'];
const FILE_PROVIDER_OPTIONS = ['path', 'folder', 'foldersFromFilesStructure'];

const extra = (obj: object, known: string[]) => Object.keys(obj).filter((k) => !known.includes(k));

/** The names of a provisioning file that Grafana does not read. */
function datasourcesProblems(file: any): string[] {
  return [
    ...extra(file, DATASOURCES_V1),
    ...(file.datasources ?? []).flatMap((ds: any) => [
      ...extra(ds, DATASOURCE_V1).map((k) => `datasources[${ds.name}].${k}`),
      ...JSON_DATA[ds.type] ? extra(ds.jsonData ?? {}, JSON_DATA[ds.type]).map((k) => `datasources[${ds.name}].jsonData.${k}`)
        : [`datasources[${ds.name}].type ${ds.type}: no cited jsonData`],
    ]),
  ];
}

function dashboardsProblems(file: any): string[] {
  return [
    ...extra(file, DASHBOARDS_V1),
    ...(file.providers ?? []).flatMap((p: any) => [
      ...extra(p, PROVIDER_V1).map((k) => `providers[${p.name}].${k}`),
      ...p.type === 'file' ? extra(p.options ?? {}, FILE_PROVIDER_OPTIONS).map((k) => `providers[${p.name}].options.${k}`)
        : [`providers[${p.name}].type ${p.type}: not the file provider`],
    ]),
  ];
}

describe('what the examples give Grafana', () => {
  const grafanas = () => exampleContainers().filter((c) => c.container.image.startsWith('docker.io/grafana/grafana:'));

  test('every GF_ variable names a key of grafana.ini (conf/defaults.ini, setting_plugins.go)', () => {
    const names = new Set(grafanas().flatMap((c) => (c.container.env ?? []).map((e: any) => e.name as string)));
    expect(names.size).toBeGreaterThan(10);
    expect([...names].filter((n) => n.startsWith('GF_')).length).toBe(names.size);
    const known = knownVariables();
    expect([...names].filter((n) => !known.has(n))).toEqual([]);
  });

  test('every field of datasources.yaml is one Grafana reads, jsonData included', () => {
    const files = exampleFiles('datasources.yaml');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(datasourcesProblems(YAML.parse(f))).toEqual([]);
  });

  test('every field of dashboards.yaml is one Grafana reads', () => {
    const files = exampleFiles('dashboards.yaml');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(dashboardsProblems(YAML.parse(f))).toEqual([]);
  });

  test('the checks find names Grafana does not read', () => {
    expect(['GF_LOG_MODES', 'GF_AUTH_ANONYMOUS_ROLE', 'GF_SECURITY_ADMIN_PASSWORD'].filter((n) => !knownVariables().has(n)))
      .toEqual(['GF_LOG_MODES', 'GF_AUTH_ANONYMOUS_ROLE']);
    expect(datasourcesProblems({
      apiVersion: 1,
      datasources: [{ name: 'p', type: 'prometheus', is_default: true, jsonData: { scrapeInterval: '15s' } }],
    })).toEqual(['datasources[p].is_default', 'datasources[p].jsonData.scrapeInterval']);
    expect(dashboardsProblems({ apiVersion: 1, providers: [{ name: 'd', type: 'file', allowUIUpdates: true, options: { paths: '/d' } }] }))
      .toEqual(['providers[d].allowUIUpdates', 'providers[d].options.paths']);
  });
});

(haveMirrors('kumahq/kuma-grafana-datasource') ? test : test.skip)('the Kuma data source reads prometheusDataSourceId (kuma-grafana-datasource v0.1.1 src/types.ts)', () => {
  expect(show('kumahq/kuma-grafana-datasource', 'v0.1.1', 'src/types.ts')).toContain('prometheusDataSourceId?: string;');
});
