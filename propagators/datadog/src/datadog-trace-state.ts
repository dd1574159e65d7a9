import type { TraceState } from '@opentelemetry/api';
import { TraceState as CoreTraceState } from '@opentelemetry/core';
import type { DatadogState } from './datadog-state';
import { decodeDdMember, encodeDdMember } from './dd-member';
import { reconcilePriority } from './priority-reconcile';
import { MAX_LENGTH, MAX_MEMBERS, findMemberValue, validMembers } from './w3c-tracestate';

export const DD_MEMBER_KEY = 'dd';

/**
 * A `TraceState` that knows its Datadog state, so that the hot paths never parse or serialise what
 * they already know. Two origins:
 * - `fromHeader(raw, sampled)`: the W3C `tracestate` header; the `dd` member is decoded (and its
 *   priority reconciled with the traceparent's sampled bit) only when first read;
 * - `fromState(state, others)`: built by us; `state` is authoritative with its exact values (the
 *   `dd` member is its escaped, 256-character-capped W3C form) and the list is only assembled if
 *   someone asks for it.
 * `get`/`set`/`unset`/`serialize` follow `@opentelemetry/core`'s TraceState (which they delegate
 * to, lazily); `set`/`unset` return plain core TraceStates.
 */
export class DatadogTraceState implements TraceState {
  private rawList: string | undefined;
  private ddState: DatadogState | undefined;
  private otherMembers: string[] | undefined;
  private othersSource: TraceState | undefined;
  private sampledFlag: boolean | undefined;
  private core: CoreTraceState | undefined;
  private ddValue: string | undefined;
  private memo: Map<string, unknown> | undefined;

  private constructor() {}

  static fromHeader(raw: string, sampledFlag: boolean | undefined): DatadogTraceState {
    const ts = new DatadogTraceState();
    ts.rawList = raw;
    ts.sampledFlag = sampledFlag;
    return ts;
  }

  /** `othersFrom`: a tracestate whose non-`dd` members follow ours (read lazily). */
  static fromState(state: DatadogState, othersFrom?: TraceState): DatadogTraceState {
    const ts = new DatadogTraceState();
    ts.ddState = state;
    ts.othersSource = othersFrom;
    if (othersFrom === undefined) ts.otherMembers = [];
    return ts;
  }

  /** The Datadog state (shared, never mutate it). */
  datadogState(): DatadogState {
    if (this.ddState === undefined) {
      const value = this.memberValue();
      let state = value === undefined ? { tags: {} } : decodeDdMember(value);
      if (this.sampledFlag !== undefined && state.priority !== undefined) state = reconcilePriority(state, this.sampledFlag);
      this.ddState = state;
    }
    return this.ddState;
  }

  /** Whether the list has a `dd` member (the trace has been through Datadog-aware code). */
  hasDatadogMember(): boolean {
    return this.get(DD_MEMBER_KEY) !== undefined;
  }

  /** The other vendors' members (`k=v`), validated, in order. */
  others(): string[] {
    if (this.otherMembers === undefined) {
      const source = this.othersSource;
      if (source instanceof DatadogTraceState) this.otherMembers = source.others();
      else if (source !== undefined) this.otherMembers = validMembers(source.serialize(), DD_MEMBER_KEY);
      else this.otherMembers = validMembers(this.rawList ?? '', DD_MEMBER_KEY);
      this.othersSource = undefined;
    }
    return this.otherMembers;
  }

  /** Per-instance memo for injection pieces (keyed by who computed them). */
  injectMemo(): Map<string, unknown> {
    this.memo ??= new Map();
    return this.memo;
  }

  get(key: string): string | undefined {
    if (key === DD_MEMBER_KEY) return this.memberValue();
    return this.coreState().get(key);
  }

  set(key: string, value: string): TraceState {
    return this.coreState().set(key, value);
  }

  unset(key: string): TraceState {
    return this.coreState().unset(key);
  }

  serialize(): string {
    return this.rawList !== undefined ? this.coreState().serialize() : this.raw();
  }

  private memberValue(): string | undefined {
    if (this.ddValue === undefined) {
      if (this.rawList === undefined) {
        const value = encodeDdMember(this.ddState ?? { tags: {} });
        this.ddValue = value === '' ? '' : value;
      } else {
        const found = findMemberValue(this.rawList, DD_MEMBER_KEY);
        this.ddValue = (found === null ? this.coreState().get(DD_MEMBER_KEY) : found) ?? '';
      }
    }
    return this.ddValue === '' ? undefined : this.ddValue;
  }

  /** The list a state-built tracestate stands for: `dd` first, then the others within W3C limits. */
  private raw(): string {
    if (this.rawList === undefined) {
      const value = this.memberValue();
      let raw = value === undefined ? '' : `${DD_MEMBER_KEY}=${value}`;
      let count = raw === '' ? 0 : 1;
      for (const member of this.others()) {
        if (count >= MAX_MEMBERS || raw.length + member.length + 1 > MAX_LENGTH) break;
        raw = raw === '' ? member : `${raw},${member}`;
        count++;
      }
      this.rawList = raw;
    }
    return this.rawList;
  }

  private coreState(): CoreTraceState {
    this.core ??= new CoreTraceState(this.raw());
    return this.core;
  }
}
