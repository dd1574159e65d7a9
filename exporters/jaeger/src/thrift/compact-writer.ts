import { ByteSink } from './byte-sink';
import { hex8At, type ThriftWriter } from './thrift-writer';

/** Compact-protocol type nibbles (thrift-compact-protocol.md). */
const CT = { BOOL_TRUE: 1, BOOL_FALSE: 2, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, STRUCT: 12 } as const;
const PROTOCOL_ID = 0x82;
const VERSION = 1;
const SHORT_ASCII = 128; // the 1-byte length fast path needs < 128
const TWO_32 = 4294967296;

/**
 * Thrift compact protocol (what jaeger-agent reads on 6831): zigzag varints, field-id deltas, bools in the field
 * header, little-endian doubles.
 */
export class CompactWriter extends ByteSink implements ThriftWriter {
  private lastFieldId = 0;
  private readonly fieldIdStack: number[] = [];

  override reset(): void {
    super.reset();
    this.lastFieldId = 0;
    this.fieldIdStack.length = 0;
  }

  messageBegin(name: string, type: number, seqid: number): void {
    this.byte(PROTOCOL_ID);
    this.byte(((type << 5) | VERSION) & 0xff);
    this.varint32(seqid >>> 0); // raw varint, not zigzag (per spec and the Go implementation)
    this.string(name);
  }

  structBegin(): void {
    this.fieldIdStack.push(this.lastFieldId);
    this.lastFieldId = 0;
  }

  structEnd(): void {
    this.byte(0);
    this.lastFieldId = this.fieldIdStack.pop() ?? 0;
  }

  rawStruct(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.raw(bytes, start, end);
  }

  fieldStruct(id: number): void {
    this.fieldHeader(id, CT.STRUCT);
  }

  fieldStructList(id: number, size: number): void {
    this.fieldHeader(id, CT.LIST);
    if (size <= 14) this.byte((size << 4) | CT.STRUCT);
    else {
      this.byte(0xf0 | CT.STRUCT);
      this.varint32(size);
    }
  }

  fieldI32(id: number, value: number): void {
    this.fieldHeader(id, CT.I32);
    this.varint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  fieldI64(id: number, hi: number, lo: number): void {
    this.fieldHeader(id, CT.I64);
    this.i64(hi, lo);
  }

  fieldI64Number(id: number, value: number): void {
    const hi = Math.floor(value / TWO_32);
    this.fieldI64(id, hi | 0, (value - hi * TWO_32) >>> 0);
  }

  fieldI64Hex(id: number, hex: string, offset = 0): void {
    this.fieldI64(id, hex8At(hex, offset), hex8At(hex, offset + 8) >>> 0);
  }

  fieldDouble(id: number, value: number): void {
    this.fieldHeader(id, CT.DOUBLE);
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  fieldBool(id: number, value: boolean): void {
    this.fieldHeader(id, value ? CT.BOOL_TRUE : CT.BOOL_FALSE);
  }

  fieldString(id: number, value: string): void {
    this.fieldHeader(id, CT.BINARY);
    this.string(value);
  }

  fieldBinary(id: number, value: Uint8Array): void {
    this.fieldHeader(id, CT.BINARY);
    this.varint32(value.length);
    this.raw(value);
  }

  private fieldHeader(id: number, type: number): void {
    const delta = id - this.lastFieldId;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.varint32(((id << 1) ^ (id >> 31)) >>> 0); // i16 zigzag
    }
    this.lastFieldId = id;
  }

  private string(s: string): void {
    if (s.length < SHORT_ASCII) {
      this.ensure(1 + s.length);
      if (this.asciiAt(s, this.pos + 1)) {
        this.buf[this.pos] = s.length;
        this.pos += 1 + s.length;
        return;
      }
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varint32(n);
    this.utf8(s, n);
  }

  /** unsigned LEB128 of a uint32 */
  private varint32(u: number): void {
    this.ensure(5);
    const buf = this.buf;
    while (u > 0x7f) {
      buf[this.pos++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    buf[this.pos++] = u;
  }

  /** zigzag then unsigned LEB128 of the 64-bit value (hi:lo), on 32-bit halves */
  private i64(hi: number, lo: number): void {
    const sign = hi >> 31;
    let zh = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
    let zl = ((lo << 1) ^ sign) >>> 0;
    this.ensure(10);
    const buf = this.buf;
    while (zh !== 0 || zl > 0x7f) {
      buf[this.pos++] = (zl & 0x7f) | 0x80;
      zl = ((zl >>> 7) | (zh << 25)) >>> 0;
      zh >>>= 7;
    }
    buf[this.pos++] = zl;
  }
}
