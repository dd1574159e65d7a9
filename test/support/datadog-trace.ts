/** Queries over the spans a `DatadogCaptureAgent` received, for suites that follow one trace across services. */
import type { CapturedSpan } from './datadog-agent';

/** A Datadog id (unsigned 64-bit) as the 16 lower-hex digits OTel, B3 and tracestate use. */
export function hex16(id: bigint): string {
  return id.toString(16).padStart(16, '0');
}

/** The spans of one trace (OTel 32-hex id; Datadog carries its low 64 bits), whichever service sent them. */
export function traceOf(spans: CapturedSpan[], traceIdHex: string): CapturedSpan[] {
  const low = BigInt(`0x${traceIdHex.slice(16)}`);
  return spans.filter((s) => s.trace_id === low);
}

/** Parent, grandparent, … of `span` within `trace`, nearest first, up to the root or the first missing parent. */
export function ancestors(span: CapturedSpan, trace: CapturedSpan[]): CapturedSpan[] {
  const byId = new Map(trace.map((s) => [s.span_id, s]));
  const chain: CapturedSpan[] = [];
  for (let p = byId.get(span.parent_id); p; p = byId.get(p.parent_id)) chain.push(p);
  return chain;
}
