import { ZipkinDecodeError } from './decode-result';

/** TBinaryProtocol type ids (Thrift's TType). */
export const enum TType {
  STOP = 0, BOOL = 2, BYTE = 3, DOUBLE = 4, I16 = 6, I32 = 8, I64 = 10, STRING = 11, STRUCT = 12, MAP = 13, SET = 14, LIST = 15,
}

/** Deeper nesting than Zipkin's model needs (span → annotation → endpoint) is malicious or garbage. */
const MAX_DEPTH = 16;

/**
 * Minimal bounds-checked TBinaryProtocol reader (big-endian, no message envelope). Every length is checked against
 * the bytes left before anything is allocated, so garbage or truncated input throws ZipkinDecodeError and nothing
 * else; unknown fields are skipped with a nesting limit.
 */
export class ThriftReader {
  pos = 0;
  constructor(readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.pos;
  }

  private need(bytes: number, what: string): void {
    if (bytes < 0 || bytes > this.remaining) throw new ZipkinDecodeError(`Malformed THRIFT list: truncated ${what} at byte ${this.pos}`);
  }

  byte(): number {
    this.need(1, 'byte');
    return this.buffer[this.pos++];
  }

  i16(): number {
    this.need(2, 'i16');
    const v = this.buffer.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4, 'i32');
    const v = this.buffer.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An i64 as 16 lower-hex digits (two's complement), the way Zipkin writes ids. */
  i64Hex(): string {
    this.need(8, 'i64');
    const hex = this.buffer.toString('hex', this.pos, this.pos + 8);
    this.pos += 8;
    return hex;
  }

  /** An i64 as a number; negative or above 2^53 (never valid microseconds) → undefined. */
  i64Micros(): number | undefined {
    this.need(8, 'i64');
    const v = this.buffer.readBigInt64BE(this.pos);
    this.pos += 8;
    return v > 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  }

  binary(): Buffer {
    const length = this.i32();
    this.need(length, 'binary');
    const out = this.buffer.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    return this.binary().toString('utf8');
  }

  /** A list header; the size is checked against the bytes left (every element takes at least one). */
  listBegin(): { type: number; size: number } {
    const type = this.byte();
    const size = this.i32();
    if (size < 0 || size > this.remaining) throw new ZipkinDecodeError(`Malformed THRIFT list: list of ${size} elements at byte ${this.pos}`);
    return { type, size };
  }

  skip(type: number, depth = 0): void {
    if (depth > MAX_DEPTH) throw new ZipkinDecodeError('Malformed THRIFT list: nested too deeply');
    switch (type) {
      case TType.BOOL: case TType.BYTE: this.need(1, 'byte'); this.pos += 1; return;
      case TType.I16: this.need(2, 'i16'); this.pos += 2; return;
      case TType.I32: this.need(4, 'i32'); this.pos += 4; return;
      case TType.DOUBLE: case TType.I64: this.need(8, 'i64'); this.pos += 8; return;
      case TType.STRING: this.binary(); return;
      case TType.STRUCT:
        for (let field = this.byte(); field !== TType.STOP; field = this.byte()) {
          this.i16();
          this.skip(field, depth + 1);
        }
        return;
      case TType.MAP: {
        const keyType = this.byte();
        const valueType = this.byte();
        const size = this.i32();
        if (size < 0 || size > this.remaining) throw new ZipkinDecodeError(`Malformed THRIFT list: map of ${size} entries`);
        for (let i = 0; i < size; i++) {
          this.skip(keyType, depth + 1);
          this.skip(valueType, depth + 1);
        }
        return;
      }
      case TType.SET: case TType.LIST: {
        const { type: elementType, size } = this.listBegin();
        for (let i = 0; i < size; i++) this.skip(elementType, depth + 1);
        return;
      }
      default:
        throw new ZipkinDecodeError(`Malformed THRIFT list: unknown type ${type} at byte ${this.pos}`);
    }
  }
}
