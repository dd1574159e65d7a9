import * as assert from 'node:assert';
import { isSpanContextValid, TraceFlags } from '@opentelemetry/api';
import { hexClass, LOWER_HEX, MIXED_HEX, NOT_HEX, SpanContextValidity, trimOws, wireId, WireIdMemo } from '@polytrace/propagator-ids';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

describe('@polytrace/propagator-ids', () => {
  it('classifies hex ranges: lower, mixed case, not hex (control characters, non-ASCII, empty)', () => {
    assert.strictEqual(hexClass(T, 0, 32), LOWER_HEX);
    assert.strictEqual(hexClass(T.toUpperCase(), 0, 32), MIXED_HEX);
    for (const bad of ['4bf9\n', 'zz', '4bf9 ', '٣٣', '\u0130a']) assert.strictEqual(hexClass(bad, 0, bad.length), NOT_HEX, JSON.stringify(bad));
    assert.strictEqual(hexClass('xx4b', 2, 4), LOWER_HEX, 'only the range counts');
    assert.strictEqual(hexClass(T, 3, 3), NOT_HEX);
  });

  it('wireId: valid lower-hex ids as they are, upper case lowered, everything else refused', () => {
    assert.strictEqual(wireId(T, 32), T);
    assert.strictEqual(wireId(S.toUpperCase(), 16), S);
    for (const [id, width] of [[T, 16], [S, 32], ['0'.repeat(32), 32], ['0'.repeat(16), 16], [`${S.slice(0, 15)}\r`, 16], [42, 16], [undefined, 32]] as const) {
      assert.strictEqual(wireId(id, width), undefined, `${String(id)}/${width}`);
    }
  });

  it('WireIdMemo: compacts a zero high half, never remembers an invalid id, rebuilds suffixes when ids change', () => {
    const memo = new WireIdMemo(true, ':');
    assert.ok(memo.load(`${'0'.repeat(16)}${S}`, S));
    assert.strictEqual(memo.withSuffix(0, ':0:01'), `${S}:${S}:0:01`);
    assert.strictEqual(memo.load(T, 'not-an-id-at-all'), false);
    assert.strictEqual(memo.load(T, 'not-an-id-at-all'), false, 'still refused the second time');
    assert.ok(memo.load(T, S));
    assert.strictEqual(memo.withSuffix(0, ':0:01'), `${T}:${S}:0:01`);
    assert.strictEqual(new WireIdMemo(false, '-').load(`${'0'.repeat(16)}${S}`, S), true);
  });

  it('SpanContextValidity answers as the API does, whatever the ids, also after a valid pair was remembered', () => {
    const validity = new SpanContextValidity();
    const ids = [T, S, T.toUpperCase(), '0'.repeat(32), '0'.repeat(16), `${T.slice(0, 31)}g`, `${S.slice(0, 15)}\u0000`, '', `${T}0`];
    for (const traceId of ids) {
      for (const spanId of ids) {
        for (let twice = 0; twice < 2; twice++) {
          const ctx = { traceId, spanId, traceFlags: TraceFlags.SAMPLED };
          assert.strictEqual(validity.isValid(ctx), isSpanContextValid(ctx), `${traceId}/${spanId}`);
        }
      }
    }
  });

  it('trimOws strips spaces and tabs only, and returns the very same string when there are none', () => {
    assert.strictEqual(trimOws(' \t1-2\t '), '1-2');
    assert.strictEqual(trimOws('\n1 2\r'), '\n1 2\r', 'not other whitespace');
    assert.strictEqual(trimOws(' \t '), '');
    const clean = `${T}-${S}`;
    assert.strictEqual(trimOws(clean), clean);
  });
});
