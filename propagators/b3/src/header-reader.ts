import type { TextMapGetter } from '@opentelemetry/api';

/** No valid B3 value is longer than this (68 chars for a full single header), plus room for OWS. */
const MAX_VALUE_LENGTH = 100;

/**
 * Reads one header the way B3 wants it: case-insensitive name, first value of a repeated header, optional
 * whitespace (SP/HTAB) trimmed. Anything that is not a short string comes back as `null` (present but unusable),
 * so a caller can tell "absent" (undefined) from "malformed" (null) without ever touching a huge value.
 */
export function readHeader(getter: TextMapGetter, carrier: unknown, lowerName: string): string | null | undefined {
  let raw: unknown = getter.get(carrier, lowerName);
  // Carriers such as plain objects or Kafka headers keep the sender's casing; Node's are already lower-case.
  if (raw === undefined) raw = getCaseInsensitive(getter, carrier, lowerName);
  if (raw === undefined) return undefined;
  const first: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return undefined;
  if (typeof first !== 'string' || first.length > MAX_VALUE_LENGTH) return null;
  return trimOws(first);
}

function getCaseInsensitive(getter: TextMapGetter, carrier: unknown, lowerName: string): unknown {
  const keys: unknown = getter.keys(carrier);
  if (!Array.isArray(keys)) return undefined;
  for (const key of keys) {
    if (typeof key === 'string' && key.length === lowerName.length && key !== lowerName && key.toLowerCase() === lowerName) {
      return getter.get(carrier, key);
    }
  }
  return undefined;
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}
