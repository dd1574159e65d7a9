/** Hex checks by table lookup: cheaper than a regular expression on every request. */

// 1 = lower-case hex digit, 2 = upper-case hex digit, 0 = anything else.
const HEX_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) HEX_CLASS[c] = 1;
for (let c = 97; c <= 102; c++) HEX_CLASS[c] = 1;
for (let c = 65; c <= 70; c++) HEX_CLASS[c] = 2;

/** 0 = not hex, 1 = lower-case hex only, 3 = hex with some upper case, over `s[start, end)`. */
export function hexClass(s: string, start: number, end: number): number {
  let seen = 1;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? HEX_CLASS[c] : 0;
    if (k === 0) return 0;
    seen |= k;
  }
  return seen;
}
