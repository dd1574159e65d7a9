import type { Baggage } from '@opentelemetry/api';
import { safeDecode, usableValue } from './header-reader';

/** Bounds taken from W3C baggage (180 entries, 8192 bytes), so a flood of `uberctx-*` headers stays cheap. */
export const MAX_BAGGAGE_ENTRIES = 180;
export const MAX_BAGGAGE_CHARS = 8192;

/** An RFC 9110 token: anything else would make Node's `setHeader` throw when the key becomes a header name. */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Collects baggage entries from `uberctx-*` headers and `jaeger-baggage`, within the bounds above. */
export class BaggageCollector {
  private entries: Map<string, string> | undefined;
  private budget = MAX_BAGGAGE_CHARS;

  /** One `{prefix}{key}` header; the key is lower-cased (HTTP does not keep case); a bad escape drops the entry. */
  addPrefixed(keyWithoutPrefix: string, raw: unknown): void {
    const value = usableValue(raw, MAX_BAGGAGE_CHARS);
    const decoded = value === undefined ? undefined : safeDecode(value);
    if (decoded !== undefined) this.add(keyWithoutPrefix.toLowerCase(), decoded, true);
  }

  /** `jaeger-baggage: k1=v1, k2=v2`, read as jaeger-client does (only exact `k=v` pairs); `uberctx-*` wins. */
  addJaegerBaggage(raw: unknown): void {
    const header = usableValue(raw, MAX_BAGGAGE_CHARS);
    if (header === undefined) return;
    for (const pair of header.split(',')) {
      const parts = pair.split('=');
      if (parts.length !== 2) continue;
      const value = safeDecode(parts[1]!.trim());
      if (value !== undefined) this.add(parts[0]!.trim(), value, false);
    }
  }

  result(): ReadonlyMap<string, string> | undefined {
    return this.entries;
  }

  private add(key: string, value: string, overwrite: boolean): void {
    const size = key.length + value.length;
    if (key.length === 0 || size > this.budget) return;
    this.entries ??= new Map();
    if (this.entries.size >= MAX_BAGGAGE_ENTRIES || (!overwrite && this.entries.has(key))) return;
    this.budget -= size;
    this.entries.set(key, value);
  }
}

/**
 * The `{prefix}{key}: encodeURIComponent(value)` headers of a baggage (jaeger-client's HTTP_HEADERS codec), as a flat
 * `[name, value, name, value, …]` list, memoised per Baggage: a Baggage is immutable and rides along the whole
 * request, so every outgoing call of that request sends the same headers and only the first one encodes them.
 */
export class BaggageHeaderMemo {
  private readonly memo = new WeakMap<Baggage, readonly string[]>();

  constructor(private readonly prefix: string) {}

  of(baggage: Baggage): readonly string[] {
    let headers = this.memo.get(baggage);
    if (headers === undefined) {
      headers = encodeBaggageHeaders(baggage, this.prefix);
      this.memo.set(baggage, headers);
    }
    return headers;
  }
}

function encodeBaggageHeaders(baggage: Baggage, prefix: string): string[] {
  const headers: string[] = [];
  for (const [key, entry] of baggage.getAllEntries()) {
    if (!HEADER_TOKEN.test(key)) continue;
    let encoded: string;
    try {
      encoded = encodeURIComponent(entry.value);
    } catch {
      continue; // a lone surrogate cannot be URL-encoded; skip the entry rather than fail the request
    }
    headers.push(prefix + key, encoded);
  }
  return headers;
}
