import type { ZipkinSpan } from '@polytrace/exporter-zipkin';
import { estimateSpanBytes, fragmentsMatch, mergeFragments } from './merge-fragments';
import type { ReceivedSpan } from './received-span';
import { TtlCache } from './ttl-cache';
import { WindowBuffer } from './window-buffer';

export interface LateDataOptions {
  /** how long a span without a timestamp waits for its complete report (default 5000 ms; 0 turns merging off) */
  windowMillis?: number;
  /** cap on waiting fragments; past it the oldest are exported early, unmerged (default 10 000) */
  maxSpans?: number;
  /** cap on the estimated bytes of waiting fragments (default 8 MiB) */
  maxBytes?: number;
  /**
   * How long a complete span that was already exported is remembered, so that a fragment arriving after it still
   * gets its service, name, kind and timing (default 2 min: zipkin-js reports a late end 60 s after its flush).
   */
  rememberMillis?: number;
  /** cap on remembered complete spans (default 20 000; the oldest are forgotten first) */
  rememberMaxSpans?: number;
  /** cap on the request bodies kept to remember them (default 16 MiB) */
  rememberMaxBytes?: number;
}

/** Marks a fragment exported after its complete span already left: backends see the span id a second time. */
export const LATE_FRAGMENT_ATTRIBUTE = 'zipkin.late_fragment';

export interface LateDataCounters {
  merged: number;
  amended: number;
}

const KIND_KEYS = ['', 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
const spanKey = (span: ZipkinSpan): string => `${span.traceId}:${span.id}`;
const fragmentKey = (span: ZipkinSpan): string => `${span.traceId}:${span.id}:${span.kind ?? ''}`;

/** What is remembered of an exported complete span: its identity and timing, not its tags or annotations. */
function summary(span: ZipkinSpan): ZipkinSpan {
  const s: ZipkinSpan = { traceId: span.traceId, id: span.id };
  if (span.parentId !== undefined) s.parentId = span.parentId;
  if (span.name !== undefined) s.name = span.name;
  if (span.kind !== undefined) s.kind = span.kind;
  if (span.timestamp !== undefined) s.timestamp = span.timestamp;
  if (span.duration !== undefined) s.duration = span.duration;
  if (span.shared) s.shared = true;
  if (span.localEndpoint !== undefined) s.localEndpoint = span.localEndpoint;
  return s;
}

/**
 * Late data (spec §4.5): a report without a `timestamp` is a fragment of a span (late tags from Brave/zipkin-js, or
 * the end of a span zipkin-js flushed unfinished). Fragments wait up to `windowMillis` per (traceId, id, kind) and
 * are merged into the complete report when it arrives, in the same POST or a later one. Complete spans are never
 * delayed: a fragment arriving after its complete span was exported is merged with what is remembered of it and
 * exported at once (marked `zipkin.late_fragment`). Unmatched fragments are released when their window ends.
 */
export class LateDataBuffer {
  private readonly fragments: WindowBuffer<ReceivedSpan> | undefined;
  private readonly exported: TtlCache<ZipkinSpan[]>;
  // Exported batches not indexed yet. Indexing costs a key and a summary per span, and keeping decoded spans alive
  // costs the GC (measured: ~25% of bridge throughput), so a batch is kept as the way to decode it again (the
  // request body, off the JS heap) and indexed only once a fragment needs it.
  private readonly recent: { load: () => readonly ZipkinSpan[]; spans: number; bytes: number; at: number }[] = [];
  private recentSpans = 0;
  private recentBytes = 0;
  private readonly rememberMillis: number;
  private readonly rememberMaxSpans: number;
  private readonly rememberMaxBytes: number;
  readonly counters: LateDataCounters = { merged: 0, amended: 0 };

  constructor(options: LateDataOptions, release: (items: ReceivedSpan[], early: boolean) => void, now?: () => number) {
    const windowMillis = options.windowMillis ?? 5000;
    if (windowMillis > 0) {
      this.fragments = new WindowBuffer({ windowMillis, maxEntries: options.maxSpans ?? 10_000, maxBytes: options.maxBytes ?? 8 * 1024 * 1024 }, release, now);
    }
    this.rememberMillis = options.rememberMillis ?? 120_000;
    this.rememberMaxSpans = options.rememberMaxSpans ?? 20_000;
    this.rememberMaxBytes = options.rememberMaxBytes ?? 16 * 1024 * 1024;
    // the TtlCache keeps up to twice its cap across its two generations
    this.exported = new TtlCache(this.rememberMillis, this.rememberMaxSpans);
  }

  get bufferedSpans(): number {
    return this.fragments?.size ?? 0;
  }

  /**
   * Returns what can be exported now, in order; fragments with nothing to merge into stay behind. `source`, when
   * given, decodes the same spans again from the request body (`bytes` long), so they need not stay in memory.
   */
  process(items: ReceivedSpan[], nowMillis = Date.now(), source?: { decode: () => readonly ZipkinSpan[]; bytes: number }): ReceivedSpan[] {
    const buffer = this.fragments;
    if (buffer === undefined) return items;
    let hasFragment = false;
    for (const item of items) if (item.span.timestamp === undefined) hasFragment = true;
    if (!hasFragment && buffer.size === 0) {
      // the common case: complete spans only, nothing waiting
      if (source !== undefined) this.rememberLater(source.decode, items.length, source.bytes, nowMillis);
      else this.rememberSpans(items, nowMillis);
      return items;
    }
    const out: ReceivedSpan[] = [];
    const completeInBatch = new Map<string, ReceivedSpan[]>();
    for (const item of items) {
      if (item.span.timestamp === undefined) continue;
      const merged = { ...item };
      if (buffer.size > 0) this.absorbBuffered(merged, buffer);
      out.push(merged);
      const key = spanKey(item.span);
      const list = completeInBatch.get(key);
      if (list === undefined) completeInBatch.set(key, [merged]);
      else list.push(merged);
    }
    for (const item of items) {
      const fragment = item.span;
      if (fragment.timestamp !== undefined) continue;
      const key = spanKey(fragment);
      const target = pick(completeInBatch.get(key), fragment);
      if (target !== undefined) {
        target.span = mergeFragments(target.span, fragment);
        this.counters.merged++;
        continue;
      }
      if (this.recent.length > 0) this.indexRecent(nowMillis);
      const known = pickSpan(this.exported.get(key, nowMillis), fragment);
      if (known !== undefined) {
        const amended = mergeFragments(known, fragment);
        amended.tags = { ...amended.tags, [LATE_FRAGMENT_ATTRIBUTE]: 'true' };
        this.counters.amended++;
        out.push({ span: amended, receivedAtMicros: item.receivedAtMicros });
        continue;
      }
      this.buffer(item, buffer);
    }
    this.rememberSpans(out.filter((item) => item.span.tags?.[LATE_FRAGMENT_ATTRIBUTE] === undefined), nowMillis);
    return out;
  }

  /** Everything still waiting, unmerged (flush, shutdown). */
  drain(): ReceivedSpan[] {
    return this.fragments?.drain() ?? [];
  }

  stop(): void {
    this.fragments?.stop();
  }

  /** A batch that has no body to decode again (it had fragments merged in): kept as spans, ~2 KB each. */
  private rememberSpans(items: readonly ReceivedSpan[], nowMillis: number): void {
    const spans = items.map((item) => item.span);
    this.rememberLater(() => spans, spans.length, spans.length * 2048, nowMillis);
  }

  private rememberLater(load: () => readonly ZipkinSpan[], spans: number, bytes: number, nowMillis: number): void {
    if (spans === 0) return;
    this.recent.push({ load, spans, bytes, at: nowMillis });
    this.recentSpans += spans;
    this.recentBytes += bytes;
    while (this.recent.length > 0
      && (this.recentSpans > this.rememberMaxSpans || this.recentBytes > this.rememberMaxBytes || nowMillis - this.recent[0].at > this.rememberMillis)) {
      const dropped = this.recent.shift();
      if (dropped === undefined) break;
      this.recentSpans -= dropped.spans;
      this.recentBytes -= dropped.bytes;
    }
  }

  private indexRecent(nowMillis: number): void {
    for (const batch of this.recent) {
      let spans: readonly ZipkinSpan[] = [];
      try {
        spans = batch.load();
      } catch {
        // it decoded once; if it no longer does, there is simply nothing to remember from it
      }
      for (const span of spans) if (span.timestamp !== undefined) this.remember(span, nowMillis);
    }
    this.recent.length = 0;
    this.recentSpans = 0;
    this.recentBytes = 0;
  }

  private remember(span: ZipkinSpan, nowMillis: number): void {
    const key = spanKey(span);
    const known = this.exported.get(key, nowMillis);
    // a shared id has two complete spans (client and server): keep both
    const s = summary(span);
    this.exported.set(key, known === undefined ? [s] : [...known.filter((k) => k.kind !== span.kind).slice(-1), s], nowMillis);
  }

  /** Merges the fragments that were waiting for this complete span into it. */
  private absorbBuffered(item: ReceivedSpan, buffer: WindowBuffer<ReceivedSpan>): void {
    const span = item.span;
    const kinds = span.kind === undefined ? KIND_KEYS : ['', span.kind];
    for (const kind of kinds) {
      for (const waiting of buffer.take(`${span.traceId}:${span.id}:${kind}`)) {
        item.span = mergeFragments(item.span, waiting.item.span);
        this.counters.merged++;
      }
    }
  }

  /** Fragments of one span that arrive before any complete report are merged with each other while they wait. */
  private buffer(item: ReceivedSpan, buffer: WindowBuffer<ReceivedSpan>): void {
    const key = fragmentKey(item.span);
    const waiting = buffer.take(key);
    let merged = item;
    let deadline: number | undefined;
    for (const w of waiting) {
      merged = { span: mergeFragments(w.item.span, merged.span), receivedAtMicros: Math.min(w.item.receivedAtMicros, merged.receivedAtMicros) };
      deadline = deadline === undefined ? w.deadline : Math.min(deadline, w.deadline);
    }
    buffer.add(key, merged, estimateSpanBytes(merged.span), deadline);
  }
}

/** The complete report a fragment belongs to: the same kind first, else the only compatible one. */
function pick(candidates: ReceivedSpan[] | undefined, fragment: ZipkinSpan): ReceivedSpan | undefined {
  if (candidates === undefined) return undefined;
  return candidates.find((c) => c.span.kind === fragment.kind) ?? candidates.find((c) => fragmentsMatch(c.span, fragment));
}

function pickSpan(candidates: ZipkinSpan[] | undefined, fragment: ZipkinSpan): ZipkinSpan | undefined {
  if (candidates === undefined) return undefined;
  return candidates.find((c) => c.kind === fragment.kind) ?? candidates.find((c) => fragmentsMatch(c, fragment));
}
