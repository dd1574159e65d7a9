import { DatagramPacker, type AgentDatagram, type PackerFrame } from './datagram-packer';
import type { EncodedSpanList } from './span-list';
import type { ThriftProtocol } from './thrift/writers';

/*
 * UDP datagrams for jaeger-agent (spec §2.4, §2.7) from an already encoded span list: the same packing as the
 * encoder's streaming path (datagram-packer.ts), for callers that hold every span's bytes (tests, a lone span).
 */

export type { AgentDatagram } from './datagram-packer';

export interface AgentDatagramOptions extends PackerFrame {
  protocol: ThriftProtocol;
  /** max datagram size in bytes (jaeger-agent reads at most 65,000) */
  maxPacketSize: number;
}

export interface AgentDatagramPlan {
  readonly datagrams: AgentDatagram[];
  /** indexes of spans that do not fit in any datagram on their own */
  readonly tooLarge: number[];
}

/** Greedily packs the spans, in order, into as few `emitBatch` datagrams of at most `maxPacketSize` as possible. */
export function encodeAgentDatagrams(spans: EncodedSpanList, o: AgentDatagramOptions): AgentDatagramPlan {
  const packer = new DatagramPacker(spans.protocol, o.maxPacketSize);
  packer.begin(o);
  const n = spans.offsets.length - 1;
  for (let i = 0; i < n; i++) {
    packer.writer.rawStruct(spans.bytes, spans.offsets[i], spans.offsets[i + 1]);
    packer.commit(i);
  }
  const { datagrams, tooLarge } = packer.finish();
  return { datagrams, tooLarge: tooLarge.map((t) => t.index) };
}
