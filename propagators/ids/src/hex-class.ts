// Per UTF-16 code unit: 3 = digit or a-f, 1 = A-F, 0 = anything else. AND-ing a whole id gives 3 (lower-case
// hex), 1 (hex with some upper case) or 0 (not hex) without a branch per character: a third of a regex test.
const HEX_CLASS = new Uint8Array(65536);
for (let c = 0x30; c <= 0x39; c++) HEX_CLASS[c] = 3;
for (let c = 0x61; c <= 0x66; c++) HEX_CLASS[c] = 3;
for (let c = 0x41; c <= 0x46; c++) HEX_CLASS[c] = 1;

export const LOWER_HEX = 3;
export const MIXED_HEX = 1;
export const NOT_HEX = 0;

/** LOWER_HEX when value[start, end) is lower-case hex, MIXED_HEX when it has some upper case, NOT_HEX when not hex or empty. */
export function hexClass(value: string, start: number, end: number): number {
  if (end <= start) return NOT_HEX;
  let hex = LOWER_HEX;
  for (let i = start; i < end; i++) hex &= HEX_CLASS[value.charCodeAt(i)];
  return hex;
}

const ZEROS_32 = '00000000000000000000000000000000';
const ZEROS_16 = '0000000000000000';

/** True for the all-zero id of `width` (32 or 16) digits; the first digit settles it almost always. */
export function isZeroId(id: string, width: 32 | 16): boolean {
  return id.charCodeAt(0) === 0x30 && id === (width === 32 ? ZEROS_32 : ZEROS_16);
}
