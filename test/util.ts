// Synthesizes a chart and runs every output through the real validators: the Kubernetes
// schemas (strict), promtool for each prometheus.yml and rule file. Tests of every construct use it.
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { checkConfig, findObjects, validateManifests } from './harness';

export interface Synthesized {
  /** Every object of the chart, in output order. */
  readonly objects: any[];
  /** The parsed prometheus.yml of each ConfigMap that has one, by ConfigMap name. */
  readonly prometheusConfigs: { [configMap: string]: any };
}

/** Synthesizes the chart, validates every object and checks each prometheus.yml and rule file with promtool. */
export function synthAndCheck(chart: Chart): Synthesized {
  const objects = Testing.synth(chart);
  validateManifests(objects);
  const prometheusConfigs: { [configMap: string]: any } = {};
  for (const cm of findObjects(objects, 'ConfigMap')) {
    const data: { [file: string]: string } = cm.data ?? {};
    if (data['prometheus.yml'] === undefined) continue;
    const config = YAML.parse(data['prometheus.yml']);
    const rulesYaml: { [file: string]: string } = {};
    for (const file of config.rule_files ?? []) {
      expect(data).toHaveProperty([file]);
      rulesYaml[file] = data[file];
    }
    checkConfig(data['prometheus.yml'], { rulesYaml });
    prometheusConfigs[cm.metadata.name] = config;
  }
  return { objects, prometheusConfigs };
}

/** The single prometheus.yml of a synthesized chart. */
export function onlyConfig(s: Synthesized): any {
  const configs = Object.values(s.prometheusConfigs);
  expect(configs).toHaveLength(1);
  return configs[0];
}

/** A scrape job of a parsed prometheus.yml, by name. */
export function jobNamed(config: any, name: string): any {
  const job = (config.scrape_configs ?? []).find((j: any) => j.job_name === name);
  if (!job) throw new Error(`no scrape job '${name}'; jobs: ${(config.scrape_configs ?? []).map((j: any) => j.job_name).join(', ')}`);
  return job;
}

export function newChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** Asserts that fn throws and that the message contains every fragment. */
export function expectError(fn: () => unknown, ...fragments: string[]): void {
  let message: string | undefined;
  try {
    fn();
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toBeDefined();
  for (const f of fragments) expect(message).toContain(f);
}
