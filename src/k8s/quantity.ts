// Kubernetes quantities. Not exported from the package.
import { Size, SizeRoundingBehavior } from 'cdk8s';

/** A Size as a Kubernetes quantity, in the largest binary unit that keeps it whole. */
export function toQuantity(size: Size): string {
  const units: Array<[string, (s: Size) => number]> = [
    ['Ti', (s) => s.toTebibytes({ rounding: SizeRoundingBehavior.NONE })],
    ['Gi', (s) => s.toGibibytes({ rounding: SizeRoundingBehavior.NONE })],
    ['Mi', (s) => s.toMebibytes({ rounding: SizeRoundingBehavior.NONE })],
    ['Ki', (s) => s.toKibibytes({ rounding: SizeRoundingBehavior.NONE })],
  ];
  for (const [unit, convert] of units) {
    const n = convert(size);
    if (Number.isInteger(n) && n > 0) return `${n}${unit}`;
  }
  return `${size.toKibibytes({ rounding: SizeRoundingBehavior.FLOOR })}Ki`;
}
