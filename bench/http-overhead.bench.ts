// End-to-end HTTP overhead: hello-world node:http and express servers, each its own process pinned to one core, in
// every tracing mode, loaded by autocannon from another process on the other core. Modes are interleaved (A B C A B C)
// to cancel drift; medians over rounds. Each run counts the spans its sink received: a mode that delivered nothing is
// void. CPU per request comes from the server's own utime+stime, so it is the tracer's cost, not the load generator's.
import { MODES, SERVERS, type Mode } from './lib/modes';
import { startSink, type Sink } from './lib/sinks';
import { startServer } from './lib/proc';
import { runLoad, runLoadRequests } from './lib/load';
import { median } from './lib/stats';
import { waitForStableCount } from './lib/settle';
import { fmt, type BenchResult, type BenchSection } from './lib/result';

interface Run { rps: number; p99Ms: number; cpuUsPerReq: number; requests: number; spans: number }

const SERVER_CORE = 0;
const LOAD_CORE = 1;

async function runOnce(script: string, mode: Mode, seconds: number, warmupRequests: number): Promise<Run> {
  const sink: Sink | undefined = mode.sink ? await startSink(mode.sink) : undefined;
  const server = await startServer(script, mode, sink?.port ?? 0, SERVER_CORE);
  try {
    const url = `http://127.0.0.1:${server.port}/`;
    const warm = await runLoadRequests(url, warmupRequests, 32, LOAD_CORE);
    const cpu0 = server.cpuSeconds();
    const load = await runLoad(url, seconds, 32, LOAD_CORE);
    const cpu1 = server.cpuSeconds();
    let spans = 0;
    if (sink) {
      // dd-trace only flushes on its 2 s timer: wait that out before stopping it. The others flush on SIGTERM.
      if (!mode.flushesOnExit) await waitForStableCount(sink, 3000, 20_000);
      await server.stop();
      spans = await waitForStableCount(sink, 1000, 10_000);
    }
    return { rps: load.rps, p99Ms: load.p99Ms, cpuUsPerReq: ((cpu1 - cpu0) * 1e6) / load.requests, requests: warm.requests + load.requests, spans };
  } finally {
    await server.stop();
    await sink?.close();
  }
}

export async function run(options: { quick: boolean }): Promise<BenchSection> {
  const rounds = options.quick ? 1 : 3;
  const seconds = options.quick ? 3 : 10;
  // Warm-up by request count, so every mode is measured after V8 optimised its hot code (see runLoadRequests).
  const warmup = options.quick ? 10_000 : 30_000;
  const modeNames = Object.keys(MODES);
  const results: BenchResult[] = [];
  const lines = [
    `${rounds} round(s) × ${seconds} s per mode after a ${fmt(warmup)}-request warm-up, 32 connections, modes interleaved; medians. Server pinned to core ${SERVER_CORE}, autocannon to core ${LOAD_CORE}.`,
    'CPU µs/req = server utime+stime per request; added = minus untraced; spans/req counts what the sink actually received (warm-up included).',
    'On a shared machine single rounds scatter by ±20 %: the per-round column shows it; compare modes within one run.',
    '',
    '| server | mode | req/s | p99 ms | CPU µs/req | added µs/req | req/s ratio vs untraced | spans/req | CPU µs/req per round |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  // --quick is a smoke check: node:http only, one short round.
  const servers = Object.entries(SERVERS).filter(([name]) => !options.quick || name === 'node:http');
  for (const [serverName, script] of servers) {
    const runs = new Map<string, Run[]>(modeNames.map((m) => [m, []]));
    for (let r = 0; r < rounds; r++) {
      for (const m of modeNames) {
        try {
          runs.get(m)!.push(await runOnce(script, MODES[m], seconds, warmup));
        } catch (e) {
          process.stderr.write(`http-overhead: ${serverName} ${m} failed: ${(e as Error).message.split('\n')[0]}\n`);
        }
      }
    }
    const base = runs.get('untraced')!;
    const baseRps = median(base.map((x) => x.rps));
    const baseCpu = median(base.map((x) => x.cpuUsPerReq));
    for (const m of modeNames) {
      const rs = runs.get(m)!;
      if (rs.length === 0) { lines.push(`| ${serverName} | ${m} | failed | | | | | | |`); continue; }
      const rps = median(rs.map((x) => x.rps));
      const cpu = median(rs.map((x) => x.cpuUsPerReq));
      const spansPerReq = MODES[m].sink ? rs.reduce((n, x) => n + x.spans, 0) / rs.reduce((n, x) => n + x.requests, 0) : NaN;
      const void_ = MODES[m].sink !== undefined && spansPerReq === 0;
      lines.push(`| ${serverName} | ${m} | ${fmt(rps)} | ${fmt(median(rs.map((x) => x.p99Ms)), 1)} | ${fmt(cpu, 1)} | ${m === 'untraced' ? '' : fmt(cpu - baseCpu, 1)} | ${fmt(rps / baseRps, 2)} | ${Number.isNaN(spansPerReq) ? '' : fmt(spansPerReq, 3)}${void_ ? ' **VOID: no spans**' : ''} | ${rs.map((x) => fmt(x.cpuUsPerReq, 1)).join(' / ')} |`);
      if (m !== 'untraced') {
        results.push({ name: `http ${serverName} ${m} added CPU`, unit: 'µs/req', ours: cpu - baseCpu, note: `req/s ratio ${fmt(rps / baseRps, 2)}, spans/req ${fmt(spansPerReq, 3)}${void_ ? ', VOID' : ''}` });
      }
    }
  }
  return { title: 'HTTP overhead (end to end)', markdown: lines.join('\n'), results };
}

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then((s) => console.log(`## ${s.title}\n\n${s.markdown}`)).catch((e) => { console.error(e); process.exit(1); });
}
