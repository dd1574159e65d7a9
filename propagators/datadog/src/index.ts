export { DatadogPropagator, DATADOG_HEADERS } from './datadog-propagator';
export type { DatadogPropagatorConfig } from './datadog-propagator';
export { getDatadogState, peekDatadogState, setDatadogState } from './datadog-state';
export type { DatadogState } from './datadog-state';
export { reconcilePriority, resolveDatadogState } from './sampling-priority';
export type { ResolvedDatadogState } from './sampling-priority';
export { TraceContextPropagator, TRACEPARENT_HEADER, TRACESTATE_HEADER } from './tracecontext-propagator';
export type { TraceContextPropagatorConfig } from './tracecontext-propagator';
