import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, diag } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { decodeZipkin, ZipkinDecodeError, type DecodeRequest, type ZipkinSpan } from '@polytrace/exporter-zipkin';
import { BodyError, readBody } from './body-reader';
import { emptyBridgeStats, type ZipkinBridgeStats } from './bridge-stats';
import { ChildHold, type ChildHoldOptions } from './child-hold';
import { LateDataBuffer, type LateDataOptions } from './late-data-buffer';
import type { ReceivedSpan } from './received-span';
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
  /** tuning of the shared-span id rewrite and of holding children that arrive before their shared server (§4.4) */
  sharedSpans?: SharedSpanOptions & ChildHoldOptions;
  /** tuning of late-data merging (spec §4.5): the window spans without a timestamp wait for their complete span */
  lateData?: LateDataOptions;
}

/** A Node `(req, res)` handler, mountable in `http.createServer` or Express, plus lifecycle and counters. */
export interface ZipkinBridge {
  (req: IncomingMessage, res: ServerResponse): void;
  getStats(): ZipkinBridgeStats;
  /** exports every buffered span now (unmerged late fragments, held children), then flushes the exporters */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Small Buffers are slices of Node's shared 8 KiB pool: keeping one would keep the whole slab alive. */
function unpooled(body: Buffer): Buffer {
  if (body.length >= 4096 || body.byteLength === body.buffer.byteLength) return body;
  const copy = Buffer.allocUnsafeSlow(body.length);
  body.copy(copy);
  return copy;
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
 * A Zipkin-compatible receiver (`POST /api/v2/spans` JSON/proto3, `POST /api/v1/spans` JSON/Thrift; gzip/deflate) that
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

  const exportNow = (items: readonly ReceivedSpan[]): void => {
    if (items.length === 0) return;
    const readable = items.map((item) => converter.convert(item.span, item.receivedAtMicros));
    pendingSpans += readable.length;
    const done = Promise.all(exporters.map((e) => exportTo(e, readable))).then(() => undefined);
    pending.add(done);
    void done.finally(() => {
      pending.delete(done);
      pendingSpans -= readable.length;
    });
  };

  // Buffered spans leave from timers, so a failure here must be logged, never thrown into the event loop.
  const guarded = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      diag.error(`zipkin bridge: failed to ${what}`, error);
    }
  };

  /** held children whose parent arrived or whose window ended: re-parent if their parent was a shared server */
  const releaseHeld = (items: ReceivedSpan[]): void => {
    const now = Date.now();
    exportNow(items.map((item) => ({ span: rewriter.reparent(item.span, now), receivedAtMicros: item.receivedAtMicros })));
  };

  const hold = new ChildHold(options.sharedSpans ?? {}, (items, early) =>
    guarded('release held spans', () => {
      if (early) stats.bufferOverflows += items.length;
      releaseHeld(items);
    }),
  );

  /** shared-server rewrite, then children that may belong to an unseen shared server are held */
  const rewriteAndHold = (items: ReceivedSpan[], mayHold: boolean): void => {
    const rewritten = rewriter.rewrite(items.map((item) => item.span));
    const out: ReceivedSpan[] = new Array<ReceivedSpan>(items.length);
    for (let i = 0; i < items.length; i++) {
      const span = rewritten[i];
      if (span.tags?.['zipkin.original_span_id'] !== undefined) stats.sharedSpansRewritten++;
      out[i] = span === items[i].span ? items[i] : { span, receivedAtMicros: items[i].receivedAtMicros };
    }
    const { now, released } = hold.process(out, mayHold);
    stats.childSpansHeld += Math.max(0, out.length - now.length);
    stats.childSpansReleased += released.length;
    exportNow(now);
    if (released.length > 0) releaseHeld(released);
  };

  const late = new LateDataBuffer(options.lateData ?? {}, (items, early) =>
    guarded('release late fragments', () => {
      if (early) stats.bufferOverflows += items.length;
      stats.lateFragmentsUnmatched += items.length;
      rewriteAndHold(items, false);
    }),
  );

  const forward = (items: ReceivedSpan[], source: { decode: () => readonly ZipkinSpan[]; bytes: number }): void => {
    const { merged, amended } = late.counters;
    const ready = late.process(items, Date.now(), source);
    stats.lateFragmentsMerged += late.counters.merged - merged;
    stats.lateFragmentsAfterExport += late.counters.amended - amended;
    rewriteAndHold(ready, true);
  };

  /** everything still buffered goes out now, late fragments first so held children can still meet their parent */
  const flushBuffers = (): void => {
    const fragments = late.drain();
    stats.lateFragmentsUnmatched += fragments.length;
    if (fragments.length > 0) rewriteAndHold(fragments, false);
    releaseHeld(hold.drain());
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
      const request: DecodeRequest = { api, contentType: req.headers['content-type'], strict: options.strict === true };
      const decoded = decodeZipkin(body, request);
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
      if (decoded.spans.length > 0) {
        // late-data matching may need these spans again later; the body is cheaper to keep than the spans
        const kept = unpooled(body);
        const source = { decode: () => decodeZipkin(kept, request).spans, bytes: kept.length };
        forward(decoded.spans.map((span) => ({ span, receivedAtMicros })), source);
      }
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
    flushBuffers();
    await Promise.all([...pending]);
    await Promise.all(exporters.map((e) => e.forceFlush?.()));
  };
  bridge.shutdown = async () => {
    closed = true;
    await bridge.forceFlush();
    late.stop();
    hold.stop();
    await Promise.all(exporters.map((e) => e.shutdown()));
  };
  return bridge;
}
