import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HttpTransport, RetryingExporter } from '@polytrace/exporter-base';
import { FaultyServer, waitFor } from '../../../test/support/faulty-server';
import { detectUnhandledRejections, jsonEncoder, namesIn } from './helpers';

describe("the application's http instrumentation never traces the exporter's requests", () => {
  const rejections = detectUnhandledRejections();
  let server: FaultyServer;
  let instrumentation: HttpInstrumentation;
  let appProvider: BasicTracerProvider;
  const appSpans = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();
  let registeredContextManager = false;
  /** request paths instrumentation-http's client patch was asked about (it asks before anything else) */
  const patchedCalls: string[] = [];

  before(async () => {
    server = await FaultyServer.start();
    // another suite may already have registered one; then it is left alone (and used)
    registeredContextManager = context.setGlobalContextManager(contextManager.enable());
    appProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appSpans)] });
    instrumentation = new HttpInstrumentation({
      ignoreOutgoingRequestHook: (options) => {
        patchedCalls.push(String(options.path));
        return false;
      },
    });
    instrumentation.setTracerProvider(appProvider);
    instrumentation.enable();
    // core modules are patched when required after enable(); the patch is in place, so every holder of the
    // module object (our HttpTransport included) sees it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('node:http');
  });

  after(async () => {
    instrumentation.disable();
    if (registeredContextManager) context.disable();
    else contextManager.disable();
    await appProvider.shutdown();
    await server.close();
    rejections.check();
  });

  it('an app request is traced (control) but the exporter requests, including retries, are not', async () => {
    // control: the instrumentation is really active for http.request
    await new Promise<void>((resolve, reject) => {
      http.get(`${server.url}/app`, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    const clientSpans = () => appSpans.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    await waitFor(() => clientSpans().length === 1, 20_000, 'the control client span');

    server.enqueue({ kind: 'status', status: 503 });
    const exporter = new RetryingExporter({
      name: 'loop',
      encoder: jsonEncoder,
      transport: new HttpTransport({ url: server.url }),
      retry: { maxAttempts: 3, initialBackoffMillis: 5, maxBackoffMillis: 10 },
      diagIntervalMillis: 0,
    });
    // called straight from inside an active, recording application span (no processor suppressing for us):
    // the exporter itself must suppress, for the first attempt and for the retry scheduled from a timer
    const tracer = appProvider.getTracer('app');
    const result = await tracer.startActiveSpan('handler', (span) => {
      span.end();
      return new Promise<ExportResult>((resolve) => exporter.export([span as unknown as ReadableSpan], resolve));
    });
    assert.equal(result.code, ExportResultCode.SUCCESS);
    assert.deepEqual(namesIn(server.accepted.filter((r) => r.url !== '/app').map((r) => r.body)), ['handler']);
    assert.equal(exporter.getStats().spansRetried, 1);
    await exporter.shutdown();
    assert.deepEqual(
      clientSpans().map((s) => String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? s.attributes['http.target'] ?? JSON.stringify(s.attributes)).replace(/^.*:\d+/, '')),
      ['/app'],
      'only the control request produced a client span',
    );
    // the exporter's requests went to Node's own http.request, not through the client patch (it is work even when
    // suppressed, and a user's hooks must not see the exporter's traffic)
    assert.deepEqual(patchedCalls, ['/app']);
    // and the server side saw no trace context injected into the exporter's requests
    for (const r of server.requests.filter((q) => q.url !== '/app')) assert.equal(r.headers.traceparent, undefined);
  });
});
