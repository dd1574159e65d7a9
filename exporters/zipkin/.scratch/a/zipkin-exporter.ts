import { TraceFlags } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HttpTransport, RetryingExporter, type RetryingExporterOptions } from '@polytrace/exporter-base';
import { readZipkinEnv } from './config';
import { encodeZipkinPayload, type ZipkinPayloadOptions } from './span-encoder';

export interface ZipkinExporterConfig extends ZipkinPayloadOptions {
  /** default `OTEL_EXPORTER_ZIPKIN_ENDPOINT`, else `http://localhost:9411/api/v2/spans` */
  url?: string;
  /** extra headers on every POST (auth…) */
  headers?: Record<string, string>;
  /** one attempt's deadline; default `OTEL_EXPORTER_ZIPKIN_TIMEOUT`, else 10 s */
  timeoutMillis?: number;
  retry?: RetryingExporterOptions['retry'];
  maxBytesInFlight?: number;
  maxPayloadBytes?: number;
  shutdownTimeoutMillis?: number;
  diagIntervalMillis?: number;
}

/**
 * Zipkin v2 exporter (JSON or proto3, optional gzip) on Polytrace's retrying core: 5xx, 429 and network errors
 * are retried with back-off, 400 is permanent, 413 halves the batch. Only sampled spans are ever sent.
 */
export class ZipkinExporter extends RetryingExporter {
  readonly url: string;

  constructor(config: ZipkinExporterConfig = {}) {
    const env = readZipkinEnv();
    const url = config.url ?? env.url;
    const payloadOptions: ZipkinPayloadOptions = {
      ...config,
      encoding: config.encoding ?? env.encoding ?? 'json',
      compression: config.compression ?? env.compression ?? 'none',
    };
    const transport = new HttpTransport({
      url,
      // B3 README: tell proxies such as Envoy not to trace the span upload itself.
      headers: { b3: '0', ...config.headers },
    });
    super({
      name: 'zipkin',
      transport,
      encoder: (spans) => {
        const { body, headers } = encodeZipkinPayload(spans, payloadOptions);
        return { body, headers, spans };
      },
      requestTimeoutMillis: config.timeoutMillis ?? env.timeoutMillis,
      retry: config.retry,
      maxBytesInFlight: config.maxBytesInFlight,
      maxPayloadBytes: config.maxPayloadBytes,
      shutdownTimeoutMillis: config.shutdownTimeoutMillis,
      diagIntervalMillis: config.diagIntervalMillis,
    });
    this.url = url;
  }

  override export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    // The Polytrace processor never forwards unsampled spans to us; other processors might, and Zipkin must not
    // receive a trace its caller decided not to keep.
    const sampled = spans.filter((s) => (s.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0);
    super.export(sampled, resultCallback);
  }
}
