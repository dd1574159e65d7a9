import * as assert from 'node:assert/strict';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SamplingDecision,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { HttpTransport, PolytraceSpanProcessor, RetryingExporter, type RetryingExporterOptions } from '@polytrace/exporter-base';
import { FaultyServer, refusedUrl, waitFor } from '../../../test/support/faulty-server';
import { detectUnhandledRejections, jsonEncoder, namesIn } from './helpers';

/** Records every batch; optionally never calls back (a stuck exporter). */
class RecordingExporter implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  constructor(
    readonly wantsUnsampledSpans = false,
    private readonly stuck = false,
  ) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.batches.push(spans);
    if (!this.stuck) done({ code: ExportResultCode.SUCCESS });
  }
  get names(): string[] {
    return this.batches.flat().map((s) => s.name);
  }
  async shutdown(): Promise<void> {}
}

/** Records every span but marks every other one (by name suffix) not sampled: the Datadog P0 case. */
const halfUnsampled: Sampler = {
  shouldSample: (_ctx, _traceId, name) => ({
    decision: name.endsWith('-p0') ? SamplingDecision.RECORD : SamplingDecision.RECORD_AND_SAMPLED,
  }),
  toString: () => 'halfUnsampled',
};

describe('PolytraceSpanProcessor', () => {
  const rejections = detectUnhandledRejections();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    rejections.check();
  });

  function tracerWith(...processors: PolytraceSpanProcessor[]) {
    const provider = new BasicTracerProvider({ spanProcessors: processors, sampler: halfUnsampled });
    cleanups.push(() => provider.shutdown());
    return provider.getTracer('processor-test');
  }

  function endSpans(tracer: ReturnType<typeof tracerWith>, count: number, prefix = 's'): string[] {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${prefix}-${i}`;
      tracer.startSpan(name).end();
      names.push(name);
    }
    return names;
  }

  async function server(fault?: Parameters<FaultyServer['setFault']>[0]): Promise<FaultyServer> {
    const s = await FaultyServer.start(fault ? { fault } : {});
    cleanups.push(() => s.close());
    return s;
  }

  function httpExporter(url: string, options: Partial<RetryingExporterOptions> = {}): RetryingExporter {
    const exporter = new RetryingExporter({
      name: 'test',
      encoder: jsonEncoder,
      transport: new HttpTransport({ url }),
      retry: { maxAttempts: 3, initialBackoffMillis: 5, maxBackoffMillis: 20 },
      diagIntervalMillis: 0,
      ...options,
    });
    cleanups.push(() => exporter.shutdown());
    return exporter;
  }

  it('exports full batches without waiting for the schedule delay, and the rest on forceFlush', async () => {
    const exporter = new RecordingExporter();
    const processor = new PolytraceSpanProcessor(exporter, { maxExportBatchSize: 10, maxQueueSize: 100, scheduledDelayMillis: 600_000 });
    const names = endSpans(tracerWith(processor), 25);
    await waitFor(() => exporter.batches.length === 2, 20_000, 'two full batches');
    assert.deepEqual(exporter.batches.map((b) => b.length), [10, 10]);
    await processor.forceFlush();
    assert.deepEqual(exporter.names, names);
    assert.equal(processor.getStats().spansExportSucceeded, 25);
  });

  it('an exporter that calls back synchronously, one span per batch, drains everything without deep recursion', async () => {
    const exporter = new RecordingExporter();
    const processor = new PolytraceSpanProcessor(exporter, { maxExportBatchSize: 1, maxQueueSize: 20_000, scheduledDelayMillis: 600_000 });
    cleanups.push(() => processor.shutdown());
    for (let i = 0; i < 20_000; i++) processor.onEnd(fakeSampledSpan(`r-${i}`));
    await processor.forceFlush();
    assert.equal(exporter.batches.length, 20_000);
    assert.equal(processor.getStats().spansExportSucceeded, 20_000);
  });

  it('exports a partial batch after scheduledDelayMillis', async () => {
    const exporter = new RecordingExporter();
    const processor = new PolytraceSpanProcessor(exporter, { maxExportBatchSize: 100, scheduledDelayMillis: 20 });
    const names = endSpans(tracerWith(processor), 3);
    await waitFor(() => exporter.names.length === 3, 20_000, 'the scheduled export');
    assert.deepEqual(exporter.names, names);
  });

  it('reads OTEL_BSP_* from the environment when no config is given', () => {
    const saved = { ...process.env };
    try {
      process.env.OTEL_BSP_MAX_QUEUE_SIZE = '64';
      process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE = '8';
      const exporter = new RecordingExporter(false, true); // never finishes: nothing drains
      const processor = new PolytraceSpanProcessor(exporter, { scheduledDelayMillis: 600_000, exportTimeoutMillis: 200 });
      cleanups.push(() => processor.shutdown());
      for (let i = 0; i < 100; i++) processor.onEnd(fakeSampledSpan(`e-${i}`));
      // the queue holds 64; once full, one batch of 8 is taken to make room (slow start: one export in flight
      // until the backend has answered once), the rest is dropped and counted
      assert.deepEqual(exporter.batches.map((b) => b.length), [8]);
      const stats = processor.getStats();
      assert.equal(stats.queueLength, 64);
      assert.equal(stats.spansQueued, 64 + 8);
      assert.equal(stats.dropped.queueFull, 100 - 64 - 8);
    } finally {
      process.env = saved;
    }
  });

  it('forwards recorded-but-unsampled spans only to an exporter that wants them', async () => {
    const wants = new RecordingExporter(true);
    const doesNot = new RecordingExporter(false);
    const p1 = new PolytraceSpanProcessor(wants, { scheduledDelayMillis: 600_000 });
    const p2 = new PolytraceSpanProcessor(doesNot, { scheduledDelayMillis: 600_000 });
    const tracer = tracerWith(p1, p2);
    tracer.startSpan('a').end();
    tracer.startSpan('b-p0').end();
    tracer.startSpan('c').end();
    await Promise.all([p1.forceFlush(), p2.forceFlush()]);
    assert.deepEqual(wants.names, ['a', 'b-p0', 'c']);
    assert.deepEqual(doesNot.names, ['a', 'c']);
    assert.equal(p2.getStats().unsampledSkipped, 1);
    assert.equal(p2.getStats().spansDropped, 0);
  });

  it('drops and counts spans ended after shutdown instead of exporting them late', async () => {
    const s = await server();
    const exporter = httpExporter(s.url);
    const processor = new PolytraceSpanProcessor(exporter, { scheduledDelayMillis: 600_000 });
    const tracer = tracerWith(processor);
    const before = endSpans(tracer, 5, 'before');
    await processor.shutdown();
    endSpans(tracer, 3, 'late');
    await processor.forceFlush();
    assert.deepEqual(namesIn(s.accepted.map((r) => r.body)), before);
    const stats = processor.getStats();
    assert.equal(stats.dropped.afterShutdown, 3);
    assert.equal(stats.exporter?.spansExported, 5);
  });

  it('shutdown delivers everything queued when the backend is up', async () => {
    const s = await server();
    const exporter = httpExporter(s.url);
    const processor = new PolytraceSpanProcessor(exporter, { scheduledDelayMillis: 600_000 });
    const names = endSpans(tracerWith(processor), 2000);
    await processor.shutdown();
    assert.deepEqual(namesIn(s.accepted.map((r) => r.body)).sort(), [...names].sort());
    const stats = processor.getStats();
    assert.equal(stats.spansDropped, 0);
    assert.equal(stats.exporter?.spansExported, 2000);
    assert.equal(stats.exporter?.spansDropped, 0);
  });

  for (const down of ['refusing', 'hanging'] as const) {
    it(`forceFlush and shutdown return within their time-out when the backend is ${down}, and every span is accounted`, async () => {
      const url = down === 'refusing' ? await refusedUrl() : (await server({ kind: 'hang' })).url;
      // an exporter that would keep trying for minutes: the processor's time-out must bound the wait anyway
      const exporter = httpExporter(url, {
        requestTimeoutMillis: 120_000,
        retry: { maxAttempts: 1000, initialBackoffMillis: 50, maxBackoffMillis: 200 },
        shutdownTimeoutMillis: 200,
      });
      const processor = new PolytraceSpanProcessor(exporter, { exportTimeoutMillis: 300, scheduledDelayMillis: 600_000 });
      endSpans(tracerWith(processor), 50);
      const bound = (p: Promise<void>, what: string) =>
        Promise.race([p.then(() => 'done'), new Promise((r) => setTimeout(r, 15_000, `${what} still pending after 15 s`)).then(String)]);
      assert.equal(await bound(processor.forceFlush(), 'forceFlush'), 'done');
      assert.equal(await bound(processor.shutdown(), 'shutdown'), 'done');
      await waitFor(() => processor.getStats().exporter?.spansDropped === 50, 20_000, 'the aborted spans to be counted');
      const stats = processor.getStats();
      assert.equal(stats.exporter?.dropped.shutdown, 50);
      assert.equal(stats.exporter?.spansExported, 0);
    });
  }

  it('a stuck exporter frees its slot after exportTimeoutMillis and the queue keeps draining', async () => {
    const stuck = new RecordingExporter(false, true);
    const processor = new PolytraceSpanProcessor(stuck, {
      maxExportBatchSize: 5,
      maxConcurrentExports: 1,
      exportTimeoutMillis: 50,
      scheduledDelayMillis: 10,
    });
    cleanups.push(() => processor.shutdown());
    for (let i = 0; i < 15; i++) processor.onEnd(fakeSampledSpan(`x-${i}`));
    await waitFor(() => stuck.names.length === 15, 20_000, 'all three batches despite the stuck exporter');
    await waitFor(() => processor.getStats().exportsTimedOut === 3, 20_000, 'three time-outs');
  });

  it('a failing backend gets one export at a time; a recovered one gets its parallel exports back', async () => {
    let healthy = false;
    let inFlight = 0;
    let maxInFlightWhileFailing = 0;
    const flaky: SpanExporter = {
      export(_spans, done) {
        inFlight++;
        if (!healthy) maxInFlightWhileFailing = Math.max(maxInFlightWhileFailing, inFlight);
        setTimeout(() => {
          inFlight--;
          done({ code: healthy ? ExportResultCode.SUCCESS : ExportResultCode.FAILED });
        }, 2);
      },
      shutdown: async () => undefined,
    };
    const processor = new PolytraceSpanProcessor(flaky, { maxExportBatchSize: 10, maxConcurrentExports: 8, maxQueueSize: 100_000 });
    cleanups.push(() => processor.shutdown());
    const feed = (n: number) => {
      for (let i = 0; i < n; i++) processor.onEnd(fakeSampledSpan(`f-${i}`));
    };
    feed(2000);
    await waitFor(() => processor.getStats().exportConcurrency === 1, 20_000, 'concurrency to fall to 1');
    maxInFlightWhileFailing = 0;
    feed(2000);
    await processor.forceFlush();
    assert.equal(maxInFlightWhileFailing, 1);
    healthy = true;
    feed(2000);
    await processor.forceFlush();
    assert.equal(processor.getStats().exportConcurrency, 8);
  });

  it('RetryingExporter also works under the stock OTel BatchSpanProcessor', async () => {
    const s = await server();
    const exporter = httpExporter(s.url);
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    const tracer = provider.getTracer('stock');
    tracer.startSpan('one').end();
    tracer.startSpan('two').end();
    await provider.shutdown();
    assert.deepEqual(namesIn(s.accepted.map((r) => r.body)), ['one', 'two']);
    assert.equal(exporter.getStats().spansExported, 2);
  });
});

let fakeSpanTemplate: ReadableSpan | undefined;
/** a sampled span without a tracer provider (for direct onEnd calls) */
function fakeSampledSpan(name: string): ReadableSpan {
  if (fakeSpanTemplate === undefined) {
    const tracer = new BasicTracerProvider().getTracer('fake');
    const span = tracer.startSpan('template');
    span.end();
    fakeSpanTemplate = span as unknown as ReadableSpan;
  }
  return Object.assign(Object.create(fakeSpanTemplate) as ReadableSpan, { name });
}
