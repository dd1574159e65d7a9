import {
  trace,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  type TraceState,
} from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import { SpanContextValidity } from '@polytrace/propagator-ids';
import * as datadogState from './datadog-state';
import * as datadogTraceState from './datadog-trace-state';
import * as ddMember from './dd-member';
import * as headerValues from './header-values';
import * as hex from './hex';
import * as priority from './priority-reconcile';
import { MAX_LENGTH, MAX_MEMBERS } from './w3c-tracestate';

// Bound once: these run per request (see CONTRIBUTING.md, Benchmarks).
const { isTracingSuppressed } = core;
const { otherMembers, peekDatadogState, setDatadogState } = datadogState;
const { readJoined, readUnique } = headerValues;
const { hexClass } = hex;
const { reconcilePriority } = priority;
const { DD_MEMBER_KEY, DatadogTraceState } = datadogTraceState;
const { encodeDdMember, MAX_DD_MEMBER_LENGTH } = ddMember;

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

export interface TraceContextPropagatorConfig {
  /**
   * Write the `dd` tracestate member even when the trace has none yet (what dd-trace-js does).
   * Off by default so that a trace which never touched Datadog keeps a clean tracestate; a `dd`
   * member already present is always rewritten, never forwarded stale.
   */
  alwaysWriteDatadogMember?: boolean;
}

const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';
// Way above the 512 characters a valid tracestate may hold; the rest is never even joined.
const MAX_TRACESTATE_INPUT = 8192;
const MAX_TRACEPARENT_INPUT = 512;
// A future version's extra fields are `-.*`: anything but a line terminator.
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const FLAGS_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** `;p:` + 16 hex, which injection appends to the memoised rest of the `dd` member. */
const P_MEMBER_LENGTH = 19;

/** The parts of the tracestate header that do not depend on the span id. */
interface TraceStatePieces {
  /** `dd=<state without p>` (or `dd=` alone). */
  head: string;
  /** `,<other vendors>` within the W3C limits, or `''`. */
  tail: string;
}

const EMPTY_PIECES = new Map<boolean, TraceStatePieces>();

/**
 * W3C tracecontext whose `dd` tracestate member is rebuilt on every inject (`p:` = the current span,
 * `s:` = the current priority, `o:`, `t.*`) and read back on extract with the priority/sampled-flag
 * consistency table (datadog.md §1.5). Stock OTel would forward the upstream `dd` member unchanged.
 */
export class TraceContextPropagator implements TextMapPropagator {
  private readonly alwaysWriteDatadogMember: boolean;
  private readonly validity = new SpanContextValidity();

  constructor(config: TraceContextPropagatorConfig = {}) {
    this.alwaysWriteDatadogMember = config.alwaysWriteDatadogMember === true;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (!spanContext || !this.validity.isValid(spanContext) || isTracingSuppressed(context)) return;
    this.injectSpanContext(spanContext, carrier, setter);
  }

  /** Writes the headers for a span context the caller already checked is valid and not suppressed. */
  injectSpanContext(spanContext: SpanContext, carrier: unknown, setter: TextMapSetter): void {
    const flags = spanContext.traceFlags & 0xff;
    setter.set(carrier, TRACEPARENT_HEADER, `00-${spanContext.traceId}-${spanContext.spanId}-${FLAGS_HEX[flags]}`);
    const traceState = spanContext.traceState;
    if (traceState === undefined && !this.alwaysWriteDatadogMember) return; // nothing to say in a tracestate
    const tracestate = this.alwaysWriteDatadogMember || hasDatadogMember(traceState)
      ? tracestateWithDd(spanContext, traceState, (flags & 1) === 1)
      : otherMembers(traceState).join(',');
    if (tracestate !== '') setter.set(carrier, TRACESTATE_HEADER, tracestate);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const spanContext = this.extractSpanContext(carrier, getter);
    return spanContext ? trace.setSpanContext(context, spanContext) : context;
  }

  /** The remote span context in `traceparent`/`tracestate`, or `undefined` when absent or invalid. */
  extractSpanContext(carrier: unknown, getter: TextMapGetter): SpanContext | undefined {
    const header = readUnique(getter, carrier, TRACEPARENT_HEADER);
    if (header === undefined || header.length > MAX_TRACEPARENT_INPUT) return undefined;
    const h = hasOuterWhitespace(header) ? header.trim() : header;
    const shape = traceparentShape(h);
    if (shape === 0) return undefined;
    // Upper-case hex is accepted and lower-cased, like dd-trace-js: rejecting it would split traces.
    const s = shape === 1 ? h : h.slice(0, 55).toLowerCase();
    // Version ff is invalid; version 00 has exactly four fields; later versions may append more.
    const v0 = s.charCodeAt(0);
    const v1 = s.charCodeAt(1);
    if ((v0 === 0x66 && v1 === 0x66) || (v0 === 0x30 && v1 === 0x30 && h.length > 55)) return undefined;
    const traceId = s.slice(3, 35);
    const spanId = s.slice(36, 52);
    // The first digit settles it almost always; comparing strings is a builtin call.
    if ((s.charCodeAt(3) === 0x30 && traceId === ZERO_TRACE_ID) || (s.charCodeAt(36) === 0x30 && spanId === ZERO_SPAN_ID)) return undefined;
    const traceFlags = (lowerHexValue(s.charCodeAt(53)) << 4) | lowerHexValue(s.charCodeAt(54));
    const raw = readJoined(getter, carrier, TRACESTATE_HEADER, MAX_TRACESTATE_INPUT);
    // The dd member's priority is reconciled with the sampled bit lazily, when first read.
    const traceState = raw === undefined ? undefined : DatadogTraceState.fromHeader(raw, (traceFlags & 1) === 1);
    return { traceId, spanId, traceFlags, isRemote: true, traceState };
  }

  fields(): string[] {
    return [TRACEPARENT_HEADER, TRACESTATE_HEADER];
  }
}

/**
 * `vv-<32 hex>-<16 hex>-<2 hex>[-<future fields>]` checked by position with a table per character (a regular
 * expression costs more than the rest of the extraction): 1 = well-formed in lower case, 3 = well-formed with some
 * upper-case hex, 0 = malformed. The version rules are the caller's.
 */
function traceparentShape(h: string): number {
  const length = h.length;
  if (length < 55 || (length > 55 && (h.charCodeAt(55) !== 0x2d || LINE_TERMINATOR.test(h)))) return 0;
  if (h.charCodeAt(2) !== 0x2d || h.charCodeAt(35) !== 0x2d || h.charCodeAt(52) !== 0x2d) return 0;
  const version = hexClass(h, 0, 2);
  const traceId = hexClass(h, 3, 35);
  const spanId = hexClass(h, 36, 52);
  const flags = hexClass(h, 53, 55);
  return version === 0 || traceId === 0 || spanId === 0 || flags === 0 ? 0 : version | traceId | spanId | flags;
}

/** The value of a lower-case hex digit. */
function lowerHexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

function hasOuterWhitespace(s: string): boolean {
  return s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32;
}

function hasDatadogMember(traceState: TraceState | undefined): boolean {
  if (traceState === undefined) return false;
  if (traceState instanceof DatadogTraceState) return traceState.hasDatadogMember();
  try {
    return traceState.get(DD_MEMBER_KEY) !== undefined;
  } catch {
    return false;
  }
}

function tracestateWithDd(spanContext: SpanContext, traceState: TraceState | undefined, sampled: boolean): string {
  // A remote context injected as-is still names the last Datadog span upstream, not itself.
  if (spanContext.isRemote) {
    const state = reconcilePriority(peekDatadogState(traceState), sampled);
    return setDatadogState(traceState, { ...state, parentId: state.parentId ?? spanContext.spanId }).serialize();
  }
  const pieces = piecesFor(traceState, sampled);
  return `${pieces.head}${pieces.head.length > 3 ? ';' : ''}p:${spanContext.spanId}${pieces.tail}`;
}

function piecesFor(traceState: TraceState | undefined, sampled: boolean): TraceStatePieces {
  const memo = traceState instanceof DatadogTraceState ? traceState.injectMemo : undefined;
  const cached = traceState === undefined
    ? EMPTY_PIECES.get(sampled)
    : ((sampled ? memo?.w3cSampled : memo?.w3cUnsampled) as TraceStatePieces | undefined);
  if (cached !== undefined) return cached;

  const state = reconcilePriority(peekDatadogState(traceState), sampled);
  const value = encodeDdMember({ ...state, parentId: undefined }, MAX_DD_MEMBER_LENGTH - P_MEMBER_LENGTH);
  const head = `${DD_MEMBER_KEY}=${value}`;
  let length = head.length + P_MEMBER_LENGTH;
  let count = 1;
  let tail = '';
  for (const member of otherMembers(traceState)) {
    if (count >= MAX_MEMBERS || length + member.length + 1 > MAX_LENGTH) break;
    tail += `,${member}`;
    length += member.length + 1;
    count++;
  }
  const pieces = { head, tail };
  if (traceState === undefined) EMPTY_PIECES.set(sampled, pieces);
  else if (memo !== undefined) {
    if (sampled) memo.w3cSampled = pieces;
    else memo.w3cUnsampled = pieces;
  }
  return pieces;
}
