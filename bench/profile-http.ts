// Profiles one HTTP-overhead mode in steady state: starts its sink and the server, warms it up with autocannon, then
// profiles only the measured load (the server's inspector is started and stopped by SIGUSR2) and prints self and
// inclusive time per function and per file, so start-up and JIT warm-up do not hide the per-request cost.
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

const IDLE = new Set(['(idle)', '(program)']);

/** Time per key as a share of busy time (idle excluded): self time, or inclusive (once per distinct key on a stack). */
export function shares(profile: CpuProfile, keyOf: (n: ProfileNode) => string, mode: 'self' | 'inclusive'): Array<[string, number]> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(profile.samples[i])!;
    if (IDLE.has(leaf.callFrame.functionName)) continue;
    busy += dt;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = mode === 'self' ? undefined : parent.get(id)) {
      const key = keyOf(byId.get(id)!);
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + dt);
    }
  }
  return [...totals.entries()].map(([k, v]): [string, number] => [k, v / busy]).sort((a, b) => b[1] - a[1]);
}

/** Preloaded into the server: the first SIGUSR2 starts the V8 profiler, the second writes the profile. */
function profilerHook(file: string): string {
  return `const inspector = require('node:inspector'); const fs = require('node:fs');
const session = new inspector.Session(); session.connect(); let started = false;
process.on('SIGUSR2', () => {
  if (!started) { started = true; session.post('Profiler.enable', () => session.post('Profiler.start', () => fs.writeFileSync(${JSON.stringify(file + '.started')}, ''))); return; }
  session.post('Profiler.stop', (err, res) => { fs.writeFileSync(${JSON.stringify(file + '.tmp')}, JSON.stringify(err ? {} : res.profile)); fs.renameSync(${JSON.stringify(file + '.tmp')}, ${JSON.stringify(file)}); });
});
`;
}

async function signalAndWait(child: import('node:child_process').ChildProcess, file: string): Promise<void> {
  child.kill('SIGUSR2');
  for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  if (!fs.existsSync(file)) throw new Error(`the server did not write ${file}`);
}

const shortUrl = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '');

async function main(): Promise<void> {
  const [modeName = 'polytrace-datadog', serverName = 'node:http', secondsArg = '8'] = process.argv.slice(2);
  const base = MODES[modeName];
  if (base === undefined) throw new Error(`unknown mode ${modeName}; known: ${Object.keys(MODES).join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'polytrace-prof-'));
  const profileFile = path.join(dir, 'steady.cpuprofile');
  const hook = path.join(dir, 'profile-on-usr2.js');
  fs.writeFileSync(hook, profilerHook(profileFile));
  const mode: Mode = { ...base, nodeArgs: ['--require', hook, ...base.nodeArgs] };
  const sink = mode.sink ? await startSink(mode.sink) : undefined;
  let cpuPerReq = NaN;
  const server = await startServer(SERVERS[serverName], mode, sink?.port ?? 0, 0);
  try {
    const url = `http://127.0.0.1:${server.port}/`;
    await runLoad(url, 5, 32, 1);
    await signalAndWait(server.child, profileFile + '.started');
    const cpu0 = server.cpuSeconds();
    const load = await runLoad(url, Number(secondsArg), 32, 1);
    const cpu1 = server.cpuSeconds();
    cpuPerReq = ((cpu1 - cpu0) * 1e6) / load.requests;
    console.log(`${modeName} ${serverName}: ${load.requests} requests, ${cpuPerReq.toFixed(1)} CPU µs/req`);
    if (sink) console.log(`spans so far: ${await waitForStableCount(sink, 2000, 15_000)}`);
    await signalAndWait(server.child, profileFile);
  } finally {
    await server.stop();
    await sink?.close();
  }
  const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8')) as CpuProfile;
  const top = Number(process.env.TOP ?? 40);
  // Busy share × measured CPU per request ≈ µs per request; main thread only (GC/JIT threads are in the total).
  const row = (share: number, key: string): string => `${(share * 100).toFixed(1).padStart(5)}% ${(share * cpuPerReq).toFixed(2).padStart(6)} µs  ${key}`;
  const byFunction = (n: ProfileNode): string => `${n.callFrame.functionName || '(anon)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const byFile = (n: ProfileNode): string => shortUrl(n.callFrame.url) || n.callFrame.functionName;
  console.log(`\nprofile: ${profileFile} (shares of busy main-thread time)`);
  console.log('\n-- self time by function --');
  for (const [k, v] of shares(profile, byFunction, 'self').slice(0, top)) console.log(row(v, k));
  console.log('\n-- self time by file --');
  for (const [k, v] of shares(profile, byFile, 'self').slice(0, top)) console.log(row(v, k));
  console.log('\n-- inclusive time by function --');
  for (const [k, v] of shares(profile, byFunction, 'inclusive').slice(0, top)) console.log(row(v, k));
}

if (require.main === module) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
