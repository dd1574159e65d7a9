import type { HrTime } from '@opentelemetry/api';
import type { DatadogSpan } from './datadog-span';
import type { MsgpackWriter } from './msgpack-writer';

/**
 * Incremental payload builder shared by the v0.4 and v0.5 encoders: chunks of spans go in one at a time so the
 * caller can stop at the size limit, roll the last span back and start the next payload with it.
 */
export interface ChunkEncoder {
  /** Starts a new, empty payload (forgets strings cached for the previous one). */
  beginPayload(): void;
  beginChunk(): void;
  /** `first` = first span of its chunk in this payload: it also carries the chunk tags. */
  writeSpan(span: DatadogSpan, first: boolean): void;
  endChunk(): void;
  /** Bytes the payload would have if finished now. */
  size(): number;
  mark(): number;
  /** Undoes everything written since `mark()` (within the current chunk). */
  rollback(mark: number): void;
  /** The finished payload body. */
  finish(): Uint8Array;
  /** Non-empty chunks in the current payload. */
  readonly chunkCount: number;
}

const NS_HI_FACTOR = 0x3b9a; // 1e9 = 0x3b9aca00, split in 16-bit halves for exact 64-bit arithmetic
const NS_LO_FACTOR = 0xca00;
const TWO_16 = 0x10000;
const TWO_32 = 0x100000000;

/** Writes `sec * 1e9 + nanos` as uint64 exactly (the value exceeds 2^53, so doubles cannot hold it). */
export function writeHrTimeNanos(w: MsgpackWriter, t: HrTime): void {
  const sec = t[0] >>> 0;
  const nanos = t[1];
  const sH = sec >>> 16;
  const sL = sec & 0xffff;
  const mid = sH * NS_LO_FACTOR + sL * NS_HI_FACTOR;
  let lo = sL * NS_LO_FACTOR + (mid % TWO_16) * TWO_16 + nanos;
  const carry = Math.floor(lo / TWO_32);
  lo -= carry * TWO_32;
  const hi = sH * NS_HI_FACTOR + Math.floor(mid / TWO_16) + carry;
  w.u64(hi, lo);
}
