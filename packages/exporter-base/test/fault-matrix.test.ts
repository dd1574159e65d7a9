import * as assert from 'node:assert/strict';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HttpTransport, RetryingExporter, type ExporterStats, type RetryingExporterOptions, type TransportResponse } from '@polytrace/exporter-base';
import { FaultyServer, refusedSocketUrl, refusedUrl, waitFor } from '../../../test/support/faulty-server';
import { detectUnhandledRejections, jsonEncoder, makeSpans, namesIn } from './helpers';

function exportOnce(exporter: RetryingExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** every span handed to the exporter is either exported or dropped under exactly one reason */
function assertAccounted(stats: ExporterStats, total: number): void {
  assert.equal(stats.spansExported + stats.spansDropped, total, `accounting: ${JSON.stringify(stats)}`);
  assert.equal(stats.bytesInFlight, 0);
  assert.equal(stats.spansInFlight, 0);
}

const FAST_RETRY = { maxAttempts: 4, initialBackoffMillis: 5, maxBackoffMillis: 40 };

for (const kind of ['tcp', 'uds'] as const) {
  describe(`RetryingExporter + HttpTransport fault matrix over ${kind === 'tcp' ? 'HTTP on 127.0.0.1' : 'a Unix domain socket'}`, () => {
    const rejections = detectUnhandledRejections();
    let server: FaultyServer;
    let exporter: RetryingExporter | undefined;

    async function startServer(): Promise<FaultyServer> {
      return FaultyServer.start(kind === 'uds' ? { socketPath: FaultyServer.tempSocketPath() } : {});
    }

    function newExporter(url: string, options: Partial<RetryingExporterOptions> = {}): RetryingExporter {
      exporter = new RetryingExporter({
        name: 'test',
        encoder: jsonEncoder,
        transport: new HttpTransport({ url, path: '/api/spans' }),
        retry: FAST_RETRY,
        requestTimeoutMillis: 5_000,
        diagIntervalMillis: 0,
        ...options,
      });
      return exporter;
    }

    beforeEach(async () => {
      server = await startServer();
    });

    afterEach(async () => {
      await exporter?.shutdown();
      exporter = undefined;
      await server.close();
      rejections.check();
    });

    it('delivers to a healthy backend, counts spans and bytes, and hands the response to the author', async () => {
      server.setFault({ kind: 'ok', status: 200, body: '{"rate_by_service":{"service:,env:":0.5}}' });
      const responses: TransportResponse[] = [];
      const ex = newExporter(server.url, { onResponse: (response) => responses.push(response) });
      const spans = makeSpans(10);
      const result = await exportOnce(ex, spans);
      assert.equal(result.code, ExportResultCode.SUCCESS);
      assert.deepEqual(namesIn(server.accepted.map((r) => r.body)), spans.map((s) => s.name));
      assert.equal(server.requests[0].url, '/api/spans');
      assert.equal(server.requests[0].headers['content-type'], 'application/json');
      const stats = ex.getStats();
      assert.equal(stats.spansExported, 10);
      assert.equal(stats.bytesSent, server.requests[0].body.length);
      assert.equal(stats.requestsSent, 1);
      assert.equal(responses.length, 1);
      assert.equal(responses[0].statusCode, 200);
      assert.deepEqual(JSON.parse(responses[0].body.toString()), { rate_by_service: { 'service:,env:': 0.5 } });
      assertAccounted(stats, 10);
    });

    it('connection refused: retried with back-off up to maxAttempts, then dropped and counted', async () => {
      const url = kind === 'tcp' ? await refusedUrl() : refusedSocketUrl();
      const ex = newExporter(url);
      const result = await exportOnce(ex, makeSpans(5));
      assert.equal(result.code, ExportResultCode.FAILED);
      const stats = ex.getStats();
      assert.equal(stats.requestsSent, FAST_RETRY.maxAttempts);
      assert.equal(stats.requestsFailed, FAST_RETRY.maxAttempts);
      assert.equal(stats.spansRetried, 5 * (FAST_RETRY.maxAttempts - 1));
      assert.equal(stats.dropped.retriesExhausted, 5);
      assertAccounted(stats, 5);
    });

    it('reset mid-request: retried and then delivered exactly once', async () => {
      server.enqueue({ kind: 'reset' }, { kind: 'reset' });
      const ex = newExporter(server.url);
      const spans = makeSpans(7);
      const result = await exportOnce(ex, spans);
      assert.equal(result.code, ExportResultCode.SUCCESS);
      assert.equal(server.requests.length, 3);
      assert.deepEqual(namesIn(server.accepted.map((r) => r.body)), spans.map((s) => s.name));
      const stats = ex.getStats();
      assert.equal(stats.spansRetried, 14);
      assert.equal(stats.requestsFailed, 2);
      assertAccounted(stats, 7);
    });

    it('a backend that never answers: each attempt times out, sockets are released, spans dropped and counted', async () => {
      server.setFault({ kind: 'hang' });
      const ex = newExporter(server.url, { requestTimeoutMillis: 300, retry: { ...FAST_RETRY, maxAttempts: 2 } });
      const result = await exportOnce(ex, makeSpans(3));
      assert.equal(result.code, ExportResultCode.FAILED);
      assert.equal(server.requests.length, 2);
      assert.equal(ex.getStats().dropped.retriesExhausted, 3);
      assertAccounted(ex.getStats(), 3);
      await waitFor(() => server.connectionCount === 0, 20_000, 'timed-out sockets to be destroyed');
    });

    it('a hang followed by a healthy answer: the retry after the time-out delivers', async () => {
      server.enqueue({ kind: 'hang' });
      const ex = newExporter(server.url, { requestTimeoutMillis: 300 });
      const spans = makeSpans(4);
      assert.equal((await exportOnce(ex, spans)).code, ExportResultCode.SUCCESS);
      assert.deepEqual(namesIn(server.accepted.map((r) => r.body)), spans.map((s) => s.name));
      assertAccounted(ex.getStats(), 4);
    });

    it('5xx: retried until the backend recovers; permanent 5xx drops after maxAttempts', async () => {
      server.enqueue({ kind: 'status', status: 503 }, { kind: 'status', status: 500 });
      const ex = newExporter(server.url);
      assert.equal((await exportOnce(ex, makeSpans(2))).code, ExportResultCode.SUCCESS);
      assert.equal(server.requests.length, 3);
      server.setFault({ kind: 'status', status: 502 });
      assert.equal((await exportOnce(ex, makeSpans(2))).code, ExportResultCode.FAILED);
      assert.equal(server.requests.length, 3 + FAST_RETRY.maxAttempts);
      const stats = ex.getStats();
      assert.equal(stats.spansExported, 2);
      assert.equal(stats.dropped.retriesExhausted, 2);
      assertAccounted(stats, 4);
    });

    it('429 with Retry-After: waits at least that long before retrying, then delivers', async () => {
      server.enqueue({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
      const ex = newExporter(server.url);
      assert.equal((await exportOnce(ex, makeSpans(3))).code, ExportResultCode.SUCCESS);
      assert.equal(server.requests.length, 2);
      // a lower bound only: the client must not come back before the server allowed it
      assert.ok(server.requests[1].receivedAt - server.requests[0].receivedAt >= 950, 'Retry-After: 1 obeyed');
      assertAccounted(ex.getStats(), 3);
    });

    it('429 with an absurd Retry-After is clamped to maxRetryAfterMillis instead of pinning the spans', async () => {
      server.enqueue({ kind: 'status', status: 429, headers: { 'Retry-After': '86400' } });
      const ex = newExporter(server.url, { retry: { ...FAST_RETRY, maxRetryAfterMillis: 50 } });
      assert.equal((await exportOnce(ex, makeSpans(1))).code, ExportResultCode.SUCCESS);
      assert.equal(server.requests.length, 2);
    });

    it('413: the batch is split in halves down to one span; all spans that fit arrive, the oversized one is dropped', async () => {
      const spans = makeSpans(16, 'small');
      const huge = makeSpans(1, 'huge', 4_000)[0];
      const oneSpanBytes = jsonEncoder([spans[0]]).body.length;
      server.setFault({ kind: 'tooLarge', maxBodyBytes: oneSpanBytes * 3 });
      const ex = newExporter(server.url);
      const batch = [...spans.slice(0, 8), huge, ...spans.slice(8)];
      const result = await exportOnce(ex, batch);
      assert.equal(result.code, ExportResultCode.FAILED, 'one span was lost, the export must say so');
      assert.deepEqual(namesIn(server.accepted.map((r) => r.body)).sort(), spans.map((s) => s.name).sort());
      for (const r of server.accepted) assert.ok(r.body.length <= oneSpanBytes * 3);
      const stats = ex.getStats();
      assert.equal(stats.spansExported, 16);
      assert.equal(stats.dropped.tooLarge, 1);
      assertAccounted(stats, 17);
    });

    it('400: dropped immediately, never retried', async () => {
      server.setFault({ kind: 'status', status: 400, body: 'decoding-error' });
      const ex = newExporter(server.url);
      assert.equal((await exportOnce(ex, makeSpans(6))).code, ExportResultCode.FAILED);
      assert.equal(server.requests.length, 1);
      const stats = ex.getStats();
      assert.equal(stats.dropped.rejected, 6);
      assert.equal(stats.spansRetried, 0);
      assertAccounted(stats, 6);
    });

    it('spans in flight are capped too (their objects outweigh the bytes)', async () => {
      server.setFault({ kind: 'hang' });
      const ex = newExporter(server.url, { requestTimeoutMillis: 60_000, maxSpansInFlight: 25, shutdownTimeoutMillis: 100 });
      const results: Promise<ExportResult>[] = [];
      for (let i = 0; i < 5; i++) results.push(exportOnce(ex, makeSpans(10)));
      await waitFor(() => server.requests.length === 2, 20_000, 'two requests to hang');
      assert.equal(ex.getStats().spansInFlight, 20);
      assert.equal(ex.getStats().dropped.inFlightLimit, 30);
      await ex.shutdown();
      await Promise.all(results);
      assertAccounted(ex.getStats(), 50);
    });

    it('bytes in flight are capped: with the backend hanging, further payloads are dropped, not buffered', async () => {
      server.setFault({ kind: 'hang' });
      const batchBytes = jsonEncoder(makeSpans(10)).body.length;
      const ex = newExporter(server.url, { requestTimeoutMillis: 60_000, maxBytesInFlight: batchBytes * 2, shutdownTimeoutMillis: 100 });
      const results: Promise<ExportResult>[] = [];
      for (let i = 0; i < 10; i++) results.push(exportOnce(ex, makeSpans(10)));
      await waitFor(() => server.requests.length === 2, 20_000, 'two requests to hang');
      const during = ex.getStats();
      assert.ok(during.bytesInFlight <= batchBytes * 2, `bytesInFlight ${during.bytesInFlight}`);
      assert.equal(during.dropped.inFlightLimit, 80);
      await ex.shutdown();
      for (const r of await Promise.all(results)) assert.equal(r.code, ExportResultCode.FAILED);
      const after = ex.getStats();
      assert.equal(after.dropped.shutdown, 20);
      assertAccounted(after, 100);
    });
  });
}
