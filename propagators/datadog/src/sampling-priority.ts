import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { getDatadogState } from './datadog-state';
import { reconcilePriority, type ResolvedDatadogState } from './priority-reconcile';

export { reconcilePriority, type ResolvedDatadogState } from './priority-reconcile';

/** The Datadog state of a span context with a definite priority consistent with its sampled flag. */
export function resolveDatadogState(spanContext: SpanContext): ResolvedDatadogState {
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  return reconcilePriority(getDatadogState(spanContext.traceState), sampled);
}
