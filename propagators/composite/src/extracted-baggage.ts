import type { Baggage, BaggageEntry } from '@opentelemetry/api';

/**
 * An immutable `Baggage` over a Map we fill while parsing. `propagation.createBaggage` would copy a
 * record through `Object.entries` into a new Map first, which costs more than parsing the header.
 * Mutators return new instances, as the API requires.
 */
export class ExtractedBaggage implements Baggage {
  constructor(private readonly entries: Map<string, BaggageEntry>) {}

  getEntry(key: string): BaggageEntry | undefined {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : { ...entry };
  }

  getAllEntries(): [string, BaggageEntry][] {
    return Array.from(this.entries.entries()).map(([k, v]) => [k, { ...v }]);
  }

  setEntry(key: string, entry: BaggageEntry): Baggage {
    const next = new Map(this.entries);
    next.set(key, entry);
    return new ExtractedBaggage(next);
  }

  removeEntry(key: string): Baggage {
    const next = new Map(this.entries);
    next.delete(key);
    return new ExtractedBaggage(next);
  }

  removeEntries(...keys: string[]): Baggage {
    const next = new Map(this.entries);
    for (const key of keys) next.delete(key);
    return new ExtractedBaggage(next);
  }

  clear(): Baggage {
    return new ExtractedBaggage(new Map());
  }
}
