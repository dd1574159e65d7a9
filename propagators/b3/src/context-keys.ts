import { createContextKey, trace, TraceFlags, type Context } from '@opentelemetry/api';
import type { B3SamplingState } from './b3-state';

/**
 * Debug flag (`b3: …-d` or `X-B3-Flags: 1`). Value: the 32-hex trace id it belongs to. Keying it by trace id lets
 * the flag ride along to every descendant context of that trace (so each outgoing call re-injects it) without
 * leaking into an unrelated trace started from the same context. Setting it to `true` marks whatever trace is
 * current.
 */
export const B3_DEBUG_FLAG_KEY = createContextKey('polytrace.b3.debug');

/**
 * "Defer": the remote parent sent ids but no sampling decision. Value: the span id of that remote parent. OTel's
 * sampled bit cannot say "undecided" (it reads as "deny", which is what @opentelemetry/propagator-b3 turns it
 * into), so the decision stays open only while that exact span context is the parent; descendants follow the
 * decision the first local span made.
 */
export const B3_SAMPLING_DEFERRED = createContextKey('polytrace.b3.sampling-deferred');

/** A decision that came without ids (`b3: 0`, `X-B3-Sampled: 1`, `X-B3-Flags: 1`): the next root must follow it. */
export const B3_SAMPLING_DECISION_KEY = createContextKey('polytrace.b3.sampling-decision');

/**
 * What a sampler must do differently from plain parent-based sampling for a span whose parent context is `ctx`:
 * - `'defer'`: the parent is a remote B3 context without a decision; decide as for a root span.
 * - `'accept' | 'deny' | 'debug'`: no parent ids, but the caller sent a sampling-only decision; follow it.
 * - `undefined`: nothing B3-specific; the usual parent-based rule applies.
 */
export function getB3SamplingOverride(ctx: Context): B3SamplingState | undefined {
  const parent = trace.getSpanContext(ctx);
  if (parent === undefined) {
    const decision = ctx.getValue(B3_SAMPLING_DECISION_KEY);
    return decision === 'accept' || decision === 'deny' || decision === 'debug' ? decision : undefined;
  }
  const deferred = ctx.getValue(B3_SAMPLING_DEFERRED);
  return deferred === parent.spanId && (parent.traceFlags & TraceFlags.SAMPLED) === 0 ? 'defer' : undefined;
}

/** True when the current trace in `ctx` carries B3's debug flag. */
export function isB3Debug(ctx: Context): boolean {
  const flag = ctx.getValue(B3_DEBUG_FLAG_KEY);
  if (flag === undefined) return false;
  if (flag === true) return true;
  return typeof flag === 'string' && trace.getSpanContext(ctx)?.traceId === flag;
}
