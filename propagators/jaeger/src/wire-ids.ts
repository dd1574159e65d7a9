// Deliberately duplicated in @polytrace/propagator-b3 (src/wire-ids.ts), kept identical. Sharing these lines
// would need either jaeger to depend on b3 and b3's public surface (src/index.ts) to export an id helper that has
// nothing to do with B3, or a new internal package to build and publish: both cost more than a few stable lines.
// Change both copies together.

// Per UTF-16 code unit: 3 = digit or a-f, 1 = A-F, 0 = anything else. AND-ing a whole id gives 3 (lower-case
// hex), 1 (hex with some upper case) or 0 (not hex) without a branch per character: a third of a regex test.
const HEX_CLASS = new Uint8Array(65536);
for (let c = 0x30; c <= 0x39; c++) HEX_CLASS[c] = 3;
for (let c = 0x61; c <= 0x66; c++) HEX_CLASS[c] = 3;
for (let c = 0x41; c <= 0x46; c++) HEX_CLASS[c] = 1;
const ZEROS_32 = '00000000000000000000000000000000';
const ZEROS_16 = '0000000000000000';
const ZERO_HIGH_HALF = '0000000000000000';

/**
 * A span-context id as it goes on the wire: `id` itself when it is `width` (32 or 16) lower-hex and not all zeros
 * (the common case: no allocation), lower-cased when it has upper-case hex, undefined when it is not a valid id.
 * Validating here keeps a hand-made span context with a control character from making Node's setHeader throw
 * inside the caller's HTTP request.
 */
export function wireId(id: unknown, width: 32 | 16): string | undefined {
  if (typeof id !== 'string' || id.length !== width) return undefined;
  const hex = hexClass(id, 0, width);
  // The first digit settles "all zeros" almost always; comparing strings is a builtin call.
  if (hex === 0 || (id.charCodeAt(0) === 0x30 && id === (width === 32 ? ZEROS_32 : ZEROS_16))) return undefined;
  return hex === 3 ? id : id.toLowerCase();
}

/** 3 when value[start, end) is lower-case hex, 1 when it is hex with some upper case, 0 when not hex or empty. */
export function hexClass(value: string, start: number, end: number): number {
  if (end <= start) return 0;
  let hex = 3;
  for (let i = start; i < end; i++) hex &= HEX_CLASS[value.charCodeAt(i)];
  return hex;
}

/**
 * The wire ids of the last span context a propagator injected, each validated once: all the spans of a trace share
 * its trace id, and a span that calls several services (or sends several messages) injects the same span id each
 * time. One id of each kind is kept, so a miss costs a string comparison and nothing is retained beyond them.
 */
export class WireIdMemo {
  /** Wire form of the last loaded ids (the trace id as 16 hex when compacted); valid after `load` returned true. */
  traceId = '';
  spanId = '';
  private traceSource: unknown = undefined;
  private spanSource: unknown = undefined;
  // `traceId + separator + spanId + suffix` per slot, for the loaded ids (built on first use).
  private slot0: string | undefined;
  private slot1: string | undefined;
  private slot2: string | undefined;

  constructor(
    /** Write a trace id whose high 64 bits are zero as 16 hex. */
    private readonly compact64: boolean,
    private readonly separator: string,
  ) {}

  /** Loads the wire form of a span context's ids; false when they are not valid ids (nothing may be written). */
  load(traceId: unknown, spanId: unknown): boolean {
    if (traceId !== this.traceSource) {
      let wire = wireId(traceId, 32);
      if (wire === undefined) return false; // not remembered: an invalid id costs its check every time
      if (this.compact64 && wire.charCodeAt(0) === 0x30 && wire.startsWith(ZERO_HIGH_HALF)) wire = wire.slice(16);
      this.traceSource = traceId;
      this.traceId = wire;
      this.slot0 = this.slot1 = this.slot2 = undefined;
    }
    if (spanId !== this.spanSource) {
      const wire = wireId(spanId, 16);
      if (wire === undefined) return false;
      this.spanSource = spanId;
      this.spanId = wire;
      this.slot0 = this.slot1 = this.slot2 = undefined;
    }
    return true;
  }

  /** `traceId + separator + spanId` of the loaded ids. */
  joined(): string {
    return this.traceId + this.separator + this.spanId;
  }

  /** `joined() + suffix`, built once per loaded ids and slot 0–2 (a caller always passes the same suffix for a slot). */
  withSuffix(slot: 0 | 1 | 2, suffix: string): string {
    if (slot === 0) return (this.slot0 ??= this.joined() + suffix);
    if (slot === 1) return (this.slot1 ??= this.joined() + suffix);
    return (this.slot2 ??= this.joined() + suffix);
  }
}
