/**
 * Writes JSON text straight into UTF-8 bytes, so encoding never builds (and then re-encodes) a large JS string.
 * Strings are escaped exactly as `JSON.stringify` does (short escapes, `\u00XX` for other controls, lone
 * surrogates as `\uDXXX`), so the bytes equal `Buffer.from(JSON.stringify(value))`.
 */
const HEX = '0123456789abcdef';
/** Anything but printable ASCII without `"` and `\`: such strings take the escaping loop. */
const UNSAFE = /[^\x20\x21\x23-\x5b\x5d-\x7f]/;
/** Below this length the JS loop beats a native call (regex test + latin1Write). */
const NATIVE_COPY_MIN_LENGTH = 32;
const SHORT_ESCAPES: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c };

export class JsonWriter {
  private buffer: Buffer;
  private pos = 0;

  constructor(initialSize: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, initialSize));
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + extra));
    this.buffer.copy(bigger, 0, 0, this.pos);
    this.buffer = bigger;
  }

  /** ASCII that needs no escaping (punctuation, keys, numbers' text). */
  raw(text: string): void {
    const n = text.length;
    this.ensure(n);
    const buf = this.buffer;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buffer[this.pos++] = b;
  }

  /** A non-negative or negative integer (the model only has safe integers). */
  integer(n: number): void {
    this.raw(String(n));
  }

  /** A quoted, escaped JSON string. */
  string(text: string): void {
    const n = text.length;
    this.ensure(n * 6 + 2); // worst case: every unit becomes \uXXXX
    const buf = this.buffer;
    let pos = this.pos;
    buf[pos++] = 0x22;
    if (n >= NATIVE_COPY_MIN_LENGTH && !UNSAFE.test(text)) {
      pos += buf.write(text, pos, n, 'latin1');
      buf[pos++] = 0x22;
      this.pos = pos;
      return;
    }
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x20 && c < 0x80 && c !== 0x22 && c !== 0x5c) {
        buf[pos++] = c;
      } else if (c < 0x80) {
        const short = SHORT_ESCAPES[c];
        buf[pos++] = 0x5c;
        if (short !== undefined) buf[pos++] = short;
        else {
          buf[pos++] = 0x75;
          buf[pos++] = 0x30;
          buf[pos++] = 0x30;
          buf[pos++] = HEX.charCodeAt(c >> 4);
          buf[pos++] = HEX.charCodeAt(c & 15);
        }
      } else if (c < 0x800) {
        buf[pos++] = 0xc0 | (c >> 6);
        buf[pos++] = 0x80 | (c & 63);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          buf[pos++] = 0xf0 | (cp >> 18);
          buf[pos++] = 0x80 | ((cp >> 12) & 63);
          buf[pos++] = 0x80 | ((cp >> 6) & 63);
          buf[pos++] = 0x80 | (cp & 63);
          i++;
        } else {
          // a lone surrogate: JSON.stringify writes it as an escape (well-formed JSON.stringify, ES2019)
          buf[pos++] = 0x5c;
          buf[pos++] = 0x75;
          for (let shift = 12; shift >= 0; shift -= 4) buf[pos++] = HEX.charCodeAt((c >> shift) & 15);
        }
      } else {
        buf[pos++] = 0xe0 | (c >> 12);
        buf[pos++] = 0x80 | ((c >> 6) & 63);
        buf[pos++] = 0x80 | (c & 63);
      }
    }
    buf[pos++] = 0x22;
    this.pos = pos;
  }

  /** The bytes written so far (a view: no copy). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.pos);
  }
}
