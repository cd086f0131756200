// What a stack's configuration must satisfy once every job, rule group and remote write is
// added: what agent mode refuses, what sharding needs, and the size of each ConfigMap. Not exported.
import type { PrometheusStack } from './prometheus-stack';
import { PrometheusMode } from './stack-props';
import { problem } from '../core/checks';
import { addWarning } from '../core/warnings';

/** The most bytes the API server stores in a ConfigMap's data (k8s.io/api core/v1 types.go `MaxSecretSize`). */
const MAX_CONFIGMAP_BYTES = 1024 * 1024;
/** The most bytes of annotations an object may have (k8s.io/apimachinery `TotalAnnotationSizeLimitB`), client-side apply's limit. */
const CLIENT_SIDE_APPLY_BYTES = 256 * 1024;

/** What agent mode refuses, and the advice for shards. */
export function modeProblems(scope: PrometheusStack): string[] {
  const path = scope.node.path;
  if (scope.mode === PrometheusMode.AGENT) {
    const problems: string[] = [];
    const fix = 'An agent scrapes and remote-writes only: evaluate rules and send alerts where the samples go (Mimir or Thanos ruler), or use PrometheusMode.SERVER';
    const groups = scope.config.ruleGroups.map((g) => g.name);
    if (groups.length > 0) problems.push(problem(path, 'ruleGroups', 'must be empty in agent mode (Prometheus refuses rule_files)', groups, fix));
    if (scope.config._hasAlertmanagers()) {
      problems.push(problem(path, 'alertmanagers', 'must be empty in agent mode (Prometheus refuses alerting)', 'an Alertmanager endpoint', fix));
    }
    if (scope.config.remoteWrites.length === 0) {
      problems.push(problem(path, 'remoteWrites', 'must name at least one remote write in agent mode (an agent only forwards)', [],
        'Add a RemoteWrite to Mimir, Cortex, Thanos Receive or a Prometheus with the remote-write receiver'));
    }
    return problems;
  }
  if (scope.shards > 1 && scope.config.remoteWrites.length === 0) {
    addWarning(scope, `the ${scope.shards} shards have no remote write: each holds part of the series, and no query sees them all. `
      + 'Remote-write to Mimir, Cortex or Thanos Receive and query there.');
  }
  if (scope.shards > 1 && scope.config.ruleGroups.length > 0) {
    addWarning(scope, `each of the ${scope.shards} shards evaluates every rule group over its own targets only: a rule that aggregates `
      + 'across targets (sum, count, absent) sees part of the data. Evaluate such rules where the shards remote-write to (Mimir or Thanos ruler).');
  }
  return [];
}

/**
 * A ConfigMap whose data exceeds what the API server stores (k8s.io/api core/v1 types.go
 * `MaxSecretSize`, 1 MiB, which `ValidateConfigMap` applies to the sum of its values) fails with
 * the size of each file and the way out; over 256 KiB, a warning about client-side apply, whose
 * last-applied-configuration annotation cannot hold it (apimachinery `TotalAnnotationSizeLimitB`).
 */
export function configMapSizeProblems(scope: PrometheusStack, render: (shard: number) => { [file: string]: string }): string[] {
  // An empty rule group cannot be rendered; its own validation reports it.
  if (scope.config.ruleGroups.some((g) => g.rules.length === 0)) return [];
  const problems: string[] = [];
  for (let shard = 0; shard < scope.shards; shard++) {
    const files = render(shard);
    const sizes = Object.entries(files).map(([name, text]) => ({ name, bytes: Buffer.byteLength(text, 'utf8') }));
    const total = sizes.reduce((sum, f) => sum + f.bytes, 0);
    const listing = sizes.map((f) => `${f.name} ${f.bytes} bytes`).join(', ');
    const configMap = `ConfigMap '${scope.shardConfigMapNames[shard]}'`;
    if (total > MAX_CONFIGMAP_BYTES) {
      const config = sizes.find((f) => f.name === 'prometheus.yml')!.bytes;
      const fix = config > total - config
        ? 'prometheus.yml is most of it: use fewer, discovery-based jobs (one kubernetes_sd job that keeps the annotated pods, '
          + 'as AppServiceMonitor and prometheusAnnotations do, instead of one job per app), and shorter externalLabels'
        : 'The rules are most of it: evaluate rule groups where the samples are remote-written (Mimir or Thanos ruler), or '
          + 'spread them over several stacks';
      problems.push(problem(scope.node.path, 'config', `must fit in a ConfigMap (at most ${MAX_CONFIGMAP_BYTES} bytes, or the API server `
        + `refuses it as "Too long"); ${configMap} has ${listing}`, `${total} bytes`, fix));
    } else if (Buffer.byteLength(JSON.stringify(files), 'utf8') > CLIENT_SIDE_APPLY_BYTES) {
      // The annotation holds the object as JSON, where every newline takes two bytes.
      addWarning(scope, `${configMap} holds ${total} bytes (${listing}): \`kubectl apply\` without --server-side copies it into the `
        + `last-applied-configuration annotation, which holds at most ${CLIENT_SIDE_APPLY_BYTES} bytes. Apply with \`kubectl apply --server-side\` `
        + '(or Argo CD / Flux server-side apply)');
    }
  }
  return problems;
}
