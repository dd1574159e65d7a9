import assert from 'node:assert/strict';
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import fc from 'fast-check';
import { getJaegerDebugId, isJaegerDebug, JaegerPropagator } from '@polytrace/propagator-jaeger';

const propagator = new JaegerPropagator();
const T = 'd4cda95b652f4a1592b449d5929fda1b';
const S = '6e0c63257de34c92';

function extract(headers: Record<string, unknown>, ctx: Context = ROOT_CONTEXT): Context {
  return propagator.extract(ctx, headers, defaultTextMapGetter);
}

function inject(ctx: Context, p: JaegerPropagator = propagator): Record<string, string> {
  const carrier: Record<string, string> = {};
  p.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

function withSpan(traceId: string, sampled: boolean): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: S, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE });
}

function baggageOf(ctx: Context): Record<string, string> {
  return Object.fromEntries((propagation.getBaggage(ctx)?.getAllEntries() ?? []).map(([k, e]) => [k, e.value]));
}

describe('JaegerPropagator: specs/jaeger.md §5.3 vectors', () => {
  it('#1/#2 injects full ids, parent 0, two-digit flags', () => {
    assert.deepEqual(inject(withSpan(T, true)), { 'uber-trace-id': `${T}:${S}:0:01` });
    assert.deepEqual(inject(withSpan(T, false)), { 'uber-trace-id': `${T}:${S}:0:00` });
  });

  it('#3 injects nothing when tracing is suppressed', () => {
    assert.deepEqual(inject(suppressTracing(withSpan(T, true))), {});
  });

  it('#4/#24 injects baggage URL-encoded under uberctx-', () => {
    const baggage = propagation.createBaggage({ test: { value: '1' }, myuser: { value: '%id%' }, key1: { value: 'value 1 / blah' } });
    assert.deepEqual(inject(propagation.setBaggage(ROOT_CONTEXT, baggage)), {
      'uberctx-test': '1',
      'uberctx-myuser': '%25id%25',
      'uberctx-key1': 'value%201%20%2F%20blah',
    });
  });

  const extractVectors: Array<[string, string, string | null, string, number]> = [
    ['#5', `${T}:${S}:0:01`, T, S, 1],
    ['#6', '9c41e35aeb6d1272:45fd2a9709dadcf1:a13699e3fb724f40:1', '00000000000000009c41e35aeb6d1272', '45fd2a9709dadcf1', 1],
    ['#7', '9c41e35aeb6d1272:45fd2a9709dadcf1:a13699e3fb724f40:0', '00000000000000009c41e35aeb6d1272', '45fd2a9709dadcf1', 0],
    ['#8', 'ac1f3dc3c2c0b06e%3A5ac292c4a11a163e%3Ac086aaa825821068%3A1', '0000000000000000ac1f3dc3c2c0b06e', '5ac292c4a11a163e', 1],
    ['#9', '4cda95b652f4a1592b449d5929fda1b:e0c63257de34c92:0:01', '04cda95b652f4a1592b449d5929fda1b', '0e0c63257de34c92', 1],
    ['#17', '100:7f:0:1', '00000000000000000000000000000100', '000000000000007f', 1],
    ['#18', 'ff0:7f:100:0', '00000000000000000000000000000ff0', '000000000000007f', 0],
    ['#19', 'ffffffffffffffff:ffffffffffffffff:5:1', '0000000000000000ffffffffffffffff', 'ffffffffffffffff', 1],
    ['#20', '20000000000000100:7f:0:1', '00000000000000020000000000000100', '000000000000007f', 1],
    ['#25 flags 03 keep debug', `${T}:${S}:0:03`, T, S, 1],
    ['#27 debug without sampled', `${T}:${S}:0:2`, T, S, 0],
    ['firehose and bit 4 ignored', `${T}:${S}:0:0d`, T, S, 1],
    ['upper-case hex', `${T.toUpperCase()}:${S.toUpperCase()}:0:01`, T, S, 1],
  ];
  for (const [name, header, traceId, spanId, flags] of extractVectors) {
    it(`${name} extracts ${header}`, () => {
      const sc = trace.getSpanContext(extract({ 'uber-trace-id': header }));
      assert.deepEqual(sc, { traceId, spanId, traceFlags: flags, isRemote: true });
    });
  }

  const invalid = [
    'invalid!', '%ZZ', 'abc%G:123:0:01', '%', '1:1:1:1:1', '1:1:1', 'x:1:1:1', '1:x:1:1', '1:1:x:1', '1:1:1:x',
    '0:1:1:1', '1:0:1:1', 'bad value', `${T}:${S}:0:zz` /* #26: OTel reads this as sampled */, `${T}:${S}:0:001`,
    `a${T}:${S}:0:1`, `${T}:a${S}:0:1`, `${T}:${S}::1`, '',
  ];
  for (const header of invalid) {
    it(`#10/#11/#21/#26 yields no context for ${JSON.stringify(header)}`, () => {
      assert.equal(trace.getSpanContext(extract({ 'uber-trace-id': header })), undefined);
    });
  }

  it('#12 an invalid trace header still lets baggage through', () => {
    const ctx = extract({ 'uber-trace-id': '%ZZ', 'uberctx-test': 'value' });
    assert.equal(trace.getSpanContext(ctx), undefined);
    assert.deepEqual(baggageOf(ctx), { test: 'value' });
  });

  it('#13/#14 decodes baggage; a bad escape drops that entry only', () => {
    assert.deepEqual(baggageOf(extract({ 'uberctx-bad': '%ZZ', 'uberctx-test': 'value', 'uberctx-myuser': '%25id%25' })), {
      test: 'value',
      myuser: '%id%',
    });
  });

  it('#15 a repeated baggage header keeps its first value', () => {
    assert.deepEqual(baggageOf(extract({ 'uberctx-test': ['one', 'two'] })), { test: 'one' });
  });

  it('#16 merges into existing baggage', () => {
    const existing = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ one: { value: 'two' } }));
    assert.deepEqual(baggageOf(extract({ 'uberctx-test': '1', 'uberctx-myuser': 'x' }, existing)), { one: 'two', test: '1', myuser: 'x' });
  });

  it('baggage prefix is case-insensitive and keys come out lower-case', () => {
    assert.deepEqual(baggageOf(extract({ 'UberCtx-User-Id': 'u1', 'Uber-Trace-Id': `${T}:${S}:0:1` })), { 'user-id': 'u1' });
  });

  it('#22 jaeger-debug-id without a trace header marks the next root as debug', () => {
    const ctx = extract({ 'jaeger-debug-id': 'value1' });
    assert.equal(trace.getSpanContext(ctx), undefined);
    assert.equal(getJaegerDebugId(ctx), 'value1');
    const root = trace.setSpanContext(ctx, { traceId: T, spanId: S, traceFlags: TraceFlags.SAMPLED });
    assert.equal(getJaegerDebugId(root), undefined, 'a child of the root is not a root');
    assert.equal(inject(root)['uber-trace-id'], `${T}:${S}:0:03`);
  });

  it('jaeger-debug-id is ignored when a valid trace header is present', () => {
    assert.equal(getJaegerDebugId(extract({ 'jaeger-debug-id': 'v', 'uber-trace-id': `${T}:${S}:0:1` })), undefined);
  });

  it('#23 jaeger-baggage pairs become baggage; uberctx- wins on conflict', () => {
    assert.deepEqual(baggageOf(extract({ 'jaeger-baggage': 'key1=value1, key2=value2,bad, key3=value3', 'uberctx-key1': 'x' })), {
      key1: 'x', key2: 'value2', key3: 'value3',
    });
  });

  it('debug (flags 03) is re-injected from descendants of the extracted trace only', () => {
    const extracted = extract({ 'uber-trace-id': `${T}:${S}:0:3` });
    assert.equal(isJaegerDebug(extracted), true);
    const child = trace.setSpanContext(extracted, { traceId: T, spanId: 'aaaaaaaaaaaaaaaa', traceFlags: TraceFlags.SAMPLED });
    assert.equal(inject(child)['uber-trace-id'], `${T}:aaaaaaaaaaaaaaaa:0:03`);
    const other = trace.setSpanContext(extracted, { traceId: 'b'.repeat(32), spanId: S, traceFlags: TraceFlags.SAMPLED });
    assert.equal(inject(other)['uber-trace-id'], `${'b'.repeat(32)}:${S}:0:01`);
  });

  it('a 64-bit trace goes back out in its 64-bit form unless compaction is off', () => {
    const ctx = extract({ 'uber-trace-id': '9c41e35aeb6d1272:45fd2a9709dadcf1:0:1' });
    assert.equal(inject(ctx)['uber-trace-id'], '9c41e35aeb6d1272:45fd2a9709dadcf1:0:01');
    assert.equal(
      inject(ctx, new JaegerPropagator({ compact64BitTraceIds: false }))['uber-trace-id'],
      '00000000000000009c41e35aeb6d1272:45fd2a9709dadcf1:0:01',
    );
  });

  it('custom trace header and baggage prefix', () => {
    const custom = new JaegerPropagator({ traceHeader: 'X-Trace', baggagePrefix: 'ctx-' });
    const ctx = custom.extract(ROOT_CONTEXT, { 'x-trace': `${T}:${S}:0:1`, 'ctx-a': 'b', 'uber-trace-id': `${'c'.repeat(32)}:${S}:0:1` }, defaultTextMapGetter);
    assert.equal(trace.getSpanContext(ctx)?.traceId, T);
    assert.deepEqual(baggageOf(ctx), { a: 'b' });
    assert.deepEqual(inject(ctx, custom), { 'x-trace': `${T}:${S}:0:01`, 'ctx-a': 'b' });
    assert.deepEqual(custom.fields(), ['x-trace']);
  });

  it('skips baggage keys that cannot be header names and values that cannot be URL-encoded', () => {
    const baggage = propagation.createBaggage({ 'bad key': { value: '1' }, ok: { value: '\ud800' }, fine: { value: 'é' } });
    assert.deepEqual(inject(propagation.setBaggage(ROOT_CONTEXT, baggage)), { 'uberctx-fine': '%C3%A9' });
  });
});

describe('JaegerPropagator bad input', () => {
  const throwing: TextMapGetter = { get() { throw new Error('boom'); }, keys() { throw new Error('boom'); } };

  it('never throws for hostile carriers and getters', () => {
    for (const [carrier, getter] of [[null, defaultTextMapGetter], [undefined, defaultTextMapGetter], [{}, throwing]] as const) {
      assert.equal(propagator.extract(ROOT_CONTEXT, carrier, getter as TextMapGetter), ROOT_CONTEXT);
    }
  });

  it('bounds baggage: huge values and header floods are cut off', () => {
    const flood: Record<string, string> = { 'uberctx-huge': 'x'.repeat(1 << 20) };
    for (let i = 0; i < 5000; i++) flood[`uberctx-k${i}`] = 'v';
    const entries = Object.keys(baggageOf(extract(flood)));
    assert.ok(entries.length <= 180, `${entries.length} entries`);
    assert.ok(!entries.includes('huge'));
  });

  it('never throws and only yields valid lower-hex contexts for generated headers', () => {
    const part = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:%3Ax \t'.split('')), maxLength: 40 });
    const value = fc.oneof(part, fc.string({ maxLength: 90 }), fc.array(part, { maxLength: 2 }));
    const name = fc.constantFrom('uber-trace-id', 'Uber-Trace-Id', 'uberctx-a', 'UBERCTX-B', 'jaeger-debug-id', 'jaeger-baggage');
    fc.assert(
      fc.property(fc.dictionary(name, value), (headers) => {
        const sc = trace.getSpanContext(extract(headers));
        if (sc !== undefined) assert.match(sc.traceId + sc.spanId, /^[0-9a-f]{48}$/);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('JaegerPropagator baggage keys that are special in JavaScript', () => {
  it('keeps `__proto__` and `constructor` as ordinary baggage keys', () => {
    const ctx = propagator.extract(ROOT_CONTEXT, JSON.parse('{"uberctx-__proto__":"a","uberctx-constructor":"b"}') as object, defaultTextMapGetter);
    assert.deepEqual(baggageOf(ctx), { ['__proto__']: 'a', constructor: 'b' });
  });
});

describe('JaegerPropagator: one instance across many injects and extractions', () => {
  it('each context gets its own ids, and a bad id after good ones still writes nothing', () => {
    const p = new JaegerPropagator();
    const other = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'b'.repeat(32), spanId: 'c'.repeat(16), traceFlags: TraceFlags.NONE });
    const bad = trace.setSpanContext(ROOT_CONTEXT, { traceId: `${T.slice(0, 31)}\n`, spanId: S, traceFlags: TraceFlags.SAMPLED });
    const upper = trace.setSpanContext(ROOT_CONTEXT, { traceId: T.toUpperCase(), spanId: S.toUpperCase(), traceFlags: TraceFlags.SAMPLED });
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(inject(withSpan(T, true), p), { 'uber-trace-id': `${T}:${S}:0:01` });
      assert.deepEqual(inject(withSpan(T, false), p), { 'uber-trace-id': `${T}:${S}:0:00` });
      assert.deepEqual(inject(bad, p), {});
      assert.deepEqual(inject(bad, p), {});
      assert.deepEqual(inject(other, p), { 'uber-trace-id': `${'b'.repeat(32)}:${'c'.repeat(16)}:0:00` });
      assert.deepEqual(inject(upper, p), { 'uber-trace-id': `${T}:${S}:0:01` });
    }
  });

  it('a changed baggage is written as it is now, not as it was first injected', () => {
    const p = new JaegerPropagator();
    const first = propagation.createBaggage({ a: { value: '1 2' } });
    const ctx = propagation.setBaggage(ROOT_CONTEXT, first);
    assert.deepEqual(inject(ctx, p), { 'uberctx-a': '1%202' });
    assert.deepEqual(inject(ctx, p), { 'uberctx-a': '1%202' });
    assert.deepEqual(inject(propagation.setBaggage(ROOT_CONTEXT, first.setEntry('b', { value: 'x' })), p), { 'uberctx-a': '1%202', 'uberctx-b': 'x' });
    assert.deepEqual(inject(propagation.setBaggage(ROOT_CONTEXT, first.removeEntry('a')), p), {});
  });

  it('extracted uberctx baggage behaves as a Baggage: entries, set, remove, and merge with existing baggage', () => {
    const ctx = extract({ 'uber-trace-id': `${T}:${S}:0:1`, 'uberctx-user': 'alice%20smith', 'UBERCTX-Tenant': 't-42' });
    const baggage = propagation.getBaggage(ctx)!;
    assert.deepEqual(baggage.getEntry('user'), { value: 'alice smith' });
    assert.equal(baggage.getEntry('missing'), undefined);
    assert.deepEqual(baggageOf(ctx), { user: 'alice smith', tenant: 't-42' });
    assert.deepEqual(Object.fromEntries(baggage.setEntry('x', { value: 'y' }).removeEntry('user').getAllEntries().map(([k, e]) => [k, e.value])), { tenant: 't-42', x: 'y' });
    assert.deepEqual(baggage.removeEntries('user', 'tenant').getAllEntries(), []);
    assert.deepEqual(baggage.clear().getAllEntries(), []);
    assert.deepEqual(baggageOf(ctx), { user: 'alice smith', tenant: 't-42' }, 'the extracted baggage itself is unchanged');
    const existing = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ user: { value: 'bob' }, keep: { value: '1' } }));
    assert.deepEqual(baggageOf(extract({ 'uberctx-user': 'carol' }, existing)), { user: 'carol', keep: '1' });
  });
});
