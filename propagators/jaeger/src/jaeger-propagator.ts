import {
  propagation,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import { BaggageCollector, BaggageHeaderMemo } from './baggage-headers';
import * as contextKeys from './context-keys';
import { HeaderBaggage } from './header-baggage';
import * as headerReader from './header-reader';
import * as uberTraceId from './uber-trace-id';
import type { UberTraceId } from './uber-trace-id';
import { WireIdMemo } from '@polytrace/propagator-ids';

// Bound once: these run per request (see CONTRIBUTING.md, Benchmarks).
const { isTracingSuppressed } = core;
const { hasDebugFlag, JAEGER_DEBUG_FLAG_KEY, JAEGER_DEBUG_ID_KEY } = contextKeys;
const { carrierKeys, equalsIgnoreCase, safeDecode, startsWithIgnoreCase, usableValue } = headerReader;
const { parseUberTraceId } = uberTraceId;

export const UBER_TRACE_ID_HEADER = 'uber-trace-id';
export const UBER_BAGGAGE_HEADER_PREFIX = 'uberctx-';
export const JAEGER_DEBUG_ID_HEADER = 'jaeger-debug-id';
export const JAEGER_BAGGAGE_HEADER = 'jaeger-baggage';

export interface JaegerPropagatorConfig {
  /** Header carrying the trace context. Default `uber-trace-id` (jaeger-client's `contextKey`). */
  readonly traceHeader?: string;
  /** Prefix of baggage headers, including the dash. Default `uberctx-`. */
  readonly baggagePrefix?: string;
  /** Write a trace id whose high 64 bits are zero as 16 hex, the form 64-bit Jaeger tracers send. Default true. */
  readonly compact64BitTraceIds?: boolean;
}

/** Longest useful `uber-trace-id`: 32+16+16+2 hex, 3 colons (as `%3A` when URL-encoded), some OWS. */
const MAX_TRACE_HEADER_LENGTH = 128;
const MAX_DEBUG_ID_LENGTH = 256;
// `:<parent>:<flags>` after `trace:span`, as @opentelemetry/propagator-jaeger writes them (parent 0, two-digit flags).
const UNSAMPLED_SUFFIX = ':0:00';
const SAMPLED_SUFFIX = ':0:01';
const DEBUG_SUFFIX = ':0:03';

/**
 * Jaeger propagation (specs/jaeger.md §5): `uber-trace-id` with the sampled and debug flags, `uberctx-*` baggage
 * (URL-encoded, case-insensitive) to and from OTel baggage, `jaeger-baggage`, and `jaeger-debug-id`.
 * Extraction never throws; an invalid trace header still lets baggage through.
 */
export class JaegerPropagator implements TextMapPropagator {
  private readonly traceHeader: string;
  private readonly baggagePrefix: string;
  private readonly prefixFirst: number;
  private readonly traceHeaderFirst: number;
  private readonly ids: WireIdMemo;
  private readonly baggageHeaders: BaggageHeaderMemo;

  constructor(config: JaegerPropagatorConfig = {}) {
    this.traceHeader = (config.traceHeader ?? UBER_TRACE_ID_HEADER).toLowerCase();
    this.baggagePrefix = (config.baggagePrefix ?? UBER_BAGGAGE_HEADER_PREFIX).toLowerCase();
    this.ids = new WireIdMemo(config.compact64BitTraceIds ?? true, ':');
    this.baggageHeaders = new BaggageHeaderMemo(this.baggagePrefix);
    this.prefixFirst = this.baggagePrefix.charCodeAt(0) | 0x20;
    this.traceHeaderFirst = this.traceHeader.charCodeAt(0) | 0x20;
  }

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(ctx)) return;
    const spanContext = trace.getSpanContext(ctx);
    if (spanContext !== undefined && this.ids.load(spanContext.traceId, spanContext.spanId)) {
      const ids = this.ids;
      const value = (spanContext.traceFlags & TraceFlags.SAMPLED) === 0
        ? ids.withSuffix(0, UNSAMPLED_SUFFIX)
        : (hasDebugFlag(ctx, spanContext.traceId) ? ids.withSuffix(2, DEBUG_SUFFIX) : ids.withSuffix(1, SAMPLED_SUFFIX));
      setter.set(carrier, this.traceHeader, value);
    }
    const baggage = propagation.getBaggage(ctx);
    if (baggage !== undefined) {
      const headers = this.baggageHeaders.of(baggage);
      for (let i = 0; i < headers.length; i += 2) setter.set(carrier, headers[i], headers[i + 1]);
    }
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    try {
      return this.extractOrThrow(ctx, carrier, getter);
    } catch {
      return ctx; // a getter or carrier that throws yields no context, never an exception
    }
  }

  fields(): string[] {
    return [this.traceHeader];
  }

  private extractOrThrow(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    let traceRaw: unknown = getter.get(carrier, this.traceHeader);
    let debugIdRaw: unknown;
    let jaegerBaggageRaw: unknown;
    let baggage: BaggageCollector | undefined; // most requests carry no baggage: allocate only when needed
    // One pass over the keys finds baggage, the optional headers, and a trace header in another case.
    const prefix = this.baggagePrefix;
    const keys = carrierKeys(getter, carrier);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (typeof key !== 'string' || key.length === 0) continue;
      // Cheap first-letter filter: most request headers (host, accept, …) can be skipped without a comparison.
      const first = key.charCodeAt(0) | 0x20;
      if (first !== this.prefixFirst && first !== 0x6a /* j */ && first !== this.traceHeaderFirst) continue;
      if (key.length > prefix.length && startsWithIgnoreCase(key, prefix)) {
        (baggage ??= new BaggageCollector()).addPrefixed(key.slice(prefix.length), getter.get(carrier, key));
      } else if (equalsIgnoreCase(key, JAEGER_DEBUG_ID_HEADER)) {
        debugIdRaw = getter.get(carrier, key);
      } else if (equalsIgnoreCase(key, JAEGER_BAGGAGE_HEADER)) {
        jaegerBaggageRaw = getter.get(carrier, key);
      } else if (traceRaw === undefined && equalsIgnoreCase(key, this.traceHeader)) {
        traceRaw = getter.get(carrier, key);
      }
    }

    let result = ctx;
    const parsed = parseTraceHeader(traceRaw);
    if (parsed !== undefined) {
      result = trace.setSpanContext(result, {
        traceId: parsed.traceId,
        spanId: parsed.spanId,
        traceFlags: parsed.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
        isRemote: true,
      });
      if (parsed.debug) result = result.setValue(JAEGER_DEBUG_FLAG_KEY, parsed.traceId);
    } else {
      const debugId = usableValue(debugIdRaw, MAX_DEBUG_ID_LENGTH);
      if (debugId !== undefined && debugId.length > 0) {
        // The root this forces is debug, and so is every span of its trace: `true` marks whatever trace is current.
        result = result.setValue(JAEGER_DEBUG_ID_KEY, debugId).setValue(JAEGER_DEBUG_FLAG_KEY, true);
      }
    }
    if (jaegerBaggageRaw !== undefined) (baggage ??= new BaggageCollector()).addJaegerBaggage(jaegerBaggageRaw);
    const entries = baggage?.result();
    if (entries === undefined) return result;
    const existing = propagation.getBaggage(result);
    if (existing === undefined) return propagation.setBaggage(result, new HeaderBaggage(entries));
    let merged = existing;
    for (const [key, value] of entries) merged = merged.setEntry(key, { value });
    return propagation.setBaggage(result, merged);
  }
}

function parseTraceHeader(raw: unknown): UberTraceId | undefined {
  const value = usableValue(raw, MAX_TRACE_HEADER_LENGTH);
  if (value === undefined) return undefined;
  // jaeger-client never encodes it, but proxies and OTel users send `%3A`.
  const decoded = safeDecode(value);
  return decoded === undefined ? undefined : parseUberTraceId(decoded);
}
