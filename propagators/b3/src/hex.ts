import * as ids from '@polytrace/propagator-ids';

// Bound once: under tsx (tests and benchmarks run from source) each use of an imported name is a chain of getters.
const { hexClass } = ids;

/** True when value[start, end) is non-empty lower-case hex (B3 ids are lower-hex only). */
export function isLowerHex(value: string, start = 0, end = value.length): boolean {
  return hexClass(value, start, end) === 3;
}

/** True when value[start, end) is all '0' characters. */
export function isAllZeros(value: string, start = 0, end = value.length): boolean {
  if (end > start && value.charCodeAt(start) !== 0x30) return false; // the usual answer, at once
  for (let i = start; i < end; i++) {
    if (value.charCodeAt(i) !== 0x30) return false;
  }
  return true;
}

const ZERO_HIGH_HALF = '0000000000000000';

/** A valid B3 trace id: 16 or 32 lower-hex, not all zeros. Returns it padded to OTel's 32 chars, or undefined. */
export function toOtelTraceId(value: string, start = 0, end = value.length): string | undefined {
  const length = end - start;
  if ((length !== 16 && length !== 32) || !isLowerHex(value, start, end) || isAllZeros(value, start, end)) {
    return undefined;
  }
  const id = start === 0 && end === value.length ? value : value.slice(start, end);
  return length === 16 ? ZERO_HIGH_HALF + id : id;
}

/** A valid span id: 16 lower-hex, not all zeros. */
export function isValidSpanId(value: string, start = 0, end = value.length): boolean {
  return end - start === 16 && isLowerHex(value, start, end) && !isAllZeros(value, start, end);
}
