/** One span as either backend stored it, with ids in one notation (hex) so the two can be compared. */
export interface SpanView {
  backend: 'datadog' | 'zipkin';
  service: string;
  name: string;
  /** Datadog resource, or the Zipkin span name. */
  resource: string;
  /** 32 hex: Datadog's 64-bit trace_id joined with its `_dd.p.tid` high half; Zipkin's id left-padded. */
  traceId: string;
  spanId: string;
  /** 16 hex, or undefined for a root. */
  parentId?: string;
  kind?: string;
  startMicros: number;
  durationMicros: number;
  error: boolean;
}

export function hex16(id: bigint | string): string {
  return (typeof id === 'bigint' ? id.toString(16) : id).padStart(16, '0');
}
