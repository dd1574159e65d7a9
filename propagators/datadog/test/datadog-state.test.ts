import * as assert from 'node:assert';
import { TraceState } from '@opentelemetry/core';
import { getDatadogState, setDatadogState } from '@polytrace/propagator-datadog';

describe('Datadog state in the tracestate dd member', () => {
  it('encodes priority, origin, parent id and _dd.p.* tags with the spec escaping', () => {
    const ts = setDatadogState(new TraceState('foo=1'), {
      priority: 2,
      origin: 'synthetics~;=web,z',
      parentId: '000000003ade68b1',
      tags: { '_dd.p.usr.id': 'baz64==', '_dd.p.dm': '-4', '_dd.p.tid': '640cfd8d00000000' },
    });
    const dd = ts.get('dd') ?? '';
    const members = dd.split(';').sort();
    assert.deepStrictEqual(members, ['o:synthetics__~web_z', 'p:000000003ade68b1', 's:2', 't.dm:-4', 't.usr.id:baz64~~']);
    // dd moves to the front, other vendors stay.
    assert.strictEqual(ts.serialize(), `dd=${dd},foo=1`);
  });

  it('reads back what it wrote (= survives through ~)', () => {
    const state = { priority: -1, origin: 'rum', parentId: '0123456789abcdef', tags: { '_dd.p.dm': '-3', '_dd.p.usr.id': 'a=b' } };
    assert.deepStrictEqual(getDatadogState(setDatadogState(undefined, state)), state);
  });

  it('decodes an upstream dd member like E15 and fixes a dm without hyphen (E29)', () => {
    const ts = new TraceState('key1=value1,dd=s:2;o:rum;p:0123456789abcdef;t.dm:-4;t.usr.id:12345~;t.tid:1234567890123456;zz:1');
    assert.deepStrictEqual(getDatadogState(ts), {
      priority: 2, origin: 'rum', parentId: '0123456789abcdef', tags: { '_dd.p.dm': '-4', '_dd.p.usr.id': '12345=' },
    });
    assert.deepStrictEqual(getDatadogState(new TraceState('dd=s:2;o:foo;t.dm:4')).tags, { '_dd.p.dm': '-4' });
  });

  it('keeps a malformed p verbatim and ignores a malformed s', () => {
    const state = getDatadogState(new TraceState('dd=s:x1;p:XX!X'));
    assert.strictEqual(state.priority, undefined);
    assert.strictEqual(state.parentId, 'XX!X');
  });

  it('returns an empty state for absent or garbage tracestates and removes dd for an empty state', () => {
    assert.deepStrictEqual(getDatadogState(undefined), { tags: {} });
    assert.deepStrictEqual(getDatadogState(new TraceState('a=b')), { tags: {} });
    assert.deepStrictEqual(getDatadogState(new TraceState('dd=;;;:;::x')), { tags: {} });
    const cleared = setDatadogState(new TraceState('dd=s:1,a=b'), { tags: {} });
    assert.strictEqual(cleared.serialize(), 'a=b');
  });

  it('callers cannot corrupt the memoised state by mutating the result', () => {
    const ts = new TraceState('dd=s:1;t.dm:-0');
    getDatadogState(ts).tags['_dd.p.x'] = 'y';
    assert.deepStrictEqual(getDatadogState(ts).tags, { '_dd.p.dm': '-0' });
  });

  it('keeps the exact state in process but drops trace tags from the dd member beyond 256 characters', () => {
    const tags: Record<string, string> = { '_dd.p.dm': '-4' };
    for (let i = 0; i < 20; i++) tags[`_dd.p.k${i}`] = 'v'.repeat(20);
    const ts = setDatadogState(undefined, { priority: 1, tags });
    assert.deepStrictEqual(getDatadogState(ts).tags, tags);
    const dd = ts.get('dd') ?? '';
    assert.ok(dd.length > 0 && dd.length <= 256, `length ${dd.length}`);
    const overTheWire = getDatadogState(new TraceState(ts.serialize()));
    assert.strictEqual(overTheWire.priority, 1);
    assert.strictEqual(overTheWire.tags['_dd.p.dm'], '-4');
    assert.ok(Object.keys(overTheWire.tags).length < 21);
  });

  it('setDatadogState ignores what cannot be carried', () => {
    const state = getDatadogState(setDatadogState(undefined, {
      priority: 1.5, origin: '', tags: { '_dd.p.tid': '640cfd8d00000000', other: 'x', '_dd.p.': 'y', '_dd.p.ok': 'z' },
    }));
    assert.deepStrictEqual(state, { tags: { '_dd.p.ok': 'z' } });
  });

  it('evicts the last vendors when the 512-character tracestate is full', () => {
    const vendors = Array.from({ length: 10 }, (_, i) => `v${i}=${'x'.repeat(45)}`).join(',');
    const full = new TraceState(vendors);
    assert.ok(full.serialize().length > 450);
    const ts = setDatadogState(full, { priority: 2, origin: 'o'.repeat(60), tags: {} });
    assert.strictEqual(getDatadogState(ts).priority, 2);
    const keys = ts.serialize().split(',').map((m) => m.split('=')[0]);
    assert.strictEqual(keys[0], 'dd');
    assert.ok(keys.includes('v0') && !keys.includes('v9'));
  });
});
