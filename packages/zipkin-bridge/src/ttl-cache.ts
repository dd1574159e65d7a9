/**
 * A two-generation cache: entries live in `young` until the next rotation, then in `old` for one more period, so
 * each is remembered for between `ttlMillis` and twice that. Rotation also happens early once `young` holds half of
 * `maxEntries`, which bounds memory under any load. Every operation is O(1) (no scans over expired entries).
 */
export class TtlCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private rotatedAt: number | undefined;

  constructor(private readonly ttlMillis: number, private readonly maxEntries: number) {}

  private rotateIfDue(now: number): void {
    if (this.rotatedAt === undefined) this.rotatedAt = now;
    const expired = now - this.rotatedAt >= this.ttlMillis;
    if (expired || this.young.size >= this.maxEntries / 2) {
      // after a long idle period both generations are stale
      this.old = expired && now - this.rotatedAt >= 2 * this.ttlMillis ? new Map() : this.young;
      this.young = new Map();
      this.rotatedAt = now;
    }
  }

  get(key: string, now: number): V | undefined {
    this.rotateIfDue(now);
    const value = this.young.get(key);
    return value !== undefined ? value : this.old.get(key);
  }

  set(key: string, value: V, now: number): void {
    this.rotateIfDue(now);
    this.young.set(key, value);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
