import { InvalidSpan, type IssueSink } from './decode-result';

/** 0: not hex; 1: lower-hex; 2: hex with upper-case letters. Also reports all-zero ids via `zeros`. */
function scanHex(value: string): { kind: 0 | 1 | 2; zeros: boolean } {
  let kind: 0 | 1 | 2 = 1;
  let zeros = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 48) continue;
    zeros = false;
    if ((c > 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
    if (c >= 65 && c <= 70) kind = 2;
    else return { kind: 0, zeros: false };
  }
  return { kind, zeros };
}

function hexId(field: string, value: unknown, maxLength: number, sink: IssueSink): string {
  if (typeof value !== 'string') throw new InvalidSpan(`${field} must be a hex string`);
  const { kind, zeros } = scanHex(value);
  if (value.length === 0 || value.length > maxLength || kind === 0) {
    throw new InvalidSpan(`${field} ${JSON.stringify(value.slice(0, 40))} is not 1 to ${maxLength} hex characters`);
  }
  if (zeros) throw new InvalidSpan(`${field} is all zeros`);
  if (kind === 1) return value;
  sink.repaired(`${field} ${value} lower-cased`);
  return value.toLowerCase();
}

/**
 * Zipkin's `normalizeTraceId`: 1..32 hex, left-padded to 16 or 32, and a 32-char id whose high half is zero
 * written as 16. Upper-case is repaired (Zipkin itself rejects it).
 */
export function readTraceId(value: unknown, sink: IssueSink): string {
  const id = hexId('traceId', value, 32, sink);
  const padded = id.length <= 16 ? id.padStart(16, '0') : id.padStart(32, '0');
  return padded.length === 32 && padded.startsWith('0000000000000000') ? padded.slice(16) : padded;
}

export function readSpanId(field: string, value: unknown, sink: IssueSink): string {
  return hexId(field, value, 16, sink).padStart(16, '0');
}

/** A parent id; all zeros (or equal to the span's own id) means "root", like Zipkin. */
export function readParentId(value: unknown, id: string, sink: IssueSink): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value !== '' && /^0+$/.test(value)) return undefined;
  const parent = readSpanId('parentId', value, sink);
  return parent === id ? undefined : parent;
}

/** A 32-hex trace id as OpenTelemetry wants it (64-bit ids left-padded). */
export function toOtelTraceId(zipkinTraceId: string): string {
  return zipkinTraceId.length === 32 ? zipkinTraceId : zipkinTraceId.padStart(32, '0');
}
