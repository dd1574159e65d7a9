// End-to-end HTTP overhead: hello-world node:http and express servers, each its own process pinned to one core, in
// every tracing mode, loaded by autocannon from another process on the other core. Every mode's server is started and
// warmed up once, then the modes take turns (A B C, B C A, …) for many short rounds of a fixed request count, so drift
// and the neighbours' load hit all modes alike and every round pairs each mode with an untraced one next to it.
// CPU per request comes from the server's own CPU time, so it is the tracer's cost, not the load generator's; a
// mode's round runs from the start of its load to the start of its next one, so the exports its tracer does after a
// round (timers, batches) are charged to that round. Each mode counts the spans its sink received: none, and it's void.
import { MODES, SERVERS } from './lib/modes';
import { startSink, type Sink } from './lib/sinks';
import { startServer, type ServerProcess } from './lib/proc';
import { runLoadRequests } from './lib/load';
import { median, quartiles } from './lib/stats';
import { waitForStableCount } from './lib/settle';
import { fmt, type BenchResult, type BenchSection } from './lib/result';

interface Round { rps: number; p99Ms: number; requests: number; cpuStart: number; cpuUsPerReq: number; sinkUsPerReq: number }
interface Contender { mode: string; sink?: Sink; server?: ServerProcess; url: string; rounds: Round[]; requests: number; spans: number; error?: string }
interface Plan { warmup: number; rounds: number; requests: number }

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const CONNECTIONS = 32;
/** Longer than every tracer's flush interval (OTel's BatchSpanProcessor: 5 s), so the last round's exports land. */
const FINAL_IDLE_MS = 6000;

const PLANS: Record<'quick' | 'full', Record<string, Plan>> = {
  quick: { 'node:http': { warmup: 5000, rounds: 3, requests: 4000 } },
  full: {
    // Many short rounds rather than a few long ones: a neighbour's burst spoils one round, not a mode's whole result.
    'node:http': { warmup: 40_000, rounds: 13, requests: 20_000 },
    express: { warmup: 25_000, rounds: 13, requests: 5000 },
  },
};

async function startContender(script: string, mode: string): Promise<Contender> {
  const c: Contender = { mode, url: '', rounds: [], requests: 0, spans: 0 };
  try {
    c.sink = MODES[mode].sink ? await startSink(MODES[mode].sink!) : undefined;
    c.server = await startServer(script, MODES[mode], c.sink?.port ?? 0, SERVER_CORE);
    c.url = `http://127.0.0.1:${c.server.port}/`;
  } catch (e) {
    fail(c, e);
  }
  return c;
}

function fail(c: Contender, e: unknown): void {
  c.error = (e as Error).message.split('\n')[0];
  process.stderr.write(`http-overhead: ${c.mode} failed: ${c.error}\n`);
}

/** One measured round of one contender; closes its previous round's CPU window. */
async function measureRound(c: Contender, requests: number): Promise<void> {
  const cpuStart = c.server!.cpuSeconds();
  closeWindow(c, cpuStart);
  const own0 = process.cpuUsage(); // the bench process hosts the sinks: what they cost during the load
  const load = await runLoadRequests(c.url, requests, CONNECTIONS, LOAD_CORE);
  const own = process.cpuUsage(own0);
  if (load.requests === 0 || load.non2xx > 0) throw new Error(`${load.requests} requests, ${load.non2xx} non-2xx, ${load.errors} errors`);
  c.requests += load.requests;
  c.rounds.push({ rps: load.rps, p99Ms: load.p99Ms, requests: load.requests, cpuStart, cpuUsPerReq: NaN, sinkUsPerReq: (own.user + own.system) / load.requests });
}

function closeWindow(c: Contender, cpuNow: number): void {
  const last = c.rounds[c.rounds.length - 1];
  if (last && Number.isNaN(last.cpuUsPerReq)) last.cpuUsPerReq = ((cpuNow - last.cpuStart) * 1e6) / last.requests;
}

async function finish(c: Contender): Promise<void> {
  if (!c.server) return;
  if (!c.error) closeWindow(c, c.server.cpuSeconds());
  try {
    if (c.sink && !c.error) {
      // dd-trace only flushes on its 2 s timer: wait that out before stopping it. The others flush on SIGTERM.
      if (!MODES[c.mode].flushesOnExit) await waitForStableCount(c.sink, 3000, 20_000);
      await c.server.stop();
      c.spans = await waitForStableCount(c.sink, 1000, 10_000);
    }
  } finally {
    await c.server.stop();
    await c.sink?.close();
  }
}

async function runServer(serverName: string, script: string, plan: Plan, modeNames: string[]): Promise<Contender[]> {
  const contenders: Contender[] = [];
  try {
    contenders.push(...(await Promise.all(modeNames.map((m) => startContender(script, m))))); // start-up is not measured
    for (const c of contenders) {
      if (c.error) continue;
      // Warm-up by request count, so every mode is measured after V8 optimised its hot code however slow the machine.
      try { c.requests += (await runLoadRequests(c.url, plan.warmup, CONNECTIONS, LOAD_CORE)).requests; } catch (e) { fail(c, e); }
    }
    for (let r = 0; r < plan.rounds; r++) {
      process.stderr.write(`http-overhead: ${serverName} round ${r + 1}/${plan.rounds}\n`);
      for (let i = 0; i < contenders.length; i++) {
        const c = contenders[(i + r) % contenders.length]; // rotate who goes first, so no mode always follows another
        if (c.error) continue;
        try { await measureRound(c, plan.requests); } catch (e) { fail(c, e); }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, FINAL_IDLE_MS)); // all idle at once: one wait for everyone
  } finally {
    await Promise.all(contenders.map(finish));
  }
  return contenders;
}

/** "median [q1–q3]" */
function withIqr(values: number[], digits: number): string {
  const q = quartiles(values);
  return `${fmt(q.median, digits)} [${fmt(q.q1, digits)}–${fmt(q.q3, digits)}]`;
}

/** Per-round values of a contender paired with the untraced rounds of the same index (both must exist). */
function paired(c: Contender, base: Contender, f: (mine: Round, theirs: Round) => number): number[] {
  return c.rounds.flatMap((x, r) => (base.rounds[r] ? [f(x, base.rounds[r])] : []));
}

export async function run(options: { quick: boolean }): Promise<BenchSection> {
  const plans = PLANS[options.quick ? 'quick' : 'full'];
  const modeNames = Object.keys(MODES);
  const results: BenchResult[] = [];
  const lines = [
    `Per server: every mode started once and warmed up (${Object.entries(plans).map(([s, p]) => `${s} ${fmt(p.warmup)} requests`).join(', ')}), then ${Object.entries(plans).map(([s, p]) => `${s} ${p.rounds} rounds × ${fmt(p.requests)} requests`).join(', ')} per mode, modes taking turns (rotated each round); ${CONNECTIONS} connections. Server pinned to core ${SERVER_CORE}, autocannon to core ${LOAD_CORE}.`,
    'Cells are median [interquartile range] over rounds. CPU µs/req = the server\'s own CPU time (all threads) from the start of a round to the start of its next one (so post-round exports count) per request. Added and req/s ratio are per-round differences and ratios against the untraced round of the same index.',
    'CPU ratio = untraced CPU µs/req ÷ this mode\'s: the req/s ratio a saturated server would reach. Sink µs/req = bench-process CPU (the capture sinks) during the load, taken from the load core. spans/req = spans the sink received over all requests (warm-up included).',
    ...(options.quick ? ['--quick: rounds this short make req/s mostly autocannon\'s ramp-up (and the IQR of 3 rounds is their range): a smoke check, read the CPU columns only.'] : []),
    '',
    '| server | mode | req/s | p99 ms | CPU µs/req | added µs/req | req/s ratio | CPU ratio | spans/req | sink µs/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [serverName, plan] of Object.entries(plans)) {
    const contenders = await runServer(serverName, SERVERS[serverName], plan, modeNames);
    const base = contenders.find((c) => c.mode === 'untraced')!;
    const baseCpu = median(base.rounds.map((x) => x.cpuUsPerReq));
    for (const c of contenders) {
      if (c.rounds.length === 0) { lines.push(`| ${serverName} | ${c.mode} | failed: ${c.error ?? 'no rounds'} | | | | | | | |`); continue; }
      const traced = c.mode !== 'untraced';
      const cpu = median(c.rounds.map((x) => x.cpuUsPerReq));
      const added = paired(c, base, (x, b) => x.cpuUsPerReq - b.cpuUsPerReq);
      const rpsRatio = paired(c, base, (x, b) => x.rps / b.rps);
      const spansPerReq = c.sink ? c.spans / c.requests : NaN;
      const refused = c.sink?.refused() ?? 0;
      const void_ = c.sink !== undefined && c.spans === 0;
      const notes = [void_ ? '**VOID: no spans**' : '', refused ? `**${refused} payloads refused**` : '', c.error ? `(stopped early: ${c.error})` : ''].filter(Boolean).join(' ');
      lines.push(`| ${serverName} | ${c.mode} | ${withIqr(c.rounds.map((x) => x.rps), 0)} | ${fmt(median(c.rounds.map((x) => x.p99Ms)), 1)} | ${withIqr(c.rounds.map((x) => x.cpuUsPerReq), 1)} | ${traced ? withIqr(added, 1) : ''} | ${traced ? withIqr(rpsRatio, 2) : ''} | ${traced ? fmt(baseCpu / cpu, 2) : ''} | ${Number.isNaN(spansPerReq) ? '' : fmt(spansPerReq, 3)} ${notes} | ${fmt(median(c.rounds.map((x) => x.sinkUsPerReq)), 2)} |`);
      if (traced) {
        const q = quartiles(added);
        results.push({ name: `http ${serverName} ${c.mode} added CPU`, unit: 'µs/req', ours: q.median, note: `IQR ${fmt(q.q1, 1)}–${fmt(q.q3, 1)}, req/s ratio ${fmt(median(rpsRatio), 2)}, spans/req ${fmt(spansPerReq, 3)}${void_ ? ', VOID' : ''}` });
      }
    }
  }
  return { title: 'HTTP overhead (end to end)', markdown: lines.join('\n'), results };
}

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then((s) => console.log(`## ${s.title}\n\n${s.markdown}`)).catch((e) => { console.error(e); process.exit(1); });
}
