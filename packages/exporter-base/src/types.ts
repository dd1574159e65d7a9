import type { Sampler, SpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Why a span never reached the backend. Every drop is counted under exactly one reason. */
export type DropReason =
  /** the processor's queue was full (back-pressure: the backend or the exporter is too slow) */
  | 'queueFull'
  /** the span ended after the processor was shut down */
  | 'afterShutdown'
  /** the exporter already had `maxBytesInFlight` bytes pending (backend slow, hanging or down) */
  | 'inFlightLimit'
  /** a single span is larger than the transport/backend accepts (413 down to one span, EMSGSIZE, > maxPayloadBytes) */
  | 'tooLarge'
  /** the backend answered a non-retryable 4xx (400, 401, 403, 404...) */
  | 'rejected'
  /** retryable failures (refused, reset, time-out, 5xx, 429) until the attempts or the deadline ran out */
  | 'retriesExhausted'
  /** the exporter was shut down (or its shutdown time-out expired) while the spans were pending */
  | 'shutdown'
  /** the encoder threw */
  | 'encodeError';

export const DROP_REASONS: readonly DropReason[] = [
  'queueFull',
  'afterShutdown',
  'inFlightLimit',
  'tooLarge',
  'rejected',
  'retriesExhausted',
  'shutdown',
  'encodeError',
];

/** Counters since construction. A snapshot: reading it never changes anything. */
export interface ExporterStats {
  /** spans the backend acknowledged (HTTP 2xx) or that were handed to the OS (UDP) */
  spansExported: number;
  /** sum of `dropped` */
  spansDropped: number;
  dropped: Record<DropReason, number>;
  /** spans sent again after a retryable failure (counted once per retry attempt) */
  spansRetried: number;
  /** requests/datagrams attempted, including retries */
  requestsSent: number;
  /** requests that failed (network error, time-out or non-2xx), including ones later retried */
  requestsFailed: number;
  /** payload bytes written by successful requests/datagrams */
  bytesSent: number;
  /** encoded bytes currently pending (being sent or waiting for a retry) */
  bytesInFlight: number;
  /** spans in those pending payloads */
  spansInFlight: number;
}

/** The contract between exporters and `PolytraceSpanProcessor` / `@polytrace/node`. */
export type PolytraceExporter = SpanExporter & {
  /**
   * `true` if the backend wants recorded-but-unsampled spans too (the Datadog agent needs P0 traces for
   * its metrics). Every other exporter must leave it unset: the processor then never forwards them.
   */
  readonly wantsUnsampledSpans?: boolean;
  getStats(): ExporterStats;
};

/** An exporter that knows the right default sampler for its backend (Datadog). */
export interface SamplerProvider {
  createSampler(): Sampler;
}

export function isSamplerProvider(x: unknown): x is SamplerProvider {
  return typeof x === 'object' && x !== null && typeof (x as { createSampler?: unknown }).createSampler === 'function';
}

export function isPolytraceExporter(x: unknown): x is PolytraceExporter {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { export?: unknown }).export === 'function' &&
    typeof (x as { getStats?: unknown }).getStats === 'function'
  );
}

/**
 * One unit the transport sends: an HTTP body or one UDP datagram, plus the spans it carries so that the core can
 * re-encode a subset (413 → halves) and count exactly which spans were delivered or dropped.
 */
export interface EncodedPayload {
  readonly body: Uint8Array;
  readonly spans: readonly ReadableSpan[];
  /** extra HTTP headers for this payload only (e.g. `X-Datadog-Trace-Count`); ignored by UDP */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Pure: spans in, one or more payloads out, no I/O. Must accept any subset of spans it was given before (the core
 * re-encodes halves of a payload answered with 413). Splitting by size is up to the encoder; the core additionally
 * splits any payload over `maxPayloadBytes`.
 */
export type SpanEncoder = (spans: readonly ReadableSpan[]) => EncodedPayload | readonly EncodedPayload[];

/** What an HTTP backend answered. UDP transports answer nothing (`undefined`). */
export interface TransportResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** at most `maxResponseBytes` of the body (default 1 MiB); enough for `rate_by_service` JSON */
  readonly body: Buffer;
}

export interface SendOptions {
  /** abort the attempt (destroy the request) after this long, counting connect + upload + response */
  readonly timeoutMillis: number;
}

/**
 * Moves bytes. A network failure rejects with an `Error` carrying a Node `code` (`ECONNREFUSED`, `ECONNRESET`,
 * `ETIMEDOUT`, `EMSGSIZE`...); any HTTP response (including 4xx/5xx) resolves.
 */
export interface Transport {
  send(payload: EncodedPayload, options: SendOptions): Promise<TransportResponse | undefined>;
  /** release sockets/agents; pending sends reject */
  shutdown(): Promise<void>;
}
