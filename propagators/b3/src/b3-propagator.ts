import {
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import type { B3Extracted, B3SamplingState } from './b3-state';
import * as contextKeys from './context-keys';
import * as headerReader from './header-reader';
import * as multiHeader from './multi-header';
import * as singleHeader from './single-header';
import { WireIdMemo } from '@polytrace/propagator-ids';

// Bound once: these run per request (see CONTRIBUTING.md, Benchmarks).
const { isTracingSuppressed } = core;
const { B3_DEBUG_FLAG_KEY, B3_SAMPLING_DECISION_KEY, B3_SAMPLING_DEFERRED, getB3SamplingOverride } = contextKeys;
const { B3HeaderReader } = headerReader;
const { parseB3Multi } = multiHeader;
const { parseB3Single } = singleHeader;

export type B3InjectEncoding = 'single' | 'multi' | 'both';
export type B3ExtractEncoding = 'single' | 'multi' | 'both';

export interface B3PropagatorConfig {
  /** Which headers inject writes. Default `'both'`: zipkin-js reads only the multi headers. */
  readonly injectEncoding?: B3InjectEncoding;
  /**
   * Which headers extract reads. Default `'both'`: the single header first, the multi headers when it is absent or
   * malformed. A composite that treats `b3` and `b3multi` as separate styles (dd-trace) can restrict each.
   */
  readonly extractEncoding?: B3ExtractEncoding;
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
  private readonly readSingle: boolean;
  private readonly readMulti: boolean;
  private readonly fieldNames: string[];
  private readonly ids: WireIdMemo;

  constructor(config: B3PropagatorConfig = {}) {
    const encoding = config.injectEncoding ?? 'both';
    this.writeSingle = encoding !== 'multi';
    this.writeMulti = encoding !== 'single';
    this.ids = new WireIdMemo(config.compact64BitTraceIds ?? true, '-');
    const extractEncoding = config.extractEncoding ?? 'both';
    this.readSingle = extractEncoding !== 'multi';
    this.readMulti = extractEncoding !== 'single';
    this.fieldNames = [...(this.writeSingle ? SINGLE_FIELDS : []), ...(this.writeMulti ? MULTI_FIELDS : [])];
  }

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(ctx)) return;
    const spanContext = trace.getSpanContext(ctx);
    if (spanContext === undefined) {
      this.injectSamplingOnly(ctx, carrier, setter);
      return;
    }
    const ids = this.ids;
    if (!ids.load(spanContext.traceId, spanContext.spanId)) return;
    const state = samplingStateOf(ctx, spanContext);

    if (this.writeSingle) {
      setter.set(carrier, B3_SINGLE_HEADER, state === 'defer' ? ids.joined() : ids.withSuffix(SINGLE_SLOT[state], SINGLE_SUFFIX[state]));
    }
    if (this.writeMulti) {
      setter.set(carrier, B3_TRACE_ID_HEADER, ids.traceId);
      setter.set(carrier, B3_SPAN_ID_HEADER, ids.spanId);
      // Debug implies accept, so X-B3-Sampled is left out with X-B3-Flags (B3 README).
      if (state === 'debug') setter.set(carrier, B3_FLAGS_HEADER, '1');
      else if (state !== 'defer') setter.set(carrier, B3_SAMPLED_HEADER, state === 'accept' ? '1' : '0');
    }
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    let extracted: B3Extracted | undefined;
    try {
      extracted = extractB3(carrier, getter, this.readSingle, this.readMulti);
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
const SINGLE_SUFFIX: Record<Exclude<B3SamplingState, 'defer'>, string> = { accept: '-1', deny: '-0', debug: '-d' };
const SINGLE_SLOT: Record<Exclude<B3SamplingState, 'defer'>, 0 | 1 | 2> = { accept: 0, deny: 1, debug: 2 };

/** The state to write for `spanContext`, the span context of `ctx` (see context-keys.ts for the key values). */
function samplingStateOf(ctx: Context, spanContext: SpanContext): B3SamplingState {
  if ((spanContext.traceFlags & TraceFlags.SAMPLED) !== 0) {
    const debug = ctx.getValue(B3_DEBUG_FLAG_KEY);
    return debug !== undefined && (debug === true || debug === spanContext.traceId) ? 'debug' : 'accept';
  }
  return ctx.getValue(B3_SAMPLING_DEFERRED) === spanContext.spanId ? 'defer' : 'deny';
}

/** Single takes precedence when it is valid; a malformed or empty `b3` falls back to multi (Brave, R2). */
function extractB3(carrier: unknown, getter: TextMapGetter, readSingle: boolean, readMulti: boolean): B3Extracted | undefined {
  const headers = new B3HeaderReader(getter, carrier);
  if (readSingle) {
    const single = headers.read(B3_SINGLE_HEADER);
    if (typeof single === 'string' && single.length > 0) {
      const parsed = parseB3Single(single);
      if (parsed !== undefined) return parsed;
    }
  }
  if (!readMulti) return undefined;
  return parseB3Multi({
    traceId: headers.read(B3_TRACE_ID_HEADER),
    spanId: headers.read(B3_SPAN_ID_HEADER),
    sampled: headers.read(B3_SAMPLED_HEADER),
    flags: headers.read(B3_FLAGS_HEADER),
  });
}

function applyToContext(ctx: Context, extracted: B3Extracted): Context {
  if (extracted.kind === 'samplingOnly') {
    const withDecision = ctx.setValue(B3_SAMPLING_DECISION_KEY, extracted.sampling);
    // `b3: d` forces the root the sampler will start; `true` makes that root's whole trace debug downstream.
    return extracted.sampling === 'debug' ? withDecision.setValue(B3_DEBUG_FLAG_KEY, true) : withDecision;
  }
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
