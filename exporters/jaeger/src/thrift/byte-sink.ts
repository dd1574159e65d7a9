/** A growable byte buffer with the primitive writes both Thrift protocols share. */
export class ByteSink {
  protected buf: Buffer;
  protected pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }
  get buffer(): Uint8Array {
    return this.buf;
  }

  reset(): void {
    this.pos = 0;
  }

  /** Keeps only the first `length` bytes (cut between whole structs: no protocol state is touched). */
  rewind(length: number): void {
    if (length >= 0 && length <= this.pos) this.pos = length;
  }

  slice(start = 0, end = this.pos): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buf, start, end);
  }

  /** makes room for `n` more bytes up front (one allocation instead of repeated doubling) */
  reserve(n: number): void {
    this.ensure(n);
  }

  protected ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = Math.max(64, this.buf.length * 2);
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  protected byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  protected raw(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    this.ensure(n);
    this.buf.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), this.pos);
    this.pos += n;
  }

  /**
   * Copies `s` at `at` if it is pure ASCII (capacity for `s.length` bytes must be ensured) and says whether it was.
   * Most keys and values are short ASCII, and a JS loop beats a native call for them.
   */
  protected asciiAt(s: string, at: number): boolean {
    const buf = this.buf;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[at + i] = c;
    }
    return true;
  }

  /**
   * Writes `s` as UTF-8 at `at`, after a length prefix the caller will put in front of it, and returns its byte
   * length. Room for the worst case (3 bytes per UTF-16 unit) is made first, so one native pass both encodes and
   * measures (no separate `Buffer.byteLength`).
   */
  protected utf8At(s: string, at: number): number {
    const room = at - this.pos + 3 * s.length;
    this.ensure(room);
    return this.buf.write(s, at, 3 * s.length, 'utf8');
  }
}
