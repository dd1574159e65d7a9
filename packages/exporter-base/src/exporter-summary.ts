import { formatCounts } from './diag-summary';
import type { DropReason, ExporterStats } from './types';

/** The exporter's diag line: what changed between two snapshots, or undefined when nothing did (idle = silent). */
export function describeExporterDelta(
  name: string,
  last: ExporterStats,
  now: ExporterStats,
): { line: string; lossy: boolean } | undefined {
  if (now.spansExported === last.spansExported && now.spansDropped === last.spansDropped && now.requestsSent === last.requestsSent) {
    return undefined;
  }
  const droppedDelta: Record<string, number> = {};
  for (const key of Object.keys(now.dropped) as DropReason[]) droppedDelta[key] = now.dropped[key] - last.dropped[key];
  const lossy = now.spansDropped > last.spansDropped;
  const line =
    `polytrace ${name} exporter: +${now.spansExported - last.spansExported} spans exported ` +
    `(+${now.bytesSent - last.bytesSent} bytes, +${now.requestsSent - last.requestsSent} requests, ` +
    `+${now.requestsFailed - last.requestsFailed} failed, +${now.spansRetried - last.spansRetried} span retries)` +
    (lossy ? `, +${now.spansDropped - last.spansDropped} spans DROPPED (${formatCounts(droppedDelta)})` : '') +
    `; totals: exported=${now.spansExported} dropped=${now.spansDropped} inFlightBytes=${now.bytesInFlight}`;
  return { line, lossy };
}
