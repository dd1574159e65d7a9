import type { JaegerClientStats } from './model';
import { appendSpans, spanSize, type EncodedSpanList } from './span-list';
import { writeClientStats } from './thrift/jaeger-structs';
import { i64HalvesOfNumber, MessageType, type ThriftWriter } from './thrift/thrift-writer';
import { createWriter, type ThriftProtocol } from './thrift/writers';

/*
 * UDP datagrams for jaeger-agent (spec §2.4, §2.7): an `Agent.emitBatch` message (ONEWAY, seqid 0) +
 * `emitBatch_args { 1: Batch }`, compact (6831) or binary (6832), packed greedily by exact size.
 */

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
