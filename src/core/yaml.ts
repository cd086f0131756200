// YAML rendering shared by the library. Not exported from the package.
import type * as Yaml from 'yaml';

let yaml: typeof Yaml | undefined;

/**
 * Renders one YAML document: no line folding, no anchors. The `yaml` package is loaded on
 * first use, which keeps loading the library cheap.
 */
export function toYaml(doc: object): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yaml ??= require('yaml') as typeof Yaml;
  return yaml.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}
