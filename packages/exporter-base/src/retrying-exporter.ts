import { context, diag } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DiagSummary, type SummarySource } from './diag-summary';
import { describeExporterDelta } from './exporter-summary';
import { backoffMillis, classifyError, classifyStatus, resolveRetryOptions, type Outcome, type ResolvedRetryOptions, type RetryOptions } from './retry-policy';
import { StatsCounters } from './stats';
import type {
  DropReason,
  EncodedPayload,
  ExporterStats,
  PolytraceExporter,
  SpanEncoder,
  Transport,
  TransportResponse,
} from './types';

export interface RetryingExporterOptions {
  /** short backend name for log lines, e.g. `zipkin` */
  name: string;
  encoder: SpanEncoder;
  transport: Transport;
  /** forward recorded-but-unsampled spans (Datadog only) */
  wantsUnsampledSpans?: boolean;
  /** deadline of one attempt: connect + upload + response (default 10 s) */
  requestTimeoutMillis?: number;
  retry?: RetryOptions;
  /** cap on encoded bytes pending (sending or waiting to retry); past it new payloads are dropped (default 32 MiB) */
  maxBytesInFlight?: number;
  /**
   * cap on spans pending (their objects stay referenced so a 413 can re-encode halves; they outweigh the encoded
   * bytes); past it new payloads are dropped as `inFlightLimit` (default 16384 = 8 full default batches)
   */
  maxSpansInFlight?: number;
  /** payloads above this are split in halves before sending (default: no limit, the encoder decides) */
  maxPayloadBytes?: number;
  /** how long `shutdown()` lets pending payloads finish before aborting them (default 5 s) */
  shutdownTimeoutMillis?: number;
  /** diag summary interval (default 60 s; 0 disables the periodic line, shutdown still logs one) */
  diagIntervalMillis?: number;
  /** called with every 2xx response (HTTP transports), e.g. to read Datadog's `rate_by_service` */
  onResponse?: (response: TransportResponse, payload: EncodedPayload) => void;
}

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

interface Sleep {
  timer: NodeJS.Timeout;
  resolve: () => void;
}

/**
 * The delivery core every Polytrace exporter shares: encoder + transport in, a `SpanExporter` out, with capped
 * exponential back-off + jitter, `Retry-After`, 413 halving, per-attempt time-outs, a bytes-in-flight cap and
 * accounting. `export()` never throws and never rejects; its callback reports FAILED only after the spans were
 * counted as dropped.
 *
 * Exporter authors either subclass it (`class ZipkinExporter extends RetryingExporter`) or wrap an instance.
 */
export class RetryingExporter implements PolytraceExporter {
  readonly wantsUnsampledSpans: boolean;
  protected readonly name: string;
  private readonly encoder: SpanEncoder;
  private readonly transport: Transport;
  private readonly requestTimeoutMillis: number;
  private readonly retry: ResolvedRetryOptions;
  private readonly maxBytesInFlight: number;
  private readonly maxPayloadBytes: number;
  private readonly maxSpansInFlight: number;
  private readonly shutdownTimeoutMillis: number;
  private readonly onResponse: RetryingExporterOptions['onResponse'];
  private readonly stats = new StatsCounters();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly sleeps = new Set<Sleep>();
  private readonly summary: DiagSummary;
  private lastSummary = this.stats.snapshot();
  /** no new exports accepted */
  private closed = false;
  /** pending payloads are being abandoned */
  private aborted = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: RetryingExporterOptions) {
    this.name = options.name;
    this.encoder = options.encoder;
    this.transport = options.transport;
    this.wantsUnsampledSpans = options.wantsUnsampledSpans === true;
    this.requestTimeoutMillis = options.requestTimeoutMillis ?? 10_000;
    this.retry = resolveRetryOptions(options.retry);
    this.maxBytesInFlight = options.maxBytesInFlight ?? 32 * 1024 * 1024;
    this.maxPayloadBytes = options.maxPayloadBytes ?? Number.POSITIVE_INFINITY;
    this.maxSpansInFlight = options.maxSpansInFlight ?? 16_384;
    this.shutdownTimeoutMillis = options.shutdownTimeoutMillis ?? 5_000;
    this.onResponse = options.onResponse;
    const source: SummarySource = { describe: () => this.describeSinceLastSummary() };
    this.summary = new DiagSummary(source, options.diagIntervalMillis ?? 60_000);
  }

  getStats(): ExporterStats {
    return this.stats.snapshot();
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const done = this.exportAsync(spans).then(
      (delivered) => (delivered ? SUCCESS : { code: ExportResultCode.FAILED, error: new Error(`${this.name}: some spans were dropped`) }),
      (error: unknown) => ({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    // a throwing callback must not become an unhandled rejection
    done.then((result) => {
      try {
        resultCallback(result);
      } catch (error) {
        diag.error(`${this.name} exporter: export result callback threw`, error);
      }
    });
  }

  /** Resolves once everything pending now was delivered or dropped (at most `shutdownTimeoutMillis`). */
  async forceFlush(): Promise<void> {
    await this.waitForPending(this.shutdownTimeoutMillis);
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.closed = true;
    const finished = await this.waitForPending(this.shutdownTimeoutMillis);
    if (!finished) {
      this.aborted = true;
      for (const sleep of this.sleeps) {
        clearTimeout(sleep.timer);
        sleep.resolve();
      }
    }
    await this.transport.shutdown().catch((error: unknown) => diag.debug(`${this.name} exporter: transport shutdown`, error));
    // aborted sends settle on the next turns once their sockets are destroyed
    await this.waitForPending(1_000);
    this.summary.stop();
    this.summary.logNow();
  }

  /** true if all pending work settled before the time-out */
  private async waitForPending(timeoutMillis: number): Promise<boolean> {
    if (this.pending.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMillis);
    });
    const all = Promise.allSettled([...this.pending]).then(() => true as const);
    const result = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return result;
  }

  private async exportAsync(spans: readonly ReadableSpan[]): Promise<boolean> {
    if (spans.length === 0) return true;
    if (this.closed) {
      this.drop('shutdown', spans.length);
      return false;
    }
    const payloads = this.encode(spans);
    if (payloads === undefined) return false;
    const deliveries: Promise<boolean>[] = [];
    for (const payload of payloads) {
      const size = payload.body.byteLength;
      // one payload is always admitted when nothing is pending, so a cap below the payload size cannot block forever
      const overCap =
        this.stats.bytesInFlight + size > this.maxBytesInFlight || this.stats.spansInFlight + payload.spans.length > this.maxSpansInFlight;
      if (this.stats.bytesInFlight > 0 && overCap) {
        this.drop('inFlightLimit', payload.spans.length);
        deliveries.push(Promise.resolve(false));
        continue;
      }
      deliveries.push(this.track(this.deliver(payload)));
    }
    const results = await Promise.all(deliveries);
    return results.every(Boolean);
  }

  private track(delivery: Promise<boolean>): Promise<boolean> {
    this.pending.add(delivery);
    delivery.then(
      () => this.pending.delete(delivery),
      () => this.pending.delete(delivery),
    );
    return delivery;
  }

  /** Encodes and enforces `maxPayloadBytes` by halving; undefined if the encoder threw (spans counted). */
  private encode(spans: readonly ReadableSpan[]): EncodedPayload[] | undefined {
    let encoded: EncodedPayload | readonly EncodedPayload[];
    try {
      encoded = this.encoder(spans);
    } catch (error) {
      diag.error(`${this.name} exporter: encoder threw, dropping ${spans.length} spans`, error);
      this.drop('encodeError', spans.length);
      return undefined;
    }
    const payloads = Array.isArray(encoded) ? (encoded as readonly EncodedPayload[]) : [encoded as EncodedPayload];
    const out: EncodedPayload[] = [];
    for (const payload of payloads) {
      if (payload.body.byteLength <= this.maxPayloadBytes) out.push(payload);
      else if (payload.spans.length <= 1) this.drop('tooLarge', payload.spans.length);
      else {
        for (const half of halves(payload.spans)) {
          const parts = this.encode(half);
          if (parts !== undefined) out.push(...parts);
        }
      }
    }
    return out;
  }

  /** Sends one payload until it is delivered or dropped; never rejects. */
  private async deliver(payload: EncodedPayload): Promise<boolean> {
    const size = payload.body.byteLength;
    const spanCount = payload.spans.length;
    this.stats.bytesInFlight += size;
    this.stats.spansInFlight += spanCount;
    let released = false;
    const release = (): void => {
      if (!released) {
        this.stats.bytesInFlight -= size;
        this.stats.spansInFlight -= spanCount;
      }
      released = true;
    };
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.aborted) {
          this.drop('shutdown', spanCount);
          return false;
        }
        const outcome = await this.attempt(payload);
        if (outcome.kind === 'success') return true;
        if (this.aborted) {
          this.drop('shutdown', spanCount);
          return false;
        }
        if (outcome.kind === 'reject') {
          diag.debug(`${this.name} exporter: ${outcome.reason}, dropping ${spanCount} spans (not retryable)`);
          this.drop('rejected', spanCount);
          return false;
        }
        if (outcome.kind === 'tooLarge') {
          if (spanCount <= 1) {
            this.drop('tooLarge', spanCount);
            return false;
          }
          release();
          return await this.deliverHalves(payload.spans);
        }
        if (attempt + 1 >= this.retry.maxAttempts) {
          diag.debug(`${this.name} exporter: ${outcome.reason} after ${attempt + 1} attempts, dropping ${spanCount} spans`);
          this.drop('retriesExhausted', spanCount);
          return false;
        }
        await this.sleep(this.retryDelay(attempt, outcome));
        this.stats.spansRetried += spanCount;
      }
    } finally {
      release();
    }
  }

  /** 413: split in half and deliver each half (sequentially, to not hammer a backend that just refused size). */
  private async deliverHalves(spans: readonly ReadableSpan[]): Promise<boolean> {
    let ok = true;
    for (const half of halves(spans)) {
      const parts = this.encode(half);
      if (parts === undefined) {
        ok = false;
        continue;
      }
      for (const part of parts) ok = (await this.deliver(part)) && ok;
    }
    return ok;
  }

  private async attempt(payload: EncodedPayload): Promise<Outcome> {
    this.stats.requestsSent++;
    let outcome: Outcome;
    let response: TransportResponse | undefined;
    try {
      // no app instrumentation may trace the exporter's own requests (feedback loop)
      response = await context.with(suppressTracing(context.active()), () =>
        this.transport.send(payload, { timeoutMillis: this.requestTimeoutMillis }),
      );
      outcome = response === undefined ? { kind: 'success' } : classifyStatus(response.statusCode, response.headers['retry-after']);
    } catch (error) {
      outcome = classifyError(error);
    }
    if (outcome.kind === 'success') {
      this.stats.spansExported += payload.spans.length;
      this.stats.bytesSent += payload.body.byteLength;
      if (response !== undefined && this.onResponse !== undefined) {
        try {
          this.onResponse(response, payload);
        } catch (error) {
          diag.error(`${this.name} exporter: onResponse threw`, error);
        }
      }
    } else {
      this.stats.requestsFailed++;
    }
    return outcome;
  }

  private retryDelay(attempt: number, outcome: Outcome): number {
    const backoff = backoffMillis(attempt, this.retry);
    const retryAfter = outcome.kind === 'retry' ? outcome.retryAfterMillis : undefined;
    return retryAfter === undefined ? backoff : Math.max(backoff, Math.min(retryAfter, this.retry.maxRetryAfterMillis));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const sleep: Sleep = {
        timer: setTimeout(() => {
          this.sleeps.delete(sleep);
          resolve();
        }, ms),
        resolve: () => {
          this.sleeps.delete(sleep);
          resolve();
        },
      };
      sleep.timer.unref();
      this.sleeps.add(sleep);
    });
  }

  private drop(reason: DropReason, spans: number): void {
    if (spans > 0) this.stats.drop(reason, spans);
  }

  private describeSinceLastSummary(): { line: string; lossy: boolean } | undefined {
    const now = this.stats.snapshot();
    const summary = describeExporterDelta(this.name, this.lastSummary, now);
    if (summary !== undefined) this.lastSummary = now;
    return summary;
  }
}

function halves<T>(items: readonly T[]): [readonly T[], readonly T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}
