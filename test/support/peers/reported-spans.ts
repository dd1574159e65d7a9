/**
 * Both ends of the span reports a Polytrace peer sends its parent over IPC (`{ type: 'spans', spans }` for every
 * batch of ended spans), so that a test reads the ids the Polytrace side recorded without a capture backend.
 */
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface ReportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'server' | 'client' | 'other';
  sampled: boolean;
}

/** Child side: an exporter that sends every span to the parent process. */
export class ParentProcessExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const reported: ReportedSpan[] = spans.map((span) => ({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      name: span.name,
      kind: span.kind === SpanKind.SERVER ? 'server' : span.kind === SpanKind.CLIENT ? 'client' : 'other',
      sampled: (span.spanContext().traceFlags & 1) === 1,
    }));
    process.send?.({ type: 'spans', spans: reported });
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Parent side: collects the reported spans of every peer it is given to as `onMessage`. */
export function reportedSpanCollector(): { spans: ReportedSpan[]; onMessage: (message: unknown) => void } {
  const spans: ReportedSpan[] = [];
  const onMessage = (m: unknown): void => {
    const message = m as { type?: string; spans?: ReportedSpan[] };
    if (message.type === 'spans' && message.spans) spans.push(...message.spans);
  };
  return { spans, onMessage };
}
