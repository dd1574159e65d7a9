// Builders for the two kinds of BenchResult row, so every bench orients its ratio the same way (> 1: Polytrace better).
import type { BenchResult } from './result';

type ComparedRow = Omit<BenchResult, 'ratio' | 'peer'> & { peer: number };

/** Rates (spans/s, ops/s): ratio = ours / peer. */
export function higherIsBetter(row: ComparedRow): BenchResult {
  return { ...row, ratio: row.ours / row.peer };
}

/** Costs (bytes/span, ns/span, MB): ratio = peer / ours, which the note says. */
export function lowerIsBetter(row: ComparedRow): BenchResult {
  return { ...row, ratio: row.peer / row.ours, note: row.note ?? 'ratio = peer/ours (>1: ours smaller)' };
}
