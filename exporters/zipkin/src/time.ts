import type { HrTime } from '@opentelemetry/api';

/** Epoch microseconds, truncated: Zipkin wants integers, and truncation never moves a start after its end. */
export function hrTimeToMicros(time: HrTime): number {
  return time[0] * 1_000_000 + Math.floor(time[1] / 1000);
}

/**
 * Whole microseconds between two truncated instants, at least 1 (the v2 model's minimum; 0 means "absent" to
 * Zipkin). Measuring between truncated instants, rather than rounding the duration, keeps a child that ends with
 * its parent inside the parent at microsecond precision.
 */
export function durationMicros(startMicros: number, end: HrTime): number {
  const micros = hrTimeToMicros(end) - startMicros;
  return micros >= 1 ? micros : 1;
}

/** Microseconds to HrTime, exact for any integer below 2^53. */
export function microsToHrTime(micros: number): HrTime {
  const seconds = Math.floor(micros / 1_000_000);
  return [seconds, (micros - seconds * 1_000_000) * 1000];
}

/** True for an HrTime whose microseconds are `${time[0]}${microsOfSecondText(time[1])}` (any SDK timestamp). */
export function isPlainEpochTime(time: HrTime): boolean {
  const seconds = time[0];
  const nanos = time[1];
  return seconds >= 1 && seconds <= 4_000_000_000 && nanos >= 0 && nanos < 1_000_000_000 && Number.isInteger(seconds);
}

/** The microseconds within the second, zero-padded to 6 digits. */
export function microsOfSecondText(nanos: number): string {
  // 1_000_000 + µs has 7 digits; dropping the leading 1 zero-pads the microseconds to 6.
  return String(1_000_000 + Math.floor(nanos / 1000)).slice(1);
}

/**
 * `String(hrTimeToMicros(time))`, built from the seconds' and the microseconds' digits: a 16-digit double costs
 * V8 a slow float-to-text conversion, the parts are cheap.
 */
export function hrTimeToMicrosText(time: HrTime): string {
  return isPlainEpochTime(time) ? `${time[0]}${microsOfSecondText(time[1])}` : String(hrTimeToMicros(time));
}
