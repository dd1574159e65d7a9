/**
 * Field-level Thrift writer shared by the compact and binary protocols: the Jaeger encoder is written once against
 * this interface. Only what `jaeger.thrift` / `agent.thrift` need is here (no maps, sets, i8, i16).
 *
 * i64 values are passed as two 32-bit halves (`hi`, `lo`; only their bits count, signed or unsigned), which
 * represents every signed 64-bit value exactly without BigInt on the hot path; helpers convert from hex ids,
 * safe-integer numbers and bigints.
 */
/** Thrift message types (agent.thrift's emitBatch is oneway). */
export const MessageType = { CALL: 1, ONEWAY: 4 } as const;

export interface ThriftWriter {
  /** bytes written so far */
  readonly length: number;
  messageBegin(name: string, type: number, seqid: number): void;
  /** opens a struct value (top-level, list element, or after `fieldStruct`) */
  structBegin(): void;
  /** writes the STOP byte that closes the current struct */
  structEnd(): void;
  /** appends a complete pre-encoded struct (from `structBegin` through `structEnd`, same protocol) */
  rawStruct(bytes: Uint8Array, start?: number, end?: number): void;
  fieldStruct(id: number): void;
  /** field header + list header for a list of `size` structs */
  fieldStructList(id: number, size: number): void;
  fieldI32(id: number, value: number): void;
  fieldI64(id: number, hi: number, lo: number): void;
  /** i64 field from a safe integer (times in µs, integer tags) */
  fieldI64Number(id: number, value: number): void;
  /** i64 field from the 16 hex digits at `offset` (an id half; its bytes re-interpreted as a signed i64) */
  fieldI64Hex(id: number, hex: string, offset?: number): void;
  fieldDouble(id: number, value: number): void;
  fieldBool(id: number, value: boolean): void;
  fieldString(id: number, value: string): void;
  fieldBinary(id: number, value: Uint8Array): void;
  /*
   * A whole jaeger.thrift `Tag` struct (key, vType and the one value field), as a list element. Tags are most of a
   * span's fields, so each protocol writes them in one go from a fixed byte template, with no per-field state; the
   * generic field methods above stay the reference (`writeTag` in jaeger-structs.ts) they are tested against.
   */
  tagString(key: string, value: string): void;
  tagLong(key: string, value: number): void;
  tagDouble(key: string, value: number): void;
  tagBool(key: string, value: boolean): void;
  tagBinary(key: string, value: Uint8Array): void;
  /** a copy of bytes [start, end) */
  slice(start?: number, end?: number): Uint8Array;
  /** the internal buffer (valid until the next write); for zero-copy splicing */
  readonly buffer: Uint8Array;
  reset(): void;
  /** keeps only the first `length` bytes; only between whole structs at the same level (no field state changes) */
  rewind(length: number): void;
  /** makes room for `n` more bytes up front */
  reserve(n: number): void;
}

const TWO_32 = 4294967296;

/** Signed 64-bit two's complement halves of a safe integer (times in µs, integer tag values). */
export function i64HalvesOfNumber(n: number): [hi: number, lo: number] {
  const hi = Math.floor(n / TWO_32);
  return [hi | 0, (n - hi * TWO_32) >>> 0];
}

/** Hex digit values by char code; anything else counts as 0 (ids come from the SDK, junk must not throw). */
const HEX_DIGIT = new Uint8Array(128);
for (let i = 0; i < 10; i++) HEX_DIGIT[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_DIGIT[97 + i] = 10 + i;
  HEX_DIGIT[65 + i] = 10 + i;
}

/** The 32-bit value of the 8 hex digits of `s` at `offset`, as a signed int32 (no substring, no parseInt). */
export function hex8At(s: string, offset: number): number {
  let v = 0;
  for (let i = offset; i < offset + 8; i++) v = (v << 4) | HEX_DIGIT[s.charCodeAt(i) & 0x7f];
  return v;
}
