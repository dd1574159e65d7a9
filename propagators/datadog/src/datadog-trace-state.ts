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
  /** What is only computed on demand (kept out of the object itself: most instances never need it). */
  private lazy: LazyParts | undefined;

  private constructor(
    private rawList: string | undefined,
    private ddState: DatadogState | undefined,
    private readonly sampledFlag: boolean | undefined,
    /** A tracestate whose non-`dd` members follow ours (read lazily); `null` for none. */
    private othersSource: TraceState | null | undefined,
  ) {}

  static fromHeader(raw: string, sampledFlag: boolean | undefined): DatadogTraceState {
    return new DatadogTraceState(raw, undefined, sampledFlag, undefined);
  }

  static fromState(state: DatadogState, othersFrom?: TraceState): DatadogTraceState {
    return new DatadogTraceState(undefined, state, undefined, othersFrom ?? null);
  }

  /** Memoised pieces of injected headers, per sampled bit (see the propagators). */
  get injectMemo(): InjectMemo {
    return (this.parts().memo ??= {});
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
    const lazy = this.parts();
    if (lazy.others === undefined) {
      const source = this.othersSource;
      if (source === null) lazy.others = [];
      else if (source instanceof DatadogTraceState) lazy.others = source.others();
      else if (source !== undefined) lazy.others = validMembers(source.serialize(), DD_MEMBER_KEY);
      else lazy.others = validMembers(this.rawList ?? '', DD_MEMBER_KEY);
      this.othersSource = undefined;
    }
    return lazy.others;
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
    const lazy = this.parts();
    if (lazy.ddValue === undefined) {
      if (this.rawList === undefined) {
        lazy.ddValue = encodeDdMember(this.ddState ?? { tags: {} });
      } else {
        const found = findMemberValue(this.rawList, DD_MEMBER_KEY);
        lazy.ddValue = (found === null ? this.coreState().get(DD_MEMBER_KEY) : found) ?? '';
      }
    }
    return lazy.ddValue === '' ? undefined : lazy.ddValue;
  }

  private parts(): LazyParts {
    return (this.lazy ??= {});
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
    const lazy = this.parts();
    lazy.core ??= new CoreTraceState(this.raw());
    return lazy.core;
  }
}

interface LazyParts {
  others?: string[];
  core?: CoreTraceState;
  /** The `dd` member's value; `''` when there is none. */
  ddValue?: string;
  memo?: InjectMemo;
}

/** Slots the propagators fill with what they inject for this tracestate, per sampled bit. */
export interface InjectMemo {
  w3cSampled?: unknown;
  w3cUnsampled?: unknown;
  ddSampled?: unknown;
  ddUnsampled?: unknown;
}
