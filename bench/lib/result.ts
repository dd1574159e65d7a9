// The shape every benchmark's `run()` returns, so `npm run bench` can collect them into bench/RESULTS.md.
export interface BenchResult {
  name: string;
  unit: string;
  ours: number;
  peer?: number;
  peerName?: string;
  /** ours / peer, oriented so that > 1 means Polytrace is better (state it in `note` if otherwise). */
  ratio?: number;
  note?: string;
}

/** A benchmark may return a full section (its own markdown table) instead of plain rows. */
export interface BenchSection {
  title: string;
  markdown: string;
  results: BenchResult[];
}

export function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
}
