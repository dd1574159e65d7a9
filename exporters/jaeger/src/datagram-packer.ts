import { frameSuffixLength, framePrefixLength, spanListHeaderLength, writeDatagram } from './agent-frame';
import type { JaegerClientStats } from './model';
import type { ThriftWriter } from './thrift/thrift-writer';
import { createWriter, type ThriftProtocol } from './thrift/writers';

export interface AgentDatagram {
  readonly bytes: Uint8Array;
  /** indexes (in the order spans were committed) of the spans this datagram carries */
  readonly spanIndexes: readonly number[];
  readonly seqNo?: number;
}

export interface OversizedSpan {
  readonly index: number;
  /** the span struct alone, which does not fit in any datagram */
  readonly bytes: Uint8Array;
}

export interface PackerFrame {
  /** encoded with `encodeProcess` for the same protocol */
  processBytes: Uint8Array;
  /** Batch.seqNo of the first datagram, incremented per datagram; omitted from the wire when undefined */
  firstSeqNo?: number;
  /** Batch.stats written into every datagram; omitted when undefined */
  stats?: JaegerClientStats;
  /** Thrift message seqid (the agent ignores it) */
  seqid?: number;
}

const MAX_RETAINED_SCRATCH = 1024 * 1024;

/**
 * Greedy exact-size packing of spans into `emitBatch` datagrams, fed one span at a time: the caller writes a span
 * struct into `writer` and `commit`s it. The writer only ever holds the spans of the datagram being filled, so it
 * stays about one datagram large (cache-resident); when a span does not fit, the datagram is cut from the spans
 * before it and that span's bytes move to the front to open the next one. Each span is encoded exactly once.
 */
export class DatagramPacker {
  /** where the caller writes the next span struct */
  writer: ThriftWriter;
  private readonly protocol: ThriftProtocol;
  private readonly maxPacketSize: number;
  private frame: { processBytes: Uint8Array; seqid: number; seqNo: number | undefined; stats: JaegerClientStats | undefined };
  private prefixLength = 0;
  /** bytes left for the spans list header + span structs in the open datagram */
  private budget = 0;
  private taken: number[] = [];
  private datagrams: AgentDatagram[] = [];
  private tooLarge: OversizedSpan[] = [];
  /** where the span being written starts in `writer` */
  private spanStart = 0;

  constructor(protocol: ThriftProtocol, maxPacketSize: number) {
    this.protocol = protocol;
    this.maxPacketSize = maxPacketSize;
    this.writer = createWriter(protocol, 64 * 1024);
    this.frame = { processBytes: new Uint8Array(0), seqid: 0, seqNo: undefined, stats: undefined };
  }

  /** Starts a new run of datagrams (one Batch per datagram, all with this Process). */
  begin(frame: PackerFrame): void {
    const seqid = frame.seqid ?? 0;
    this.frame = { processBytes: frame.processBytes, seqid, seqNo: frame.firstSeqNo, stats: frame.stats };
    this.prefixLength = framePrefixLength(this.protocol, frame.processBytes, seqid);
    this.taken = [];
    this.datagrams = [];
    this.tooLarge = [];
    this.writer.reset();
    this.openDatagram();
  }

  /** Takes the span struct written into `writer` since the last commit as span `index`. */
  commit(index: number): void {
    const w = this.writer;
    const end = w.length;
    const start = this.spanStart;
    const size = end - start;
    if (spanListHeaderLength(this.protocol, 1) + size > this.budget) {
      // would not fit even alone: set aside (its neighbours are unaffected)
      this.tooLarge.push({ index, bytes: w.slice(start, end) });
      w.rewind(start);
      return;
    }
    if (spanListHeaderLength(this.protocol, this.taken.length + 1) + end > this.budget) {
      this.emit(start);
      w.buffer.copyWithin(0, start, end);
      w.rewind(size);
      this.frame.seqNo = this.frame.seqNo === undefined ? undefined : this.frame.seqNo + 1;
      this.openDatagram();
      // the next seqNo may take one more byte than the last: re-check the lone span against the new budget
      if (spanListHeaderLength(this.protocol, 1) + size > this.budget) {
        this.tooLarge.push({ index, bytes: w.slice(0, size) });
        w.rewind(0);
        return;
      }
    }
    this.taken.push(index);
    this.spanStart = w.length;
  }

  /** Cuts the last datagram; returns every datagram of this run and the spans that fit in none. */
  finish(): { datagrams: AgentDatagram[]; tooLarge: OversizedSpan[] } {
    if (this.taken.length > 0) this.emit(this.writer.length);
    // keep the scratch writer for typical spans, but never pin what one huge span grew it to
    if (this.writer.buffer.length > MAX_RETAINED_SCRATCH) this.writer = createWriter(this.protocol, 64 * 1024);
    else this.writer.reset();
    const out = { datagrams: this.datagrams, tooLarge: this.tooLarge };
    this.datagrams = [];
    this.tooLarge = [];
    this.taken = [];
    return out;
  }

  private openDatagram(): void {
    this.taken = [];
    this.spanStart = this.writer.length;
    this.budget = this.maxPacketSize - this.prefixLength - frameSuffixLength(this.protocol, this.frame.seqNo, this.frame.stats);
  }

  /** A datagram of the taken spans, whose structs are bytes [0, spanBytes) of the writer. */
  private emit(spanBytes: number): void {
    const count = this.taken.length;
    const exact = this.maxPacketSize - this.budget + spanListHeaderLength(this.protocol, count) + spanBytes;
    const bytes = writeDatagram(this.protocol, this.frame, count, this.writer.buffer.subarray(0, spanBytes), exact);
    const seqNo = this.frame.seqNo;
    this.datagrams.push(seqNo !== undefined ? { bytes, spanIndexes: this.taken, seqNo } : { bytes, spanIndexes: this.taken });
  }
}
