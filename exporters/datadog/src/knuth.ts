/** Datadog's deterministic sampling (dd-trace `sampler.js`, agent `knuthFactor`), so every hop agrees. */
const KNUTH_FACTOR = 1111111111111111111n;
const MAX_UINT64 = 0xffffffffffffffffn;

/** Keep iff `(low64(traceId) * 1111111111111111111) mod 2^64 <= rate * (2^64 - 1)`. */
export function knuthKeep(traceIdHex: string, rate: number): boolean {
  if (!(rate < 1)) return true;
  if (!(rate > 0)) return false;
  const low = traceIdHex.length >= 16 ? traceIdHex.slice(-16) : traceIdHex;
  let id: bigint;
  try {
    id = BigInt(`0x${low}`);
  } catch {
    return true;
  }
  const hash = (id * KNUTH_FACTOR) & MAX_UINT64;
  // rate * (2^64-1) computed in BigInt from the rate's 53-bit mantissa, so the threshold is exact
  const threshold = (BigInt(Math.floor(rate * 2 ** 53)) * MAX_UINT64) >> 53n;
  return hash <= threshold;
}
