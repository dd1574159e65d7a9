import { ByteSink } from './byte-sink';
import { hex8At, type ThriftWriter } from './thrift-writer';

/** Binary-protocol type ids (thrift-binary-protocol.md). */
const TT = { BOOL: 2, DOUBLE: 4, I32: 8, I64: 10, STRING: 11, STRUCT: 12, LIST: 15 } as const;
const VERSION_1 = 0x80010000;
/** strings shorter than this are copied by a JS loop when ASCII */
const SHORT_ASCII = 256;
const TWO_32 = 4294967296;

/**
 * Thrift binary protocol (jaeger-agent on 6832 and the collector's `/api/traces` body): fixed-width big-endian
 * integers, `type:i8 id:i16` field headers, strict message header.
 */
export class BinaryWriter extends ByteSink implements ThriftWriter {
  messageBegin(name: string, type: number, seqid: number): void {
    this.i32((VERSION_1 | type) >>> 0);
    this.string(name);
    this.i32(seqid);
  }

  structBegin(): void {
    // nothing on the wire: a binary struct is just its fields and a STOP
  }

  structEnd(): void {
    this.byte(0);
  }

  rawStruct(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.raw(bytes, start, end);
  }

  fieldStruct(id: number): void {
    this.fieldHeader(TT.STRUCT, id);
  }

  fieldStructList(id: number, size: number): void {
    this.fieldHeader(TT.LIST, id);
    this.byte(TT.STRUCT);
    this.i32(size);
  }

  fieldI32(id: number, value: number): void {
    this.fieldHeader(TT.I32, id);
    this.i32(value);
  }

  fieldI64(id: number, hi: number, lo: number): void {
    this.fieldHeader(TT.I64, id);
    this.i32(hi);
    this.i32(lo);
  }

  fieldI64Number(id: number, value: number): void {
    const hi = Math.floor(value / TWO_32);
    this.fieldI64(id, hi | 0, (value - hi * TWO_32) >>> 0);
  }

  fieldI64Hex(id: number, hex: string, offset = 0): void {
    this.fieldI64(id, hex8At(hex, offset), hex8At(hex, offset + 8) >>> 0);
  }

  fieldDouble(id: number, value: number): void {
    this.fieldHeader(TT.DOUBLE, id);
    this.ensure(8);
    this.buf.writeDoubleBE(value, this.pos);
    this.pos += 8;
  }

  fieldBool(id: number, value: boolean): void {
    this.fieldHeader(TT.BOOL, id);
    this.byte(value ? 1 : 0);
  }

  fieldString(id: number, value: string): void {
    this.fieldHeader(TT.STRING, id);
    this.string(value);
  }

  fieldBinary(id: number, value: Uint8Array): void {
    this.fieldHeader(TT.STRING, id);
    this.i32(value.length);
    this.raw(value);
  }

  // Tag templates: field 1 (STRING) key, field 2 (I32) vType, the value field, STOP.

  tagString(key: string, value: string): void {
    this.tagHead(key, 0); // STRING
    this.fieldHeader(TT.STRING, 3);
    this.string(value);
    this.byte(0);
  }

  tagLong(key: string, value: number): void {
    this.tagHead(key, 3); // LONG
    const hi = Math.floor(value / TWO_32);
    this.fieldHeader(TT.I64, 6);
    this.i32(hi | 0);
    this.i32((value - hi * TWO_32) >>> 0);
    this.byte(0);
  }

  tagDouble(key: string, value: number): void {
    this.tagHead(key, 1); // DOUBLE
    this.fieldHeader(TT.DOUBLE, 4);
    this.ensure(9);
    this.buf.writeDoubleBE(value, this.pos);
    this.buf[this.pos + 8] = 0;
    this.pos += 9;
  }

  tagBool(key: string, value: boolean): void {
    this.tagHead(key, 2); // BOOL
    this.fieldHeader(TT.BOOL, 5);
    this.ensure(2);
    this.buf[this.pos] = value ? 1 : 0;
    this.buf[this.pos + 1] = 0;
    this.pos += 2;
  }

  tagBinary(key: string, value: Uint8Array): void {
    this.tagHead(key, 4); // BINARY
    this.fieldBinary(7, value);
    this.byte(0);
  }

  /** field 1 (key) + field 2 (vType) */
  private tagHead(key: string, type: number): void {
    this.fieldHeader(TT.STRING, 1);
    this.string(key);
    this.ensure(7);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = TT.I32;
    buf[p + 1] = 0;
    buf[p + 2] = 2;
    buf[p + 3] = 0;
    buf[p + 4] = 0;
    buf[p + 5] = 0;
    buf[p + 6] = type;
    this.pos = p + 7;
  }

  private fieldHeader(type: number, id: number): void {
    this.ensure(3);
    const buf = this.buf;
    buf[this.pos] = type;
    buf[this.pos + 1] = (id >>> 8) & 0xff;
    buf[this.pos + 2] = id & 0xff;
    this.pos += 3;
  }

  private i32(v: number): void {
    this.ensure(4);
    const buf = this.buf;
    buf[this.pos] = (v >>> 24) & 0xff;
    buf[this.pos + 1] = (v >>> 16) & 0xff;
    buf[this.pos + 2] = (v >>> 8) & 0xff;
    buf[this.pos + 3] = v & 0xff;
    this.pos += 4;
  }

  private string(s: string): void {
    const len = s.length;
    // short ASCII (most keys and values): a JS copy loop beats a native call; longer or non-ASCII: one native pass
    if (len < SHORT_ASCII) {
      this.ensure(4 + len);
      if (this.asciiAt(s, this.pos + 4)) {
        this.i32(len);
        this.pos += len;
        return;
      }
    }
    const start = this.pos;
    const n = this.utf8At(s, start + 4);
    this.i32(n);
    this.pos = start + 4 + n;
  }
}
