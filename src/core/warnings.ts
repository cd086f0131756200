// Warnings: advice that must not fail synthesis. Only `Warnings` is exported from the package.
//
// cdk8s has no warning channel of its own, so a warning is recorded as construct metadata
// (type WARNING_METADATA, for tests and tools) and printed (console.warn) once, when the app is
// validated during synthesis.
import { IConstruct } from 'constructs';
import { fail, requireProp } from './checks';

/** The construct metadata type under which warnings are recorded. */
export const WARNING_METADATA = 'cdk8s-prometheus-monitoring:warning';

/** Records a warning on a construct (once per message) and prints it when the app is synthesized. */
export function addWarning(scope: IConstruct, message: string): void {
  if (scope.node.metadata.some((m) => m.type === WARNING_METADATA && m.data === message)) return;
  scope.node.addMetadata(WARNING_METADATA, message);
  let printed = false;
  scope.node.addValidation({
    validate: () => {
      if (!printed) console.warn(`[WARNING] ${scope.node.path}: ${message}`);
      printed = true;
      return [];
    },
  });
}

/** The warnings recorded on a construct and its children. */
export function warningsOf(scope: IConstruct): string[] {
  return Warnings.of(scope);
}

/**
 * The warnings of the library's constructs: advice that does not fail synthesis, such as a
 * Prometheus published on the nodes without authentication.
 *
 * Each warning is printed once during synthesis (`[WARNING] <path>: <message>` on stderr) and
 * recorded in the construct tree, as metadata of type `cdk8s-prometheus-monitoring:warning` on
 * the construct it is about, where a test or a pipeline reads it with `Warnings.of(app)`.
 */
export class Warnings {
  /** The construct metadata type of a warning. */
  public static readonly METADATA_TYPE = WARNING_METADATA;

  /**
   * The warnings recorded on `scope` and every construct below it, as `<construct path>: <message>`,
   * in the order of the tree. Warnings that depend on the whole app (such as an unused
   * option) are recorded when the app is synthesized, so read them after `app.synth()`.
   */
  public static of(scope: IConstruct): string[] {
    const fix = 'Pass the App, a Chart or any construct in them';
    if (typeof requireProp('Warnings.of', 'scope', scope, fix).node?.findAll !== 'function') {
      fail('Warnings.of', 'scope', 'must be a construct', scope, fix);
    }
    return scope.node.findAll().flatMap((c) =>
      c.node.metadata.filter((m) => m.type === WARNING_METADATA).map((m) => `${c.node.path}: ${m.data}`));
  }

  private constructor() {}
}
