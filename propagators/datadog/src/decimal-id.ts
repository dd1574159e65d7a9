/**
 * Datadog carries 64-bit ids as unsigned base-10 strings. dd-trace-js parses them leniently
 * (`abc` → 0, `2^64` wraps to 0); we follow the spec's strict grammar instead: an optional `-`
 * (two's complement, as old Java/Ruby tracers sent signed ints) and 1–20 digits, value in [1, 2^64−1].
 */

const DECIMAL_ID = /^-?[0-9]{1,20}$/;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
// Below 2^53 plain numbers are exact and several times faster than BigInt.
const SAFE_DIGITS = 15;

/** `"123"` → `"000000000000007b"`; `undefined` for anything that is not a valid non-zero uint64. */
export function decimalIdToHex(value: string): string | undefined {
  if (!DECIMAL_ID.test(value)) return undefined;
  if (value.length <= SAFE_DIGITS) {
    const n = Number(value);
    if (n > 0) return n.toString(16).padStart(16, '0');
    if (n === 0) return undefined;
  }
  let n = BigInt(value);
  if (n < 0n) {
    if (n < INT64_MIN) return undefined;
    n += 1n << 64n;
  }
  if (n === 0n || n > UINT64_MAX) return undefined;
  return n.toString(16).padStart(16, '0');
}

/** `"000000000000007b"` → `"123"` (16 lower-case hex digits in, unsigned decimal out). */
export function hexIdToDecimal(hex16: string): string {
  // The high 3 hex digits being zero means < 2^52: exact as a double.
  if (hex16.startsWith('000')) return parseInt(hex16, 16).toString(10);
  return BigInt(`0x${hex16}`).toString(10);
}
