// The grafana.ini settings a Grafana takes as GF_ variables: the sections Grafana knows, the
// settings the construct's own props own, and secrets only as references. Not exported.
import { iniSectionOf, nearestIniKey } from './ini-sections';
import { fail } from '../core/checks';

/** Settings that the construct's own properties own, and which property to use instead. */
const OWNED_SETTINGS: { [key: string]: string } = {
  'security.admin_user': 'adminCredentials',
  'security.admin_password': 'adminCredentials',
  'security.admin_password__file': 'adminCredentials',
  'auth.anonymous.enabled': 'anonymousAccess',
  'auth.anonymous.org_role': 'anonymousAccess',
  'plugins.preinstall': 'plugins',
  'plugins.preinstall_sync': 'plugins',
  'plugins.preinstall_disabled': 'plugins',
  'plugins.allow_loading_unsigned_plugins': 'plugins',
  'paths.provisioning': '(the provisioning ConfigMap)',
  'paths.data': 'storage',
  'server.http_port': '(the container port is 3000; servicePort sets the Service\'s)',
  'log.mode': '(Grafana logs to the console: the root filesystem is read-only)',
  'analytics.reporting_enabled': '(off: no calls home from the cluster)',
  'analytics.check_for_updates': '(off: no calls home from the cluster)',
  'analytics.check_for_plugin_updates': '(off: no calls home from the cluster)',
};

/**
 * grafana.ini settings as GF_ variables; secrets must be references. A section the library does
 * not know fails when it is a near miss of one it knows (a typo: Grafana would ignore the
 * variable), and is passed on with a warning otherwise (a section of a newer Grafana than the list).
 */
export function settingsEnv(where: string, settings: { [key: string]: string }, warn?: (message: string) => void): { [name: string]: string } {
  const env: { [name: string]: string } = {};
  for (const [key, value] of Object.entries(settings)) {
    const prop = `settings.${key}`;
    if (!/^[a-z0-9_]+(\.[a-z0-9_-]+)+$/i.test(key)) {
      fail(where, 'settings', 'keys must be grafana.ini \'section.option\' names, such as server.root_url', key);
    }
    const owner = OWNED_SETTINGS[key.toLowerCase()];
    if (owner === 'adminCredentials') {
      fail(where, prop, 'must not be set: the admin user and password come from a Secret, never a literal', '<redacted>',
        'Use adminCredentials: GrafanaAdminCredentials.fromSecretName(...)');
    }
    if (owner) fail(where, prop, `is set by the construct${owner.startsWith('(') ? ` ${owner}` : `; use ${owner}`}`, value);
    const secretLike = /(password|secret|secret_key|token|api_key)$/i.test(key);
    if (!iniSectionOf(key)) {
      const nearest = nearestIniKey(key);
      if (nearest.distance <= 2) {
        fail(where, prop, `must be in a grafana.ini section Grafana knows: GF_${key.toUpperCase().replace(/[.-]/g, '_')} would be ignored`,
          secretLike ? '<redacted>' : value, `Did you mean '${nearest.key}' (section [${nearest.section}])?`);
      }
      warn?.(`'${prop}' is in a section that grafana.ini (as of the list this library checks against) does not have; `
        + 'Grafana ignores a GF_ variable of an unknown section. Check the section name against your Grafana version');
    }
    if (secretLike && !/^\$__(file|env)\{[^}]+\}$/.test(value)) {
      fail(where, prop, 'must be a reference ($__file{/path} or $__env{VAR}), not the secret itself: it would be written into the manifests',
        '<redacted>', 'Mount the Secret and point at the file, or set the variable from a Secret');
    }
    const name = `GF_${key.toUpperCase().replace(/[.-]/g, '_')}`;
    if (name in env) fail(where, prop, `sets ${name} like another key (keys are not case-sensitive)`, key);
    env[name] = value;
  }
  return env;
}
