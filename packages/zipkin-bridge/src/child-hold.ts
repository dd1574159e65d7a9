import type { ZipkinSpan } from '@polytrace/exporter-zipkin';
import { estimateSpanBytes } from './merge-fragments';
import type { ReceivedSpan } from './received-span';
import { TtlCache } from './ttl-cache';
import { WindowBuffer } from './window-buffer';

export interface ChildHoldOptions {
  /**
   * Which spans may be held until their parent arrives (spec §4.4): `learned` (default) only spans of services that
   * have reported a shared SERVER span before; `always` any service; `never` turns holding off.
   */
  holdChildren?: 'learned' | 'always' | 'never';
  /** longest hold (default 5000 ms); a held span leaves as soon as its parent arrives */
  holdMillis?: number;
  /** cap on held spans; past it the oldest leave early with the parent they have (default 10 000) */
  maxHeldSpans?: number;
  /** cap on the estimated bytes of held spans (default 8 MiB) */
  maxHeldBytes?: number;
  /** how long seen span ids are remembered (default 10 min) and how many (default 100 000) */
  ttlMillis?: number;
  maxEntries?: number;
}

const service = (span: ZipkinSpan): string => span.localEndpoint?.serviceName ?? '';
const ORIGINAL_ID = 'zipkin.original_span_id';
const MAX_SERVICES = 10_000;

/**
 * Brave and zipkin-js report a span when it finishes, so a shared server's children usually reach us before it,
 * possibly in an earlier POST; they name the shared id as their parent and must be re-parented onto the server's new
 * id, which is only known once the server arrives. So a span that could be such a child (not SERVER or CONSUMER,
 * whose parents live in other services; its parent not yet seen in its own service) is held until a span of the
 * same service with its parent's id arrives, then re-parented by `reparent`; at the latest after `holdMillis`.
 * In `learned` mode only services that have shared a span id before are held, so other services see no delay.
 */
export class ChildHold {
  private readonly held: WindowBuffer<ReceivedSpan> | undefined;
  private readonly seen: TtlCache<true>;
  private readonly sharing = new Set<string>();
  private readonly mode: 'learned' | 'always' | 'never';
  /** spans that waited and were released because their parent arrived */
  released = 0;

  constructor(options: ChildHoldOptions, release: (items: ReceivedSpan[], early: boolean) => void, now?: () => number) {
    this.mode = options.holdChildren ?? 'learned';
    const holdMillis = options.holdMillis ?? 5000;
    if (this.mode !== 'never' && holdMillis > 0) {
      this.held = new WindowBuffer({ windowMillis: holdMillis, maxEntries: options.maxHeldSpans ?? 10_000, maxBytes: options.maxHeldBytes ?? 8 * 1024 * 1024 }, release, now);
    }
    this.seen = new TtlCache(options.ttlMillis ?? 10 * 60_000, options.maxEntries ?? 100_000);
  }

  get heldSpans(): number {
    return this.held?.size ?? 0;
  }

  /**
   * Takes a rewritten batch; returns what can be exported now: the batch minus the spans it holds, plus held spans
   * whose parent this batch brought (still to be passed through `reparent`). `mayHold` false only releases.
   */
  process(items: ReceivedSpan[], mayHold: boolean, nowMillis = Date.now()): { now: ReceivedSpan[]; released: ReceivedSpan[] } {
    const held = this.held;
    if (held === undefined) return { now: items, released: [] };
    const released: ReceivedSpan[] = [];
    const batchIds = new Set<string>();
    for (const { span } of items) {
      const svc = service(span);
      if (span.tags?.[ORIGINAL_ID] !== undefined && !this.sharing.has(svc)) {
        if (this.sharing.size >= MAX_SERVICES) this.sharing.clear();
        this.sharing.add(svc);
      }
      if (!this.tracked(svc)) continue;
      this.see(`${span.traceId}:${svc}:${span.id}`, batchIds, released, nowMillis);
      // children of a rewritten server name its original (shared) id until they are re-parented
      const original = span.tags?.[ORIGINAL_ID];
      if (original !== undefined) this.see(`${span.traceId}:${svc}:${original}`, batchIds, released, nowMillis);
    }
    this.released += released.length;
    if (!mayHold) return { now: items, released };
    let out: ReceivedSpan[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const { span } = items[i];
      const hold = span.parentId !== undefined && span.kind !== 'SERVER' && span.kind !== 'CONSUMER' && this.tracked(service(span))
        && span.tags?.[ORIGINAL_ID] === undefined && !this.parentKnown(span, batchIds, nowMillis);
      if (hold) {
        out ??= items.slice(0, i);
        held.add(`${span.traceId}:${service(span)}:${span.parentId}`, items[i], estimateSpanBytes(span));
      } else if (out !== undefined) out.push(items[i]);
    }
    return { now: out ?? items, released };
  }

  drain(): ReceivedSpan[] {
    return this.held?.drain() ?? [];
  }

  stop(): void {
    this.held?.stop();
  }

  private see(key: string, batchIds: Set<string>, released: ReceivedSpan[], nowMillis: number): void {
    batchIds.add(key);
    this.seen.set(key, true, nowMillis);
    if (this.held !== undefined && this.held.size > 0) for (const w of this.held.take(key)) released.push(w.item);
  }

  private tracked(svc: string): boolean {
    return this.mode === 'always' || this.sharing.has(svc);
  }

  private parentKnown(span: ZipkinSpan, batchIds: Set<string>, nowMillis: number): boolean {
    const key = `${span.traceId}:${service(span)}:${span.parentId}`;
    return batchIds.has(key) || this.seen.get(key, nowMillis) === true;
  }
}
