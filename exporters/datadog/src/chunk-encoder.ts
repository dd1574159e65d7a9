import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { MsgpackWriter } from './msgpack-writer';
import type { TraceInfo } from './span-mapper';

/**
 * Incremental payload builder, one per protocol: chunks of spans go in one at a time so the caller can stop at
 * the size limit, roll the last span back and start the next payload with it. Each writer maps and encodes a
 * span in one pass (through the shared SpanMapper) without building an intermediate Datadog span.
 */
export interface ChunkEncoder {
  /** Starts a new, empty payload. */
  beginPayload(): void;
  beginChunk(): void;
  /** `first` = first span of its chunk in this payload: it also carries the chunk tags. */
  writeSpan(span: ReadableSpan, trace: TraceInfo, first: boolean): void;
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

/** Writes `sec * 1e9 + nanos` as uint64 exactly (the value exceeds 2^53, so doubles cannot hold it). */
export function writeHrTimeNanos(w: MsgpackWriter, t: HrTime | readonly [number, number]): void {
  w.reserve(9);
  w.buf[w.pos] = 0xcf;
  w.pos = hrTimeNanosAt(w.buf, w.pos + 1, t);
}

/** The 8 big-endian bytes of `sec * 1e9 + nanos` at `b[p]` (room reserved by the caller); returns `p + 8`. */
export function hrTimeNanosAt(b: Buffer, p: number, t: HrTime | readonly [number, number]): number {
  // sec * 1e9 = sec * 1953125 * 2^9, and sec * 1953125 < 2^53 is exact in a double: split it at bit 23 so that
  // the low part times 2^9 plus the nanoseconds stays below 2^33, then carry into the high word.
  const y = (t[0] >>> 0) * 1953125;
  const yHigh = Math.floor(y / 0x800000);
  const low = (y - yHigh * 0x800000) * 512 + t[1];
  const carry = low >= 0x100000000 ? 1 : 0;
  const hi = (yHigh + carry) >>> 0;
  const lo = low - carry * 0x100000000;
  b[p] = hi >>> 24;
  b[p + 1] = (hi >>> 16) & 0xff;
  b[p + 2] = (hi >>> 8) & 0xff;
  b[p + 3] = hi & 0xff;
  b[p + 4] = lo >>> 24;
  b[p + 5] = (lo >>> 16) & 0xff;
  b[p + 6] = (lo >>> 8) & 0xff;
  b[p + 7] = lo & 0xff;
  return p + 8;
}

/** Global so that no two writers ever share an epoch: caches stamped with one stay valid for that payload only. */
let lastEpoch = 0;
export function nextEpoch(): number {
  return ++lastEpoch;
}
