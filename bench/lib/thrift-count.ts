// Counts the spans in a Jaeger agent `emitBatch` datagram (compact or binary protocol) with the `thrift` package's own
// protocol readers, independent of our encoder.
import * as thrift from 'thrift';

type Protocol = thrift.TProtocol & {
  readMessageBegin(): unknown; readStructBegin(): unknown; readFieldBegin(): { ftype: number; fid: number };
  readListBegin(): { etype: number; size: number }; skip(type: number): void;
};

export function countJaegerBatchSpans(datagram: Buffer): number {
  try {
    const binary = datagram[0] === 0x80; // binary protocol messages start with the 0x8001 version word
    const transport = new (thrift as unknown as { TFramedTransport: new (b: Buffer) => thrift.TTransport }).TFramedTransport(datagram);
    const ProtocolClass = (binary ? thrift.TBinaryProtocol : thrift.TCompactProtocol) as unknown as new (t: thrift.TTransport) => Protocol;
    const p = new ProtocolClass(transport);
    p.readMessageBegin();
    p.readStructBegin(); // emitBatch_args
    for (;;) {
      const outer = p.readFieldBegin();
      if (outer.ftype === thrift.Thrift.Type.STOP) return 0;
      if (outer.fid !== 1) { p.skip(outer.ftype); continue; }
      p.readStructBegin(); // Batch
      for (;;) {
        const f = p.readFieldBegin();
        if (f.ftype === thrift.Thrift.Type.STOP) return 0;
        if (f.fid === 2 && f.ftype === thrift.Thrift.Type.LIST) return p.readListBegin().size;
        p.skip(f.ftype);
      }
    }
  } catch {
    return 0;
  }
}
