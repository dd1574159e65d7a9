import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, diag } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { decodeZipkin, ZipkinDecodeError, type ZipkinSpan } from '@polytrace/exporter-zipkin';
import { BodyError, readBody } from './body-reader';
import { emptyBridgeStats, type ZipkinBridgeStats } from './bridge-stats';
import { SharedSpanRewriter, type SharedSpanOptions } from './shared-span-rewriter';
import { ZipkinSpanConverter, type ConversionOptions } from './zipkin-to-readable';

export interface ZipkinBridgeOptions extends ConversionOptions {
  /** where converted spans go */
  exporter?: SpanExporter;
  /** several destinations; each gets every span */
  exporters?: SpanExporter[];
  /** cap on the request body, raw and decompressed; 413 beyond (default 10 MiB) */
  maxBodyBytes?: number;
  /**
   * Zipkin parity: one invalid span fails the whole batch with 400. Default false: invalid spans are dropped
   * (counted in `spansDropped`) and the rest of the batch is accepted.
   */
  strict?: boolean;
  /**
   * Spans handed to the exporters whose export has not completed yet. Past this the bridge answers 503 with
   * `Retry-After` instead of buffering without bound when the exporters stall (default 100 000).
   */
  maxPendingSpans?: number;
  /** tuning of the shared-span id rewrite (spec §4.4) */
  sharedSpans?: SharedSpanOptions;
}

/** A Node `(req, res)` handler, mountable in `http.createServer` or Express, plus lifecycle and counters. */
export interface ZipkinBridge {
  (req: IncomingMessage, res: ServerResponse): void;
  getStats(): ZipkinBridgeStats;
  /** resolves once every accepted span was handed over and the exporters flushed */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const ROUTES: Record<string, 'v1' | 'v2'> = { '/api/v1/spans': 'v1', '/api/v2/spans': 'v2' };

function reply(res: ServerResponse, status: number, message?: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  // Zipkin clients in browsers post cross-origin (Zipkin allows any origin by default).
  const all: Record<string, string> = { 'access-control-allow-origin': '*', ...headers };
  if (message !== undefined) all['content-type'] = 'text/plain; charset=utf-8';
  res.writeHead(status, all);
  res.end(message);
}

/**
 * A Zipkin-compatible receiver (`POST /api/v2/spans` JSON/proto3, `POST /api/v1/spans` JSON; gzip/deflate) that
 * converts every span to an OTel ReadableSpan and hands it to the given exporters. Answers 202 as soon as the body
 * is decoded; conversion and export happen after the response, with tracing suppressed.
 */
export function createZipkinBridge(options: ZipkinBridgeOptions): ZipkinBridge {
  const exporters = [...(options.exporters ?? []), ...(options.exporter ? [options.exporter] : [])];
  if (exporters.length === 0) throw new TypeError('createZipkinBridge: give an `exporter` or `exporters`');
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const converter = new ZipkinSpanConverter(options);
  const rewriter = new SharedSpanRewriter(options.sharedSpans);
  const stats = emptyBridgeStats();
  const pending = new Set<Promise<void>>();
  const maxPendingSpans = options.maxPendingSpans ?? 100_000;
  let pendingSpans = 0;
  let closed = false;

  const exportTo = (exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> =>
    new Promise<void>((resolve) => {
      try {
        context.with(suppressTracing(context.active()), () =>
          exporter.export(spans, (result) => {
            if (result.code !== ExportResultCode.SUCCESS) {
              stats.exportFailures++;
              diag.warn(`zipkin bridge: an exporter failed ${spans.length} spans`, result.error);
            }
            resolve();
          }),
        );
      } catch (error) {
        stats.exportFailures++;
        diag.error('zipkin bridge: exporter threw', error);
        resolve();
      }
    });

  const forward = (spans: ZipkinSpan[], receivedAtMicros: number): void => {
    const rewritten = rewriter.rewrite(spans);
    for (const span of rewritten) if (span.tags?.['zipkin.original_span_id'] !== undefined) stats.sharedSpansRewritten++;
    const readable = rewritten.map((span) => converter.convert(span, receivedAtMicros));
    pendingSpans += readable.length;
    const done = Promise.all(exporters.map((e) => exportTo(e, readable))).then(() => undefined);
    pending.add(done);
    void done.finally(() => {
      pending.delete(done);
      pendingSpans -= readable.length;
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const api = ROUTES[path];
    if (req.method === 'OPTIONS') {
      req.resume();
      return reply(res, 204, undefined, { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type, content-encoding' });
    }
    if (api === undefined || req.method !== 'POST' || closed) {
      req.resume();
      stats.requestsRejected++;
      if (closed) return reply(res, 503, 'The Zipkin bridge is shutting down');
      return api === undefined ? reply(res, 404, `No Zipkin route ${path}; POST to /api/v2/spans or /api/v1/spans`) : reply(res, 405, 'Only POST is supported', { allow: 'POST' });
    }
    const receivedAtMicros = Date.now() * 1000;
    try {
      const body = await readBody(req, maxBodyBytes);
      const decoded = decodeZipkin(body, { api, contentType: req.headers['content-type'], strict: options.strict === true });
      if (decoded.spans.length > 0 && pendingSpans + decoded.spans.length > maxPendingSpans) {
        stats.requestsRejected++;
        stats.spansRejectedBusy += decoded.spans.length;
        return reply(res, 503, `Exporters are behind (${pendingSpans} spans pending); retry later`, { 'retry-after': '1' });
      }
      const dropped = new Set<number>();
      const repaired = new Set<number>();
      for (const issue of decoded.issues) (issue.action === 'dropped' ? dropped : repaired).add(issue.index);
      stats.spansDropped += dropped.size;
      stats.spansRepaired += repaired.size;
      stats.requestsAccepted++;
      stats.spansReceived += decoded.spans.length;
      if (decoded.issues.length > 0) diag.debug(`zipkin bridge: ${decoded.issues.length} span issues`, decoded.issues.slice(0, 5));
      reply(res, 202, undefined, dropped.size > 0 ? { 'x-zipkin-bridge-dropped-spans': String(dropped.size) } : {});
      if (decoded.spans.length > 0) forward(decoded.spans, receivedAtMicros);
    } catch (error) {
      stats.requestsRejected++;
      if (error instanceof BodyError) return reply(res, error.status, error.message);
      if (error instanceof ZipkinDecodeError) return reply(res, 400, error.message);
      diag.error('zipkin bridge: failed to handle a request', error);
      reply(res, 500, 'Internal error');
    }
  };

  const bridge = ((req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      diag.error('zipkin bridge: unexpected failure', error);
      reply(res, 500, 'Internal error');
    });
  }) as ZipkinBridge;
  bridge.getStats = () => ({ ...stats });
  bridge.forceFlush = async () => {
    await Promise.all([...pending]);
    await Promise.all(exporters.map((e) => e.forceFlush?.()));
  };
  bridge.shutdown = async () => {
    closed = true;
    await bridge.forceFlush();
    await Promise.all(exporters.map((e) => e.shutdown()));
  };
  return bridge;
}
