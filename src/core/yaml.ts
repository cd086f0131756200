// YAML rendering shared by the library. Not exported from the package.
import { Yaml } from 'cdk8s';

/**
 * Renders one YAML document the way cdk8s writes the manifests it is stored in: no line folding,
 * and YAML 1.1 quoting, so a string such as `on`, `yes` or `0775` stays a quoted string for
 * YAML 1.1 readers (Prometheus and Alertmanager read their files with go-yaml v2).
 *
 * The document is copied first, as JSON: an undefined field is left out, and an object used
 * twice is written twice instead of as a YAML anchor and alias.
 *
 * Rendering with the `yaml` package cdk8s bundles, instead of a second copy, means synthesis
 * loads and warms one YAML implementation, not two.
 */
export function toYaml(doc: object): string {
  return Yaml.stringify(JSON.parse(JSON.stringify(doc)));
}
