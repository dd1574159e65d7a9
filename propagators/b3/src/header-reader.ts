import type { TextMapGetter } from '@opentelemetry/api';
import * as ids from '@polytrace/propagator-ids';

// Bound once: under tsx (tests and benchmarks run from source) each use of an imported name is a chain of getters.
const { trimOws } = ids;

const B3_NAMES = new Set(['b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags']);

/** No valid B3 value is longer than this (68 chars for a full single header), plus room for OWS. */
const MAX_VALUE_LENGTH = 100;

/**
 * Reads B3 headers the way B3 wants them: case-insensitive names, first value of a repeated header, optional
 * whitespace (SP/HTAB) trimmed. `read` returns undefined for absent and null for present-but-unusable (not a
 * short string), so a hostile value is never copied or parsed.
 *
 * Lower-case names are looked up directly (Node's headers); carriers that keep the sender's casing (plain
 * objects, Kafka headers) are handled by one scan of the keys, done at most once per extraction.
 */
export class B3HeaderReader {
  // Headers found under another casing, made only when the one scan of the keys finds some (rare).
  private otherCase: Map<string, unknown> | undefined;
  private scanned = false;

  constructor(
    private readonly getter: TextMapGetter,
    private readonly carrier: unknown,
  ) {}

  read(lowerName: string): string | null | undefined {
    let raw: unknown = this.getter.get(this.carrier, lowerName);
    if (raw === undefined) raw = this.readOtherCase(lowerName);
    if (raw === undefined) return undefined;
    const first: unknown = Array.isArray(raw) ? raw[0] : raw;
    if (first === undefined) return undefined;
    if (typeof first !== 'string' || first.length > MAX_VALUE_LENGTH) return null;
    return trimOws(first);
  }

  private readOtherCase(lowerName: string): unknown {
    if (!this.scanned) {
      this.scanned = true;
      const keys: unknown = this.getter.keys(this.carrier);
      if (Array.isArray(keys)) {
        for (let i = 0; i < keys.length; i++) {
          const key: unknown = keys[i];
          // A name already in lower case was read directly: skip it without lower-casing a copy.
          if (typeof key !== 'string' || !mayBeB3Name(key) || B3_NAMES.has(key)) continue;
          const lower = key.toLowerCase();
          if (lower !== key && B3_NAMES.has(lower)) {
            const found = (this.otherCase ??= new Map());
            if (!found.has(lower)) found.set(lower, this.getter.get(this.carrier, key));
          }
        }
      }
    }
    return this.otherCase?.get(lowerName);
  }
}

/** Cheap filter before lower-casing: B3 names are `b3` or `x-b3-…` of 10 to 12 characters. */
function mayBeB3Name(key: string): boolean {
  const length = key.length;
  if (length !== 2 && (length < 10 || length > 12)) return false;
  const first = key.charCodeAt(0) | 0x20;
  return first === 0x62 /* b */ || first === 0x78; /* x */
}
