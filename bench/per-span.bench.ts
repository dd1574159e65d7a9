// Per-span cost in process: a root with 10 children, five attributes each, start → end → export to a local sink, for
// Polytrace (our processor + Datadog or Zipkin exporter), the stock OTel SDK (BatchSpanProcessor + exporter-zipkin)
// and dd-trace's own tracer. Each contender runs in its own process, warms up once, then the contenders take turns
// (rotated each round) for many rounds of a fixed number of traces. A round's CPU is the worker's user+system time
// from its start to the start of its next round (so the exports its timers run in between count), per span created;
// medians over rounds, with the interquartile range and each pair's per-round ratio range. Delivered % shows what a
// drop saves.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { startSink, type Sink, type SinkKind } from './lib/sinks';
import { waitForStableCount } from './lib/settle';
import { median, quartiles } from './lib/stats';
import { fmt, type BenchResult, type BenchSection } from './lib/result';

const CONTENDERS: Array<{ name: string; sink: SinkKind; url: (port: number) => string }> = [
  { name: 'polytrace-datadog', sink: 'datadog', url: (p) => `http://127.0.0.1:${p}` },
  { name: 'dd-trace', sink: 'datadog', url: (p) => `http://127.0.0.1:${p}` },
  { name: 'polytrace-zipkin', sink: 'zipkin', url: (p) => `http://127.0.0.1:${p}/api/v2/spans` },
  { name: 'otel-sdk-zipkin', sink: 'zipkin', url: (p) => `http://127.0.0.1:${p}/api/v2/spans` },
];
const PAIRS: Record<string, string> = { 'polytrace-datadog': 'dd-trace', 'polytrace-zipkin': 'otel-sdk-zipkin' };
/** Longer than every contender's flush interval (OTel's BatchSpanProcessor: 5 s), so the last round's exports land. */
const FINAL_IDLE_MS = 6000;

interface WorkerMessage { type: 'ready' | 'round' | 'cpu'; micros?: number; spans?: number }
interface Worker {
  name: string;
  sink: Sink;
  child: ChildProcess;
  created: number;
  /** Cumulative CPU µs at each round's start, and spans created in it. */
  starts: Array<{ micros: number; spans: number }>;
  nsPerSpan: number[];
  error?: string;
}

/** Sends `request` and resolves with the worker's next message of `type`. */
function ask(w: Worker, request: string | undefined, type: WorkerMessage['type']): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerMessage): void => { if (m.type === type) { cleanup(); resolve(m); } };
    const onExit = (code: number | null): void => { cleanup(); reject(new Error(`${w.name} worker exited with ${code}`)); };
    const cleanup = (): void => { w.child.off('message', onMessage); w.child.off('exit', onExit); };
    w.child.on('message', onMessage);
    w.child.once('exit', onExit);
    if (request !== undefined) w.child.send(request);
  });
}

async function startWorker(c: (typeof CONTENDERS)[number], warmup: number, roundTraces: number): Promise<Worker> {
  const sink = await startSink(c.sink);
  const child = fork(path.join(__dirname, 'per-span', 'worker.ts'), [c.name, c.url(sink.port), String(warmup), String(roundTraces)], {
    execArgv: ['--conditions=polytrace-src', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, DD_TRACE_STARTUP_LOGS: 'false', DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false', DD_REMOTE_CONFIGURATION_ENABLED: 'false', OTEL_LOG_LEVEL: 'none' },
  });
  const w: Worker = { name: c.name, sink, child, created: 0, starts: [], nsPerSpan: [] };
  try {
    w.created += (await ask(w, undefined, 'ready')).spans!;
  } catch (e) {
    w.error = (e as Error).message;
  }
  return w;
}

/** Closes the open round (if any) at cumulative CPU `micros`. */
function closeRound(w: Worker, micros: number): void {
  const open = w.starts[w.nsPerSpan.length];
  if (open) w.nsPerSpan.push(((micros - open.micros) * 1000) / open.spans);
}

/** "1.14× cheaper than X" or "1.44× the cost of X", so a ratio below 1 never reads as a gain. */
function versus(ours: number, peer: number, peerName: string): string {
  return ours <= peer ? `${fmt(peer / ours, 2)}× cheaper than ${peerName}` : `${fmt(ours / peer, 2)}× the cost of ${peerName}`;
}

export async function run(options: { quick: boolean }): Promise<BenchSection> {
  const warmup = options.quick ? 1500 : 5000;
  const rounds = options.quick ? 5 : 21;
  const roundTraces = options.quick ? 1000 : 4000;
  // Workers start and warm up side by side (not measured), then take turns.
  const workers = await Promise.all(CONTENDERS.map((c) => startWorker(c, warmup, roundTraces)));
  try {
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < workers.length; i++) {
        const w = workers[(i + r) % workers.length];
        if (w.error) continue;
        try {
          const m = await ask(w, 'round', 'round');
          closeRound(w, m.micros!);
          w.starts.push({ micros: m.micros!, spans: m.spans! });
          w.created += m.spans!;
        } catch (e) {
          w.error = (e as Error).message;
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, FINAL_IDLE_MS)); // every worker idle at once
    await Promise.all(workers.filter((w) => !w.error).map(async (w) => closeRound(w, (await ask(w, 'cpu', 'cpu')).micros!)));
  } finally {
    // Delivered = everything the sink received (warm-up included) over everything created. The final idle outlasted
    // every flush timer, so a short stable spell only waits for POSTs still in flight.
    await Promise.all(workers.map(async (w) => { if (!w.error) await waitForStableCount(w.sink, 1000, 30_000); w.child.kill(); }));
  }
  const delivered = new Map(workers.map((w) => [w.name, w.sink.countSpans() / w.created]));
  await Promise.all(workers.map((w) => w.sink.close()));
  for (const w of workers) if (w.error) process.stderr.write(`per-span: ${w.name} failed: ${w.error}\n`);

  const byName = new Map(workers.filter((w) => w.nsPerSpan.length > 0).map((w) => [w.name, w]));
  const results: BenchResult[] = [];
  const lines = [`Per contender: ${fmt(warmup)}-trace warm-up, then ${rounds} rounds × ${fmt(roundTraces)} traces × 11 spans, contenders taking turns (rotated each round). CPU = the worker's user+system time from a round's start to its next round's start, per span created; median [interquartile range] over rounds. The per-round ratio range pairs rounds of the same index.`, '',
    '| contender | CPU ns/span | delivered | vs peer (ratio of medians) | per-round ratio range |', '|---|---:|---:|---|---|'];
  for (const w of byName.values()) {
    const q = quartiles(w.nsPerSpan);
    const peer = PAIRS[w.name] ? byName.get(PAIRS[w.name]) : undefined;
    const peerMedian = peer ? median(peer.nsPerSpan) : NaN;
    // peer/ours per round: > 1 means ours is cheaper in that round.
    const ratios = peer ? w.nsPerSpan.flatMap((x, r) => (peer.nsPerSpan[r] ? [peer.nsPerSpan[r] / x] : [])).sort((a, b) => a - b) : [];
    const spread = ratios.length ? `${fmt(ratios[0], 2)}–${fmt(ratios[ratios.length - 1], 2)}× (IQR ${fmt(quartiles(ratios).q1, 2)}–${fmt(quartiles(ratios).q3, 2)}; >1: ours cheaper)` : '';
    lines.push(`| ${w.name} | ${fmt(q.median)} [${fmt(q.q1)}–${fmt(q.q3)}] | ${fmt((delivered.get(w.name) ?? 0) * 100, 1)} % | ${peer ? versus(q.median, peerMedian, peer.name) : ''} | ${spread} |`);
    if (peer) results.push({ name: `per-span ${w.name}`, unit: 'CPU ns/span', ours: q.median, peer: peerMedian, peerName: peer.name, ratio: peerMedian / q.median, note: `per-round ${spread}` });
  }
  return { title: 'Per-span cost in process', markdown: lines.join('\n'), results };
}

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then((s) => { console.log(`## ${s.title}\n\n${s.markdown}`); process.exit(0); }).catch((e) => { console.error(e); process.exit(1); });
}
