// Runs autocannon in its own process (pinned to another core than the server when taskset exists) and returns its
// JSON summary, so the load generator never shares the server's event loop or core.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { hasTaskset } from './proc';

export interface LoadResult { requests: number; rps: number; p99Ms: number; errors: number; non2xx: number }

const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

export function runLoad(url: string, seconds: number, connections = 32, core?: number): Promise<LoadResult> {
  return autocannon(['-d', String(seconds)], url, connections, core);
}

/**
 * A fixed number of requests rather than a duration: a warm-up measured in requests gets a server through JIT
 * compilation however slowly a loaded machine lets it run (a 1 s warm-up on a busy core left the tracers' code
 * unoptimised and charged V8's compile time to the first measured requests).
 */
export function runLoadRequests(url: string, requests: number, connections = 32, core?: number): Promise<LoadResult> {
  // autocannon notices the last response only at its next sampling tick (1 s by default), which would round a short
  // run's duration, and so its req/s, to whole seconds: tick every 20 ms instead.
  return autocannon(['-a', String(requests), '-L', '20'], url, connections, core);
}

function autocannon(limit: string[], url: string, connections: number, core: number | undefined): Promise<LoadResult> {
  const args = [AUTOCANNON, '-c', String(connections), ...limit, '-j', url];
  const [cmd, argv] = core !== undefined && hasTaskset()
    ? ['taskset', ['-c', String(core), process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) return reject(err);
      const r = JSON.parse(stdout) as {
        requests: { total: number; average: number }; latency: { p99: number };
        errors: number; non2xx: number; '2xx': number; duration: number;
      };
      resolve({ requests: r['2xx'] + r.non2xx, rps: r['2xx'] / r.duration, p99Ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
    });
  });
}
