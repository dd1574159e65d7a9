import { DROP_REASONS, type DropReason, type ExporterStats } from './types';

function zeroDrops(): Record<DropReason, number> {
  const dropped = {} as Record<DropReason, number>;
  for (const reason of DROP_REASONS) dropped[reason] = 0;
  return dropped;
}

/** Mutable counters behind `getStats()`; plain numbers so the hot paths only do `+=`. */
export class StatsCounters {
  spansExported = 0;
  spansRetried = 0;
  requestsSent = 0;
  requestsFailed = 0;
  bytesSent = 0;
  bytesInFlight = 0;
  spansInFlight = 0;
  readonly dropped: Record<DropReason, number> = zeroDrops();

  drop(reason: DropReason, spans: number): void {
    this.dropped[reason] += spans;
  }

  snapshot(): ExporterStats {
    let spansDropped = 0;
    for (const reason of DROP_REASONS) spansDropped += this.dropped[reason];
    return {
      spansExported: this.spansExported,
      spansDropped,
      dropped: { ...this.dropped },
      spansRetried: this.spansRetried,
      requestsSent: this.requestsSent,
      requestsFailed: this.requestsFailed,
      bytesSent: this.bytesSent,
      bytesInFlight: this.bytesInFlight,
      spansInFlight: this.spansInFlight,
    };
  }
}

export function emptyStats(): ExporterStats {
  return new StatsCounters().snapshot();
}
