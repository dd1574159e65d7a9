import type { JaegerClientStats } from './model';
import { varintLength } from './thrift/compact-writer';
import { writeClientStats } from './thrift/jaeger-structs';
import { i64HalvesOfNumber, MessageType, type ThriftWriter } from './thrift/thrift-writer';
import { createWriter, type ThriftProtocol } from './thrift/writers';

/*
 * The envelope of a jaeger-agent UDP datagram (spec §2.4, §2.7): an `Agent.emitBatch` message (ONEWAY) +
 * `emitBatch_args { 1: Batch }`, compact (6831) or binary (6832). The spans list sits between a prefix that only
 * depends on the Process and a suffix that only depends on seqNo and stats, so both have exact, known sizes.
 */

/** Bytes of the `spans` field header + list header for `n` elements. */
export function spanListHeaderLength(protocol: ThriftProtocol, n: number): number {
  if (protocol === 'binary') return 3 + 5;
  return 1 + (n <= 14 ? 1 : 1 + varintLength(n));
}

const EMIT_BATCH = 'emitBatch';

/** Everything before the spans field: message header, args field 1, Batch field 1 + the Process struct. */
export function writeFramePrefix(w: ThriftWriter, processBytes: Uint8Array, seqid: number): void {
  w.messageBegin(EMIT_BATCH, MessageType.ONEWAY, seqid);
  w.structBegin(); // emitBatch_args
  w.fieldStruct(1);
  w.structBegin(); // Batch
  w.fieldStruct(1);
  w.rawStruct(processBytes);
}

/** Everything after the spans: Batch.seqNo, Batch.stats, Batch STOP, args STOP. */
export function writeFrameSuffix(w: ThriftWriter, seqNo: number | undefined, stats: JaegerClientStats | undefined): void {
  if (seqNo !== undefined) {
    const [hi, lo] = i64HalvesOfNumber(seqNo);
    w.fieldI64(3, hi, lo);
  }
  if (stats) {
    w.fieldStruct(4);
    writeClientStats(w, stats);
  }
  w.structEnd(); // Batch
  w.structEnd(); // emitBatch_args
}

/** Exact size of the suffix (written where the compact field-id state is "after Batch field 2"). */
export function frameSuffixLength(protocol: ThriftProtocol, seqNo: number | undefined, stats: JaegerClientStats | undefined): number {
  const w = createWriter(protocol, 128);
  w.structBegin();
  w.fieldStruct(1);
  w.structBegin();
  w.fieldStructList(2, 0);
  const before = w.length;
  writeFrameSuffix(w, seqNo, stats);
  return w.length - before;
}

/** Exact size of the prefix. */
export function framePrefixLength(protocol: ThriftProtocol, processBytes: Uint8Array, seqid: number): number {
  const w = createWriter(protocol, processBytes.length + 64);
  writeFramePrefix(w, processBytes, seqid);
  return w.length;
}

/** One complete datagram: prefix, the spans list header, the given span structs (`spanBytes`), suffix. */
export function writeDatagram(
  protocol: ThriftProtocol,
  frame: { processBytes: Uint8Array; seqid: number; seqNo: number | undefined; stats: JaegerClientStats | undefined },
  spanCount: number,
  spanBytes: Uint8Array,
  exactLength: number,
): Uint8Array {
  // + slack: varint writers ensure room for their worst case (10 bytes for an i64), and an exact-size buffer
  // would otherwise be doubled (allocated and copied again) by the seqNo of the suffix
  const w = createWriter(protocol, exactLength + 16);
  writeFramePrefix(w, frame.processBytes, frame.seqid);
  w.fieldStructList(2, spanCount);
  w.rawStruct(spanBytes);
  writeFrameSuffix(w, frame.seqNo, frame.stats);
  return w.buffer.subarray(0, w.length);
}
