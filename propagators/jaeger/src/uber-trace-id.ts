/** The parts of an `uber-trace-id` value OTel can use. Ids are lower-case and padded to 32/16 hex. */
export interface UberTraceId {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
  /** Flag 0x02; honoured only together with sampled (specs/jaeger.md §5.3 #27). */
  readonly debug: boolean;
}

import * as ids from '@polytrace/propagator-ids';

// Bound once: under tsx (tests and benchmarks run from source) each use of an imported name is a chain of getters.
const { hexClass } = ids;

const SAMPLED_MASK = 0x01;
const DEBUG_MASK = 0x02;
const ZEROS = '00000000000000000000000000000000';

/**
 * Parses `{trace-id}:{span-id}:{parent-span-id}:{flags}` (already URL-decoded) with the robust receiver policy of
 * specs/jaeger.md §5.2: 1–32 / 1–16 hex ids left-padded (jaeger-client drops leading zeros), non-zero, any hex
 * case; the deprecated parent must be 1–16 hex and is otherwise ignored; flags are 1–2 hex digits, 0x04 and 0x08
 * ignored. Unlike @opentelemetry/propagator-jaeger, malformed flags make the header invalid (jaeger-client).
 */
export function parseUberTraceId(value: string): UberTraceId | undefined {
  const c1 = value.indexOf(':');
  const c2 = value.indexOf(':', c1 + 1);
  const c3 = value.indexOf(':', c2 + 1);
  if (c1 < 0 || c2 < 0 || c3 < 0 || value.indexOf(':', c3 + 1) >= 0) return undefined;

  const traceId = paddedId(value, 0, c1, 32);
  const spanId = paddedId(value, c1 + 1, c2, 16);
  if (traceId === undefined || spanId === undefined) return undefined;
  if (c3 - c2 - 1 > 16 || hexClass(value, c2 + 1, c3) === 0) return undefined;
  if (value.length - c3 - 1 > 2 || hexClass(value, c3 + 1, value.length) === 0) return undefined;

  // Only the two low bits matter, and they are all in the last hex digit.
  const flags = hexDigitValue(value.charCodeAt(value.length - 1));
  const sampled = (flags & SAMPLED_MASK) !== 0;
  return { traceId, spanId, sampled, debug: sampled && (flags & DEBUG_MASK) !== 0 };
}

function paddedId(value: string, start: number, end: number, width: number): string | undefined {
  const length = end - start;
  const hex = length > width ? 0 : hexClass(value, start, end);
  if (hex === 0) return undefined;
  let zero = true;
  for (let i = start; i < end; i++) {
    if (value.charCodeAt(i) !== 0x30) {
      zero = false;
      break;
    }
  }
  if (zero) return undefined;
  const slice = value.slice(start, end);
  const id = hex === 3 ? slice : slice.toLowerCase();
  return length === width ? id : ZEROS.slice(0, width - length) + id;
}

/** The value of a character already known to be a hex digit, either case. */
function hexDigitValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}
