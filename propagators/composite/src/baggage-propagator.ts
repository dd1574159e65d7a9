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
      const entry = parseMember(header.slice(start, end));
      if (entry !== undefined) {
        const size = (totals.count === 0 ? 0 : 1) + length;
        if (totals.size + size > MAX_TOTAL_LENGTH) return;
        entries.set(entry.key, entry.metadata === undefined ? { value: entry.value } : { value: entry.value, metadata: entry.metadata });
        totals.count++;
        totals.size += size;
      }
    }
    start = end + 1;
  }
}

function parseMember(member: string): { key: string; value: string; metadata?: BaggageEntry['metadata'] } | undefined {
  const semicolon = member.indexOf(';');
  const pair = semicolon === -1 ? member : member.slice(0, semicolon);
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  let key = pair.slice(0, eq).trim();
  let value = pair.slice(eq + 1).trim();
  if (key === '' || value === '') return undefined;
  try {
    if (key.includes('%')) key = decodeURIComponent(key);
    if (value.includes('%')) value = decodeURIComponent(value);
  } catch {
    return undefined;
  }
  if (semicolon === -1 || semicolon === member.length - 1) return { key, value };
  return { key, value, metadata: baggageEntryMetadataFromString(member.slice(semicolon + 1)) };
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
