// Child-process control for the end-to-end benchmarks: start a server under a tracing mode pinned to one core, read
// its CPU time and RSS from /proc, stop it with SIGTERM (so tracers flush) and wait for it to exit.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Mode } from './modes';

const ROOT = path.resolve(__dirname, '..', '..');
const CLK_TCK = 100; // Linux USER_HZ

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly pid: number;
  /** User+system CPU seconds used so far. */
  cpuSeconds(): number;
  rssBytes(): number;
  stop(): Promise<void>;
  readonly stderr: () => string;
}

export function hasTaskset(): boolean {
  return fs.existsSync('/usr/bin/taskset') || fs.existsSync('/bin/taskset');
}

const HAS_SCHEDSTAT = fs.existsSync('/proc/self/schedstat');

/**
 * User+system CPU seconds of a process. The sum of its threads' schedstat run times is exact to the nanosecond (utime
 * and stime come in 10 ms ticks, too coarse for rounds of a second); /proc/<pid>/stat where schedstat is missing. One
 * source per machine, so differences of two readings never mix them.
 */
export function processCpuSeconds(pid: number): number {
  if (!HAS_SCHEDSTAT) {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  }
  for (let attempt = 0; ; attempt++) {
    try {
      let ns = 0;
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      return ns / 1e9;
    } catch (e) {
      if (attempt >= 2) throw e; // a thread exited between readdir and read: read again
    }
  }
}

export async function startServer(script: string, mode: Mode, sinkPort: number, core?: number): Promise<ServerProcess> {
  const nodeArgs = [...mode.nodeArgs, script];
  const [cmd, args] = core !== undefined && hasTaskset()
    ? ['taskset', ['-c', String(core), process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', OTEL_SERVICE_NAME: 'bench', DD_SERVICE: 'bench', ...mode.env(sinkPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { if (err.length < 20_000) err += d.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${mode.name}: server did not start in 30 s\n${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${mode.name}: server exited (${code})\n${err}`)); });
  });
  // With taskset the child is taskset's exec'd node: same pid.
  const pid = child.pid!;
  return {
    child, port, pid,
    stderr: () => err,
    cpuSeconds: () => processCpuSeconds(pid),
    rssBytes() {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => { clearTimeout(kill); resolve(); });
        child.kill('SIGTERM');
      });
    },
  };
}
