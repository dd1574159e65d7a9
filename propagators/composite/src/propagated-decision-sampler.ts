import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { getB3SamplingOverride, isB3Debug } from '@polytrace/propagator-b3';
import { getJaegerDebugId } from '@polytrace/propagator-jaeger';
import { getDatadogState, setDatadogState } from '@polytrace/propagator-datadog';

/** Datadog's USER_KEEP: a decision forced from outside the sampler. */
const USER_KEEP = 2;

/** Span attribute the Zipkin exporter turns into `debug: true` (Brave's "force sampled and keep"). */
export const ZIPKIN_DEBUG_ATTRIBUTE = 'zipkin.debug';
/** jaeger-client tags the root it forced with the header's value, so the trace can be found by it. */
export const JAEGER_DEBUG_ID_ATTRIBUTE = 'jaeger-debug-id';

/**
 * Wraps any sampler so that decisions OTel's one sampled bit cannot express still reach it from the headers:
 * - B3 "defer" (ids without a decision): the wrapped sampler decides as for a root — a plain parent-based sampler
 *   would read the unset bit as "deny", which is what @opentelemetry/propagator-b3 users get;
 * - a B3 sampling-only header (`b3: 0|1|d`, no ids): followed for the new root;
 * - B3 debug: sampled, and every span of the trace tagged `zipkin.debug` so Zipkin keeps it;
 * - `jaeger-debug-id` without `uber-trace-id`: the root is sampled and tagged with the id, as jaeger-client does.
 * Anything else goes to the wrapped sampler unchanged, so its traceState (Datadog priority) is kept.
 */
export class PropagatedDecisionSampler implements Sampler {
  constructor(private readonly inner: Sampler) {}

  shouldSample(ctx: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const override = getB3SamplingOverride(ctx);
    if (override === 'defer') {
      // Hide the undecided remote parent from the wrapped sampler only; the span keeps its parent.
      return this.inner.shouldSample(trace.deleteSpan(ctx), traceId, name, kind, attributes, links);
    }
    if (override === 'deny') return { decision: SamplingDecision.NOT_RECORD };
    if (override === 'accept') return this.keep(ctx, traceId, name, kind, attributes, links, undefined);
    if (override === 'debug' || isB3Debug(ctx)) {
      return this.keep(ctx, traceId, name, kind, attributes, links, { [ZIPKIN_DEBUG_ATTRIBUTE]: true });
    }
    const jaegerDebugId = getJaegerDebugId(ctx);
    if (jaegerDebugId !== undefined) {
      return this.keep(ctx, traceId, name, kind, attributes, links, { [JAEGER_DEBUG_ID_ATTRIBUTE]: jaegerDebugId });
    }
    return this.inner.shouldSample(ctx, traceId, name, kind, attributes, links);
  }

  /**
   * A decision forced from the headers: sampled whatever the wrapped sampler says, but built on its result so its
   * attributes and traceState survive — with a Datadog priority raised to USER_KEEP so the agent agrees.
   */
  private keep(ctx: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[], extra: Attributes | undefined): SamplingResult {
    const inner = this.inner.shouldSample(ctx, traceId, name, kind, attributes, links);
    let traceState = inner.traceState;
    if (traceState !== undefined && traceState.get('dd') !== undefined) {
      const state = getDatadogState(traceState);
      if ((state.priority ?? 0) <= 0) traceState = setDatadogState(traceState, { ...state, priority: USER_KEEP });
    }
    return {
      decision: SamplingDecision.RECORD_AND_SAMPLED,
      attributes: extra === undefined ? inner.attributes : { ...inner.attributes, ...extra },
      traceState,
    };
  }

  toString(): string {
    return `PropagatedDecisionSampler{${this.inner.toString()}}`;
  }
}
