// Memory under a failing backend: each tracer's node:http server is loaded for 30 s (3 s with --quick) while its
// backend is healthy, down (nothing listens) or hung (accepts, never answers). RSS and heap are read after the load;
// a tracer that buffers without bound shows it here.
import * as http from 'node:http';
import { MODES, SERVERS } from './lib/modes';
import { startSink, type SinkBehaviour } from './lib/sinks';
import { startServer } from './lib/proc';
import { runLoad } from './lib/load';
import { fmt, type BenchResult, type BenchSection } from './lib/result';

const MB = 1024 * 1024;
const TRACED = ['polytrace-datadog', 'polytrace-zipkin', 'dd-trace', 'otel-sdk-zipkin'];
const BEHAVIOURS: SinkBehaviour[] = ['healthy', 'down', 'hang'];

function heapUsed(port: number): Promise<number> {
  return new Promise((resolve) => {
    http.get(`http://127.0.0.1:${port}/__mem`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => { try { resolve((JSON.parse(body) as { heapUsed: number }).heapUsed); } catch { resolve(NaN); } });
    }).on('error', () => resolve(NaN));
  });
}

export async function run(options: { quick: boolean }): Promise<BenchSection> {
  const seconds = options.quick ? 3 : 30;
  const results: BenchResult[] = [];
  const lines = [
    `node:http hello world, ${seconds} s of load (32 connections) per cell after a 2 s warm-up; RSS/heap read right after the load.`,
    '',
    '| mode | backend | RSS after warm-up MB | RSS after load MB | growth MB | heap used MB |',
    '|---|---|---:|---:|---:|---:|',
  ];
  // --quick is a smoke check: two tracers against a dead backend only.
  const modes = options.quick ? ['polytrace-datadog', 'dd-trace'] : TRACED;
  const behaviours: SinkBehaviour[] = options.quick ? ['down'] : BEHAVIOURS;
  for (const m of modes) {
    const mode = MODES[m];
    for (const behaviour of behaviours) {
      const sink = await startSink(mode.sink!, behaviour);
      const server = await startServer(SERVERS['node:http'], mode, sink.port, 0);
      try {
        const url = `http://127.0.0.1:${server.port}/`;
        await runLoad(url, 2, 32, 1);
        const rss0 = server.rssBytes();
        await runLoad(url, seconds, 32, 1);
        const rss1 = server.rssBytes();
        const heap = await heapUsed(server.port);
        lines.push(`| ${m} | ${behaviour} | ${fmt(rss0 / MB, 1)} | ${fmt(rss1 / MB, 1)} | ${fmt((rss1 - rss0) / MB, 1)} | ${fmt(heap / MB, 1)} |`);
        results.push({ name: `memory ${m} backend ${behaviour} RSS after load`, unit: 'MB', ours: rss1 / MB, note: `growth ${fmt((rss1 - rss0) / MB, 1)} MB` });
      } catch (e) {
        lines.push(`| ${m} | ${behaviour} | failed: ${(e as Error).message.split('\n')[0]} | | | |`);
      } finally {
        server.child.kill('SIGKILL');
        await server.stop();
        await sink.close();
      }
    }
  }
  return { title: 'Memory with a failing backend', markdown: lines.join('\n'), results };
}

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then((s) => console.log(`## ${s.title}\n\n${s.markdown}`)).catch((e) => { console.error(e); process.exit(1); });
}
