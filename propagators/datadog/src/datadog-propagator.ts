import {
  TraceFlags,
  trace,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import { SpanContextValidity } from '@polytrace/propagator-ids';
import * as datadogState from './datadog-state';
import type { DatadogState } from './datadog-state';
import * as datadogTraceState from './datadog-trace-state';
import * as priority from './priority-reconcile';
import * as datadogTags from './datadog-tags';
import * as decimalId from './decimal-id';
import * as headerValues from './header-values';

// Bound once: these run per request (see CONTRIBUTING.md, Benchmarks).
const { isTracingSuppressed } = core;
const { peekDatadogState } = datadogState;
const { DatadogTraceState } = datadogTraceState;
const { reconcilePriority } = priority;
const { DEFAULT_TAGS_MAX_LENGTH, TID_TAG, parseDatadogTags, serializeDatadogTags } = datadogTags;
const { decimalIdToHex, hexIdToDecimal } = decimalId;
const { readJoined, readLast } = headerValues;

export const DATADOG_HEADERS = {
  traceId: 'x-datadog-trace-id',
  parentId: 'x-datadog-parent-id',
  samplingPriority: 'x-datadog-sampling-priority',
  origin: 'x-datadog-origin',
  tags: 'x-datadog-tags',
} as const;

export interface DatadogPropagatorConfig {
  /**
   * Maximum length of `x-datadog-tags`, on extract (longer → all tags dropped) and on inject
   * (longer → header not sent). 0 disables the header. Default 512 (`DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH`).
   */
  tagsMaxLength?: number;
}

const PRIORITY = /^-?[0-9]{1,15}$/;
// Origins are short words (synthetics, rum, lambda…). Printable ASCII only, so that a setter writing
// an HTTP header can never throw, and bounded so that a hostile upstream cannot make us amplify it.
const ORIGIN = /^[\x20-\x7e]{1,256}$/;

function isSendableOrigin(origin: string): boolean {
  return ORIGIN.test(origin);
}

function parsePriority(header: string | undefined): number | undefined {
  switch (header) {
    case undefined:
      return undefined;
    case '1':
      return 1;
    case '0':
      return 0;
    case '2':
      return 2;
    case '-1':
      return -1;
    default: {
      const trimmed = header.trim();
      return PRIORITY.test(trimmed) ? Number(trimmed) : undefined;
    }
  }
}
const ZERO_HIGH = '0000000000000000';

/** Datadog `x-datadog-*` propagation (datadog.md §1.1–1.4). */
export class DatadogPropagator implements TextMapPropagator {
  private readonly tagsMaxLength: number;
  private readonly validity = new SpanContextValidity();

  constructor(config: DatadogPropagatorConfig = {}) {
    const max = config.tagsMaxLength;
    this.tagsMaxLength = max !== undefined && Number.isFinite(max) && max >= 0 ? Math.floor(max) : DEFAULT_TAGS_MAX_LENGTH;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (!spanContext || !this.validity.isValid(spanContext) || isTracingSuppressed(context)) return;
    this.injectSpanContext(spanContext, carrier, setter);
  }

  /** Writes the headers for a span context the caller already checked is valid and not suppressed. */
  injectSpanContext(spanContext: SpanContext, carrier: unknown, setter: TextMapSetter): void {
    const pieces = piecesFor(spanContext);
    const traceId = spanContext.traceId;
    setter.set(carrier, DATADOG_HEADERS.traceId, lowTraceIdToDecimal(traceId));
    setter.set(carrier, DATADOG_HEADERS.parentId, spanIdToDecimal(spanContext.spanId));
    setter.set(carrier, DATADOG_HEADERS.samplingPriority, pieces.priority);
    if (pieces.origin !== undefined) setter.set(carrier, DATADOG_HEADERS.origin, pieces.origin);
    if (pieces.tags === null || this.tagsMaxLength === 0) return; // one invalid tag: no header at all
    const tags = tagsHeader(pieces, traceId);
    if (tags !== '' && tags.length <= this.tagsMaxLength) setter.set(carrier, DATADOG_HEADERS.tags, tags);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const spanContext = this.extractSpanContext(carrier, getter);
    return spanContext ? trace.setSpanContext(context, spanContext) : context;
  }

  /** The remote span context the headers describe, or `undefined` when they are absent or invalid. */
  extractSpanContext(carrier: unknown, getter: TextMapGetter): SpanContext | undefined {
    const traceIdHeader = readLast(getter, carrier, DATADOG_HEADERS.traceId);
    if (traceIdHeader === undefined) return undefined;
    const low = decimalIdToHex(traceIdHeader.trim());
    if (low === undefined) return undefined;
    const parentHeader = readLast(getter, carrier, DATADOG_HEADERS.parentId);
    const spanId = parentHeader === undefined ? undefined : decimalIdToHex(parentHeader.trim());
    if (spanId === undefined) return undefined;

    const priority = parsePriority(readLast(getter, carrier, DATADOG_HEADERS.samplingPriority));
    const originHeader = readLast(getter, carrier, DATADOG_HEADERS.origin);
    const origin = originHeader !== undefined && isSendableOrigin(originHeader) ? originHeader : undefined;
    const parsed = parseDatadogTags(readJoined(getter, carrier, DATADOG_HEADERS.tags, this.tagsMaxLength), this.tagsMaxLength);
    // One object shape whatever is present (absent fields are undefined, as DatadogState allows).
    const state: DatadogState = { priority, origin, tags: parsed === undefined ? {} : parsed.tags, parentId: undefined };

    // No priority means "undecided": we mark it sampled so a parent-based sampler keeps it, as
    // dd-trace-js's default sampler would; the missing `s:` tells a Datadog-aware sampler to decide.
    const sampled = state.priority === undefined || state.priority > 0;
    return {
      traceId: (parsed?.tid ?? ZERO_HIGH) + low,
      spanId,
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true,
      // The exact header values stay in the state; the `dd` member is their W3C-safe form.
      traceState: DatadogTraceState.fromState(state),
    };
  }

  fields(): string[] {
    return Object.values(DATADOG_HEADERS);
  }
}

/** Header values that depend only on the trace's Datadog state and sampled bit, memoised per tracestate. */
interface DatadogPieces {
  priority: string;
  origin?: string;
  /** Serialised `_dd.p.*` tags without `_dd.p.tid` (`''` for none), or `null` when one is invalid. */
  tags: string | null;
  /** The last full header built from `tags`, and the trace id it was built for. */
  lastTraceId?: string;
  lastHeader?: string;
}

/** `_dd.p.tid` (from the trace id's upper half, when non-zero) followed by the other tags. */
function tagsHeader(pieces: DatadogPieces, traceId: string): string {
  if (pieces.lastTraceId === traceId) return pieces.lastHeader as string;
  const high = traceId.slice(0, 16);
  const tags = pieces.tags ?? '';
  let header = tags;
  if (high !== ZERO_HIGH) header = tags === '' ? `${TID_TAG}=${high}` : `${TID_TAG}=${high},${tags}`;
  pieces.lastTraceId = traceId;
  pieces.lastHeader = header;
  return header;
}

function piecesFor(spanContext: SpanContext): DatadogPieces {
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  const traceState = spanContext.traceState;
  const memo = traceState instanceof DatadogTraceState ? traceState.injectMemo : undefined;
  const cached = (sampled ? memo?.ddSampled : memo?.ddUnsampled) as DatadogPieces | undefined;
  if (cached !== undefined) return cached;
  const state = reconcilePriority(peekDatadogState(traceState), sampled);
  const tags = serializeDatadogTags(state.tags, undefined, Number.MAX_SAFE_INTEGER);
  const pieces: DatadogPieces = {
    priority: String(state.priority),
    origin: state.origin !== undefined && isSendableOrigin(state.origin) ? state.origin : undefined,
    tags: tags === undefined ? (hasPropagatedTags(state.tags) ? null : '') : tags,
  };
  if (memo !== undefined) {
    if (sampled) memo.ddSampled = pieces;
    else memo.ddUnsampled = pieces;
  }
  return pieces;
}

function hasPropagatedTags(tags: Record<string, string>): boolean {
  for (const key in tags) if (key.startsWith('_dd.p.') && key !== TID_TAG && tags[key] !== '') return true;
  return false;
}

// Every span of a trace shares the trace id: remember the last conversion.
let lastTraceId = '';
let lastTraceIdDecimal = '';

// Like dd-trace's Identifier, which caches its decimal string: a span injected into several carriers
// (retries, fan-out through one client span) converts once.
let lastSpanId = '';
let lastSpanIdDecimal = '';

function spanIdToDecimal(spanId: string): string {
  if (spanId !== lastSpanId) {
    lastSpanIdDecimal = hexIdToDecimal(spanId);
    lastSpanId = spanId;
  }
  return lastSpanIdDecimal;
}

function lowTraceIdToDecimal(traceId: string): string {
  if (traceId !== lastTraceId) {
    lastTraceIdDecimal = hexIdToDecimal(traceId.slice(16));
    lastTraceId = traceId;
  }
  return lastTraceIdDecimal;
}
