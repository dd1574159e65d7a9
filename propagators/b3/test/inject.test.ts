import assert from 'node:assert/strict';
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { B3Propagator, type B3InjectEncoding } from '@polytrace/propagator-b3';

const T = '80f198ee56343ba864fe8b2a57d3eff7';
const T16 = '64fe8b2a57d3eff7';
const S = 'e457b5a2e4d86bd1';

function inject(ctx: Context, injectEncoding?: B3InjectEncoding, compact64BitTraceIds?: boolean): Record<string, string> {
  const carrier: Record<string, string> = {};
  new B3Propagator({ injectEncoding, compact64BitTraceIds }).inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

function extract(headers: Record<string, string>): Context {
  return new B3Propagator().extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

function local(traceId: string, sampled: boolean): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: S, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE });
}

describe('B3Propagator inject: specs/zipkin.md §1.9', () => {
  it('I1 accept: single, multi, and both by default', () => {
    assert.deepEqual(inject(local(T, true), 'single'), { b3: `${T}-${S}-1` });
    assert.deepEqual(inject(local(T, true), 'multi'), { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' });
    assert.deepEqual(inject(local(T, true)), { b3: `${T}-${S}-1`, 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' });
  });

  it('I2 deny', () => {
    assert.deepEqual(inject(local(T, false)), { b3: `${T}-${S}-0`, 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '0' });
  });

  for (const [name, headers] of [
    ['single d', { b3: `${T}-${S}-d` }],
    ['X-B3-Flags: 1', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1' }],
  ] as const) {
    it(`I3 debug from ${name} is re-injected in both encodings, without X-B3-Sampled`, () => {
      assert.deepEqual(inject(extract(headers)), { b3: `${T}-${S}-d`, 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1' });
    });
  }

  it('I4/I5 a zero high half is written as 16 hex unless compaction is off', () => {
    const ctx = local(`0000000000000000${T16}`, true);
    assert.deepEqual(inject(ctx), { b3: `${T16}-${S}-1`, 'x-b3-traceid': T16, 'x-b3-spanid': S, 'x-b3-sampled': '1' });
    assert.deepEqual(inject(ctx, 'single', false), { b3: `0000000000000000${T16}-${S}-1` });
  });

  it('I4 a 64-bit id extracted from either encoding goes back out as 64-bit', () => {
    assert.deepEqual(inject(extract({ b3: `${T16}-${S}-1` }), 'single'), { b3: `${T16}-${S}-1` });
    assert.deepEqual(inject(extract({ 'x-b3-traceid': T16, 'x-b3-spanid': S, 'x-b3-sampled': '0' }), 'multi'), {
      'x-b3-traceid': T16, 'x-b3-spanid': S, 'x-b3-sampled': '0',
    });
  });

  it('I6 never emits a parent id', () => {
    const out = inject(extract({ b3: `${T}-${S}-1-05e3ac9a4f6e3b90` }));
    assert.equal(out['x-b3-parentspanid'], undefined);
    assert.equal(out.b3, `${T}-${S}-1`);
  });

  it('I7 writes nothing when tracing is suppressed or the span context is invalid', () => {
    assert.deepEqual(inject(suppressTracing(local(T, true))), {});
    assert.deepEqual(inject(local('0'.repeat(32), true)), {});
    assert.deepEqual(inject(ROOT_CONTEXT), {});
  });

  it('I9 normalises upper-case ids to lower-case', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: T.toUpperCase(), spanId: S.toUpperCase(), traceFlags: 1 });
    assert.deepEqual(inject(ctx, 'single'), { b3: `${T}-${S}-1` });
  });

  it('a deferred pass-through context stays undecided on the wire', () => {
    assert.deepEqual(inject(extract({ b3: `${T}-${S}` })), { b3: `${T}-${S}`, 'x-b3-traceid': T, 'x-b3-spanid': S });
  });

  it('a sampling-only decision is passed on without ids', () => {
    assert.deepEqual(inject(extract({ b3: '0' })), { b3: '0', 'x-b3-sampled': '0' });
    assert.deepEqual(inject(extract({ 'x-b3-flags': '1' })), { b3: 'd', 'x-b3-flags': '1' });
  });

  it('fields() lists the headers of the configured encoding', () => {
    assert.deepEqual(new B3Propagator({ injectEncoding: 'single' }).fields(), ['b3']);
    assert.deepEqual(new B3Propagator({ injectEncoding: 'multi' }).fields(), ['x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags']);
    assert.equal(new B3Propagator().fields().length, 5);
  });
});

describe('B3Propagator extractEncoding', () => {
  const single = { b3: `${T}-${S}-1` };
  const multi = { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '0' };
  const traceOf = (p: B3Propagator, headers: Record<string, string>): string | undefined =>
    trace.getSpanContext(p.extract(ROOT_CONTEXT, headers, defaultTextMapGetter))?.traceId;

  it("'single' reads only b3, 'multi' only X-B3-*, default both (single first)", () => {
    assert.equal(traceOf(new B3Propagator({ extractEncoding: 'single' }), single), T);
    assert.equal(traceOf(new B3Propagator({ extractEncoding: 'single' }), multi), undefined);
    assert.equal(traceOf(new B3Propagator({ extractEncoding: 'multi' }), single), undefined);
    assert.equal(traceOf(new B3Propagator({ extractEncoding: 'multi' }), multi), T);
    const both = new B3Propagator().extract(ROOT_CONTEXT, { ...multi, ...single }, defaultTextMapGetter);
    assert.equal(trace.getSpanContext(both)?.traceFlags, TraceFlags.SAMPLED, 'single wins');
  });
});

describe('B3Propagator inject: one instance across many contexts', () => {
  it('each context gets its own ids and decision, and a bad id after good ones still writes nothing', () => {
    const p = new B3Propagator({ injectEncoding: 'both' });
    const write = (ctx: Context): Record<string, string> => {
      const carrier: Record<string, string> = {};
      p.inject(ctx, carrier, defaultTextMapSetter);
      return carrier;
    };
    const bad = trace.setSpanContext(ROOT_CONTEXT, { traceId: T, spanId: `${S.slice(0, 15)}\r`, traceFlags: TraceFlags.SAMPLED });
    const sixtyFour = trace.setSpanContext(ROOT_CONTEXT, { traceId: `${'0'.repeat(16)}${T16}`, spanId: S, traceFlags: TraceFlags.SAMPLED });
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(write(local(T, true)), { b3: `${T}-${S}-1`, 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' });
      assert.deepEqual(write(local(T, false)), { b3: `${T}-${S}-0`, 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '0' });
      assert.deepEqual(write(extract({ b3: `${T}-${S}-d` })), { b3: `${T}-${S}-d`, 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1' });
      assert.deepEqual(write(extract({ b3: `${T}-${S}` })), { b3: `${T}-${S}`, 'x-b3-traceid': T, 'x-b3-spanid': S });
      assert.deepEqual(write(bad), {});
      assert.deepEqual(write(sixtyFour), { b3: `${T16}-${S}-1`, 'x-b3-traceid': T16, 'x-b3-spanid': S, 'x-b3-sampled': '1' });
    }
  });
});
