// The micro-benchmark harness for cheap operations (a header inject, a withSpan call, a console export): calls per
// second of a clock, in batches so that reading the clock costs nothing, best of alternating ours/peer rounds (the best
// round is the one least disturbed by other processes, and alternating gives both sides the same chances).

/**
 * 'cpu': this process's user + system time (robust on a shared, loaded machine, where the wall clock mostly measures
 * how often the process was descheduled); 'wall': elapsed real time.
 */
export type OpsClock = 'cpu' | 'wall';

/** One comparison: the same operation done by Polytrace and by the peer. */
export interface OpsCase {
  name: string;
  peerName?: string;
  note?: string;
  ours: () => void;
  peer: () => void;
}

export interface OpsOptions {
  rounds: number;
  /** Length of each timed run, in milliseconds of `clock`. */
  ms: number;
  clock: OpsClock;
  /** Calls between two clock reads. */
  batch?: number;
  /** A warm-up run of each side before the rounds (0: none). */
  warmupMs?: number;
  /** Peer first on odd rounds, so neither side always runs right after the other's garbage. */
  alternateOrder?: boolean;
}

/** Seconds of `clock` since the call. */
function stopwatch(clock: OpsClock): () => number {
  if (clock === 'wall') {
    const start = process.hrtime.bigint();
    return () => Number(process.hrtime.bigint() - start) / 1e9;
  }
  const start = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
}

/** Calls `fn` in batches of `batch` for about `ms` milliseconds of `clock`; calls per second of it. */
export function opsPerSecond(fn: () => void, ms: number, clock: OpsClock, batch = 500): number {
  const budget = ms / 1000;
  const elapsed = stopwatch(clock);
  let calls = 0;
  let seconds = 0;
  do {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    seconds = elapsed();
  } while (seconds < budget);
  return calls / seconds;
}

/** Each side's best rate over `rounds` alternating rounds, after a warm-up. */
export function bestOfRounds(c: Pick<OpsCase, 'ours' | 'peer'>, options: OpsOptions): { ours: number; peer: number } {
  const { rounds, ms, clock, batch = 500, warmupMs = 50, alternateOrder = false } = options;
  if (warmupMs > 0) {
    opsPerSecond(c.ours, warmupMs, clock, batch);
    opsPerSecond(c.peer, warmupMs, clock, batch);
  }
  let ours = 0;
  let peer = 0;
  const runOurs = (): void => void (ours = Math.max(ours, opsPerSecond(c.ours, ms, clock, batch)));
  const runPeer = (): void => void (peer = Math.max(peer, opsPerSecond(c.peer, ms, clock, batch)));
  for (let i = 0; i < rounds; i++) {
    if (alternateOrder && i % 2 === 1) {
      runPeer();
      runOurs();
    } else {
      runOurs();
      runPeer();
    }
  }
  return { ours, peer };
}
