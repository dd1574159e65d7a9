import { context, diag, TraceFlags, type Context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DiagSummary } from './diag-summary';
import { resolveProcessorConfig, type PolytraceSpanProcessorConfig, type ResolvedProcessorConfig } from './processor-config';
import { SpanRing } from './span-ring';
import { isPolytraceExporter, type ExporterStats } from './types';

export interface ProcessorStats {
  /** spans accepted into the queue since start */
  spansQueued: number;
  /** spans currently waiting in the queue */
  queueLength: number;
  /** `export()` calls not yet finished (or timed out) */
  exportsInFlight: number;
  /** exports currently allowed in flight: maxConcurrentExports while the backend is healthy, down to 1 while it fails */
  exportConcurrency: number;
  /** spans handed to the exporter in batches that it reported as successful / failed */
  spansExportSucceeded: number;
  spansExportFailed: number;
  /** exports that did not call back within exportTimeoutMillis (their spans are accounted by the exporter) */
  exportsTimedOut: number;
  /** recorded-but-unsampled spans not forwarded because the exporter does not want them (not a loss) */
  unsampledSkipped: number;
  /** queueFull + afterShutdown */
  spansDropped: number;
  dropped: { queueFull: number; afterShutdown: number };
  /** the exporter's own counters when it is a PolytraceExporter */
  exporter?: ExporterStats;
}

interface FlushWaiter {
  /** every span queued before the flush started has been taken from the queue once `spansTaken` reaches this */
  takenTarget: number;
  /** set once takenTarget is reached: exports with a sequence number ≤ this must finish */
  lastExportSeq: number | undefined;
  resolve: () => void;
}

/**
 * OTel batch semantics (queue, batch size, schedule delay, export time-out, OTEL_BSP_* env) with the delivery
 * properties Polytrace needs: several exports in flight so a fast backend keeps up with ≥150k spans/s, an
 * allocation-free `onEnd` (ring buffer), unsampled spans only for exporters that ask for them, spans ended after
 * shutdown dropped and counted, and forceFlush/shutdown that always return within exportTimeoutMillis.
 */
export class PolytraceSpanProcessor implements SpanProcessor {
  private readonly config: ResolvedProcessorConfig;
  private readonly ring: SpanRing;
  private readonly wantsUnsampled: boolean;
  private readonly inFlight = new Set<number>();
  private readonly flushWaiters: FlushWaiter[] = [];
  private readonly summary: DiagSummary;
  private timer: NodeJS.Timeout | undefined;
  private drainScheduled = false;
  private draining = false;
  /** exports allowed in flight right now, between 1 and maxConcurrentExports (see finish() in exportOne) */
  private concurrencyLimit: number;
  private closed = false;
  private shutdownPromise: Promise<void> | undefined;
  private exportSeq = 0;
  private spansQueued = 0;
  private spansTaken = 0;
  private spansExportSucceeded = 0;
  private spansExportFailed = 0;
  private exportsTimedOut = 0;
  private unsampledSkipped = 0;
  private droppedQueueFull = 0;
  private droppedAfterShutdown = 0;
  private loggedDrops = 0;
  private readonly drainNow = (): void => {
    this.drainScheduled = false;
    this.drain(false);
  };
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.drain(true);
  };

  constructor(
    private readonly exporter: SpanExporter,
    config?: PolytraceSpanProcessorConfig,
  ) {
    this.config = resolveProcessorConfig(config);
    this.ring = new SpanRing(this.config.maxQueueSize);
    // slow start: a backend that hangs from the start holds one batch, not maxConcurrentExports of them
    this.concurrencyLimit = 1;
    this.wantsUnsampled = (exporter as { wantsUnsampledSpans?: unknown }).wantsUnsampledSpans === true;
    this.summary = new DiagSummary({ describe: () => this.describeDrops() }, this.config.diagIntervalMillis);
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.closed) {
      this.droppedAfterShutdown++;
      return;
    }
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0 && !this.wantsUnsampled) {
      this.unsampledSkipped++;
      return;
    }
    if (!this.ring.push(span)) {
      // full: make room right now if an export slot is free rather than drop while a drain is still scheduled
      if (this.inFlight.size < this.concurrencyLimit) this.exportOne();
      if (!this.ring.push(span)) {
        this.droppedQueueFull++;
        return;
      }
    }
    this.spansQueued++;
    if (this.ring.length >= this.config.maxExportBatchSize) {
      if (!this.drainScheduled) {
        this.drainScheduled = true;
        setImmediate(this.drainNow);
      }
    } else if (this.timer === undefined) {
      this.timer = setTimeout(this.onTimer, this.config.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  getStats(): ProcessorStats {
    const stats: ProcessorStats = {
      spansQueued: this.spansQueued,
      queueLength: this.ring.length,
      exportsInFlight: this.inFlight.size,
      exportConcurrency: this.concurrencyLimit,
      spansExportSucceeded: this.spansExportSucceeded,
      spansExportFailed: this.spansExportFailed,
      exportsTimedOut: this.exportsTimedOut,
      unsampledSkipped: this.unsampledSkipped,
      spansDropped: this.droppedQueueFull + this.droppedAfterShutdown,
      dropped: { queueFull: this.droppedQueueFull, afterShutdown: this.droppedAfterShutdown },
    };
    if (isPolytraceExporter(this.exporter)) stats.exporter = this.exporter.getStats();
    return stats;
  }

  /** Exports everything queued now; resolves when it was delivered/dropped or after exportTimeoutMillis. */
  forceFlush(): Promise<void> {
    if (this.shutdownPromise !== undefined) return this.shutdownPromise;
    return this.flushQueued(this.config.exportTimeoutMillis).then(() => undefined);
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    const deadline = Date.now() + this.config.exportTimeoutMillis;
    // from now on ended spans are dropped (and counted); what is already queued is still delivered
    this.closed = true;
    const flushed = await this.flushQueued(this.config.exportTimeoutMillis);
    this.clearTimer();
    if (!flushed) diag.warn('polytrace span processor: shutdown time-out reached before every queued span was exported');
    // the exporter aborts what is still pending; never wait past our own deadline (+1 s for the abort to settle)
    const remaining = Math.max(deadline - Date.now(), 0) + 1000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.resolve()
        .then(() => this.exporter.shutdown())
        .catch((error: unknown) => diag.error('polytrace span processor: exporter shutdown failed', error)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, remaining);
      }),
    ]);
    clearTimeout(timer);
    this.summary.stop();
    this.summary.logNow();
  }

  /** true if every span queued at call time was exported (or dropped by the exporter) before the time-out */
  private flushQueued(timeoutMillis: number): Promise<boolean> {
    if (this.ring.length === 0 && this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        const index = this.flushWaiters.indexOf(waiter);
        if (index >= 0) this.flushWaiters.splice(index, 1);
        resolve(false);
      }, timeoutMillis);
      const waiter: FlushWaiter = {
        takenTarget: this.spansTaken + this.ring.length,
        lastExportSeq: undefined,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.flushWaiters.push(waiter);
      this.drain(true);
      this.settleWaiters();
    });
  }

  /** Starts exports while slots are free: full batches only, or partial ones too when `partial` (timer, flush). */
  private drain(partial: boolean): void {
    // an exporter that calls back synchronously re-enters through finish(); the running loop picks that up
    if (this.draining) return;
    this.draining = true;
    try {
      this.drainLoop(partial);
    } finally {
      this.draining = false;
    }
  }

  private drainLoop(partial: boolean): void {
    const { maxExportBatchSize } = this.config;
    while (
      this.inFlight.size < this.concurrencyLimit &&
      (this.ring.length >= maxExportBatchSize || ((partial || this.flushWaiters.length > 0) && this.ring.length > 0))
    ) {
      this.exportOne();
    }
    if (this.ring.length > 0 && this.timer === undefined && this.inFlight.size < this.concurrencyLimit) {
      this.timer = setTimeout(this.onTimer, this.config.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  private exportOne(): void {
    const spans = this.ring.take(this.config.maxExportBatchSize);
    if (spans.length === 0) return;
    this.spansTaken += spans.length;
    if (this.ring.length === 0) this.clearTimer();
    const seq = ++this.exportSeq;
    this.inFlight.add(seq);
    let finished = false;
    const finish = (result: ExportResult | undefined): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timeout);
      if (result === undefined) this.exportsTimedOut++;
      else if (result.code === ExportResultCode.SUCCESS) this.spansExportSucceeded += spans.length;
      else this.spansExportFailed += spans.length;
      // a healthy backend earns parallel exports back quickly (doubling), a failing one is given one at a time, so
      // a dead backend costs neither CPU (encoding batches bound to fail) nor memory (parallel pending batches)
      if (result?.code === ExportResultCode.SUCCESS) {
        this.concurrencyLimit = Math.min(this.config.maxConcurrentExports, this.concurrencyLimit * 2);
      } else {
        this.concurrencyLimit = Math.max(1, this.concurrencyLimit >> 1);
      }
      this.inFlight.delete(seq);
      this.drain(false);
      this.settleWaiters();
    };
    const timeout = setTimeout(() => {
      diag.debug(`polytrace span processor: export of ${spans.length} spans timed out`);
      finish(undefined);
    }, this.config.exportTimeoutMillis);
    timeout.unref();
    this.settleWaiters();
    const callExporter = (): void => {
      context.with(suppressTracing(context.active()), () => {
        try {
          this.exporter.export(spans, finish);
        } catch (error) {
          diag.error('polytrace span processor: exporter threw', error);
          finish({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
        }
      });
    };
    const pendingResources = pendingResourceAttributes(spans);
    if (pendingResources === undefined) callExporter();
    else
      pendingResources.then(callExporter, (error: unknown) => {
        diag.error('polytrace span processor: resource attributes failed', error);
        callExporter();
      });
  }

  private settleWaiters(): void {
    for (let i = this.flushWaiters.length - 1; i >= 0; i--) {
      const waiter = this.flushWaiters[i];
      if (waiter.lastExportSeq === undefined && this.spansTaken >= waiter.takenTarget) waiter.lastExportSeq = this.exportSeq;
      if (waiter.lastExportSeq === undefined) continue;
      let busy = false;
      for (const seq of this.inFlight) if (seq <= waiter.lastExportSeq) busy = true;
      if (!busy) {
        this.flushWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private describeDrops(): { line: string; lossy: boolean } | undefined {
    const total = this.droppedQueueFull + this.droppedAfterShutdown;
    if (total === this.loggedDrops) return undefined;
    const line =
      `polytrace span processor: +${total - this.loggedDrops} spans dropped; totals queueFull=${this.droppedQueueFull} ` +
      `afterShutdown=${this.droppedAfterShutdown} queued=${this.spansQueued}`;
    this.loggedDrops = total;
    return { line, lossy: true };
  }
}

/** Spans whose resource is still resolving async attributes must wait for them before encoding (OTel semantics). */
function pendingResourceAttributes(spans: readonly ReadableSpan[]): Promise<unknown> | undefined {
  let pending: Promise<void>[] | undefined;
  let last: unknown;
  for (const span of spans) {
    const resource = span.resource;
    if (resource === last) continue;
    last = resource;
    if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) {
      (pending ??= []).push(resource.waitForAsyncAttributes());
    }
  }
  return pending === undefined ? undefined : Promise.all(pending);
}
