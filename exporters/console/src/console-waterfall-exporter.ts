import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { renderWaterfall } from './render-waterfall';
import { TraceBuffer, type PendingTrace } from './trace-buffer';

/** Where the waterfalls go: `process.stdout` by default, anything with `write` in tests. */
export interface WaterfallOutput {
  write(text: string, callback?: (error?: Error | null) => void): unknown;
  isTTY?: boolean;
  columns?: number;
  /** Streams only: used to absorb an error caused by our own write (EPIPE when piped into `head`). */
  once?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

export interface ConsoleWaterfallExporterConfig {
  output?: WaterfallOutput;
  /** Line width; defaults to the terminal's columns, or 80 when not a terminal. */
  width?: number;
  /** Defaults to true only when the output is a TTY and `NO_COLOR` is unset. */
  colour?: boolean;
  /** How long a trace whose root has not ended waits before printing as incomplete (default 5000). */
  orphanTimeoutMillis?: number;
  /** Grace for a local root with a remote parent, which may be an in-flight span of this process (default 250). */
  remoteRootSettleMillis?: number;
  /** Bound on spans held while waiting for roots (default 10000). */
  maxBufferedSpans?: number;
}

/**
 * Prints each finished trace as an indented waterfall. A trace prints when its root span ends;
 * spans that arrive without their root print after a timeout, or on forceFlush/shutdown.
 */
export class ConsoleWaterfallExporter implements SpanExporter {
  private readonly output: WaterfallOutput;
  private readonly width: number | undefined;
  private readonly colour: boolean;
  private readonly buffer: TraceBuffer;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private outputBroken = false;

  constructor(config: ConsoleWaterfallExporterConfig = {}) {
    this.output = config.output ?? process.stdout;
    this.width = config.width;
    this.colour = config.colour ?? (this.output.isTTY === true && process.env.NO_COLOR === undefined);
    this.buffer = new TraceBuffer({
      orphanTimeoutMillis: config.orphanTimeoutMillis ?? 5000,
      remoteRootSettleMillis: config.remoteRootSettleMillis ?? 250,
      maxBufferedSpans: config.maxBufferedSpans ?? 10_000,
    });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('ConsoleWaterfallExporter is shut down') });
      return;
    }
    const ready = this.buffer.add(spans, performance.now());
    resultCallback(this.print(ready));
    this.schedule();
  }

  forceFlush(): Promise<void> {
    this.print(this.buffer.takeAll());
    this.schedule();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.print(this.buffer.takeAll());
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return Promise.resolve();
  }

  private print(traces: PendingTrace[]): ExportResult {
    if (traces.length === 0) return { code: ExportResultCode.SUCCESS };
    if (this.outputBroken) return { code: ExportResultCode.FAILED, error: new Error('console output is closed') };
    const width = this.width ?? this.output.columns ?? 80;
    const text = traces
      .map((t) => renderWaterfall(t.spans, { width, colour: this.colour, incomplete: !t.localRootEnded }))
      .join('\n');
    try {
      this.write(text + '\n');
      return { code: ExportResultCode.SUCCESS };
    } catch (error) {
      return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /**
   * A stream reports a failed write (EPIPE: stdout piped into `head` that exited) as an 'error' event
   * after the write's callback; unhandled, it would crash the application because of its tracing. So
   * each write holds a one-shot 'error' listener until its callback says it succeeded, and a failed
   * output is not written to again. Errors of the application's own writes are left alone.
   */
  private write(text: string): void {
    const output = this.output;
    if (output.once === undefined || output.removeListener === undefined) {
      output.write(text);
      return;
    }
    const onError = (): void => {
      this.outputBroken = true;
    };
    output.once('error', onError);
    output.write(text, (error) => {
      if (error) this.outputBroken = true;
      else output.removeListener?.('error', onError);
    });
  }

  /** One unref'd timer for the earliest due trace, so waiting traces never keep the process alive. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.buffer.nextDueAt();
    if (next === undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.print(this.buffer.takeDue(performance.now()));
      this.schedule();
    }, Math.max(0, next - performance.now()) + 1);
    this.timer.unref();
  }
}
