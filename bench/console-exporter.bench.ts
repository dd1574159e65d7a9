/**
 * Console exporter: spans/s and bytes/span for printing finished traces, ConsoleWaterfallExporter (one
 * waterfall per trace, 80 columns, no colour) against OpenTelemetry's ConsoleSpanExporter (one `console.dir`
 * object per span), both writing to an in-memory byte counter instead of the terminal. Same 2,000 traces of
 * 5 spans (client → server → two children, one grandchild), same process, alternating rounds, best of each.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/console-exporter.bench.ts [--quick]
 */
import { inspect } from 'node:util';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, ConsoleSpanExporter, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ConsoleWaterfallExporter } from '@polytrace/exporter-console';
import { runAsMain } from './lib/main';
import { bestOfRounds } from './lib/ops';
import type { BenchResult } from './lib/result';
import { higherIsBetter, lowerIsBetter } from './lib/rows';

const TRACES = 2000;

function makeSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'hello' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('bench');
  const t0 = Date.now();
  for (let t = 0; t < TRACES; t++) {
    const at = (ms: number) => t0 + t * 200 + ms;
    const client = tracer.startSpan('GET', { kind: SpanKind.CLIENT, startTime: at(0), root: true, attributes: { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:8080/hello' } });
    const server = tracer.startSpan('GET', { kind: SpanKind.SERVER, startTime: at(1), attributes: { 'http.request.method': 'GET', 'http.route': '/hello' } }, trace.setSpan(context.active(), client));
    const inServer = trace.setSpan(context.active(), server);
    tracer.startSpan('functionA', { startTime: at(2) }, inServer).end(at(12));
    const b = tracer.startSpan('functionB', { startTime: at(13), attributes: { 'resource.name': 'compute-b' } }, inServer);
    tracer.startSpan('functionC', { startTime: at(73) }, trace.setSpan(context.active(), b)).end(at(83));
    b.end(at(143));
    server.end(at(144));
    client.end(at(146));
  }
  return memory.getFinishedSpans();
}

/** Exports all spans in batches of 512 (the default batch size), so traces straddle batches as in real use. */
function exportAll(exporter: SpanExporter, spans: ReadableSpan[]): void {
  for (let i = 0; i < spans.length; i += 512) exporter.export(spans.slice(i, i + 512), () => undefined);
}

interface Side {
  exporter: SpanExporter;
  bytes(): number;
}

function ours(): Side {
  let bytes = 0;
  const exporter = new ConsoleWaterfallExporter({ output: { write: (text: string) => (bytes += Buffer.byteLength(text)) }, width: 80, colour: false });
  return { exporter, bytes: () => bytes };
}

/** ConsoleSpanExporter prints with console.dir; route it into a counter while the peer runs. */
function peer(): Side & { run(fn: () => void): void } {
  let bytes = 0;
  const exporter = new ConsoleSpanExporter();
  return {
    exporter,
    bytes: () => bytes,
    run(fn) {
      const original = console.dir;
      console.dir = (value: unknown, options?: object) => {
        bytes += Buffer.byteLength(inspect(value, { ...options, colors: false }) + '\n');
      };
      try {
        fn();
      } finally {
        console.dir = original;
      }
    },
  };
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  const spans = makeSpans();
  const printing = peer();
  // one call prints every span, so the clock is read after each; wall-clock time, no warm-up
  const exportsPerSec = bestOfRounds(
    { ours: () => exportAll(ours().exporter, spans), peer: () => printing.run(() => exportAll(printing.exporter, spans)) },
    { rounds: options.quick ? 2 : 4, ms: options.quick ? 300 : 1500, clock: 'wall', batch: 1, warmupMs: 0 },
  );
  const oursRate = exportsPerSec.ours * spans.length;
  const peerRate = exportsPerSec.peer * spans.length;
  const o = ours();
  exportAll(o.exporter, spans);
  const p = peer();
  p.run(() => exportAll(p.exporter, spans));
  const oursBytes = o.bytes() / spans.length;
  const peerBytes = p.bytes() / spans.length;
  const peerName = '@opentelemetry/sdk-trace-base ConsoleSpanExporter';
  return [
    higherIsBetter({ name: 'console exporter print', unit: 'spans/s', ours: oursRate, peer: peerRate, peerName }),
    lowerIsBetter({ name: 'console exporter output', unit: 'bytes/span', ours: oursBytes, peer: peerBytes, peerName, note: 'ratio = peer/ours (smaller output is better)' }),
  ];
}

if (require.main === module) runAsMain(run);
