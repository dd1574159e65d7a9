// Child process for bench/processor.bench.ts: runs one scenario with one processor in a fresh process (clean heap and
// RSS) and reports a JSON result over IPC. The exporter is the same for both processors unless `exporter` says
// otherwise, so the processors are what is compared.
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { HttpTransport, PolytraceSpanProcessor, RetryingExporter, type EncodedPayload } from '@polytrace/exporter-base';
import { fullGc, median } from './lib/stats';

export type ProcessorKind = 'polytrace' | 'otel-bsp';
export type ExporterKind = 'json' | 'otel-zipkin';

export interface WorkerConfig {
  scenario: 'onend' | 'throughput' | 'rss';
  processor: ProcessorKind;
  exporter?: ExporterKind;
  url?: string;
  /** offered spans/s (Infinity = as fast as the loop can go) */
  rate?: number;
  durationMs?: number;
}

export interface WorkerResult {
  ended: number;
  elapsedMs: number;
  onEndNsPerSpan?: number;
  totalNsPerSpan?: number;
  processorDropped?: number;
  /** PolytraceSpanProcessor + RetryingExporter counters, for the log */
  summary?: string;
  rssAfterWarmup?: number;
  rssEnd?: number;
  rssMax?: number;
  heapUsedEnd?: number;
  heapAfterGc?: number;
}

/** Compact JSON: what a real encoder has to read from every span. */
function jsonEncoder(spans: readonly ReadableSpan[]): EncodedPayload {
  const out = spans.map((s) => ({
    n: s.name,
    t: s.spanContext().traceId,
    i: s.spanContext().spanId,
    s: s.startTime,
    d: s.duration,
    a: s.attributes,
  }));
  return { body: Buffer.from(JSON.stringify(out)), spans, headers: { 'Content-Type': 'application/json' } };
}

function makeExporter(config: WorkerConfig): SpanExporter {
  if (config.exporter === 'otel-zipkin') return new ZipkinExporter({ url: config.url, serviceName: 'bench' });
  return new RetryingExporter({
    name: 'bench',
    encoder: jsonEncoder,
    transport: new HttpTransport({ url: config.url ?? 'http://127.0.0.1:9' }),
    diagIntervalMillis: 0,
  });
}

function makeProcessor(kind: ProcessorKind, exporter: SpanExporter): SpanProcessor {
  return kind === 'polytrace' ? new PolytraceSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
}

function exporterSummary(processor: SpanProcessor): string | undefined {
  if (!(processor instanceof PolytraceSpanProcessor)) return undefined;
  const s = processor.getStats();
  return `timedOut=${s.exportsTimedOut} failedSpans=${s.spansExportFailed} requests=${s.exporter?.requestsSent} failed=${s.exporter?.requestsFailed} retried=${s.exporter?.spansRetried}`;
}

function processorDrops(processor: SpanProcessor): number | undefined {
  return processor instanceof PolytraceSpanProcessor ? processor.getStats().dropped.queueFull : undefined;
}

const ATTRS = { 'http.request.method': 'GET', 'http.route': '/bench/:id', 'http.response.status_code': 200 };
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** onEnd cost: pre-ended spans fed straight into the processor, null exporter; timed only inside the onEnd loop. */
async function onEndScenario(config: WorkerConfig): Promise<WorkerResult> {
  const nullExporter: SpanExporter = {
    export: (_spans: ReadableSpan[], done: (r: ExportResult) => void) => done({ code: ExportResultCode.SUCCESS }),
    shutdown: async () => undefined,
  };
  const processor = makeProcessor(config.processor, nullExporter);
  const tracer = new BasicTracerProvider().getTracer('bench');
  const spans: ReadableSpan[] = [];
  for (let i = 0; i < 100_000; i++) {
    const span = tracer.startSpan('GET /bench', { kind: SpanKind.SERVER, attributes: ATTRS });
    span.end();
    spans.push(span as unknown as ReadableSpan);
  }
  const CHUNK = 1000;
  // medians of per-chunk and per-round timings: the machine is shared, a mean would mostly measure the neighbours
  const chunkNs: number[] = [];
  const roundNs: number[] = [];
  let ended = 0;
  const rounds = 10;
  const t0 = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) {
    const roundCpu = process.cpuUsage();
    for (let offset = 0; offset < spans.length; offset += CHUNK) {
      const start = process.hrtime.bigint();
      for (let i = offset; i < offset + CHUNK; i++) processor.onEnd(spans[i]);
      chunkNs.push(Number(process.hrtime.bigint() - start) / CHUNK);
      ended += CHUNK;
      await yieldToLoop();
    }
    // CPU time, not wall time: on a shared machine wall time mostly measures being descheduled
    const cpu = process.cpuUsage(roundCpu);
    roundNs.push(((cpu.user + cpu.system) * 1000) / spans.length);
  }
  await processor.forceFlush();
  const totalNs = process.hrtime.bigint() - t0;
  await processor.shutdown();
  return {
    ended,
    elapsedMs: Number(totalNs) / 1e6,
    onEndNsPerSpan: median(chunkNs),
    // process CPU per span incl. the deferred batching/export-call work and the event-loop turns (an upper bound)
    totalNsPerSpan: median(roundNs),
    processorDropped: processorDrops(processor),
  };
}

/** Paced load: `rate` spans/s in chunks with event-loop turns between, like a busy server. */
async function loadScenario(config: WorkerConfig): Promise<WorkerResult> {
  const exporter = makeExporter(config);
  const processor = makeProcessor(config.processor, exporter);
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('bench');
  const rate = config.rate ?? Number.POSITIVE_INFINITY;
  const durationMs = config.durationMs ?? 5000;
  const CHUNK = 250;
  let ended = 0;
  let rssMax = 0;
  let rssAfterWarmup: number | undefined;
  const t0 = Date.now();
  let lastSample = t0;
  for (;;) {
    const now = Date.now();
    const elapsed = now - t0;
    if (elapsed >= durationMs) break;
    if (now - lastSample >= 500) {
      lastSample = now;
      const rss = process.memoryUsage().rss;
      rssMax = Math.max(rssMax, rss);
      if (rssAfterWarmup === undefined && elapsed >= 2000) rssAfterWarmup = rss;
    }
    if (ended >= (rate * elapsed) / 1000 + CHUNK) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      continue;
    }
    for (let i = 0; i < CHUNK; i++) tracer.startSpan('GET /bench', { kind: SpanKind.SERVER, attributes: ATTRS }).end();
    ended += CHUNK;
    await yieldToLoop();
  }
  const elapsedMs = Date.now() - t0;
  const rssEnd = process.memoryUsage().rss;
  const heapUsedEnd = process.memoryUsage().heapUsed;
  // what is really retained (the RSS above includes garbage not yet collected)
  fullGc();
  const heapAfterGc = process.memoryUsage().heapUsed;
  const processorDropped = processorDrops(processor);
  // BatchSpanProcessor rejects flush/shutdown when an export failed: that is a result here, not an error
  if (config.scenario === 'throughput') await provider.forceFlush().catch(() => undefined);
  // a dead backend: do not wait out every time-out, the measurement is over
  await Promise.race([provider.shutdown().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
  return { ended, elapsedMs, processorDropped, summary: exporterSummary(processor), heapAfterGc, rssAfterWarmup, rssEnd, rssMax: Math.max(rssMax, rssEnd), heapUsedEnd };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
  if (config.rate === null) config.rate = Number.POSITIVE_INFINITY;
  const result = config.scenario === 'onend' ? await onEndScenario(config) : await loadScenario(config);
  process.send?.({ type: 'result', result });
  process.exit(0);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
