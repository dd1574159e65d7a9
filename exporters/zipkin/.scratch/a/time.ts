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

/**
 * `String(hrTimeToMicros(time))`, built from the seconds' and the microseconds' digits: a 16-digit double costs
 * V8 a slow float-to-text conversion, the parts are cheap. Falls back for times outside the plain epoch range.
 */
export function hrTimeToMicrosText(time: HrTime): string {
  const seconds = time[0];
  const nanos = time[1];
  if (seconds >= 1 && seconds <= 4_000_000_000 && nanos >= 0 && nanos < 1_000_000_000 && Number.isInteger(seconds)) {
    // 1_000_000 + µs has 7 digits; dropping the leading 1 zero-pads the microseconds to 6.
    return `${seconds}${String(1_000_000 + Math.floor(nanos / 1000)).slice(1)}`;
  }
  return String(hrTimeToMicros(time));
}
