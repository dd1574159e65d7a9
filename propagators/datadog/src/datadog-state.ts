import type { TraceState } from '@opentelemetry/api';
import { TraceState as CoreTraceState } from '@opentelemetry/core';
import { decodeDdMember, encodeDdMember } from './dd-member';

/**
 * Datadog trace-level state that OTel's one-bit sampled flag cannot hold. It rides in the span
 * context's tracestate `dd` member so that every child span inherits it and every hop can re-emit it.
 */
export interface DatadogState {
  /** Sampling priority: -1 USER_REJECT, 0 AUTO_REJECT, 1 AUTO_KEEP, 2 USER_KEEP. Absent = undecided. */
  priority?: number;
  /** `x-datadog-origin` / `_dd.origin` (e.g. `synthetics`, `rum`). */
  origin?: string;
  /** Propagated trace tags with their full keys (`_dd.p.dm`, `_dd.p.usr.id`…). `_dd.p.tid` is never stored. */
  tags: Record<string, string>;
  /** Last Datadog parent id seen upstream (`p:` of the W3C `dd` member, `_dd.parent_id`), normally 16 hex. */
  parentId?: string;
}

export const DD_MEMBER_KEY = 'dd';

// TraceState instances are immutable, so the parsed form of one can be memoised safely.
const parsedStates = new WeakMap<TraceState, DatadogState>();
const EMPTY_STATE: DatadogState = Object.freeze({ tags: Object.freeze({}) as Record<string, string> });

/** Reads the Datadog state out of a tracestate (`dd` member); an absent or garbled member gives `{ tags: {} }`. */
export function getDatadogState(traceState?: TraceState): DatadogState {
  if (traceState === undefined) return { tags: {} };
  let parsed = parsedStates.get(traceState);
  if (parsed === undefined) {
    const member = safeGet(traceState);
    parsed = member === undefined ? EMPTY_STATE : decodeDdMember(member);
    parsedStates.set(traceState, parsed);
  }
  return copyState(parsed);
}

/**
 * Returns a tracestate whose `dd` member encodes `state` (moved to the front, as W3C requires for
 * updated members). Other vendors are kept; when the 512-character tracestate limit leaves no room
 * for `dd`, the last vendors are evicted first. An empty state removes the `dd` member.
 */
export function setDatadogState(traceState: TraceState | undefined, state: DatadogState): TraceState {
  const base: TraceState = traceState ?? new CoreTraceState();
  const value = encodeDdMember(state);
  if (value === '') return base.get(DD_MEMBER_KEY) === undefined ? base : base.unset(DD_MEMBER_KEY);
  let current = base;
  // `set` silently refuses when the whole tracestate would exceed 512 characters: evict from the end.
  for (let attempt = 0; attempt < 33; attempt++) {
    const next = current.set(DD_MEMBER_KEY, value);
    if (next.get(DD_MEMBER_KEY) === value) {
      parsedStates.set(next, decodeDdMember(value));
      return next;
    }
    const victim = lastVendorKey(current);
    if (victim === undefined) break;
    current = current.unset(victim);
  }
  return current;
}

function lastVendorKey(traceState: TraceState): string | undefined {
  const members = traceState.serialize().split(',');
  for (let i = members.length - 1; i >= 0; i--) {
    const key = members[i].slice(0, members[i].indexOf('='));
    if (key !== '' && key !== DD_MEMBER_KEY) return key;
  }
  return undefined;
}

function safeGet(traceState: TraceState): string | undefined {
  try {
    const value = traceState.get(DD_MEMBER_KEY);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined; // a foreign TraceState implementation must never break extraction or export
  }
}

function copyState(state: DatadogState): DatadogState {
  const copy: DatadogState = { tags: { ...state.tags } };
  if (state.priority !== undefined) copy.priority = state.priority;
  if (state.origin !== undefined) copy.origin = state.origin;
  if (state.parentId !== undefined) copy.parentId = state.parentId;
  return copy;
}
