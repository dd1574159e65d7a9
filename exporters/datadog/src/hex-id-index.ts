/**
 * v0.5: string-table indices of 16-hex-digit values (a trace's `_dd.p.tid`, `_dd.parent_id`), found by their
 * 64-bit value in an open-addressing table of typed arrays instead of through the string table's hash map.
 * These values arrive once per trace as fresh strings, so the map lookup hashed each of them and grew the map by
 * one key per trace; most never repeat (random OTel ids), yet some do (dd-trace's time-based high bits), and the
 * string table must hold each string once. Only lowercase digits are accepted, so value ↔ string is one-to-one.
 * Bounded: at most MAX_ENTRIES per payload, after which `get` answers FULL and the caller uses the map.
 */

/** `get`: the value is not 16 lowercase hex digits. */
export const NOT_HEX = -1;
/** `get`: not in the table yet; `set` stores it. */
export const NOT_FOUND = -2;
/** `get`: not in the table, and the table takes no more entries this payload. */
export const FULL = -3;

const MIN_SLOTS = 1024;
// At most half full, so the arrays stop at 65,536 slots (1 MiB): ~3.5 MiB of one-span traces in v0.5. The rest of
// a bigger payload goes through the string table's map, as everything did before.
const MAX_ENTRIES = 1 << 15;

/** ASCII code → value of a lowercase hex digit, -1 for anything else. */
const LOWER_HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) LOWER_HEX[48 + i] = i;
for (let i = 0; i < 6; i++) LOWER_HEX[97 + i] = 10 + i;

export class HexIdIndex {
  private high = new Int32Array(MIN_SLOTS);
  private low = new Int32Array(MIN_SLOTS);
  private index = new Int32Array(MIN_SLOTS);
  /** A slot is in use when its stamp is the current generation: `clear` is O(1). */
  private stamp = new Uint32Array(MIN_SLOTS);
  private generation = 1;
  private count = 0;
  /** Where `set` stores, found by the last `get`. */
  private slot = 0;

  /** Forgets every entry (a new payload). */
  clear(): void {
    this.count = 0;
    if (++this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
  }

  /** The index stored for `s`, or NOT_HEX, NOT_FOUND or FULL. */
  get(s: string): number {
    if (s.length !== 16) return NOT_HEX;
    invalid = false;
    const h = hexWord(s, 0);
    const l = hexWord(s, 8);
    if (invalid) return NOT_HEX;
    const mask = this.stamp.length - 1;
    const generation = this.generation;
    let i = slotOf(h, l) & mask;
    while (this.stamp[i] === generation) {
      if (this.low[i] === l && this.high[i] === h) {
        this.slot = i;
        return this.index[i];
      }
      i = (i + 1) & mask;
    }
    this.slot = i;
    this.high[i] = h; // kept for `set`
    this.low[i] = l;
    return this.count >= MAX_ENTRIES ? FULL : NOT_FOUND;
  }

  /** Stores `index` for the value the last `get` answered (NOT_FOUND, or found but stale after a rollback). */
  set(index: number): void {
    const i = this.slot;
    this.index[i] = index;
    if (this.stamp[i] === this.generation) return;
    this.stamp[i] = this.generation;
    if (++this.count * 2 > this.stamp.length) this.grow();
  }

  private grow(): void {
    const { high, low, index, stamp, generation } = this;
    const size = stamp.length * 2;
    this.high = new Int32Array(size);
    this.low = new Int32Array(size);
    this.index = new Int32Array(size);
    this.stamp = new Uint32Array(size);
    const mask = size - 1;
    for (let j = 0; j < stamp.length; j++) {
      if (stamp[j] !== generation) continue;
      let i = slotOf(high[j], low[j]) & mask;
      while (this.stamp[i] === generation) i = (i + 1) & mask;
      this.high[i] = high[j];
      this.low[i] = low[j];
      this.index[i] = index[j];
      this.stamp[i] = generation;
    }
  }
}

/** Mixes both words (the low one is random in OTel ids; dd-trace's high halves differ in their high word only). */
function slotOf(h: number, l: number): number {
  const x = Math.imul(l ^ Math.imul(h, 0x85ebca6b), 0x9e3779b1);
  return x ^ (x >>> 15);
}

/** Set by `hexWord` when a character is not a lowercase hex digit (a flag, so the result stays an int32). */
let invalid = false;

/** Eight lowercase hex digits at `s[from]` as an int32 (sets `invalid` otherwise). */
function hexWord(s: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 8; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? LOWER_HEX[c] : -1;
    if (d < 0) {
      invalid = true;
      return 0;
    }
    v = (v << 4) | d;
  }
  return v;
}
