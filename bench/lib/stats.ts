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

let gc: (() => void) | undefined;

/** A full, synchronous GC. Enables `--expose-gc` on first use only, so merely importing this changes nothing. */
export function fullGc(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
