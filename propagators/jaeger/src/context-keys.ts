import { createContextKey, trace, TraceFlags, type Context } from '@opentelemetry/api';

/**
 * Jaeger's debug flag (0x02 in `uber-trace-id`). Value: the 32-hex trace id it belongs to, so every descendant
 * context of that trace re-injects flags `03` and an unrelated trace started from the same context does not; or
 * `true` for whatever trace is current (set with `jaeger-debug-id`, whose trace id is not known yet).
 */
export const JAEGER_DEBUG_FLAG_KEY = createContextKey('polytrace.jaeger.debug');

/**
 * `jaeger-debug-id` received without an `uber-trace-id`: jaeger-client forces the next root span to sampled +
 * debug and tags it `jaeger-debug-id=<value>` so it can be found in the UI. Value: the header value.
 */
export const JAEGER_DEBUG_ID_KEY = createContextKey('polytrace.jaeger.debug-id');

/**
 * The `jaeger-debug-id` a sampler should honour for a span whose parent context is `ctx`: defined only when there
 * is no parent span (the new span is a root). A sampler returns RECORD_AND_SAMPLED with the attribute
 * `jaeger-debug-id` set to this value.
 */
export function getJaegerDebugId(ctx: Context): string | undefined {
  // The key is almost never set: look it up before the (costlier) parent span lookup.
  const id = ctx.getValue(JAEGER_DEBUG_ID_KEY);
  if (typeof id !== 'string' || trace.getSpanContext(ctx) !== undefined) return undefined;
  return id;
}

/** True when the sampled trace in `ctx` carries Jaeger's debug flag (from flags 0x02 or a `jaeger-debug-id`). */
export function isJaegerDebug(ctx: Context): boolean {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return false;
  return hasDebugFlag(ctx, spanContext.traceId);
}

/** The debug key of `ctx` applies to trace `traceId` (the caller has checked that the trace is sampled). */
export function hasDebugFlag(ctx: Context, traceId: string): boolean {
  const flag = ctx.getValue(JAEGER_DEBUG_FLAG_KEY);
  return flag !== undefined && (flag === true || flag === traceId);
}
