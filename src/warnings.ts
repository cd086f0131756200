// Warnings: advice that must not fail synthesis. Not exported from the package.
//
// cdk8s has no warning channel of its own, so a warning is recorded as construct metadata
// (type WARNING_METADATA, for tests and tools) and printed to stderr once, when the app is
// validated during synthesis.
import { IConstruct } from 'constructs';

/** The construct metadata type under which warnings are recorded. */
export const WARNING_METADATA = 'cdk8s-prometheus-monitoring:warning';

/** Records a warning on a construct and prints it when the app is synthesized. */
export function addWarning(scope: IConstruct, message: string): void {
  scope.node.addMetadata(WARNING_METADATA, message);
  scope.node.addValidation({
    validate: () => {
      process.stderr.write(`[WARNING] ${scope.node.path}: ${message}\n`);
      return [];
    },
  });
}

/** The warnings recorded on a construct and its children. */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata.filter((m) => m.type === WARNING_METADATA).map((m) => `${c.node.path}: ${m.data}`));
}
