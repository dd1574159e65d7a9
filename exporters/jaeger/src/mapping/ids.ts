import type { HrTime } from '@opentelemetry/api';

const ZEROS = '0000000000000000';

/** 16 hex digits of a (possibly short) id string; case is kept (the writer parses either). */
export function hex16(id: string): string {
  if (id.length === 16) return id;
  return (ZEROS + id).slice(-16);
}

/** [high, low] halves of a 128-bit (32 hex) trace id; a 64-bit id gets a zero high half. */
export function traceIdHalves(traceId: string): [high: string, low: string] {
  const t = traceId.length === 32 ? traceId : (ZEROS + ZEROS + traceId).slice(-32);
  return [t.substring(0, 16), t.substring(16, 32)];
}

/** HrTime → whole microseconds (truncated), exact for any time a double can hold in µs below 2^53. */
export function hrTimeToMicros(t: HrTime): number {
  return t[0] * 1_000_000 + Math.floor(t[1] / 1000);
}
