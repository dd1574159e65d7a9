import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Counts spans ended since the last `take()`: lets a beforeExit flush tell "nothing new" from "work pending". */
export class EndedSpanCounter implements SpanProcessor {
  private ended = 0;

  onStart(_span: Span, _context: Context): void {}

  onEnd(_span: ReadableSpan): void {
    this.ended++;
  }

  take(): number {
    const count = this.ended;
    this.ended = 0;
    return count;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
