import { diag } from '@opentelemetry/api';

/** Anything with monotonically growing counters worth a periodic line in the logs. */
export interface SummarySource {
  /** a one-line description of what changed since `previous`, or undefined if nothing did */
  describe(): { line: string; lossy: boolean } | undefined;
}

/**
 * Logs a summary through `diag` at most once per interval and only when something changed: a loss is never silent,
 * an idle process is never noisy. Warn level when spans were dropped since the last line, info otherwise.
 * The timer is unref'd so it never keeps the process alive.
 */
export class DiagSummary {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: SummarySource,
    intervalMillis: number,
  ) {
    if (intervalMillis > 0 && Number.isFinite(intervalMillis)) {
      this.timer = setInterval(() => this.logNow(), intervalMillis);
      this.timer.unref();
    }
  }

  logNow(): void {
    const summary = this.source.describe();
    if (summary === undefined) return;
    if (summary.lossy) diag.warn(summary.line);
    else diag.info(summary.line);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** `{a: 1, b: 0, c: 2}` → `a=1 c=2` (non-zero entries only). */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .filter(([, n]) => n !== 0)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
}
