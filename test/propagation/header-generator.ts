/**
 * Seeded generator of hostile header sets for the propagation fuzz test: valid headers of every style,
 * single-character mutations of them, garbage (control characters, non-ASCII, huge values), arrays
 * (duplicated headers), non-string values, and headers whose invalidity the test knows by construction.
 */

export type HeaderValue = string | string[] | number | undefined | null | object;
export type HeaderSet = Record<string, HeaderValue>;

/** Mulberry32: tiny, fast and reproducible from a seed. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class HeaderGenerator {
  constructor(private readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }

  nonZeroHex(length: number): string {
    const s = this.hex(length);
    return /^0+$/.test(s) ? `${s.slice(0, -1)}1` : s;
  }

  decimal(): string {
    return this.pick([
      () => String(1 + this.int(1000)),
      () => BigInt(`0x${this.nonZeroHex(16)}`).toString(),
      () => `-${1 + this.int(100000)}`,
      () => '18446744073709551615',
    ])();
  }

  garbage(): string {
    return this.pick([
      () => '',
      () => ' ',
      () => '\u0000\u0001\u001f\u007f',
      () => 'é€😀\uD800',
      () => 'x'.repeat(1 + this.int(20000)),
      () => ','.repeat(this.int(5000)),
      () => '='.repeat(this.int(300)),
      () => ';:~'.repeat(this.int(300)),
      () => String.fromCharCode(...Array.from({ length: this.int(64) }, () => this.int(0x10000))),
      () => `_dd.p.${'k'.repeat(this.int(600))}=v`,
      () => Array.from({ length: this.int(200) }, (_, i) => `k${i}=v${i}`).join(','),
      () => 'dd=' + 't.x:1;'.repeat(this.int(200)),
      () => '%E0%A4%A',
      () => this.hex(this.int(40)),
      () => this.decimal(),
    ])();
  }

  /** Flips, inserts or deletes one character. */
  mutate(value: string): string {
    if (value === '') return this.garbage();
    const i = this.int(value.length);
    const ch = this.pick(['g', 'G', 'A', '-', ' ', '0', ':', '\n', '\u00e9', '', 'ff', ',', '=']);
    return this.pick([
      () => value.slice(0, i) + ch + value.slice(i + 1),
      () => value.slice(0, i) + ch + value.slice(i),
      () => value.slice(0, i) + value.slice(i + 1),
      () => value.toUpperCase(),
      () => ` ${value} `,
    ])();
  }

  /** Sometimes wraps a value the way a carrier might hold it: duplicated header, non-string, etc. */
  shape(value: string): HeaderValue {
    const r = this.random();
    if (r < 0.8) return value;
    if (r < 0.9) return [value, this.pick([value, this.garbage()])];
    if (r < 0.93) return [value];
    if (r < 0.95) return [];
    return this.pick<HeaderValue>([42, null, undefined, { toString: () => value }, [1, 2]]);
  }

  validHeaders(): HeaderSet {
    const traceId = this.pick([this.nonZeroHex(32), `0000000000000000${this.nonZeroHex(16)}`]);
    const spanId = this.nonZeroHex(16);
    const headers: HeaderSet = {};
    if (this.random() < 0.5) {
      headers['x-datadog-trace-id'] = this.decimal();
      headers['x-datadog-parent-id'] = this.decimal();
      headers['x-datadog-sampling-priority'] = String(this.int(4) - 1);
      if (this.random() < 0.3) headers['x-datadog-origin'] = this.pick(['synthetics', 'rum', 'lambda']);
      if (this.random() < 0.5) headers['x-datadog-tags'] = `_dd.p.tid=${this.nonZeroHex(16)},_dd.p.dm=-${this.int(13)}`;
    }
    if (this.random() < 0.5) {
      headers.traceparent = `00-${traceId}-${spanId}-0${this.int(2)}`;
      if (this.random() < 0.5) headers.tracestate = `dd=s:${this.int(4) - 1};p:${this.hex(16)};o:rum;t.dm:-4,foo=bar`;
    }
    if (this.random() < 0.4) headers.b3 = `${traceId}-${spanId}-${this.pick(['0', '1', 'd'])}`;
    if (this.random() < 0.4) {
      headers['x-b3-traceid'] = traceId;
      headers['x-b3-spanid'] = spanId;
      headers['x-b3-sampled'] = String(this.int(2));
      if (this.random() < 0.2) headers['x-b3-flags'] = '1';
    }
    if (this.random() < 0.4) {
      headers['uber-trace-id'] = `${traceId}:${spanId}:0:${this.int(4)}`;
      headers['uberctx-user'] = 'alice';
    }
    if (this.random() < 0.3) headers.baggage = `user=alice,plan=${encodeURIComponent('pro plan')}`;
    if (this.random() < 0.1) headers['jaeger-debug-id'] = 'dbg';
    return headers;
  }

  /** A valid set, then per header: keep, mutate, replace with garbage, or reshape. */
  headerSet(): HeaderSet {
    const headers = this.validHeaders();
    const out: HeaderSet = {};
    for (const [key, value] of Object.entries(headers)) {
      const v = String(value);
      const r = this.random();
      const next = r < 0.4 ? v : r < 0.75 ? this.mutate(v) : r < 0.9 ? this.garbage() : v;
      out[key] = this.shape(next);
    }
    return out;
  }
}

/** One style's header set that is invalid by construction, and only that style's headers are present. */
export function invalidFor(style: string, g: HeaderGenerator): HeaderSet {
  const traceId = g.nonZeroHex(32);
  const spanId = g.nonZeroHex(16);
  switch (style) {
    case 'datadog':
      return {
        'x-datadog-trace-id': g.pick(['0', 'abc', '12abc', '18446744073709551616', '', '1e3', '+5', '1'.repeat(21), '-', '٣']),
        'x-datadog-parent-id': g.decimal(),
        'x-datadog-sampling-priority': '1',
      };
    case 'tracecontext':
      return {
        traceparent: g.pick([
          `ff-${traceId}-${spanId}-01`, `00-${'0'.repeat(32)}-${spanId}-01`, `00-${traceId}-${'0'.repeat(16)}-01`,
          `00-${traceId.slice(1)}-${spanId}-01`, `00-${traceId}-${spanId}-01-tail`, `00-${traceId}g-${spanId}-01`,
          `00_${traceId}_${spanId}_01`, `00-${traceId}-${spanId}`,
        ]),
        tracestate: 'dd=s:2;o:rum',
      };
    case 'b3':
    case 'b3multi': {
      const bad = g.pick([`${traceId.slice(1)}`, `${traceId}0`, `${traceId.slice(0, 31)}g`, '', `${'0'.repeat(32)}`]);
      return style === 'b3'
        ? { b3: `${bad}-${spanId}-1` }
        : { 'x-b3-traceid': bad, 'x-b3-spanid': spanId, 'x-b3-sampled': '1' };
    }
    case 'jaeger':
      return { 'uber-trace-id': g.pick([`zz:${spanId}:0:1`, `${traceId}:${spanId}`, `${traceId}:${spanId}:0`, `${traceId}:0:0:1`, '', `${traceId}-${spanId}-0-1`]) };
    default:
      return {};
  }
}
