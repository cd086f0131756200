// The `stack` prop of the integrations. Not exported.
import { PrometheusStack } from './prometheus-stack';
import { checkInstance, requireProp } from '../core/checks';

const STACK_FIX = 'Pass the PrometheusStack object (new PrometheusStack(chart, \'prometheus\'))';

/** A `stack` prop that must be given. */
export function requireStack(where: string, prop: string, stack: PrometheusStack): PrometheusStack {
  return checkInstance(where, prop, requireProp(where, prop, stack, STACK_FIX), PrometheusStack, STACK_FIX);
}

/** A `stack` prop that may be left out. */
export function checkStack<T extends PrometheusStack | undefined>(where: string, prop: string, stack: T): T {
  return checkInstance(where, prop, stack, PrometheusStack, STACK_FIX);
}
