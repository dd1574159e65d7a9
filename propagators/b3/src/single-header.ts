import type { B3Extracted } from './b3-state';
import { isLowerHex, isValidSpanId, toOtelTraceId } from './hex';

/** `T32-S16-x-P16` is the longest valid single header. */
const MAX_SINGLE_LENGTH = 32 + 1 + 16 + 2 + 17;

/**
 * Parses a `b3` single header exactly by the grammar in specs/zipkin.md §1.3 (Brave's rules): strict lower-hex,
 * exact field lengths, at most four fields, no empty field. Returns undefined when the value is malformed.
 */
export function parseB3Single(value: string): B3Extracted | undefined {
  const length = value.length;
  if (length === 1) return parseSamplingOnly(value);
  if (length > MAX_SINGLE_LENGTH) return undefined;

  const traceEnd = value.indexOf('-');
  if (traceEnd !== 16 && traceEnd !== 32) return undefined;
  const traceId = toOtelTraceId(value, 0, traceEnd);
  if (traceId === undefined) return undefined;

  const spanStart = traceEnd + 1;
  const spanEnd = spanStart + 16;
  if (spanEnd > length || !isValidSpanId(value, spanStart, spanEnd)) return undefined;
  const spanId = value.slice(spanStart, spanEnd);
  if (spanEnd === length) return { kind: 'ids', traceId, spanId, sampling: 'defer' };
  if (value.charCodeAt(spanEnd) !== 0x2d /* - */) return undefined;

  const rest = length - spanEnd - 1;
  if (rest === 16) {
    // `T-S-P`: sampling omitted, parent present (Brave accepts it); the parent id is validated then unused.
    return isLowerHex(value, spanEnd + 1, length) ? { kind: 'ids', traceId, spanId, sampling: 'defer' } : undefined;
  }
  const sampling = samplingFlag(value.charCodeAt(spanEnd + 1));
  if (sampling === undefined) return undefined;
  if (rest === 1) return { kind: 'ids', traceId, spanId, sampling };
  // `T-S-x-P`: an all-zero parent means "no parent" (Brave, Zipkin), so only the shape is checked.
  if (rest !== 18 || value.charCodeAt(spanEnd + 2) !== 0x2d || !isLowerHex(value, spanEnd + 3, length)) return undefined;
  return { kind: 'ids', traceId, spanId, sampling };
}

function parseSamplingOnly(value: string): B3Extracted | undefined {
  const sampling = samplingFlag(value.charCodeAt(0));
  return sampling === undefined ? undefined : { kind: 'samplingOnly', sampling };
}

function samplingFlag(code: number): 'accept' | 'deny' | 'debug' | undefined {
  if (code === 0x31) return 'accept';
  if (code === 0x30) return 'deny';
  if (code === 0x64) return 'debug';
  return undefined;
}
