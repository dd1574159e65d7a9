import type { TextMapGetter } from '@opentelemetry/api';
import * as ids from '@polytrace/propagator-ids';

// Bound once: under tsx (tests and benchmarks run from source) each use of an imported name is a chain of getters.
const { trimOws } = ids;

/** First value of a header (arrays: first element), SP/HTAB trimmed, if it is a string of at most `maxLength`. */
export function usableValue(raw: unknown, maxLength: number): string | undefined {
  const first: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (typeof first !== 'string' || first.length > maxLength) return undefined;
  return trimOws(first);
}

/** The carrier's keys, or none when the getter cannot list them. */
export function carrierKeys(getter: TextMapGetter, carrier: unknown): readonly unknown[] {
  const keys: unknown = getter.keys(carrier);
  return Array.isArray(keys) ? keys : [];
}

/** `key` starts with `lowerPrefix`, ignoring ASCII case, without allocating a lower-cased copy. */
export function startsWithIgnoreCase(key: string, lowerPrefix: string): boolean {
  if (key.length < lowerPrefix.length) return false;
  for (let i = 0; i < lowerPrefix.length; i++) {
    let c = key.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}

export function equalsIgnoreCase(key: string, lowerName: string): boolean {
  return key.length === lowerName.length && startsWithIgnoreCase(key, lowerName);
}

/** decodeURIComponent that reports a malformed escape as undefined instead of throwing URIError. */
export function safeDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
