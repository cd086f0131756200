// The `stack` prop of the integrations. Not exported.
import { PrometheusStack } from './prometheus-stack';
import { checkInstance, fail, requireProp } from '../core/checks';

const STACK_FIX = 'Pass the PrometheusStack object (new PrometheusStack(chart, \'prometheus\'))';

/** A `stack` prop that must be given. */
export function requireStack(where: string, prop: string, stack: PrometheusStack): PrometheusStack {
  return checkInstance(where, prop, requireProp(where, prop, stack, STACK_FIX), PrometheusStack, STACK_FIX);
}

/** A `stack` prop that may be left out. */
export function checkStack<T extends PrometheusStack | undefined>(where: string, prop: string, stack: T): T {
  return checkInstance(where, prop, stack, PrometheusStack, STACK_FIX);
}

/**
 * The `stack` a `bind()` receives: the integration binds to the stack it was given (or, for a
 * Kuma mesh, one it federates into), and only through `stack.addIntegration()`.
 */
export function checkBinding(where: string, stack: PrometheusStack, bound: PrometheusStack[]): PrometheusStack {
  requireStack(where, 'stack', stack);
  if (!bound.includes(stack)) {
    fail(where, 'stack', 'must be the stack the integration was given: the stack calls bind() itself', stack.node.path,
      'Pass the stack as the integration\'s \'stack\' prop instead of calling bind()');
  }
  return stack;
}
