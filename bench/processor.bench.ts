// PolytraceSpanProcessor vs OpenTelemetry's BatchSpanProcessor, in one run, each scenario in a fresh child process:
//  - onEnd cost per span (null exporter; the part on the application's span.end() path, and the total incl. batching)
//  - sustained throughput to a healthy local HTTP sink at 150k spans/s offered and flat out (delivered/s, drop %)
//  - unless --quick: RSS after 30 s of 100k spans/s against a healthy, a refusing and a hanging backend.
// Both processors feed the same exporter (@polytrace/exporter-base RetryingExporter + compact JSON) so the processors
// are what is compared; the RSS rows add the stock peer stack (BSP + @opentelemetry/exporter-zipkin) for context.
//   cd /work/main && npx tsx --conditions=polytrace-src bench/processor.bench.ts [--quick]
import { fork, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { runAsMain } from './lib/main';
import type { BenchResult } from './lib/result';
import { higherIsBetter, lowerIsBetter } from './lib/rows';
import type { ExporterKind, ProcessorKind, WorkerConfig, WorkerResult } from './processor-worker';

/** A bench/ script in a child process, from sources like this one, with IPC to talk to it. */
function forkFromSources(script: string, arg: string): ChildProcess {
  return fork(path.join(__dirname, script), [arg], { execArgv: ['--conditions=polytrace-src', '--import', 'tsx'], stdio: 'inherit' });
}
const MB = 1024 * 1024;

interface SinkHandle {
  url: string;
  count(): Promise<{ spans: number; bytes: number; requests: number }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function startSink(behaviour: 'healthy' | 'hang'): Promise<SinkHandle> {
  const child = forkFromSources('processor-sink.ts', behaviour);
  const next = <T>(type: string): Promise<T> =>
    new Promise((resolve) => {
      const onMessage = (msg: { type: string } & T): void => {
        if (msg.type !== type) return;
        child.off('message', onMessage);
        resolve(msg);
      };
      child.on('message', onMessage);
    });
  const { port } = await next<{ port: number }>('listening');
  return {
    url: `http://127.0.0.1:${port}/api/v2/spans`,
    count: () => {
      const reply = next<{ spans: number; bytes: number; requests: number }>('count');
      child.send({ type: 'count' });
      return reply;
    },
    reset: async () => {
      const reply = next('reset');
      child.send({ type: 'reset' });
      await reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  };
}

async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/v2/spans`;
}

function runWorker(config: WorkerConfig): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = forkFromSources('processor-worker.ts', JSON.stringify(config));
    let result: WorkerResult | undefined;
    child.on('message', (msg: { type: string; result: WorkerResult }) => {
      if (msg.type === 'result') result = msg.result;
    });
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`worker ${JSON.stringify(config)} exited ${code}`))));
  });
}

const PEER = 'OTel BatchSpanProcessor';
const label = (p: ProcessorKind, e: ExporterKind = 'json'): string =>
  `${p === 'polytrace' ? 'PolytraceSpanProcessor' : 'BatchSpanProcessor'} + ${e === 'json' ? 'RetryingExporter(JSON)' : 'OTel ZipkinExporter'}`;

async function onEndRows(log: (line: string) => void): Promise<BenchResult[]> {
  const ours = await runWorker({ scenario: 'onend', processor: 'polytrace' });
  const peer = await runWorker({ scenario: 'onend', processor: 'otel-bsp' });
  log(`onEnd: ours ${ours.onEndNsPerSpan?.toFixed(0)} ns/span in span.end() (${ours.totalNsPerSpan?.toFixed(0)} total), ` +
    `BSP ${peer.onEndNsPerSpan?.toFixed(0)} ns/span (${peer.totalNsPerSpan?.toFixed(0)} total)`);
  const row = (name: string, metric: 'onEndNsPerSpan' | 'totalNsPerSpan', note: string): BenchResult =>
    lowerIsBetter({ name, unit: 'ns/span', ours: ours[metric] ?? NaN, peer: peer[metric] ?? NaN, peerName: PEER, note });
  return [
    row('processor onEnd, on the span.end() path (null exporter)', 'onEndNsPerSpan',
      `ops/s ours ${(1e9 / (ours.onEndNsPerSpan ?? NaN)).toExponential(2)}; ratio = peer/ours (BSP exports synchronously inside onEnd, we defer to setImmediate)`),
    row('process CPU per span incl. batching + event-loop turns (null exporter)', 'totalNsPerSpan', 'ratio = peer/ours'),
  ];
}

interface Measured {
  delivered: number;
  offered: number;
  drop: number;
  bytesPerSpan: number;
}

/** the round with the median delivered rate */
function medianRound(rounds: Measured[]): Measured {
  return [...rounds].sort((a, b) => a.delivered - b.delivered)[Math.floor(rounds.length / 2)];
}

async function throughputRows(quick: boolean, log: (line: string) => void): Promise<BenchResult[]> {
  const sink = await startSink('healthy');
  const rows: BenchResult[] = [];
  try {
    const durationMs = quick ? 1500 : 8_000;
    // the machine is shared: interleave the two processors and keep the median round of each
    const rounds = quick ? 1 : 3;
    for (const rate of [150_000, Number.POSITIVE_INFINITY]) {
      const samples: Record<ProcessorKind, Measured[]> = { polytrace: [], 'otel-bsp': [] };
      for (let round = 0; round < rounds; round++) {
        for (const processor of ['polytrace', 'otel-bsp'] as const) {
          await sink.reset();
          const r = await runWorker({ scenario: 'throughput', processor, url: sink.url, rate, durationMs });
          const c = await sink.count();
          const seconds = r.elapsedMs / 1000;
          const m: Measured = {
            offered: r.ended / seconds,
            delivered: c.spans / seconds,
            drop: 100 * (1 - c.spans / r.ended),
            bytesPerSpan: c.spans > 0 ? c.bytes / c.spans : NaN,
          };
          samples[processor].push(m);
          log(`throughput ${label(processor)} offered ${Number.isFinite(rate) ? rate : 'max'}: ended ${r.ended} in ${seconds.toFixed(1)} s ` +
            `(${m.offered.toFixed(0)}/s), delivered ${c.spans} (${m.delivered.toFixed(0)}/s), drop ${m.drop.toFixed(2)} %, ${m.bytesPerSpan.toFixed(0)} B/span`);
        }
      }
      const measured = { polytrace: medianRound(samples.polytrace), 'otel-bsp': medianRound(samples['otel-bsp']) };
      const ours = measured.polytrace;
      const peer = measured['otel-bsp'];
      const what = Number.isFinite(rate) ? `${rate / 1000}k spans/s offered` : 'flat out';
      rows.push(higherIsBetter({
        name: `delivered to a healthy HTTP sink, ${what} (median of ${rounds})`,
        unit: 'spans/s',
        ours: ours.delivered,
        peer: peer.delivered,
        peerName: PEER,
        note: `offered: ours ${ours.offered.toFixed(0)}/s, peer ${peer.offered.toFixed(0)}/s; ${ours.bytesPerSpan.toFixed(0)} bytes/span on the wire (same exporter)`,
      }));
      rows.push({
        name: `dropped, healthy HTTP sink, ${what}`,
        unit: '%',
        ours: ours.drop,
        peer: peer.drop,
        peerName: PEER,
        note: 'lower is better (no ratio: ours may be 0)',
      });
    }
  } finally {
    await sink.close();
  }
  return rows;
}

async function rssRows(log: (line: string) => void): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  const stacks: [ProcessorKind, ExporterKind][] = [
    ['polytrace', 'json'],
    ['otel-bsp', 'json'],
    ['otel-bsp', 'otel-zipkin'],
  ];
  const rss: Record<string, Record<string, number>> = {};
  for (const backend of ['healthy', 'refusing', 'hanging'] as const) {
    for (const [processor, exporter] of stacks) {
      const sink = backend === 'refusing' ? undefined : await startSink(backend === 'hanging' ? 'hang' : 'healthy');
      try {
        const url = sink?.url ?? (await refusedUrl());
        const r = await runWorker({ scenario: 'rss', processor, exporter, url, rate: 100_000, durationMs: 30_000 });
        (rss[label(processor, exporter)] ??= {})[backend] = r.rssEnd ?? NaN;
        log(`rss ${label(processor, exporter)} ${backend}: after warm-up ${((r.rssAfterWarmup ?? 0) / MB).toFixed(0)} MB, ` +
          `end ${((r.rssEnd ?? 0) / MB).toFixed(0)} MB, max ${((r.rssMax ?? 0) / MB).toFixed(0)} MB, heap ${((r.heapUsedEnd ?? 0) / MB).toFixed(0)} MB (${((r.heapAfterGc ?? 0) / MB).toFixed(0)} after GC), ` +
          `ended ${r.ended}, processor drops ${r.processorDropped ?? 'n/a'}${r.summary ? ` (${r.summary})` : ''}`);
      } finally {
        await sink?.close();
      }
    }
  }
  const ours = rss[label('polytrace', 'json')];
  for (const [processor, exporter] of stacks.slice(1)) {
    const peer = rss[label(processor, exporter)];
    for (const backend of ['healthy', 'refusing', 'hanging']) {
      rows.push(lowerIsBetter({
        name: `RSS after 30 s at 100k spans/s, backend ${backend}`,
        unit: 'MB',
        ours: ours[backend] / MB,
        peer: peer[backend] / MB,
        peerName: label(processor, exporter),
        note: `ratio = peer/ours; ours vs our healthy run: ${((ours[backend] - ours.healthy) / MB).toFixed(0)} MB`,
      }));
    }
  }
  return rows;
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  const log = (line: string): void => void process.stderr.write(`processor.bench: ${line}\n`);
  const rows = [...(await onEndRows(log)), ...(await throughputRows(options.quick, log))];
  if (!options.quick) rows.push(...(await rssRows(log)));
  return rows;
}

if (require.main === module) runAsMain(run);
