/** Hex checks by table lookup: cheaper than a regular expression on every request. */

// Per UTF-16 code unit: 1 = lower-case hex digit, 3 = upper-case hex digit, 0 = anything else. The whole range is
// covered so that the loop needs no bounds test and no early exit (both cost more than they save on valid ids).
const HEX_CLASS = new Uint8Array(65536);
for (let c = 48; c <= 57; c++) HEX_CLASS[c] = 1;
for (let c = 97; c <= 102; c++) HEX_CLASS[c] = 1;
for (let c = 65; c <= 70; c++) HEX_CLASS[c] = 3;

/** 0 = not hex, 1 = lower-case hex only, 3 = hex with some upper case, over `s[start, end)`. */
export function hexClass(s: string, start: number, end: number): number {
  let all = 1;
  let any = 1;
  for (let i = start; i < end; i++) {
    const k = HEX_CLASS[s.charCodeAt(i)];
    all &= k;
    any |= k;
  }
  return all === 0 ? 0 : any;
}
