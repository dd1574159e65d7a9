import {
  isSpanContextValid,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { B3Extracted, B3SamplingState } from './b3-state';
import { B3_DEBUG_FLAG_KEY, B3_SAMPLING_DECISION_KEY, B3_SAMPLING_DEFERRED, getB3SamplingOverride, isB3Debug } from './context-keys';
import { readHeader } from './header-reader';
import { ZERO_HIGH_HALF } from './hex';
import { parseB3Multi } from './multi-header';
import { parseB3Single } from './single-header';

export type B3InjectEncoding = 'single' | 'multi' | 'both';

export interface B3PropagatorConfig {
  /** Which headers inject writes. Default `'both'`: zipkin-js reads only the multi headers. */
  readonly injectEncoding?: B3InjectEncoding;
  /**
   * Write a trace id whose high 64 bits are zero as 16 hex (Brave's behaviour), so a 64-bit trace keeps its
   * 64-bit form on the wire. Default true.
   */
  readonly compact64BitTraceIds?: boolean;
}

export const B3_SINGLE_HEADER = 'b3';
export const B3_TRACE_ID_HEADER = 'x-b3-traceid';
export const B3_SPAN_ID_HEADER = 'x-b3-spanid';
export const B3_SAMPLED_HEADER = 'x-b3-sampled';
export const B3_FLAGS_HEADER = 'x-b3-flags';

const SINGLE_FIELDS = [B3_SINGLE_HEADER];
const MULTI_FIELDS = [B3_TRACE_ID_HEADER, B3_SPAN_ID_HEADER, B3_SAMPLED_HEADER, B3_FLAGS_HEADER];

/**
 * Strict B3 propagation (specs/zipkin.md §1.7). Extract reads the single `b3` header first and falls back to the
 * `X-B3-*` headers when it is absent or malformed; it never throws. Inject writes lower-case keys, never a parent
 * id, keeps debug in both encodings and leaves an undecided (deferred) pass-through context undecided.
 */
export class B3Propagator implements TextMapPropagator {
  private readonly writeSingle: boolean;
  private readonly writeMulti: boolean;
  private readonly compact64: boolean;
  private readonly fieldNames: string[];

  constructor(config: B3PropagatorConfig = {}) {
    const encoding = config.injectEncoding ?? 'both';
    this.writeSingle = encoding !== 'multi';
    this.writeMulti = encoding !== 'single';
    this.compact64 = config.compact64BitTraceIds ?? true;
    this.fieldNames = [...(this.writeSingle ? SINGLE_FIELDS : []), ...(this.writeMulti ? MULTI_FIELDS : [])];
  }

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(ctx)) return;
    const spanContext = trace.getSpanContext(ctx);
    if (spanContext === undefined || !isSpanContextValid(spanContext)) {
      this.injectSamplingOnly(ctx, carrier, setter);
      return;
    }
    let traceId = spanContext.traceId.toLowerCase();
    if (this.compact64 && traceId.startsWith(ZERO_HIGH_HALF)) traceId = traceId.slice(16);
    const spanId = spanContext.spanId.toLowerCase();
    const state = samplingStateOf(ctx, (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0);

    if (this.writeSingle) {
      setter.set(carrier, B3_SINGLE_HEADER, state === 'defer' ? `${traceId}-${spanId}` : `${traceId}-${spanId}-${SINGLE_FLAG[state]}`);
    }
    if (this.writeMulti) {
      setter.set(carrier, B3_TRACE_ID_HEADER, traceId);
      setter.set(carrier, B3_SPAN_ID_HEADER, spanId);
      // Debug implies accept, so X-B3-Sampled is left out with X-B3-Flags (B3 README).
      if (state === 'debug') setter.set(carrier, B3_FLAGS_HEADER, '1');
      else if (state !== 'defer') setter.set(carrier, B3_SAMPLED_HEADER, state === 'accept' ? '1' : '0');
    }
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    let extracted: B3Extracted | undefined;
    try {
      extracted = extractB3(carrier, getter);
    } catch {
      return ctx; // a getter or carrier that throws yields no context, never an exception
    }
    return extracted === undefined ? ctx : applyToContext(ctx, extracted);
  }

  fields(): string[] {
    return this.fieldNames.slice();
  }

  /** A context that only carried a decision (e.g. `b3: 0` on /health) passes that decision on unchanged. */
  private injectSamplingOnly(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const decision = getB3SamplingOverride(ctx);
    if (decision === undefined || decision === 'defer') return;
    if (this.writeSingle) setter.set(carrier, B3_SINGLE_HEADER, SINGLE_FLAG[decision]);
    if (this.writeMulti) {
      if (decision === 'debug') setter.set(carrier, B3_FLAGS_HEADER, '1');
      else setter.set(carrier, B3_SAMPLED_HEADER, decision === 'accept' ? '1' : '0');
    }
  }
}

const SINGLE_FLAG: Record<Exclude<B3SamplingState, 'defer'>, string> = { accept: '1', deny: '0', debug: 'd' };

function samplingStateOf(ctx: Context, sampled: boolean): B3SamplingState {
  if (sampled) return isB3Debug(ctx) ? 'debug' : 'accept';
  return getB3SamplingOverride(ctx) === 'defer' ? 'defer' : 'deny';
}

/** Single takes precedence when it is valid; a malformed or empty `b3` falls back to multi (Brave, R2). */
function extractB3(carrier: unknown, getter: TextMapGetter): B3Extracted | undefined {
  const single = readHeader(getter, carrier, B3_SINGLE_HEADER);
  if (typeof single === 'string' && single.length > 0) {
    const parsed = parseB3Single(single);
    if (parsed !== undefined) return parsed;
  }
  return parseB3Multi({
    traceId: readHeader(getter, carrier, B3_TRACE_ID_HEADER),
    spanId: readHeader(getter, carrier, B3_SPAN_ID_HEADER),
    sampled: readHeader(getter, carrier, B3_SAMPLED_HEADER),
    flags: readHeader(getter, carrier, B3_FLAGS_HEADER),
  });
}

function applyToContext(ctx: Context, extracted: B3Extracted): Context {
  if (extracted.kind === 'samplingOnly') return ctx.setValue(B3_SAMPLING_DECISION_KEY, extracted.sampling);
  const { traceId, spanId, sampling } = extracted;
  const sampled = sampling === 'accept' || sampling === 'debug';
  let result = trace.setSpanContext(ctx, {
    traceId,
    spanId,
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
  if (sampling === 'debug') result = result.setValue(B3_DEBUG_FLAG_KEY, traceId);
  else if (sampling === 'defer') result = result.setValue(B3_SAMPLING_DEFERRED, spanId);
  return result;
}
