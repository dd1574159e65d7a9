// Small statistics and GC helpers shared by the benches: a median that resists the neighbours' load spikes on a shared
// machine, and a full GC so that one contender does not pay for collecting another's garbage.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Linear-interpolated quantile q ∈ [0, 1] (q = 0.5 is the median); NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}

/** First and third quartiles: the interquartile range printed next to a median, so the reader sees the scatter. */
export function quartiles(values: readonly number[]): { q1: number; median: number; q3: number } {
  return { q1: quantile(values, 0.25), median: median(values), q3: quantile(values, 0.75) };
}

let gc: (() => void) | undefined;

/** A full, synchronous GC. Enables `--expose-gc` on first use only, so merely importing this changes nothing. */
export function fullGc(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
