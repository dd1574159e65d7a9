import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * Fixed-capacity FIFO preallocated once: `push` writes one slot and bumps two integers, no allocation per span.
 * Taken slots are cleared so exported spans can be collected.
 */
export class SpanRing {
  private readonly slots: (ReadableSpan | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<ReadableSpan | undefined>(capacity).fill(undefined);
  }

  get length(): number {
    return this.count;
  }

  /** false when full (the caller counts the drop) */
  push(span: ReadableSpan): boolean {
    if (this.count === this.capacity) return false;
    let index = this.head + this.count;
    if (index >= this.capacity) index -= this.capacity;
    this.slots[index] = span;
    this.count++;
    return true;
  }

  /** removes up to `max` oldest spans */
  take(max: number): ReadableSpan[] {
    const n = Math.min(max, this.count);
    const out = new Array<ReadableSpan>(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.slots[this.head] as ReadableSpan;
      this.slots[this.head] = undefined;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    }
    this.count -= n;
    return out;
  }
}
