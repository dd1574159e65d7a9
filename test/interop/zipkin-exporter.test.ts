/**
 * ZipkinExporter end to end: the OTel SDK with PolytraceSpanProcessor posts to the capture Zipkin server in strict
 * mode (anything the v2 model forbids is a 400), next to @opentelemetry/exporter-zipkin on the same spans.
 */
import * as assert from 'node:assert';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ZipkinExporter as OtelZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SamplingDecision, type ReadableSpan, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PolytraceSpanProcessor } from '@polytrace/exporter-base';
import { ZipkinExporter, type ZipkinExporterConfig } from '@polytrace/exporter-zipkin';
import { startZipkinServer, type ZipkinCaptureServer } from '../support/zipkin-server';

const FAST_RETRY = { maxAttempts: 4, initialBackoffMillis: 5, maxBackoffMillis: 20 };

/** A realistic request: an HTTP SERVER span with a DB CLIENT child, timestamps with sub-microsecond nanos. */
function recordRequest(tracer: Tracer): void {
  const server = tracer.startSpan('GET /users/:id', { kind: SpanKind.SERVER, startTime: [1700000000, 100000700], attributes: { 'http.request.method': 'GET', 'http.route': '/users/:id', 'client.address': '10.0.0.7' } });
  const ctx = trace.setSpan(ROOT_CONTEXT, server);
  const db = tracer.startSpan('SELECT users', { kind: SpanKind.CLIENT, startTime: [1700000000, 100200300], attributes: { 'db.system': 'postgresql', 'peer.service': 'users-db', 'server.port': 5432, tags: ['a', 'b'] } }, ctx);
  db.addEvent('rows', { count: 3 }, [1700000000, 100300400]);
  db.setStatus({ code: SpanStatusCode.ERROR });
  db.end([1700000000, 100900900]);
  server.end([1700000000, 101000000]);
}

function provider(exporterSpanProcessor: ConstructorParameters<typeof BasicTracerProvider>[0]): Tracer {
  return new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'users-api' }), ...exporterSpanProcessor }).getTracer('users-instrumentation', '0.1.0');
}

function exportOnce(exporter: { export(spans: ReadableSpan[], cb: (r: ExportResult) => void): void }, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Every ended span, sampled or only recorded (SimpleSpanProcessor would skip the unsampled ones). */
function finishedSpans(build: (tracer: Tracer) => void, sampler?: Sampler): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = { onStart: () => undefined, onEnd: (s) => ended.push(s), forceFlush: async () => undefined, shutdown: async () => undefined };
  build(new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'users-api' }), sampler, spanProcessors: [collect] }).getTracer('t'));
  return ended;
}

describe('ZipkinExporter → Zipkin server', () => {
  let server: ZipkinCaptureServer;
  const exporters: { shutdown(): Promise<void> }[] = [];
  const make = (config: ZipkinExporterConfig = {}): ZipkinExporter => {
    const exporter = new ZipkinExporter({ url: server.v2Url, retry: FAST_RETRY, diagIntervalMillis: 0, ...config });
    exporters.push(exporter);
    return exporter;
  };

  beforeEach(async () => {
    server = await startZipkinServer({ strict: true });
  });
  afterEach(async () => {
    await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
    await server.close();
  });

  for (const config of [{}, { compression: 'gzip' }, { encoding: 'proto3' }, { encoding: 'proto3', compression: 'gzip' }] as ZipkinExporterConfig[]) {
    it(`delivers a trace Zipkin accepts, with the v2 mapping (${JSON.stringify(config)})`, async () => {
      const exporter = make(config);
      const processor = new PolytraceSpanProcessor(exporter, { scheduledDelayMillis: 10 });
      recordRequest(provider({ spanProcessors: [processor] }));
      await processor.forceFlush();
      const spans = await server.waitForSpans(2);
      const [request] = server.requests();
      assert.strictEqual(request.status, 202, request.error);
      assert.strictEqual(request.headers.b3, '0', 'the upload asks proxies not to trace it');
      assert.strictEqual(request.format, config.encoding === 'proto3' ? 'proto3' : 'json-v2');
      assert.strictEqual(request.headers['content-encoding'], config.compression === 'gzip' ? 'gzip' : undefined);

      const db = spans.find((s) => s.kind === 'CLIENT');
      const http = spans.find((s) => s.kind === 'SERVER');
      assert.ok(db && http);
      assert.strictEqual(db.traceId, http.traceId);
      assert.strictEqual(db.parentId, http.id);
      assert.strictEqual(http.parentId, undefined);
      assert.deepStrictEqual([http.timestamp, http.duration], [1700000000100000, 1000]);
      assert.deepStrictEqual([db.timestamp, db.duration], [1700000000100200, 700]);
      assert.deepStrictEqual(http.localEndpoint, { serviceName: 'users-api' });
      assert.deepStrictEqual(http.remoteEndpoint, { ipv4: '10.0.0.7' });
      assert.deepStrictEqual(db.remoteEndpoint, { serviceName: 'users-db', port: 5432 });
      assert.deepStrictEqual(db.annotations, [{ timestamp: 1700000000100300, value: 'rows|{"count":3}|0' }]);
      assert.strictEqual(db.tags?.error, '');
      assert.strictEqual(db.tags?.tags, '["a","b"]');
      assert.strictEqual(db.tags?.['otel.scope.name'], 'users-instrumentation');
      assert.deepStrictEqual(exporter.getStats().spansExported, 2);
    });
  }

  it('is accepted where @opentelemetry/exporter-zipkin gets a 400 for the same spans (fractional timestamp)', async () => {
    const spans = finishedSpans(recordRequest);
    const theirs = new OtelZipkinExporter({ url: server.v2Url });
    const theirResult = await exportOnce(theirs, spans);
    await theirs.shutdown();
    assert.strictEqual(theirResult.code, ExportResultCode.FAILED);
    assert.match(server.requests()[0].error ?? '', /Expected a long/);

    const ourResult = await exportOnce(make(), spans);
    assert.strictEqual(ourResult.code, ExportResultCode.SUCCESS);
    assert.strictEqual(server.spans().length, 2);
  });

  it('never sends unsampled spans, even when recorded or handed over directly', async () => {
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'record-only' };
    const exporter = make();
    const processor = new PolytraceSpanProcessor(exporter, { scheduledDelayMillis: 10 });
    const tracer = new BasicTracerProvider({ sampler: recordOnly, spanProcessors: [processor] }).getTracer('t');
    tracer.startSpan('unsampled').end();
    await processor.forceFlush();

    const unsampled = finishedSpans((t) => t.startSpan('recorded').end(), recordOnly);
    assert.strictEqual(unsampled[0].spanContext().traceFlags & TraceFlags.SAMPLED, 0);
    const result = await exportOnce(exporter, unsampled);
    assert.strictEqual(result.code, ExportResultCode.SUCCESS);
    assert.deepStrictEqual(server.spans(), []);
  });

  it('retries 503 until Zipkin accepts, and does not retry a 400', async () => {
    server.setFault(({ count }) => (count < 2 ? { status: 503, body: 'storage busy' } : undefined));
    const exporter = make();
    const spans = finishedSpans(recordRequest);
    assert.strictEqual((await exportOnce(exporter, spans)).code, ExportResultCode.SUCCESS);
    assert.deepStrictEqual(server.requests().map((r) => r.status), [503, 503, 202]);

    server.reset();
    server.setFault(() => ({ status: 400, body: 'nope' }));
    assert.strictEqual((await exportOnce(exporter, spans)).code, ExportResultCode.FAILED);
    assert.strictEqual(server.requests().length, 1);
    assert.strictEqual(exporter.getStats().dropped.rejected, 2);
  });

  it('reads OTEL_EXPORTER_ZIPKIN_ENDPOINT when no url is given', async () => {
    const saved = process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
    process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT = server.v2Url;
    try {
      const exporter = new ZipkinExporter({ retry: FAST_RETRY, diagIntervalMillis: 0 });
      exporters.push(exporter);
      assert.strictEqual(exporter.url, server.v2Url);
      await exportOnce(exporter, finishedSpans((t) => t.startSpan('x').end()));
      assert.strictEqual((await server.waitForSpans(1))[0].name, 'x');
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
      else process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT = saved;
    }
  });
});
