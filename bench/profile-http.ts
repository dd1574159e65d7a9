// Profiles one HTTP-overhead mode: starts its sink and the server under `--cpu-prof`, loads it with autocannon,
// makes the server exit cleanly (so V8 writes the profile) and prints self time per function and per file.
//   npx tsx --conditions=polytrace-src bench/profile-http.ts polytrace-datadog [node:http|express] [seconds]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MODES, SERVERS, type Mode } from './lib/modes';
import { startSink } from './lib/sinks';
import { startServer } from './lib/proc';
import { runLoad } from './lib/load';
import { waitForStableCount } from './lib/settle';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Self time per key, as a share of all samples. */
export function aggregate(profile: CpuProfile, keyOf: (n: ProfileNode) => string): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])!;
    const key = keyOf(node);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals.entries()].map(([k, v]): [string, number] => [k, v / all]).sort((a, b) => b[1] - a[1]);
}

/** Inclusive time per key: a sample counts once for every distinct key on its stack. */
export function inclusive(profile: CpuProfile, keyOf: (n: ProfileNode) => string): Array<[string, number]> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    all += dt;
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const key = keyOf(byId.get(id)!);
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + dt);
    }
  }
  return [...totals.entries()].map(([k, v]): [string, number] => [k, v / all]).sort((a, b) => b[1] - a[1]);
}

const shortUrl = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '');

async function main(): Promise<void> {
  const [modeName = 'polytrace-datadog', serverName = 'node:http', secondsArg = '8'] = process.argv.slice(2);
  const base = MODES[modeName];
  if (base === undefined) throw new Error(`unknown mode ${modeName}; known: ${Object.keys(MODES).join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'polytrace-prof-'));
  // A clean exit on SIGUSR2 makes V8 write the profile (a death by signal would not).
  const exitHook = path.join(dir, 'exit-on-usr2.js');
  fs.writeFileSync(exitHook, "process.on('SIGUSR2', () => process.exit(0));\n");
  const mode: Mode = { ...base, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--require', exitHook, ...base.nodeArgs] };
  const sink = mode.sink ? await startSink(mode.sink) : undefined;
  const server = await startServer(SERVERS[serverName], mode, sink?.port ?? 0, 0);
  try {
    const url = `http://127.0.0.1:${server.port}/`;
    await runLoad(url, 1, 32, 1);
    const cpu0 = server.cpuSeconds();
    const load = await runLoad(url, Number(secondsArg), 32, 1);
    const cpu1 = server.cpuSeconds();
    console.log(`${modeName} ${serverName}: ${load.requests} requests, ${(((cpu1 - cpu0) * 1e6) / load.requests).toFixed(1)} CPU µs/req`);
    if (sink) console.log(`spans so far: ${await waitForStableCount(sink, 2000, 15_000)}`);
    await new Promise<void>((resolve) => { server.child.once('exit', () => resolve()); server.child.kill('SIGUSR2'); });
  } finally {
    await server.stop();
    await sink?.close();
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written in ${dir}`);
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  const top = Number(process.env.TOP ?? 40);
  const pct = (x: number): string => `${(x * 100).toFixed(1).padStart(5)}%`;
  console.log(`\nprofile: ${path.join(dir, file)}\n\n-- self time by function --`);
  for (const [k, v] of aggregate(profile, (n) => `${n.callFrame.functionName || '(anon)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`).slice(0, top)) console.log(pct(v), k);
  console.log('\n-- self time by file --');
  for (const [k, v] of aggregate(profile, (n) => shortUrl(n.callFrame.url) || n.callFrame.functionName).slice(0, top)) console.log(pct(v), k);
  console.log('\n-- inclusive time by function --');
  for (const [k, v] of inclusive(profile, (n) => `${n.callFrame.functionName || '(anon)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`).slice(0, top)) console.log(pct(v), k);
}

if (require.main === module) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
