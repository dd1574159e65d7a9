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
      child.on('message', (m: { type: string; spans?: number; micros?: number }) => {
        void (async () => {
          if (m.type === 'warm' || m.type === 'ended') {
            await waitForStableCount(sink, 3000, 30_000);
            if (m.type === 'ended') created = m.spans!;
            sink.reset();
            if (m.type === 'warm') child.send('go'); else { created = m.spans!; child.send('report'); }
          } else if (m.type === 'cpu') {
            resolve({ nsPerSpan: (m.micros! * 1000) / created, delivered: 0 });
          }
        })();
      });
      child.once('exit', (code) => reject(new Error(`${name} worker exited with ${code}`)));
    });
  } finally {
    child.kill();
  }
}

export async function run(options: { quick: boolean }): Promise<BenchSection> {
  const traces = options.quick ? 3000 : 20000;
  const outcomes = new Map<string, Outcome>();
  for (const c of CONTENDERS) {
    const sink = await startSink(c.sink);
    try {
      // Count delivery separately: reset() in measure() clears counts, so wrap countSpans to remember the last total.
      let delivered = 0;
      const counting: Sink = { ...sink, countSpans: () => (delivered = sink.countSpans()), reset: () => sink.reset() };
      const o = await measure(c.name, counting, c.url(sink.port), traces);
      outcomes.set(c.name, { nsPerSpan: o.nsPerSpan, delivered: delivered / (traces * 11) });
    } catch (e) {
      process.stderr.write(`per-span: ${c.name} failed: ${(e as Error).message}\n`);
    } finally {
      await sink.close();
    }
  }
  const results: BenchResult[] = [];
  const lines = [`${fmt(traces)} traces × 11 spans per contender after a 2,000-trace warm-up; CPU of the whole process per span created.`, '',
    '| contender | CPU ns/span | delivered | vs peer |', '|---|---:|---:|---|'];
  const pairs: Record<string, string> = { 'polytrace-datadog': 'dd-trace', 'polytrace-zipkin': 'otel-sdk-zipkin' };
  for (const [name, o] of outcomes) {
    const peer = pairs[name] ? outcomes.get(pairs[name]) : undefined;
    lines.push(`| ${name} | ${fmt(o.nsPerSpan)} | ${fmt(o.delivered * 100, 1)} % | ${peer ? `${fmt(peer.nsPerSpan / o.nsPerSpan, 2)}× cheaper than ${pairs[name]}` : ''} |`);
    if (peer) results.push({ name: `per-span ${name}`, unit: 'CPU ns/span', ours: o.nsPerSpan, peer: peer.nsPerSpan, peerName: pairs[name], ratio: peer.nsPerSpan / o.nsPerSpan });
  }
  return { title: 'Per-span cost in process', markdown: lines.join('\n'), results };
}

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then((s) => console.log(`## ${s.title}\n\n${s.markdown}`)).catch((e) => { console.error(e); process.exit(1); });
}
