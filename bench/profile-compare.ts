// A/B comparison of HTTP-overhead configurations, for finding where the time goes (not part of `npm run bench`).
// Each argument is `label|mode[|ENV=value ENV2=value …]`: a mode of bench/lib/modes.ts with extra environment for
// the server (NODEARGS=a,b adds node arguments). The first configuration is the baseline.
//   sequential (default): one server at a time, configurations interleaved, R rounds; a fixed request count per
//     measurement after a fixed-count warm-up, so JIT warm-up never counts.
//   --concurrent: every configuration's server runs at the same time on core 0 and is loaded at the same time from
//     core 1, so machine noise hits all alike (absolutes are inflated by the shared core: compare within a run).
//   R=5 N=40000 WARM=30000 npx tsx --conditions=polytrace-src bench/profile-compare.ts 'untraced|untraced' \
//     'before|polytrace-datadog|POLYTRACE_HTTP_SERVER_INSTRUMENTATION=stock' 'after|polytrace-datadog' 'otel|otel-sdk-zipkin'
import { MODES, SERVERS, type Mode } from './lib/modes';
import { startSink, type Sink } from './lib/sinks';
import { startServer, type ServerProcess } from './lib/proc';
import { runLoad, runLoadRequests } from './lib/load';
import { median } from './lib/stats';

const SERVER_CORE = 0;
const LOAD_CORE = 1;

interface Config { label: string; mode: Mode }
interface Started { config: Config; sink?: Sink; server: ServerProcess; url: string }

export function parseConfig(spec: string): Config {
  const [label, modeName, ...rest] = spec.split('|');
  const base = MODES[modeName];
  if (base === undefined) throw new Error(`unknown mode '${modeName}' in '${spec}'; known: ${Object.keys(MODES).join(', ')}`);
  const extra: Record<string, string> = {};
  let nodeArgs: string[] = [];
  for (const pair of rest.join('|').split(' ').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === 'NODEARGS') nodeArgs = pair.slice(eq + 1).split(',');
    else extra[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { label, mode: { ...base, nodeArgs: [...nodeArgs, ...base.nodeArgs], env: (port) => ({ ...base.env(port), ...extra }) } };
}

async function start(config: Config, script: string): Promise<Started> {
  const sink = config.mode.sink ? await startSink(config.mode.sink) : undefined;
  const server = await startServer(script, config.mode, sink?.port ?? 0, SERVER_CORE);
  return { config, sink, server, url: `http://127.0.0.1:${server.port}/` };
}

async function stop(s: Started): Promise<void> {
  await s.server.stop();
  await s.sink?.close();
}

/** CPU µs per request of each configuration, one round, servers one after another. */
async function sequentialRound(configs: Config[], script: string, warm: number, requests: number): Promise<number[]> {
  const out: number[] = [];
  for (const config of configs) {
    const s = await start(config, script);
    try {
      await runLoadRequests(s.url, warm, 32, LOAD_CORE);
      const cpu0 = s.server.cpuSeconds();
      const load = await runLoadRequests(s.url, requests, 32, LOAD_CORE);
      out.push(((s.server.cpuSeconds() - cpu0) * 1e6) / load.requests);
    } finally {
      await stop(s);
    }
  }
  return out;
}

/** CPU µs per request of each configuration, one round, all servers loaded at the same time for `seconds`. */
async function concurrentRound(configs: Config[], script: string, warm: number, seconds: number): Promise<number[]> {
  const started: Started[] = [];
  try {
    for (const config of configs) started.push(await start(config, script));
    await Promise.all(started.map((s) => runLoadRequests(s.url, warm, 16, LOAD_CORE)));
    const cpu0 = started.map((s) => s.server.cpuSeconds());
    const loads = await Promise.all(started.map((s) => runLoad(s.url, seconds, 16, LOAD_CORE)));
    return started.map((s, i) => ((s.server.cpuSeconds() - cpu0[i]) * 1e6) / loads[i].requests);
  } finally {
    for (const s of started) await stop(s);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const concurrent = args.includes('--concurrent');
  const configs = args.filter((a) => a !== '--concurrent').map(parseConfig);
  if (configs.length === 0) throw new Error("usage: profile-compare.ts [--concurrent] 'label|mode[|ENV=v …]' …");
  const rounds = Number(process.env.R ?? 3);
  const warm = Number(process.env.WARM ?? 15_000);
  const script = SERVERS[process.env.SERVER ?? 'node:http'];
  const results = configs.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const round = concurrent
      ? await concurrentRound(configs, script, warm, Number(process.env.D ?? 10))
      : await sequentialRound(configs, script, warm, Number(process.env.N ?? 20_000));
    round.forEach((x, i) => results[i].push(x));
  }
  const base = median(results[0]);
  console.log(`${concurrent ? 'concurrent' : 'sequential'}, ${rounds} rounds, medians of CPU µs/request`);
  configs.forEach((c, i) => {
    const m = median(results[i]);
    console.log(`${c.label.padEnd(28)} ${m.toFixed(1).padStart(6)} µs/req  added ${(m - base).toFixed(1).padStart(6)}  [${results[i].map((x) => x.toFixed(1)).join(', ')}]`);
  });
}

if (require.main === module) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
