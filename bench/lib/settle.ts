// Waits until a sink has stopped receiving spans: tracers flush on their own timers (dd-trace every 2 s, OTel's
// BatchSpanProcessor every 5 s), so "stable for a while" is the only backend-neutral signal that delivery is over.
import type { Sink } from './sinks';

export async function waitForStableCount(sink: Sink, stableMs: number, maxMs: number): Promise<number> {
  const start = Date.now();
  let last = sink.countSpans();
  let since = Date.now();
  while (Date.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, 250));
    const now = sink.countSpans();
    if (now !== last) { last = now; since = Date.now(); } else if (Date.now() - since >= stableMs) break;
  }
  return last;
}
