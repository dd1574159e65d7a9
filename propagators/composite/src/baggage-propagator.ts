import {
  baggageEntryMetadataFromString,
  propagation,
  type Baggage,
  type BaggageEntry,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import * as extractedBaggage from './extracted-baggage';

// Bound once: these run per request (see CONTRIBUTING.md, Benchmarks).
const { isTracingSuppressed } = core;
const { ExtractedBaggage } = extractedBaggage;

/**
 * W3C baggage with `@opentelemetry/core`'s semantics and limits (180 members, 4096 characters per
 * member, 8192 in all; members without a key or value, or badly percent-encoded, are skipped), but
 * written for the request path: no decoding when there is no `%`, and the header a Baggage object
 * serialises to is memoised (Baggage is immutable) since every outgoing call of a request sends it.
 */
export const BAGGAGE_HEADER = 'baggage';
const MAX_PAIRS = 180;
const MAX_PAIR_LENGTH = 4096;
const MAX_TOTAL_LENGTH = 8192;

const serialized = new WeakMap<Baggage, string>();

export class BaggagePropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const baggage = propagation.getBaggage(context);
    if (baggage === undefined || isTracingSuppressed(context)) return;
    let header = serialized.get(baggage);
    if (header === undefined) {
      header = serializeBaggage(baggage);
      serialized.set(baggage, header);
    }
    if (header !== '') setter.set(carrier, BAGGAGE_HEADER, header);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let value: unknown;
    try {
      value = getter.get(carrier, BAGGAGE_HEADER);
    } catch {
      return context;
    }
    const entries = new Map<string, BaggageEntry>();
    const totals = { count: 0, size: 0 };
    if (typeof value === 'string') {
      parseInto(value, entries, totals);
    } else if (Array.isArray(value)) {
      for (const part of value as unknown[]) if (typeof part === 'string') parseInto(part, entries, totals);
    }
    return totals.count === 0 ? context : propagation.setBaggage(context, new ExtractedBaggage(entries));
  }

  fields(): string[] {
    return [BAGGAGE_HEADER];
  }
}

function parseInto(header: string, entries: Map<string, BaggageEntry>, totals: { count: number; size: number }): void {
  let start = 0;
  while (start < header.length && totals.count < MAX_PAIRS) {
    let end = header.indexOf(',', start);
    if (end === -1) end = header.length;
    const length = end - start;
    if (length <= MAX_PAIR_LENGTH) {
      const size = (totals.count === 0 ? 0 : 1) + length;
      const added = parseMemberInto(header, start, end, entries, totals.size + size <= MAX_TOTAL_LENGTH);
      if (added === STOP) return;
      if (added === ADDED) {
        totals.count++;
        totals.size += size;
      }
    }
    start = end + 1;
  }
}

const SKIPPED = 0;
const ADDED = 1;
const STOP = 2;

/**
 * Parses the member `header[start, end)` straight into `entries` (no intermediate object per member). A valid member
 * that does not fit (`fits` false) stops the parse, as the total size limit requires; an invalid one is skipped.
 */
function parseMemberInto(header: string, start: number, end: number, entries: Map<string, BaggageEntry>, fits: boolean): number {
  let semicolon = header.indexOf(';', start);
  if (semicolon >= end) semicolon = -1;
  const pairEnd = semicolon === -1 ? end : semicolon;
  const eq = header.indexOf('=', start);
  if (eq === -1 || eq <= start || eq >= pairEnd) return SKIPPED;
  let key = header.slice(start, eq).trim();
  let value = header.slice(eq + 1, pairEnd).trim();
  if (key === '' || value === '') return SKIPPED;
  try {
    if (key.includes('%')) key = decodeURIComponent(key);
    if (value.includes('%')) value = decodeURIComponent(value);
  } catch {
    return SKIPPED;
  }
  if (!fits) return STOP;
  if (semicolon === -1 || semicolon === end - 1) entries.set(key, { value });
  else entries.set(key, { value, metadata: baggageEntryMetadataFromString(header.slice(semicolon + 1, end)) });
  return ADDED;
}

function serializeBaggage(baggage: Baggage): string {
  let header = '';
  let pairs = 0;
  for (const [key, entry] of baggage.getAllEntries()) {
    let pair = `${encodeURIComponent(key)}=${encodeURIComponent(entry.value)}`;
    if (entry.metadata !== undefined) pair += `;${entry.metadata.toString()}`;
    if (pair.length > MAX_PAIR_LENGTH) continue;
    if (++pairs > MAX_PAIRS) break;
    const next = header === '' ? pair : `${header},${pair}`;
    if (next.length <= MAX_TOTAL_LENGTH) header = next;
  }
  return header;
}
