// Warnings: advice that must not fail synthesis. Not exported from the package.
//
// cdk8s has no warning channel of its own, so a warning is recorded as construct metadata
// (type WARNING_METADATA, for tests and tools) and printed (console.warn) once, when the app is
// validated during synthesis.
import { IConstruct } from 'constructs';

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
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata.filter((m) => m.type === WARNING_METADATA).map((m) => `${c.node.path}: ${m.data}`));
}
