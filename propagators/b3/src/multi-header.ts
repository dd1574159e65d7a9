import type { B3Extracted } from './b3-state';
import { isValidSpanId, toOtelTraceId } from './hex';

/** The multi-header values as read from the carrier: undefined = absent, null = present but unusable. */
export interface B3MultiValues {
  readonly traceId: string | null | undefined;
  readonly spanId: string | null | undefined;
  readonly sampled: string | null | undefined;
  readonly flags: string | null | undefined;
}

/**
 * Interprets `X-B3-*` headers (specs/zipkin.md §1.2, R4–R6). `X-B3-ParentSpanId` is never read: OTel has no use
 * for it and Brave-style rejection of a malformed one would drop otherwise good traces.
 */
export function parseB3Multi(values: B3MultiValues): B3Extracted | undefined {
  const debug = values.flags === '1'; // "Absent or any other value can be ignored"
  let decision: 'accept' | 'deny' | undefined;
  if (values.sampled !== undefined) {
    decision = parseSampled(values.sampled);
    if (decision === undefined) return undefined; // malformed (incl. empty) restarts the trace, like Brave
  }

  if (values.traceId === undefined && values.spanId === undefined) {
    if (debug) return { kind: 'samplingOnly', sampling: 'debug' };
    return decision === undefined ? undefined : { kind: 'samplingOnly', sampling: decision };
  }
  if (typeof values.traceId !== 'string' || typeof values.spanId !== 'string') return undefined;
  const traceId = toOtelTraceId(values.traceId);
  if (traceId === undefined || !isValidSpanId(values.spanId)) return undefined;
  return { kind: 'ids', traceId, spanId: values.spanId, sampling: debug ? 'debug' : (decision ?? 'defer') };
}

/** `1`/`0`, or the legacy `true`/`false` in any case (Brave's leniency). */
function parseSampled(value: string | null): 'accept' | 'deny' | undefined {
  if (value === '1') return 'accept';
  if (value === '0') return 'deny';
  if (value === null) return undefined;
  if (value.length === 4 && value.toLowerCase() === 'true') return 'accept';
  if (value.length === 5 && value.toLowerCase() === 'false') return 'deny';
  return undefined;
}
