import type { TraceState } from '@opentelemetry/api';
import { DD_MEMBER_KEY, DatadogTraceState } from './datadog-trace-state';
import { decodeDdMember } from './dd-member';
import { validMembers } from './w3c-tracestate';

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

// For tracestates we did not build (e.g. returned by core's `set`): they are immutable, so memoise.
const decodedForeign = new WeakMap<TraceState, DatadogState>();

/** Reads the Datadog state out of a tracestate; an absent or garbled `dd` member gives `{ tags: {} }`. */
export function getDatadogState(traceState?: TraceState): DatadogState {
  return copyState(peekDatadogState(traceState));
}

/** Like `getDatadogState` but returns the shared memoised object: callers must not mutate it. */
export function peekDatadogState(traceState?: TraceState): DatadogState {
  if (traceState === undefined) return EMPTY_STATE;
  if (traceState instanceof DatadogTraceState) return traceState.datadogState();
  let state = decodedForeign.get(traceState);
  if (state === undefined) {
    const value = safeGet(traceState);
    state = value === undefined ? EMPTY_STATE : decodeDdMember(value);
    decodedForeign.set(traceState, state);
  }
  return state;
}

/**
 * Returns a tracestate whose `dd` member encodes `state`, first in the list (W3C: updated members move
 * to the front). Other vendors are kept in order; when the 32-member or 512-character limits leave no
 * room, the last ones are evicted. An empty state removes the `dd` member.
 */
export function setDatadogState(traceState: TraceState | undefined, state: DatadogState): TraceState {
  return DatadogTraceState.fromState(normalizeState(state), traceState);
}

/** Members other than `dd`, validated, in order. */
export function otherMembers(traceState: TraceState | undefined): string[] {
  if (traceState === undefined) return [];
  if (traceState instanceof DatadogTraceState) return traceState.others();
  return validMembers(safeSerialize(traceState), DD_MEMBER_KEY);
}

const EMPTY_STATE: DatadogState = Object.freeze({ tags: Object.freeze({}) as Record<string, string> });

function safeGet(traceState: TraceState): string | undefined {
  try {
    const value = traceState.get(DD_MEMBER_KEY);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined; // a foreign TraceState implementation must never break extraction or export
  }
}

function safeSerialize(traceState: TraceState): string {
  try {
    const serialized = traceState.serialize();
    return typeof serialized === 'string' ? serialized : '';
  } catch {
    return '';
  }
}

/** What can be carried: integer priority, non-empty strings, `_dd.p.*` string tags other than `_dd.p.tid`. */
function normalizeState(state: DatadogState): DatadogState {
  const tags: Record<string, string> = {};
  const source = state.tags ?? {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value === 'string' && key.startsWith('_dd.p.') && key.length > 6 && key !== '_dd.p.tid') tags[key] = value;
  }
  const out: DatadogState = { tags };
  if (Number.isSafeInteger(state.priority)) out.priority = state.priority;
  if (typeof state.origin === 'string' && state.origin !== '') out.origin = state.origin;
  if (typeof state.parentId === 'string' && state.parentId !== '') out.parentId = state.parentId;
  return out;
}

export function copyState(state: DatadogState): DatadogState {
  const copy: DatadogState = { tags: { ...state.tags } };
  if (state.priority !== undefined) copy.priority = state.priority;
  if (state.origin !== undefined) copy.origin = state.origin;
  if (state.parentId !== undefined) copy.parentId = state.parentId;
  return copy;
}
