import {
  ROOT_CONTEXT,
  TraceFlags,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type SpanContext,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { getDatadogState, setDatadogState, type DatadogState } from '@polytrace/propagator-datadog';

export type Headers = Record<string, string | string[]>;

export function extract(propagator: TextMapPropagator, headers: Headers): { sc?: SpanContext; state: DatadogState } {
  const sc = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
  return { sc, state: getDatadogState(sc?.traceState) };
}

export function inject(propagator: TextMapPropagator, sc: SpanContext): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpanContext(ROOT_CONTEXT, sc), carrier, defaultTextMapSetter);
  return carrier;
}

/** A local (non-remote) span context carrying the given Datadog state. */
export function localContext(traceId: string, spanId: string, state: DatadogState): SpanContext {
  const sampled = state.priority === undefined || state.priority > 0;
  return {
    traceId,
    spanId,
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: false,
    traceState: setDatadogState(undefined, state),
  };
}
