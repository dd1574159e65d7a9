import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface PendingTrace {
  traceId: string;
  spans: ReadableSpan[];
  /** Whether a local root ended: a span with no parent, or whose parent is in another process. */
  localRootEnded: boolean;
  /** When (ms, monotonic) this trace becomes printable even without its root. */
  dueAt: number;
}

export interface TraceBufferOptions {
  /** How long a trace without a finished root waits for more spans. */
  orphanTimeoutMillis: number;
  /**
   * How long a trace whose local root has a *remote* parent waits: that parent may be a span of
   * this same process still in flight (a service calling itself), which would then print it whole.
   */
  remoteRootSettleMillis: number;
  /** Upper bound on buffered spans; the oldest traces are released early beyond it. */
  maxBufferedSpans: number;
}

/**
 * Groups finished spans per trace until the trace can be printed. Spans of one trace may arrive
 * over several export batches; this holds them, bounded in count and time. Insertion order of the
 * map is arrival order, which makes "oldest first" eviction a walk from the front.
 */
export class TraceBuffer {
  private readonly traces = new Map<string, PendingTrace>();
  private bufferedSpans = 0;

  constructor(private readonly options: TraceBufferOptions) {}

  get size(): number {
    return this.bufferedSpans;
  }

  /** Adds spans; returns the traces that became printable (root ended, or evicted for space). */
  add(spans: readonly ReadableSpan[], now: number): PendingTrace[] {
    const ready = new Map<string, PendingTrace>();
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      let pending = this.traces.get(traceId);
      if (pending === undefined) {
        pending = { traceId, spans: [], localRootEnded: false, dueAt: now + this.options.orphanTimeoutMillis };
        this.traces.set(traceId, pending);
      }
      pending.spans.push(span);
      this.bufferedSpans++;
      const parent = span.parentSpanContext;
      if (parent === undefined) {
        pending.localRootEnded = true;
        ready.set(traceId, pending);
      } else if (parent.isRemote) {
        pending.localRootEnded = true;
        pending.dueAt = Math.min(pending.dueAt, now + this.options.remoteRootSettleMillis);
      }
    }
    for (const pending of ready.values()) this.remove(pending);
    return [...ready.values(), ...this.evictOverflow()];
  }

  /** Traces whose wait is over. */
  takeDue(now: number): PendingTrace[] {
    const due = [...this.traces.values()].filter((t) => t.dueAt <= now);
    for (const pending of due) this.remove(pending);
    return due;
  }

  takeAll(): PendingTrace[] {
    const all = [...this.traces.values()];
    this.traces.clear();
    this.bufferedSpans = 0;
    return all;
  }

  /** Earliest due time, for the flush timer. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const pending of this.traces.values()) if (next === undefined || pending.dueAt < next) next = pending.dueAt;
    return next;
  }

  private evictOverflow(): PendingTrace[] {
    const evicted: PendingTrace[] = [];
    let remaining = this.bufferedSpans;
    for (const pending of this.traces.values()) {
      if (remaining <= this.options.maxBufferedSpans) break;
      evicted.push(pending);
      remaining -= pending.spans.length;
    }
    for (const pending of evicted) this.remove(pending);
    return evicted;
  }

  private remove(pending: PendingTrace): void {
    if (this.traces.delete(pending.traceId)) this.bufferedSpans -= pending.spans.length;
  }
}
