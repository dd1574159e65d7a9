import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { writeOtelSpan } from './encode-otel-span';
import { toJaegerSpan } from './mapping/span';
import type { JaegerClientStats, JaegerProcess, JaegerSpan } from './model';
import { writeClientStats, writeProcess, writeSpan } from './thrift/jaeger-structs';
import { i64HalvesOfNumber, MessageType, type ThriftWriter } from './thrift/thrift-writer';
import { createWriter, type ThriftProtocol } from './thrift/writers';

/*
 * Pure encoders from the Jaeger model to the three payloads Jaeger accepts (spec §2.4):
 *  - a UDP datagram: `Agent.emitBatch` message (ONEWAY, seqid 0) + `emitBatch_args { 1: Batch }`, compact or binary;
 *  - an HTTP body: a bare binary `Batch`.
 * Every span is encoded exactly once; datagrams are assembled from those bytes, so packing uses exact sizes (a
 * struct's encoding does not depend on its position: compact field-id deltas restart in every struct).
 */

export interface EncodedSpanList {
  readonly protocol: ThriftProtocol;
  /** all spans' struct bytes back to back */
  readonly bytes: Uint8Array;
  /** span i occupies bytes [offsets[i], offsets[i + 1]) */
  readonly offsets: Uint32Array;
}

export function encodeSpans(protocol: ThriftProtocol, spans: readonly JaegerSpan[]): EncodedSpanList {
  const w = createWriter(protocol, Math.max(1024, spans.length * 512));
  const offsets = new Uint32Array(spans.length + 1);
  for (let i = 0; i < spans.length; i++) {
    offsets[i] = w.length;
    writeSpan(w, spans[i]);
  }
  offsets[spans.length] = w.length;
  return { protocol, bytes: w.buffer, offsets };
}

/**
 * OTel spans straight to Thrift span structs (the hot path, see encode-otel-span.ts); spans it declines go through
 * the reference mapping. Same result as `encodeSpans(protocol, spans.map(toJaegerSpan))`.
 */
export function encodeOtelSpans(
  protocol: ThriftProtocol,
  spans: readonly ReadableSpan[],
  options: { legacyLibraryTags?: boolean } = {},
  /** scratch writer of `protocol` to reuse (the result's bytes are then only valid until its next use) */
  scratch?: ThriftWriter,
): EncodedSpanList {
  const legacy = options.legacyLibraryTags !== false;
  const w = scratch ?? createWriter(protocol, Math.max(1024, spans.length * 512));
  w.reset();
  w.reserve(spans.length * 512);
  const offsets = new Uint32Array(spans.length + 1);
  for (let i = 0; i < spans.length; i++) {
    offsets[i] = w.length;
    if (!writeOtelSpan(w, spans[i], legacy)) writeSpan(w, toJaegerSpan(spans[i], options));
  }
  offsets[spans.length] = w.length;
  return { protocol, bytes: w.buffer, offsets };
}

export function encodeProcess(protocol: ThriftProtocol, process: JaegerProcess): Uint8Array {
  const w = createWriter(protocol, 256);
  writeProcess(w, process);
  return w.slice();
}

function spanSize(list: EncodedSpanList, i: number): number {
  return list.offsets[i + 1] - list.offsets[i];
}

function varintLength(u: number): number {
  let n = 1;
  while (u > 0x7f) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

/** Bytes of the `spans` field header + list header for `n` elements. */
function spanListHeaderLength(protocol: ThriftProtocol, n: number): number {
  if (protocol === 'binary') return 3 + 5;
  return 1 + (n <= 14 ? 1 : 1 + varintLength(n));
}

const EMIT_BATCH = 'emitBatch';

/** Everything before the spans field: message header, args field 1, Batch field 1 + the Process struct. */
function writeFramePrefix(w: ThriftWriter, processBytes: Uint8Array, seqid: number): void {
  w.messageBegin(EMIT_BATCH, MessageType.ONEWAY, seqid);
  w.structBegin(); // emitBatch_args
  w.fieldStruct(1);
  w.structBegin(); // Batch
  w.fieldStruct(1);
  w.rawStruct(processBytes);
}

/** Everything after the spans: Batch.seqNo, Batch.stats, Batch STOP, args STOP. */
function writeFrameSuffix(w: ThriftWriter, seqNo: number | undefined, stats: JaegerClientStats | undefined): void {
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

function measure(protocol: ThriftProtocol, write: (w: ThriftWriter) => void): number {
  const w = createWriter(protocol, 128);
  w.structBegin();
  w.fieldStruct(1);
  w.structBegin();
  w.fieldStructList(2, 0); // puts the compact field-id state where the suffix starts (after field 2)
  const before = w.length;
  write(w);
  return w.length - before;
}

export interface AgentDatagramOptions {
  protocol: ThriftProtocol;
  /** encoded with `encodeProcess` for the same protocol */
  processBytes: Uint8Array;
  /** max datagram size in bytes (jaeger-agent reads at most 65,000) */
  maxPacketSize: number;
  /** Batch.seqNo of the first datagram, incremented per datagram; omitted from the wire when undefined */
  firstSeqNo?: number;
  /** Batch.stats written into every datagram; omitted when undefined */
  stats?: JaegerClientStats;
  /** Thrift message seqid (the agent ignores it) */
  seqid?: number;
}

export interface AgentDatagram {
  readonly bytes: Uint8Array;
  /** indexes (into the encoded span list) of the spans this datagram carries */
  readonly spanIndexes: readonly number[];
  readonly seqNo?: number;
}

export interface AgentDatagramPlan {
  readonly datagrams: AgentDatagram[];
  /** indexes of spans that do not fit in any datagram on their own */
  readonly tooLarge: number[];
}

/** Greedily packs the spans, in order, into as few `emitBatch` datagrams of at most `maxPacketSize` as possible. */
export function encodeAgentDatagrams(spans: EncodedSpanList, o: AgentDatagramOptions): AgentDatagramPlan {
  const protocol = spans.protocol;
  const seqid = o.seqid ?? 0;
  const prefixW = createWriter(protocol, o.processBytes.length + 64);
  writeFramePrefix(prefixW, o.processBytes, seqid);
  const prefixLength = prefixW.length;

  const datagrams: AgentDatagram[] = [];
  const tooLarge: number[] = [];
  const n = spans.offsets.length - 1;
  let seqNo = o.firstSeqNo;
  let i = 0;
  while (i < n) {
    const suffixLength = measure(protocol, (w) => writeFrameSuffix(w, seqNo, o.stats));
    const budget = o.maxPacketSize - prefixLength - suffixLength;
    const taken: number[] = [];
    let spanBytes = 0;
    for (; i < n; i++) {
      const size = spanSize(spans, i);
      if (spanListHeaderLength(protocol, 1) + size > budget) {
        tooLarge.push(i); // would not fit even alone
        continue;
      }
      if (spanListHeaderLength(protocol, taken.length + 1) + spanBytes + size > budget) break;
      taken.push(i);
      spanBytes += size;
    }
    if (taken.length === 0) continue;
    const total = prefixLength + spanListHeaderLength(protocol, taken.length) + spanBytes + suffixLength;
    const w = createWriter(protocol, total);
    writeFramePrefix(w, o.processBytes, seqid);
    w.fieldStructList(2, taken.length);
    appendSpans(w, spans, taken);
    writeFrameSuffix(w, seqNo, o.stats);
    datagrams.push({ bytes: w.buffer.subarray(0, w.length), spanIndexes: taken, ...(seqNo !== undefined ? { seqNo } : {}) });
    if (seqNo !== undefined) seqNo++;
  }
  return { datagrams, tooLarge };
}

function appendSpans(w: ThriftWriter, spans: EncodedSpanList, indexes: readonly number[]): void {
  // contiguous runs are copied in one go
  let runStart = 0;
  for (let k = 1; k <= indexes.length; k++) {
    if (k < indexes.length && indexes[k] === indexes[k - 1] + 1) continue;
    w.rawStruct(spans.bytes, spans.offsets[indexes[runStart]], spans.offsets[indexes[k - 1] + 1]);
    runStart = k;
  }
}

/** The collector body: a bare binary-protocol `Batch { 1: process, 2: spans }` (no envelope, no seqNo). */
export function encodeCollectorBatch(
  spans: EncodedSpanList,
  processBytes: Uint8Array,
  indexes?: readonly number[],
): Uint8Array {
  if (spans.protocol !== 'binary') throw new TypeError('the collector only accepts the binary protocol');
  const all = indexes ?? Array.from({ length: spans.offsets.length - 1 }, (_, i) => i);
  let size = processBytes.length + 3 + 8 + 1;
  for (const i of all) size += spanSize(spans, i);
  const w = createWriter('binary', size);
  w.structBegin();
  w.fieldStruct(1);
  w.rawStruct(processBytes);
  w.fieldStructList(2, all.length);
  appendSpans(w, spans, all);
  w.structEnd();
  return w.buffer.subarray(0, w.length);
}

/** Exact size of a collector body carrying the given span indexes. */
export function collectorBatchSize(spans: EncodedSpanList, processBytes: Uint8Array, indexes: readonly number[]): number {
  let size = processBytes.length + 3 + 8 + 1;
  for (const i of indexes) size += spanSize(spans, i);
  return size;
}

export interface CollectorBody {
  readonly bytes: Uint8Array;
  readonly spanIndexes: readonly number[];
}

/** Splits the spans, in order, into collector bodies of at most `maxBodyBytes`; a span too large alone is listed. */
export function encodeCollectorBodies(
  spans: EncodedSpanList,
  processBytes: Uint8Array,
  maxBodyBytes: number,
): { bodies: CollectorBody[]; tooLarge: number[] } {
  const bodies: CollectorBody[] = [];
  const tooLarge: number[] = [];
  const overhead = collectorBatchSize(spans, processBytes, []);
  const n = spans.offsets.length - 1;
  let taken: number[] = [];
  let size = overhead;
  const flush = (): void => {
    if (taken.length > 0) bodies.push({ bytes: encodeCollectorBatch(spans, processBytes, taken), spanIndexes: taken });
    taken = [];
    size = overhead;
  };
  for (let i = 0; i < n; i++) {
    const s = spanSize(spans, i);
    if (overhead + s > maxBodyBytes) {
      tooLarge.push(i);
      continue;
    }
    if (size + s > maxBodyBytes) flush();
    taken.push(i);
    size += s;
  }
  flush();
  return { bodies, tooLarge };
}
