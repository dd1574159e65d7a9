import { ZipkinDecodeError } from './decode-result';

const TWO_32 = 4294967296;

/** Minimal bounds-checked protobuf wire reader; truncated or malformed input throws ZipkinDecodeError. */
export class ProtoReader {
  pos: number;
  constructor(readonly buffer: Buffer, start = 0, readonly end = buffer.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private fail(what: string): never {
    throw new ZipkinDecodeError(`Malformed PROTO3 list: ${what} at byte ${this.pos}`);
  }

  /** Up to 64-bit varints; values above 2^53 lose precision, which callers treat as out of range. */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const byte = this.buffer[this.pos++];
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  fixed64(): number {
    if (this.pos + 8 > this.end) this.fail('truncated fixed64');
    const low = this.buffer.readUInt32LE(this.pos);
    const high = this.buffer.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return high * TWO_32 + low;
  }

  /** A length-delimited field: returns [start, end) and moves past it. */
  delimited(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) this.fail('length past the end');
    this.pos = start + length;
    return [start, this.pos];
  }

  string(): string {
    const [start, end] = this.delimited();
    return this.buffer.toString('utf8', start, end);
  }

  bytes(): Buffer {
    const [start, end] = this.delimited();
    return this.buffer.subarray(start, end);
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.fixed64();
    else if (wire === 2) this.delimited();
    else if (wire === 5) {
      if (this.pos + 4 > this.end) this.fail('truncated fixed32');
      this.pos += 4;
    } else this.fail(`unsupported wire type ${wire}`);
  }
}
