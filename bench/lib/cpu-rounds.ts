// The encoder benches' harness: contenders warmed up, then run in interleaved rounds, each rate in spans per CPU second
// of this process (user + system, GC threads included). CPU time rather than wall time, and interleaving rather than
// one contender after the other: on a shared, loaded machine the wall clock mostly measures the other tenants, while
// neighbouring rounds see the same load, so their ratios stay meaningful.
import { fullGc, median } from './stats';

export interface CpuContender {
  /** Spans one call of `once` processes. */
  spans: number;
  /** Processes `spans` spans once; returns the bytes produced (or sent). May be async (an exporter's export). */
  once: () => number | Promise<number>;
  /** Calls per round for this contender when rounds are sized in calls (a much slower peer may do fewer). */
  callsPerRound?: number;
}

/** How long a warm-up or a round lasts: a number of calls, or CPU seconds. */
export type CpuBudget = { calls: number } | { cpuSeconds: number };

export interface CpuRoundsOptions {
  rounds: number;
  /** Run before any round, per contender, so each is measured in optimised code with its buffers grown. */
  warmup: CpuBudget;
  round: CpuBudget;
  /** The round that represents a contender: its median (robust), or its best (the least disturbed by neighbours). */
  pick: 'median' | 'best';
  /** A full GC before every timed run, so that no contender pays for collecting another's garbage. */
  gcBeforeEachRun?: boolean;
}

export interface CpuMeasured {
  spansPerSec: number;
  bytesPerSpan: number;
  /** This contender's rate over the first contender's in the same round, one per round, sorted ascending. */
  roundRatios: number[];
}

interface Run {
  spansPerSec: number;
  bytesPerSpan: number;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function timedRun(c: CpuContender, budget: CpuBudget, gc: boolean): Promise<Run> {
  if (gc) fullGc();
  let calls = 0;
  let bytes = 0;
  let seconds = 0;
  const start = process.cpuUsage();
  do {
    const produced = c.once();
    bytes += typeof produced === 'number' ? produced : await produced; // no microtask turn for a sync contender
    calls++;
    seconds = cpuSecondsSince(start);
  } while ('calls' in budget ? calls < budget.calls : seconds < budget.cpuSeconds);
  return { spansPerSec: (c.spans * calls) / seconds, bytesPerSpan: bytes / (c.spans * calls) };
}

/** Measures every contender; the first one is the reference of `roundRatios`. */
export async function compareCpuRounds(contenders: readonly CpuContender[], options: CpuRoundsOptions): Promise<CpuMeasured[]> {
  const gc = options.gcBeforeEachRun === true;
  for (const c of contenders) await timedRun(c, options.warmup, gc);
  const runs: Run[][] = contenders.map(() => []);
  for (let r = 0; r < options.rounds; r++) {
    for (const [i, c] of contenders.entries()) {
      const budget = 'calls' in options.round ? { calls: c.callsPerRound ?? options.round.calls } : options.round;
      runs[i].push(await timedRun(c, budget, gc));
    }
  }
  return runs.map((own) => {
    const rates = own.map((run) => run.spansPerSec);
    return {
      spansPerSec: options.pick === 'best' ? Math.max(...rates) : median(rates),
      bytesPerSpan: median(own.map((run) => run.bytesPerSpan)),
      roundRatios: own.map((run, r) => run.spansPerSec / runs[0][r].spansPerSec).sort((a, b) => a - b),
    };
  });
}

/** "min–max× over N rounds" of a contender's per-round ratios, to print next to a ratio of medians. */
export function ratioSpread(ratios: readonly number[]): string {
  return `${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}× over ${ratios.length} rounds`;
}
