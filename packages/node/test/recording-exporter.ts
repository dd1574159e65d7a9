import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Keeps every exported span, even after shutdown (unlike InMemorySpanExporter), and counts calls. */
export class RecordingExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  shutdowns = 0;
  constructor(private readonly result: ExportResultCode = ExportResultCode.SUCCESS) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.result === ExportResultCode.SUCCESS) this.spans.push(...spans);
    done({ code: this.result });
  }

  shutdown(): Promise<void> {
    this.shutdowns++;
    return Promise.resolve();
  }

  names(): string[] {
    return this.spans.map((s) => s.name);
  }
}

/** Never answers: export callbacks and shutdown stay pending forever. */
export class HangingExporter implements SpanExporter {
  export(): void {}
  shutdown(): Promise<void> {
    return new Promise(() => undefined);
  }
  forceFlush(): Promise<void> {
    return new Promise(() => undefined);
  }
}
