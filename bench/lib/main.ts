// The `require.main` entry of every bench: parse --quick, run, print the rows as an aligned table, exit (dd-trace and
// some exporters keep timers alive, and a bench is over when its rows are printed).
import { fmt, type BenchResult, type BenchSection } from './result';

type BenchRun = (options: { quick: boolean }) => Promise<BenchResult[] | BenchSection>;

function value(n: number | undefined): string {
  return n === undefined ? '-' : fmt(n, Math.abs(n) < 100 ? 2 : Math.abs(n) < 10_000 ? 1 : 0);
}

export function formatResults(rows: readonly BenchResult[]): string {
  const cells = rows.map((r) => [r.name, r.unit, value(r.ours), value(r.peer), r.ratio === undefined ? '-' : `${fmt(r.ratio, 2)}×`,
    [r.peerName, r.note && `(${r.note})`].filter(Boolean).join(' ')]);
  const header = ['benchmark', 'unit', 'ours', 'peer', 'ratio', 'peer name (note)'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string =>
    c.map((s, i) => (i === c.length - 1 ? s : i >= 2 ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

export function runAsMain(run: BenchRun, title?: string): void {
  const quick = process.argv.includes('--quick');
  run({ quick }).then(
    (out) => {
      if (title) console.log(`${title}${quick ? ' (quick)' : ''}\n`);
      console.log(Array.isArray(out) ? formatResults(out) : `${out.title}\n\n${out.markdown}`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
