/** Minimal protobuf wire writer over a pre-sized buffer (the encoder computes every size first). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;

const TWO_32 = 4294967296;

/** Bytes a non-negative integer (≤ 2^53) takes as a varint. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

export class ProtoWriter {
  readonly buffer: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  varint(n: number): void {
    const buf = this.buffer;
    while (n >= 128) {
      buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    buf[this.pos++] = n;
  }

  tag(field: number, wire: number): void {
    this.buffer[this.pos++] = (field << 3) | wire; // every field number we write is < 16
  }

  fixed64(n: number): void {
    const low = n % TWO_32;
    this.buffer.writeUInt32LE(low, this.pos);
    this.buffer.writeUInt32LE((n - low) / TWO_32, this.pos + 4);
    this.pos += 8;
  }

  /** A string whose UTF-8 length the caller already measured. */
  string(value: string, byteLength: number): void {
    this.varint(byteLength);
    this.buffer.write(value, this.pos, byteLength, 'utf8');
    this.pos += byteLength;
  }

  /** `byteLength` bytes from hex text; anything the hex does not cover is zero so the sizes stay exact. */
  hex(value: string, byteLength: number): void {
    this.varint(byteLength);
    const written = this.buffer.write(value, this.pos, byteLength, 'hex');
    if (written < byteLength) this.buffer.fill(0, this.pos + written, this.pos + byteLength);
    this.pos += byteLength;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
  }
}
