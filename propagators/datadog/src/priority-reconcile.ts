import type { DatadogState } from './datadog-state';

export type ResolvedDatadogState = DatadogState & { priority: number };

const DM_TAG = '_dd.p.dm';
const DEFAULT_MECHANISM = '-0';

/**
 * Makes a Datadog priority agree with OTel's sampled bit, which is what the SDK actually acted on
 * (datadog.md §1.5 table): sampled + priority > 0 keeps it, sampled otherwise → 1 (AUTO_KEEP) with the
 * decision maker reset to `-0`; unsampled + priority ≤ 0 keeps it, unsampled otherwise → 0 (AUTO_REJECT)
 * with the decision maker dropped. An undecided priority simply follows the bit.
 * Returns `state` itself when it already agrees.
 */
export function reconcilePriority(state: DatadogState, sampled: boolean): ResolvedDatadogState {
  const { priority } = state;
  if (priority !== undefined && (sampled ? priority > 0 : priority <= 0)) return state as ResolvedDatadogState;
  if (priority === undefined) return { ...state, priority: sampled ? 1 : 0 };
  if (!(DM_TAG in state.tags)) return { ...state, priority: sampled ? 1 : 0 };
  const tags = { ...state.tags };
  if (sampled) tags[DM_TAG] = DEFAULT_MECHANISM;
  else delete tags[DM_TAG];
  return { ...state, tags, priority: sampled ? 1 : 0 };
}
