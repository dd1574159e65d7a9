import { isIPv4, isIPv6 } from 'node:net';

/** `a.b.c.d` → 4 bytes, or undefined when it is not an IPv4 literal. */
export function ipv4ToBytes(text: string): Uint8Array | undefined {
  if (!isIPv4(text)) return undefined;
  return Uint8Array.from(text.split('.'), Number);
}

export function bytesToIpv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** Any IPv6 literal (with `::` and an optional embedded IPv4 tail) → 16 bytes. */
export function ipv6ToBytes(text: string): Uint8Array | undefined {
  if (!isIPv6(text)) return undefined;
  let head = text;
  const v4: number[] = [];
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.', lastColon)) {
    const b = ipv4ToBytes(head.slice(lastColon + 1));
    if (b === undefined) return undefined;
    v4.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
    head = head.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const halves = head.split('::');
  const all = halves.length === 1
    ? groups(halves[0]).concat(v4)
    : (() => {
        const left = groups(halves[0]);
        const right = groups(halves[1]).concat(v4);
        return [...left, ...new Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
      })();
  if (all.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[i * 2] = all[i] >> 8;
    bytes[i * 2 + 1] = all[i] & 0xff;
  }
  return bytes;
}

/** 16 bytes → the RFC 5952 canonical text (lower-case, longest run of ≥2 zero groups as `::`). */
export function bytesToIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
