import { randomUUID } from 'node:crypto';
import { diag } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  HttpTransport,
  RetryingExporter,
  UdpTransport,
  type EncodedPayload,
  type ExporterStats,
  type PolytraceExporter,
  type Transport,
} from '@polytrace/exporter-base';
import { resolveJaegerConfig, type JaegerExporterConfig, type ResolvedTarget } from './config';
import { JaegerEncoder } from './jaeger-encoder';
import type { JaegerClientStats } from './model';

/**
 * Exports OTel spans to Jaeger in its own Thrift protocols: `emitBatch` datagrams to jaeger-agent (compact on 6831
 * by default, binary on 6832) or a binary `Batch` POSTed to jaeger-collector's `/api/traces`.
 *
 * Delivery (retries, time-outs, accounting, shutdown) is `@polytrace/exporter-base`'s `RetryingExporter`; encoding
 * is the pure `JaegerEncoder`. This class only wires them to the configuration.
 */
export class JaegerExporter implements PolytraceExporter {
  /** where spans go, resolved from config and env (logged once at construction) */
  readonly target: ResolvedTarget;
  private readonly core: RetryingExporter;
  private readonly encoder: JaegerEncoder;
  private warnedTooLarge = false;

  constructor(config: JaegerExporterConfig = {}) {
    const resolved = resolveJaegerConfig(config);
    for (const w of resolved.warnings) diag.warn(`polytrace jaeger exporter: ${w}`);
    const target = (this.target = resolved.target);
    let transport: Transport;
    if (target.kind === 'udp') {
      this.encoder = new JaegerEncoder({
        target: target.protocol === 'compact' ? 'agent-compact' : 'agent-binary',
        maxPayloadBytes: target.maxPacketSize,
        // the agent turns client-uuid + seqNo + ClientStats into loss metrics: the only way UDP loss becomes visible
        processTags: { ...(config.processTags ?? {}), 'client-uuid': randomUUID() },
        legacyLibraryTags: config.legacyLibraryTags,
        oversizedSpans: config.oversizedSpans,
      });
      transport = new UdpTransport({ host: target.host, port: target.port, maxDatagramBytes: target.maxPacketSize });
      diag.info(
        `polytrace jaeger exporter: UDP Thrift ${target.protocol} to ${target.host}:${target.port} ` +
          `(max ${target.maxPacketSize} bytes/datagram; UDP loss is invisible to the sender, prefer the collector or OTLP)`,
      );
    } else {
      this.encoder = new JaegerEncoder({
        target: 'collector',
        maxPayloadBytes: target.maxBodyBytes,
        processTags: config.processTags,
        legacyLibraryTags: config.legacyLibraryTags,
        oversizedSpans: config.oversizedSpans,
      });
      transport = new HttpTransport({ url: target.url, headers: target.headers });
      diag.info(`polytrace jaeger exporter: HTTP Thrift binary to ${target.url}`);
    }
    this.core = new RetryingExporter({
      name: 'jaeger',
      encoder: (spans) => this.encode(spans),
      transport,
      requestTimeoutMillis: resolved.timeoutMillis,
      retry: config.retry,
      shutdownTimeoutMillis: config.shutdownTimeoutMillis,
      // a payload over this is dropped and counted `tooLarge` by the core: the encoder only produces one for a
      // single span that cannot fit on its own, so it never takes its neighbours down with it
      maxPayloadBytes: this.encoder.maxPayloadBytes,
    });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.core.export(spans, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.core.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.core.shutdown();
  }

  getStats(): ExporterStats {
    return this.core.getStats();
  }

  private encode(spans: readonly ReadableSpan[]): EncodedPayload[] {
    const payloads = this.encoder.encode(spans, this.target.kind === 'udp' ? this.clientStats() : undefined);
    for (const p of payloads) {
      if (p.tooLarge) this.warnTooLarge(p.spans[0], p.body.length);
      else if (p.truncated) diag.debug(`polytrace jaeger exporter: span "${p.spans[0]?.name}" truncated to fit ${this.encoder.maxPayloadBytes} bytes`);
    }
    return payloads;
  }

  private warnTooLarge(span: ReadableSpan | undefined, size: number): void {
    const message =
      `polytrace jaeger exporter: span "${span?.name}" encodes to ${size} bytes, ` +
      `over the ${this.encoder.maxPayloadBytes}-byte limit; dropped`;
    if (this.warnedTooLarge) diag.debug(message);
    else diag.warn(`${message} (further ones are logged at debug level and counted in getStats().dropped.tooLarge)`);
    this.warnedTooLarge = true;
  }

  /** Batch.stats for the agent's client metrics, from our cumulative counters. */
  private clientStats(): JaegerClientStats {
    const s = this.core.getStats();
    return {
      fullQueueDroppedSpans: s.dropped.queueFull + s.dropped.inFlightLimit,
      tooLargeDroppedSpans: s.dropped.tooLarge,
      failedToEmitSpans: s.dropped.retriesExhausted + s.dropped.rejected + s.dropped.shutdown + s.dropped.encodeError,
    };
  }
}
