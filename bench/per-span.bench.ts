// Per-span cost in process: a root with 10 children, five attributes each, start → end → export to a local sink, for
// Polytrace (our processor + Datadog or Zipkin exporter), the stock OTel SDK (BatchSpanProcessor + exporter-zipkin)
// and dd-trace's own tracer. Each contender runs in its own process; CPU is the worker's user+system time from the
// first span until its sink stopped receiving, divided by the spans created. Delivered % shows what a drop saves.
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { startSink, type Sink, type SinkKind } from './lib/sinks';
import { waitForStableCount } from './lib/settle';
import { fmt, type BenchResult, type BenchSection } from './lib/result';

const CONTENDERS: Array<{ name: string; sink: SinkKind; url: (port: number) => string }> = [
  { name: 'polytrace-datadog', sink: 'datadog', url: (p) => `http://127.0.0.1:${p}` },
  { name: 'dd-trace', sink: 'datadog', url: (p) => `http://127.0.0.1:${p}` },
  { name: 'polytrace-zipkin', sink: 'zipkin', url: (p) => `http://127.0.0.1:${p}/api/v2/spans` },
  { name: 'otel-sdk-zipkin', sink: 'zipkin', url: (p) => `http://127.0.0.1:${p}/api/v2/spans` },
];

interface Outcome { nsPerSpan: number; delivered: number }

async function measure(name: string, sink: Sink, url: string, traces: number): Promise<Outcome> {
  const child = fork(path.join(__dirname, 'per-span', 'worker.ts'), [name, url, String(traces)], {
    execArgv: ['--conditions=polytrace-src', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, DD_TRACE_STARTUP_LOGS: 'false', DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false', DD_REMOTE_CONFIGURATION_ENABLED: 'false', OTEL_LOG_LEVEL: 'none' },
  });
  try {
    return await new Promise<Outcome>((resolve, reject) => {
      let created = 0;
      let delivered = 0;
      child.on('message', (m: { type: string; spans?: number; micros?: number }) => {
        void (async () => {
          if (m.type === 'warm') {
            await waitForStableCount(sink, 3000, 30_000);
            sink.reset();
            child.send('go');
          } else if (m.type === 'ended') {
            created = m.spans!;
            delivered = await waitForStableCount(sink, 3000, 30_000);
            child.send('report');
          } else if (m.type === 'cpu') {
            resolve({ nsPerSpan: (m.micros! * 1000) / created, delivered: delivered / created });
          }
        })();
      });
      child.once('exit', (code) => reject(new Error(`${name} worker exited with ${code}`)));
    });
  } finally {
    child.kill();
  }
}

/** "1.14× cheaper than X" or "1.44× the cost of X", so a ratio below 1 never reads as a gain. */
function versus(ours: number, peer: number, peerName: string): string {
  return ours <= peer ? `${fmt(peer / ours, 2)}× cheaper than ${peerName}` : `${fmt(ours / peer, 2)}× the cost of ${peerName}`;
}

export async function run(options: { quick: boolean }): Promise<BenchSection> {
  const traces = options.quick ? 3000 : 20000;
  const outcomes = new Map<string, Outcome>();
  const measureOne = async (c: (typeof CONTENDERS)[number]): Promise<void> => {
    const sink = await startSink(c.sink);
    try {
      outcomes.set(c.name, await measure(c.name, sink, c.url(sink.port), traces));
    } catch (e) {
      process.stderr.write(`per-span: ${c.name} failed: ${(e as Error).message}\n`);
    } finally {
      await sink.close();
    }
  };
  // The metric is each worker's own CPU time, so the --quick smoke check may run the contenders side by side (its
  // time is mostly waiting for sinks to settle); a full run keeps them one at a time for clean numbers.
  if (options.quick) await Promise.all(CONTENDERS.map(measureOne));
  else for (const c of CONTENDERS) await measureOne(c);
  const ordered = new Map(CONTENDERS.filter((c) => outcomes.has(c.name)).map((c) => [c.name, outcomes.get(c.name)!]));
  const results: BenchResult[] = [];
  const lines = [`${fmt(traces)} traces × 11 spans per contender after a 2,000-trace warm-up; CPU of the whole process per span created${options.quick ? ' (--quick: contenders ran side by side)' : ''}.`, '',
    '| contender | CPU ns/span | delivered | vs peer |', '|---|---:|---:|---|'];
  const pairs: Record<string, string> = { 'polytrace-datadog': 'dd-trace', 'polytrace-zipkin': 'otel-sdk-zipkin' };
  for (const [name, o] of ordered) {
    const peer = pairs[name] ? ordered.get(pairs[name]) : undefined;
    lines.push(`| ${name} | ${fmt(o.nsPerSpan)} | ${fmt(o.delivered * 100, 1)} % | ${peer ? versus(o.nsPerSpan, peer.nsPerSpan, pairs[name]) : ''} |`);
    if (peer) results.push({ name: `per-span ${name}`, unit: 'CPU ns/span', ours: o.nsPerSpan, peer: peer.nsPerSpan, peerName: pairs[name], ratio: peer.nsPerSpan / o.nsPerSpan });
  }
  return { title: 'Per-span cost in process', markdown: lines.join('\n'), results };
}

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then((s) => console.log(`## ${s.title}\n\n${s.markdown}`)).catch((e) => { console.error(e); process.exit(1); });
}
