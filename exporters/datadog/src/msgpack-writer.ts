/**
 * Minimal msgpack writer into one growable Buffer: only the types the Datadog intake needs, with the
 * smallest encoding for each value and no per-field allocation (specs/datadog.md §5).
 */
const MAX_BUFFER_BYTES = 256 * 1024 * 1024;
/** Payloads from this size on are handed over instead of copied (see `detach`). */
const DETACH_THRESHOLD = 1024 * 1024;

/** ASCII code → hex digit value, -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[97 + i] = 10 + i;
  HEX_VALUE[65 + i] = 10 + i;
}

export class MsgpackWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    if (need > MAX_BUFFER_BYTES) throw new RangeError(`msgpack buffer would exceed ${MAX_BUFFER_BYTES} bytes`);
    const next = Buffer.allocUnsafe(Math.min(size, MAX_BUFFER_BYTES));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * Hands over the bytes written so far without copying them and continues in a fresh buffer of the same
   * capacity (a payload body lives on while it is sent; copying megabytes per payload is what this avoids).
   */
  detach(): Buffer {
    if (this.pos < DETACH_THRESHOLD) {
      // small payloads: a copy is cheaper than a fresh buffer of the (possibly grown) capacity
      const copy = this.toBuffer();
      this.pos = 0;
      return copy;
    }
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    return out;
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  arrayHeader(n: number): void {
    this.reserve(5);
    if (n < 16) this.buf[this.pos++] = 0x90 | n;
    else if (n < 0x10000) this.head16(0xdc, n);
    else this.head32(0xdd, n);
  }

  mapHeader(n: number): void {
    this.reserve(5);
    if (n < 16) this.buf[this.pos++] = 0x80 | n;
    else if (n < 0x10000) this.head16(0xde, n);
    else this.head32(0xdf, n);
  }

  /** Writes an array32 header with a placeholder count; returns where to patch it. */
  array32Placeholder(): number {
    this.reserve(5);
    const at = this.pos;
    this.head32(0xdd, 0);
    return at;
  }

  patchCount32(at: number, n: number): void {
    this.buf.writeUInt32BE(n, at + 1);
  }

  /** Non-negative integer, smallest width. Callers guarantee `0 <= n <= 2^53`. */
  uint(n: number): void {
    this.reserve(9);
    const b = this.buf;
    if (n < 0x80) b[this.pos++] = n;
    else if (n < 0x100) {
      b[this.pos++] = 0xcc;
      b[this.pos++] = n;
    } else if (n < 0x10000) this.head16(0xcd, n);
    else if (n < 0x100000000) this.head32(0xce, n);
    else this.u64(Math.floor(n / 0x100000000), n >>> 0);
  }

  /** Integers compactly when exact in 32 bits, otherwise float64 — never float32 (the agent rejects it). */
  number(v: number): void {
    if (Number.isInteger(v) && v >= -0x80000000 && v < 0x100000000) {
      if (v >= 0) return this.uint(v);
      this.reserve(5);
      const b = this.buf;
      if (v >= -32) b[this.pos++] = v & 0xff;
      else if (v >= -0x80) {
        b[this.pos++] = 0xd0;
        b[this.pos++] = v & 0xff;
      } else if (v >= -0x8000) {
        b[this.pos++] = 0xd1;
        b.writeInt16BE(v, this.pos);
        this.pos += 2;
      } else {
        b[this.pos++] = 0xd2;
        b.writeInt32BE(v, this.pos);
        this.pos += 4;
      }
      return;
    }
    this.float64(v);
  }

  float64(v: number): void {
    this.reserve(9);
    this.buf[this.pos++] = 0xcb;
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** uint64 from two 32-bit halves (always the 9-byte form, like dd-trace, so ids have a stable width). */
  u64(hi: number, lo: number): void {
    this.reserve(9);
    const b = this.buf;
    b[this.pos] = 0xcf;
    b.writeUInt32BE(hi >>> 0, this.pos + 1);
    b.writeUInt32BE(lo >>> 0, this.pos + 5);
    this.pos += 9;
  }

  /** uint64 from 16 hex digits (an OTel span id, or the low half of a trace id at `offset`). */
  u64Hex(hex: string, offset = 0): void {
    this.reserve(9);
    this.buf[this.pos] = 0xcf;
    this.pos = writeHex64(this.buf, this.pos + 1, hex, offset);
  }

  /** Encodes a string without caching; returns the encoded length including the header. */
  str(s: string): number {
    const start = this.pos;
    const len = s.length;
    if (len < 32) {
      this.reserve(1 + len * 3);
      const b = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === len) {
        b[this.pos] = 0xa0 | len;
        this.pos = p;
        return p - start;
      }
    }
    return this.strSlow(s);
  }

  private strSlow(s: string): number {
    const start = this.pos;
    const maxBytes = s.length * 3;
    const head = maxBytes < 32 ? 1 : maxBytes < 0x100 ? 2 : maxBytes < 0x10000 ? 3 : 5;
    this.reserve(head + maxBytes);
    const n = this.buf.write(s, this.pos + head, 'utf8');
    const actual = n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
    if (actual !== head) this.buf.copyWithin(this.pos + actual, this.pos + head, this.pos + head + n);
    const b = this.buf;
    if (actual === 1) b[this.pos] = 0xa0 | n;
    else if (actual === 2) {
      b[this.pos] = 0xd9;
      b[this.pos + 1] = n;
    } else if (actual === 3) {
      b[this.pos] = 0xda;
      b.writeUInt16BE(n, this.pos + 1);
    } else {
      b[this.pos] = 0xdb;
      b.writeUInt32BE(n, this.pos + 1);
    }
    this.pos += actual + n;
    return this.pos - start;
  }

  /** Appends raw bytes. */
  bytes(src: Uint8Array): void {
    const n = src.length;
    this.reserve(n);
    const b = this.buf;
    // measured: a loop wins up to ~8 bytes, TypedArray#set (a constant ~11 ns) beyond
    if (n <= 8) {
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = src[i];
    } else b.set(src, this.pos);
    this.pos += n;
  }

  /** Appends a copy of the bytes at `[from, to)` already written to this buffer. */
  copyWithin(from: number, to: number): void {
    const n = to - from;
    this.reserve(n);
    const b = this.buf;
    if (n <= 8) {
      let p = this.pos;
      for (let i = from; i < to; i++) b[p++] = b[i];
    } else b.copyWithin(this.pos, from, to);
    this.pos += n;
  }

  private head16(type: number, n: number): void {
    this.buf[this.pos] = type;
    this.buf.writeUInt16BE(n, this.pos + 1);
    this.pos += 3;
  }

  private head32(type: number, n: number): void {
    this.buf[this.pos] = type;
    this.buf.writeUInt32BE(n >>> 0, this.pos + 1);
    this.pos += 5;
  }
}

/**
 * Writes the 8 bytes that 16 hex digits of `hex` (from `offset`) denote at `b[p]`; returns `p + 8`. Malformed
 * ids (not exactly 16 hex digits there) become 0, which the agent rejects visibly rather than mis-parenting.
 * The caller has reserved the room.
 */
export function writeHex64(b: Buffer, p: number, hex: string, offset: number): number {
  let bad = hex.length === offset + 16 ? 0 : -1;
  if (bad === 0) {
    for (let i = offset, q = p; i < offset + 16; i += 2) {
      const c1 = hex.charCodeAt(i);
      const c2 = hex.charCodeAt(i + 1);
      const hi = c1 < 128 ? HEX_VALUE[c1] : -1;
      const lo = c2 < 128 ? HEX_VALUE[c2] : -1;
      bad |= hi | lo;
      b[q++] = (hi << 4) | lo;
    }
  }
  if (bad < 0) b.fill(0, p, p + 8);
  return p + 8;
}
