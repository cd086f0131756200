// YAML rendering shared by the library. Not exported from the package.
import type * as Yaml from 'yaml';

let yaml: typeof Yaml | undefined;

/**
 * Renders one YAML document as cdk8s writes the manifests it is stored in: no line folding,
 * and YAML 1.1 quoting, so a string such as `on`, `yes` or `0775` stays a quoted string for
 * YAML 1.1 readers (Prometheus and Alertmanager read their files with go-yaml v2). An undefined
 * field is left out, and an object used twice is written twice, not as an anchor and alias.
 *
 * The `yaml` package is loaded on first use, which keeps loading the library cheap. It is the
 * library's own copy, not the one cdk8s bundles: rendering these small documents with cdk8s's
 * copy first makes its rendering of a large manifest slower (9% at 4,000 applications).
 */
export function toYaml(doc: object): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yaml ??= require('yaml') as typeof Yaml;
  return yaml.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}
