/**
 * Datadog carries 64-bit ids as unsigned base-10 strings. dd-trace-js parses them leniently
 * (`abc` → 0, `2^64` wraps to 0); we follow the spec's strict grammar instead: an optional `-`
 * (two's complement, as old Java/Ruby tracers sent signed ints) and 1–20 digits, value in [1, 2^64−1].
 * Conversions use two 32-bit halves held in doubles (exact), which is several times faster than BigInt.
 */

const TWO_32 = 4294967296;
const INT64_MIN = -(1n << 63n);

/** `"123"` → `"000000000000007b"`; `undefined` for anything that is not a valid non-zero uint64. */
export function decimalIdToHex(value: string): string | undefined {
  const length = value.length;
  if (length === 0 || length > 21) return undefined;
  if (value.charCodeAt(0) === 45 /* - */) return negativeToHex(value);
  if (length > 20) return undefined;
  // Accumulate into two 32-bit halves, four digits at a time (every intermediate stays below 2^53).
  let hi = 0;
  let lo = 0;
  let i = 0;
  let chunkLength = length % 4 || 4;
  while (i < length) {
    let chunk = 0;
    let scale = 1;
    for (const end = i + chunkLength; i < end; i++) {
      const digit = value.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return undefined;
      chunk = chunk * 10 + digit;
      scale *= 10;
    }
    lo = lo * scale + chunk;
    const carry = Math.floor(lo / TWO_32);
    lo -= carry * TWO_32;
    hi = hi * scale + carry;
    if (hi >= TWO_32) return undefined; // > 2^64 - 1
    chunkLength = 4;
  }
  if (hi === 0 && lo === 0) return undefined;
  return hex8(hi) + hex8(lo);
}

function negativeToHex(value: string): string | undefined {
  if (!/^-[0-9]{1,19}$/.test(value)) return undefined;
  const n = BigInt(value);
  if (n === 0n || n < INT64_MIN) return undefined;
  return (n + (1n << 64n)).toString(16).padStart(16, '0');
}

// Number#toString(16) takes V8's slow double-to-radix path above 2^31; a byte table does not.
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(n: number): string {
  return HEX_BYTES[n >>> 24] + HEX_BYTES[(n >>> 16) & 0xff] + HEX_BYTES[(n >>> 8) & 0xff] + HEX_BYTES[n & 0xff];
}

/** `"000000000000007b"` → `"123"` (16 lower-case hex digits in, unsigned decimal out). */
export function hexIdToDecimal(hex16: string): string {
  const hi = parseInt(hex16.slice(0, 8), 16);
  const lo = parseInt(hex16.slice(8), 16);
  if (hi < 0x200000) return (hi * TWO_32 + lo).toString(10); // < 2^53: exact as a double
  // value = hi * 2^32 + lo, and 2^32 = 4294 * 10^6 + 967296, so with t = hi * 967296 + lo (< 2^53):
  // value = (hi * 4294 + floor(t / 10^6)) * 10^6 + t mod 10^6. Every step below is exact.
  const t = hi * 967296 + lo;
  const rest = t % 1e6;
  const head = hi * 4294 + (t - rest) / 1e6;
  return head.toString(10) + (rest + 1e6).toString(10).slice(1);
}
