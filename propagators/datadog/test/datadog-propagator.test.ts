import * as assert from 'node:assert';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { ROOT_CONTEXT, TraceFlags, context, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api';
import { DatadogPropagator } from '@polytrace/propagator-datadog';
import { extract, inject, localContext } from './helpers';

const dd = new DatadogPropagator();
const ids = (traceId: string, parentId: string, more: Record<string, string> = {}) => ({
  'x-datadog-trace-id': traceId,
  'x-datadog-parent-id': parentId,
  ...more,
});

describe('DatadogPropagator extract (datadog.md §1.8.1)', () => {
  it('E1: ids, priority, origin and tags', () => {
    const { sc, state } = extract(dd, ids('123456789', '987654321', {
      'x-datadog-sampling-priority': '2', 'x-datadog-origin': 'synthetics', 'x-datadog-tags': '_dd.p.dm=-4',
    }));
    assert.strictEqual(sc?.traceId, '00000000000000000000000075bcd15'.padStart(32, '0'));
    assert.strictEqual(sc?.spanId, '000000003ade68b1');
    assert.strictEqual(sc?.isRemote, true);
    assert.strictEqual(sc?.traceFlags, TraceFlags.SAMPLED);
    assert.deepStrictEqual(state, { priority: 2, origin: 'synthetics', tags: { '_dd.p.dm': '-4' } });
  });

  it('E2/E4/E11/E13b/E13c: zero, missing, non-numeric and overflowing ids yield no context', () => {
    for (const headers of [
      ids('0', '0', { 'x-datadog-sampling-priority': '2' }),
      { 'x-datadog-trace-id': '123456789' },
      ids('abc', '456'), ids('12abc', '456'), ids(' +123', '456'), ids('1e3', '456'),
      ids('18446744073709551616', '1'), ids('5', '0'), ids('5', ''), ids('-9223372036854775809', '1'),
    ]) {
      assert.strictEqual(extract(dd, headers).sc, undefined, JSON.stringify(headers));
    }
  });

  it('E3: 64-bit ids with a reject priority make an unsampled context', () => {
    const { sc, state } = extract(dd, ids('7890123456789012', '1234567890123456', { 'x-datadog-sampling-priority': '-1' }));
    assert.strictEqual(sc?.traceId, '0000000000000000001c080685e03a14');
    assert.strictEqual(sc?.spanId, '000462d53c8abac0');
    assert.strictEqual(sc?.traceFlags, TraceFlags.NONE);
    assert.strictEqual(state.priority, -1);
  });

  it('E5: _dd.p.tid becomes the upper half of a 128-bit trace id', () => {
    const { sc, state } = extract(dd, ids('1234567890123456789', '987654321', { 'x-datadog-tags': '_dd.p.tid=640cfd8d00000000' }));
    assert.strictEqual(sc?.traceId, '640cfd8d00000000112210f47de98115');
    assert.deepStrictEqual(state.tags, {});
    assert.strictEqual(state.priority, undefined);
    assert.strictEqual(sc?.traceFlags, TraceFlags.SAMPLED, 'undecided is left to the local sampler (kept by parent-based)');
  });

  it('E6/E7: a malformed tid is dropped alone, other tags kept', () => {
    const e6 = extract(dd, ids('1234567890123456789', '987654321', { 'x-datadog-tags': '_dd.p.tid=1234567890abcdef1' }));
    assert.strictEqual(e6.sc?.traceId, '0000000000000000112210f47de98115');
    const e7 = extract(dd, ids('1234567890123456789', '987654321', { 'x-datadog-tags': '_dd.p.tid=1234567890abcdeX,_dd.p.dm=-1' }));
    assert.strictEqual(e7.sc?.traceId, '0000000000000000112210f47de98115');
    assert.deepStrictEqual(e7.state.tags, { '_dd.p.dm': '-1' });
  });

  it('E8/E9/E10/E10b: one bad member or excess length drops every tag but keeps the context', () => {
    for (const tags of ['_dd.p.foo=bar,_dd.p.baz,=,_dd.p.qux', `_dd.p.foo=${'a'.repeat(512)}`, '_dd.p.foo=bar,', '_dd.p.foo=bar,other=x', '_dd.p.x=é']) {
      const { sc, state } = extract(dd, ids('123', '456', { 'x-datadog-tags': tags }));
      assert.strictEqual(sc?.spanId, '00000000000001c8');
      assert.deepStrictEqual(state.tags, {}, tags);
    }
  });

  it('keeps separators inside values and empty values', () => {
    const { state } = extract(dd, ids('123', '456', { 'x-datadog-tags': '_dd.p.foo=bar=baz,_dd.p.e=' }));
    assert.deepStrictEqual(state.tags, { '_dd.p.foo': 'bar=baz', '_dd.p.e': '' });
  });

  it('the tags length limit is configurable, 0 disabling the header', () => {
    const small = new DatadogPropagator({ tagsMaxLength: 16 });
    assert.deepStrictEqual(extract(small, ids('1', '2', { 'x-datadog-tags': '_dd.p.dm=-4' })).state.tags, { '_dd.p.dm': '-4' });
    assert.deepStrictEqual(extract(small, ids('1', '2', { 'x-datadog-tags': '_dd.p.dm=-4,_dd.p.a=b' })).state.tags, {});
    assert.deepStrictEqual(extract(new DatadogPropagator({ tagsMaxLength: 0 }), ids('1', '2', { 'x-datadog-tags': '_dd.p.dm=-4' })).state.tags, {});
    assert.deepStrictEqual(extract(new DatadogPropagator({ tagsMaxLength: 1024 }), ids('1', '2', { 'x-datadog-tags': '_dd.p.dm=-4' })).state.tags, { '_dd.p.dm': '-4' });
  });

  it('E12/E13: negative ids wrap as two\'s complement, 2^64-1 is accepted', () => {
    const e12 = extract(dd, ids('-123', '-456'));
    assert.strictEqual(e12.sc?.traceId, '0000000000000000ffffffffffffff85');
    assert.strictEqual(e12.sc?.spanId, 'fffffffffffffe38');
    const e13 = extract(dd, ids('18446744073709551615', '1'));
    assert.strictEqual(e13.sc?.traceId, '0000000000000000ffffffffffffffff');
    assert.strictEqual(e13.sc?.spanId, '0000000000000001');
  });

  it('E30: repeated headers use the last value; tags repetitions concatenate', () => {
    const { sc, state } = extract(dd, {
      'x-datadog-trace-id': ['1', '123'], 'x-datadog-parent-id': ['2', '456'], 'x-datadog-tags': ['_dd.p.a=1', '_dd.p.b=2'],
    });
    assert.strictEqual(sc?.traceId.slice(16), '000000000000007b');
    assert.strictEqual(sc?.spanId, '00000000000001c8');
    assert.deepStrictEqual(state.tags, { '_dd.p.a': '1', '_dd.p.b': '2' });
  });

  it('a non-integer priority is ignored (undecided), -2 is kept', () => {
    assert.strictEqual(extract(dd, ids('1', '2', { 'x-datadog-sampling-priority': '2abc' })).state.priority, undefined);
    assert.strictEqual(extract(dd, ids('1', '2', { 'x-datadog-sampling-priority': '-2' })).state.priority, -2);
  });
});

describe('DatadogPropagator inject (datadog.md §1.8.2)', () => {
  const carrierOf = (traceId: string, spanId: string, state: Parameters<typeof localContext>[2]) =>
    inject(dd, localContext(traceId, spanId, state));

  it('I1: 64-bit ids in decimal, priority and tags', () => {
    assert.deepStrictEqual(carrierOf('000000000000000000000000075bcd15', '000000003ade68b1', { priority: 1, tags: { '_dd.p.dm': '-0' } }), {
      'x-datadog-trace-id': '123456789', 'x-datadog-parent-id': '987654321', 'x-datadog-sampling-priority': '1', 'x-datadog-tags': '_dd.p.dm=-0',
    });
  });

  it('I2: 128-bit trace id puts _dd.p.tid first; origin is sent', () => {
    assert.deepStrictEqual(carrierOf('640cfd8d00000000112210f47de98115', '000000003ade68b1', { priority: 2, origin: 'synthetics', tags: { '_dd.p.dm': '-4' } }), {
      'x-datadog-trace-id': '1234567890123456789', 'x-datadog-parent-id': '987654321', 'x-datadog-origin': 'synthetics',
      'x-datadog-sampling-priority': '2', 'x-datadog-tags': '_dd.p.tid=640cfd8d00000000,_dd.p.dm=-4',
    });
  });

  it('I3/I4: reject priorities; no x-datadog-tags without tags', () => {
    const i3 = carrierOf('640cfd8d0000000000000000075bcd15', '000000003ade68b1', { priority: -1, tags: {} });
    assert.strictEqual(i3['x-datadog-sampling-priority'], '-1');
    assert.strictEqual(i3['x-datadog-tags'], '_dd.p.tid=640cfd8d00000000');
    const i4 = carrierOf('000000000000000000000000075bcd15', '000000003ade68b1', { priority: 0, tags: {} });
    assert.strictEqual(i4['x-datadog-sampling-priority'], '0');
    assert.strictEqual('x-datadog-tags' in i4, false);
  });

  it('I6/I10/I11: tag values with = pass; too long or non-ASCII kills the header', () => {
    const tid = '000000000000000000000000075bcd15';
    assert.strictEqual(carrierOf(tid, '000000003ade68b1', { priority: 1, tags: { '_dd.p.dm': '-4', '_dd.p.usr.id': 'baz64==' } })['x-datadog-tags'], '_dd.p.dm=-4,_dd.p.usr.id=baz64==');
    const sc = localContext(tid, '000000003ade68b1', { priority: 1, tags: { '_dd.p.dm': '-4', '_dd.p.foo': 'a'.repeat(30) } });
    assert.ok(inject(dd, sc)['x-datadog-tags']?.includes('_dd.p.foo='));
    assert.strictEqual('x-datadog-tags' in inject(new DatadogPropagator({ tagsMaxLength: 40 }), sc), false);
    assert.strictEqual('x-datadog-tags' in inject(new DatadogPropagator({ tagsMaxLength: 0 }), sc), false);
    assert.strictEqual('x-datadog-tags' in carrierOf(tid, '000000003ade68b1', { priority: 1, tags: { '_dd.p.foo': 'hélicoptère', '_dd.p.dm': '-0' } }), false);
  });

  it('re-emits an exact origin (I5) but never an unsendable or oversized one', () => {
    const tid = '000000000000000000000000075bcd15';
    assert.strictEqual(carrierOf(tid, '000000003ade68b1', { priority: 1, origin: 'synthetics~;=web,z', tags: {} })['x-datadog-origin'], 'synthetics~;=web,z');
    assert.strictEqual('x-datadog-origin' in carrierOf(tid, '000000003ade68b1', { priority: 1, origin: 'bad\norigin', tags: {} }), false);
    assert.strictEqual(extract(dd, ids('1', '2', { 'x-datadog-origin': 'o'.repeat(300) })).state.origin, undefined);
    assert.strictEqual(extract(dd, ids('1', '2', { 'x-datadog-origin': 'synthetics;=web,z' })).state.origin, 'synthetics;=web,z');
  });

  it('the sampled flag wins over a stale priority (child re-sampled locally)', () => {
    const sc = localContext('000000000000000000000000075bcd15', '000000003ade68b1', { priority: 2, tags: { '_dd.p.dm': '-4' } });
    const unsampled = inject(dd, { ...sc, traceFlags: TraceFlags.NONE });
    assert.strictEqual(unsampled['x-datadog-sampling-priority'], '0');
    assert.strictEqual('x-datadog-tags' in unsampled, false, 'decision maker dropped on reject');
  });

  it('injects nothing for an invalid context', () => {
    assert.deepStrictEqual(inject(dd, { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 1 }), {});
  });

  it('D004: a child span of an extracted E1 context re-emits trace id, priority, origin and tags', () => {
    const provider = new BasicTracerProvider();
    const tracer = provider.getTracer('test');
    const parent = dd.extract(ROOT_CONTEXT, ids('123456789', '987654321', {
      'x-datadog-sampling-priority': '2', 'x-datadog-origin': 'synthetics', 'x-datadog-tags': '_dd.p.dm=-4',
    }), defaultTextMapGetter);
    const span = tracer.startSpan('child', {}, parent);
    const out: Record<string, string> = {};
    dd.inject(trace.setSpan(context.active(), span), out, defaultTextMapSetter);
    span.end();
    assert.strictEqual(out['x-datadog-trace-id'], '123456789');
    assert.notStrictEqual(out['x-datadog-parent-id'], '987654321');
    assert.strictEqual(out['x-datadog-parent-id'], BigInt(`0x${span.spanContext().spanId}`).toString());
    assert.strictEqual(out['x-datadog-sampling-priority'], '2');
    assert.strictEqual(out['x-datadog-origin'], 'synthetics');
    assert.strictEqual(out['x-datadog-tags'], '_dd.p.dm=-4');
  });
});
