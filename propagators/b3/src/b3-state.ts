/**
 * B3's sampling state. OTel's one sampled bit can hold only accept/deny; `defer` (no decision) and `debug`
 * (accept + "report even if sampling says no") need the context keys in context-keys.ts.
 */
export type B3SamplingState = 'accept' | 'deny' | 'defer' | 'debug';

/** What one B3 encoding yielded: ids with a sampling state, or a decision alone (`b3: 0`, `X-B3-Sampled: 0`). */
export type B3Extracted =
  | { readonly kind: 'ids'; readonly traceId: string; readonly spanId: string; readonly sampling: B3SamplingState }
  | { readonly kind: 'samplingOnly'; readonly sampling: Exclude<B3SamplingState, 'defer'> };
