import { ByteSink } from './byte-sink';
import { hex8At, type ThriftWriter } from './thrift-writer';

/** Compact-protocol type nibbles (thrift-compact-protocol.md). */
const CT = { BOOL_TRUE: 1, BOOL_FALSE: 2, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, STRUCT: 12 } as const;
const PROTOCOL_ID = 0x82;
const VERSION = 1;
/** strings shorter than this are copied by a JS loop when ASCII (< 128 also keeps their varint length at 1 byte) */
const SHORT_ASCII = 128;
const TWO_32 = 4294967296;

/** Bytes of the unsigned varint encoding of `u` (also used to size the agent frame's list header). */
export function varintLength(u: number): number {
  let n = 1;
  while (u > 0x7f) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

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
    this.fieldHeader(id, CT.I64);
    this.i64(hi | 0, (value - hi * TWO_32) | 0);
  }

  fieldI64Hex(id: number, hex: string, offset = 0): void {
    this.fieldHeader(id, CT.I64);
    this.i64(hex8At(hex, offset), hex8At(hex, offset + 8));
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

  // Tag templates: field 1 (delta 1, BINARY) key; field 2 (delta 1, I32) vType as a zigzag byte; then the value
  // field, whose delta from field 2 is fixed per type; STOP. The enclosing struct's field-id state is untouched.

  tagString(key: string, value: string): void {
    this.tagHead(key, 0); // STRING
    this.byte(0x18); // field 3, delta 1, BINARY
    this.string(value);
    this.byte(0);
  }

  tagLong(key: string, value: number): void {
    this.tagHead(key, 6); // LONG = 3
    this.byte(0x46); // field 6, delta 4, I64
    const hi = Math.floor(value / TWO_32);
    this.i64(hi | 0, (value - hi * TWO_32) | 0);
    this.byte(0);
  }

  tagDouble(key: string, value: number): void {
    this.tagHead(key, 2); // DOUBLE = 1
    this.ensure(10);
    const buf = this.buf;
    buf[this.pos] = 0x27; // field 4, delta 2, DOUBLE
    buf.writeDoubleLE(value, this.pos + 1);
    buf[this.pos + 9] = 0;
    this.pos += 10;
  }

  tagBool(key: string, value: boolean): void {
    this.tagHead(key, 4); // BOOL = 2
    this.ensure(2);
    this.buf[this.pos] = value ? 0x31 : 0x32; // field 5, delta 3, the value in the type nibble
    this.buf[this.pos + 1] = 0;
    this.pos += 2;
  }

  tagBinary(key: string, value: Uint8Array): void {
    this.tagHead(key, 8); // BINARY = 4
    this.byte(0x58); // field 7, delta 5, BINARY
    this.varint32(value.length);
    this.raw(value);
    this.byte(0);
  }

  /** field 1 (key) + field 2 (vType, already zigzagged: every TagType fits one byte) */
  private tagHead(key: string, zigzagType: number): void {
    this.byte(0x18);
    this.string(key);
    this.ensure(2);
    this.buf[this.pos] = 0x15;
    this.buf[this.pos + 1] = zigzagType;
    this.pos += 2;
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
    const len = s.length;
    // short ASCII (most keys and values): a JS copy loop beats a native call; longer or non-ASCII: one native pass
    if (len < SHORT_ASCII) {
      this.ensure(1 + len);
      if (this.asciiAt(s, this.pos + 1)) {
        this.buf[this.pos] = len;
        this.pos += 1 + len;
        return;
      }
    }
    // the byte length is at least `len`, so its varint is at least as long as len's; rarely one byte longer
    const guess = varintLength(len);
    const start = this.pos;
    const n = this.utf8At(s, start + guess);
    const head = varintLength(n);
    if (head !== guess) this.buf.copyWithin(start + head, start + guess, start + guess + n);
    this.varint32(n);
    this.pos = start + head + n;
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

  /**
   * zigzag then unsigned LEB128 of the 64-bit value (hi:lo), on 32-bit halves kept as int32 (either signedness of
   * `lo` gives the same bits). Random ids zigzag to 57+ bits: those 9–10 bytes are written unrolled.
   */
  private i64(hi: number, lo: number): void {
    const sign = hi >> 31;
    let zh = ((hi << 1) | (lo >>> 31)) ^ sign;
    let zl = (lo << 1) ^ sign;
    this.ensure(10);
    const buf = this.buf;
    let p = this.pos;
    if (zh >>> 24 !== 0) {
      // a byte store keeps the low 8 bits, so `| 0x80` sets the continuation bit over the next 7 value bits
      buf[p] = zl | 0x80;
      buf[p + 1] = (zl >>> 7) | 0x80;
      buf[p + 2] = (zl >>> 14) | 0x80;
      buf[p + 3] = (zl >>> 21) | 0x80;
      buf[p + 4] = (zl >>> 28) | (zh << 4) | 0x80;
      buf[p + 5] = (zh >>> 3) | 0x80;
      buf[p + 6] = (zh >>> 10) | 0x80;
      buf[p + 7] = (zh >>> 17) | 0x80;
      const top = zh >>> 24; // bits 56..63
      if (top < 0x80) {
        buf[p + 8] = top;
        this.pos = p + 9;
      } else {
        buf[p + 8] = top | 0x80;
        buf[p + 9] = 1;
        this.pos = p + 10;
      }
      return;
    }
    while (zh !== 0 || zl >>> 7 !== 0) {
      buf[p++] = zl | 0x80;
      zl = (zl >>> 7) | (zh << 25);
      zh >>>= 7;
    }
    buf[p++] = zl;
    this.pos = p;
  }
}
