export interface WindowBufferOptions {
  /** how long an entry waits before it is released on its own */
  windowMillis: number;
  /** cap on entries; past it the oldest are released early */
  maxEntries: number;
  /** cap on the (estimated) bytes of all entries; past it the oldest are released early */
  maxBytes: number;
}

interface Entry<T> {
  key: string;
  item: T;
  bytes: number;
  deadline: number;
}

/**
 * A bounded, keyed holding area with a deadline per entry. Entries leave by `take(key)`, when their window ends,
 * or early when the count or byte cap is reached; they are never dropped. One unref'd timer, armed for the oldest
 * deadline, so an idle buffer costs nothing and never keeps the process alive.
 */
export class WindowBuffer<T> {
  // insertion order ≈ deadline order (every entry gets the same window), so the oldest is the first key; an entry
  // re-added with its original deadline (a merge) sits behind younger ones and may leave up to one window late
  private readonly entries = new Map<number, Entry<T>>();
  private readonly byKey = new Map<string, number[]>();
  private seq = 0;
  private totalBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: WindowBufferOptions,
    /** receives released entries; `early` when a cap forced them out before their window ended */
    private readonly release: (items: T[], early: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Adds an entry; `deadline` keeps an earlier one (a merged entry keeps its original window). */
  add(key: string, item: T, bytes: number, deadline = this.now() + this.options.windowMillis): void {
    const seq = this.seq++;
    this.entries.set(seq, { key, item, bytes, deadline });
    const seqs = this.byKey.get(key);
    if (seqs === undefined) this.byKey.set(key, [seq]);
    else seqs.push(seq);
    this.totalBytes += bytes;
    if (this.entries.size > this.options.maxEntries || this.totalBytes > this.options.maxBytes) {
      const evicted: T[] = [];
      while (this.entries.size > 0 && (this.entries.size > this.options.maxEntries || this.totalBytes > this.options.maxBytes)) {
        evicted.push(this.removeFirst().item);
      }
      this.release(evicted, true);
    }
    this.schedule();
  }

  /** Removes and returns every entry under `key`, with their deadlines. */
  take(key: string): { item: T; deadline: number }[] {
    const seqs = this.byKey.get(key);
    if (seqs === undefined) return [];
    this.byKey.delete(key);
    const out: { item: T; deadline: number }[] = [];
    for (const seq of seqs) {
      const entry = this.entries.get(seq);
      if (entry === undefined) continue;
      this.entries.delete(seq);
      this.totalBytes -= entry.bytes;
      out.push({ item: entry.item, deadline: entry.deadline });
    }
    return out;
  }

  /** Removes and returns everything (flush, shutdown). */
  drain(): T[] {
    const out: T[] = [];
    for (const entry of this.entries.values()) out.push(entry.item);
    this.entries.clear();
    this.byKey.clear();
    this.totalBytes = 0;
    this.stop();
    return out;
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private removeFirst(): Entry<T> {
    const [seq, entry] = this.entries.entries().next().value as [number, Entry<T>];
    this.entries.delete(seq);
    this.totalBytes -= entry.bytes;
    const seqs = this.byKey.get(entry.key);
    if (seqs !== undefined) {
      const i = seqs.indexOf(seq);
      if (i >= 0) seqs.splice(i, 1);
      if (seqs.length === 0) this.byKey.delete(entry.key);
    }
    return entry;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.entries.size === 0) return;
    const first = this.entries.values().next().value as Entry<T>;
    this.timer = setTimeout(() => this.expire(), Math.max(0, first.deadline - this.now()));
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.now();
    const expired: T[] = [];
    while (this.entries.size > 0) {
      const first = this.entries.values().next().value as Entry<T>;
      if (first.deadline > now) break;
      expired.push(this.removeFirst().item);
    }
    if (expired.length > 0) this.release(expired, false);
    this.schedule();
  }
}
