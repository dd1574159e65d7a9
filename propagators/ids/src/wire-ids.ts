import * as hexClassModule from './hex-class';

// Bound once: under tsx (tests and benchmarks run from source) each use of an imported name is a chain of getters,
// which costs this per-inject path more than the check itself.
const { hexClass, isZeroId, LOWER_HEX, NOT_HEX } = hexClassModule;

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
  if (hex === NOT_HEX || isZeroId(id, width)) return undefined;
  return hex === LOWER_HEX ? id : id.toLowerCase();
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
  // `traceId + separator`, so that a new span id of the same trace costs one concatenation, not two.
  private tracePrefix = '';
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
      this.tracePrefix = wire + this.separator;
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
    return this.tracePrefix + this.spanId;
  }

  /** `joined() + suffix`, built once per loaded ids and slot 0–2 (a caller always passes the same suffix for a slot). */
  withSuffix(slot: 0 | 1 | 2, suffix: string): string {
    if (slot === 0) return (this.slot0 ??= this.tracePrefix + this.spanId + suffix);
    if (slot === 1) return (this.slot1 ??= this.tracePrefix + this.spanId + suffix);
    return (this.slot2 ??= this.tracePrefix + this.spanId + suffix);
  }
}
