import { propagation, type Baggage, type BaggageEntry } from '@opentelemetry/api';

/**
 * The Baggage of an extraction, read straight from the Map the collector filled: building it with
 * `createBaggage().setEntry(…)` would copy the whole Map once per entry. Immutable as the API requires; the
 * mutators hand back a stock Baggage.
 */
export class HeaderBaggage implements Baggage {
  constructor(private readonly entries: ReadonlyMap<string, string>) {}

  getEntry(key: string): BaggageEntry | undefined {
    const value = this.entries.get(key);
    return value === undefined ? undefined : { value };
  }

  getAllEntries(): [string, BaggageEntry][] {
    return Array.from(this.entries, ([key, value]): [string, BaggageEntry] => [key, { value }]);
  }

  setEntry(key: string, entry: BaggageEntry): Baggage {
    return this.toStock().setEntry(key, entry);
  }

  removeEntry(key: string): Baggage {
    return this.toStock().removeEntry(key);
  }

  removeEntries(...keys: string[]): Baggage {
    return this.toStock().removeEntries(...keys);
  }

  clear(): Baggage {
    return propagation.createBaggage();
  }

  private toStock(): Baggage {
    // fromEntries defines own properties, so keys such as `__proto__` stay ordinary entries.
    return propagation.createBaggage(Object.fromEntries(this.getAllEntries()));
  }
}
