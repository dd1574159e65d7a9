import * as assert from 'node:assert';
import { TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TraceContextPropagator } from '@polytrace/propagator-datadog';
import { extract, inject, localContext } from './helpers';

const w3c = new TraceContextPropagator();
const TP = '00-12345678901234567890123456789012-1234567890123456-01';
const tp = (flags: string) => `00-12345678901234567890123456789012-1234567890123456-${flags}`;

describe('TraceContextPropagator extract (datadog.md §1.5, §1.8.1)', () => {
  it('E14: a plain traceparent', () => {
    const { sc, state } = extract(w3c, { traceparent: TP });
    assert.strictEqual(sc?.traceId, '12345678901234567890123456789012');
    assert.strictEqual(sc?.spanId, '1234567890123456');
    assert.strictEqual(sc?.traceFlags, TraceFlags.SAMPLED);
    assert.deepStrictEqual(state, { tags: {} });
  });

  it('E15: the dd member yields priority, origin, tags and the last Datadog parent', () => {
    const { sc, state } = extract(w3c, { traceparent: TP, tracestate: 'key1=value1,dd=s:2;o:rum;p:0123456789abcdef;t.dm:-4;t.usr.id:12345~' });
    assert.deepStrictEqual(state, { priority: 2, origin: 'rum', parentId: '0123456789abcdef', tags: { '_dd.p.dm': '-4', '_dd.p.usr.id': '12345=' } });
    assert.strictEqual(sc?.traceState?.get('key1'), 'value1');
  });

  it('priority/sampled-flag consistency table (E16–E18b) and the dm reset', () => {
    const cases: Array<[string, string, number | undefined, string | undefined]> = [
      ['01', 'foo=1', undefined, undefined],
      ['01', 'foo=1,dd=s:-1;t.dm:-4', 1, '-0'],
      ['01', 'foo=1,dd=s:0', 1, undefined],
      ['01', 'foo=1,dd=s:2;t.dm:-4', 2, '-4'],
      ['00', 'foo=1', undefined, undefined],
      ['00', 'foo=1,dd=s:-1', -1, undefined],
      ['00', 'foo=1,dd=s:0', 0, undefined],
      ['00', 'foo=1,dd=s:1', 0, undefined],
      ['00', 'foo=1,dd=s:2;t.dm:-4', 0, undefined],
    ];
    for (const [flags, tracestate, priority, dm] of cases) {
      const { sc, state } = extract(w3c, { traceparent: tp(flags), tracestate });
      assert.strictEqual(state.priority, priority, `${flags} ${tracestate}`);
      assert.strictEqual(state.tags['_dd.p.dm'], dm, `${flags} ${tracestate}`);
      assert.strictEqual(sc?.traceFlags, flags === '01' ? TraceFlags.SAMPLED : TraceFlags.NONE);
    }
  });

  it('E20/E20b/E20c/E20d: version ff and v00 tails rejected, future versions and upper case accepted', () => {
    assert.strictEqual(extract(w3c, { traceparent: TP.replace(/^00/, 'ff') }).sc, undefined);
    assert.strictEqual(extract(w3c, { traceparent: `${TP}-extra` }).sc, undefined);
    assert.strictEqual(extract(w3c, { traceparent: `01${TP.slice(2)}-extra` }).sc?.spanId, '1234567890123456');
    assert.strictEqual(extract(w3c, { traceparent: '00-ABCDEF78901234567890123456789012-1234567890ABCDEF-01' }).sc?.traceId, 'abcdef78901234567890123456789012');
  });

  it('rejects zero ids, garbage and duplicated traceparent headers, accepts a one-element array', () => {
    for (const traceparent of [
      '00-00000000000000000000000000000000-1234567890123456-01', '00-12345678901234567890123456789012-0000000000000000-01',
      '00-1234567890123456789012345678901-1234567890123456-01', 'garbage', '', [TP, TP],
    ]) {
      assert.strictEqual(extract(w3c, { traceparent }).sc, undefined, JSON.stringify(traceparent));
    }
    assert.strictEqual(extract(w3c, { traceparent: [TP] }).sc?.spanId, '1234567890123456');
  });

  it('E28: a t.tid disagreeing with the traceparent is ignored', () => {
    const { sc, state } = extract(w3c, { traceparent: '00-640cfd8d00000000abcdefab12345678-000000003ade68b1-01', tracestate: 'dd=t.tid:640cfd8d0000ffff' });
    assert.strictEqual(sc?.traceId, '640cfd8d00000000abcdefab12345678');
    assert.deepStrictEqual(state.tags, {});
  });
});

describe('TraceContextPropagator inject', () => {
  it('I1/I2: a local span writes p: = its own id and s: = its priority, dd first', () => {
    const sc = localContext('640cfd8d00000000112210f47de98115', '000000003ade68b1', { priority: 2, origin: 'synthetics', parentId: 'ffffffffffffffff', tags: { '_dd.p.dm': '-4' } });
    const out = inject(new TraceContextPropagator(), sc);
    assert.strictEqual(out.traceparent, '00-640cfd8d00000000112210f47de98115-000000003ade68b1-01');
    assert.deepStrictEqual(out.tracestate.replace(/^dd=/, '').split(';').sort(), ['o:synthetics', 'p:000000003ade68b1', 's:2', 't.dm:-4']);
  });

  it('I5: origin escaping', () => {
    const out = inject(w3c, localContext('0'.repeat(31) + '1', '000000003ade68b1', { priority: 1, origin: 'synthetics~;=web,z', tags: {} }));
    assert.ok(out.tracestate.split(';').includes('o:synthetics__~web_z'), out.tracestate);
  });

  it('I7: the raw remote context of E15 keeps its upstream p: and the other vendors', () => {
    const { sc } = extract(w3c, { traceparent: TP, tracestate: 'key1=value1,dd=s:2;o:rum;p:0123456789abcdef;t.dm:-4' });
    const out = inject(w3c, sc!);
    assert.strictEqual(out.traceparent, TP);
    const [ddMember, other] = out.tracestate.split(',');
    assert.strictEqual(other, 'key1=value1');
    assert.deepStrictEqual(ddMember.replace(/^dd=/, '').split(';').sort(), ['o:rum', 'p:0123456789abcdef', 's:2', 't.dm:-4']);
  });

  it('an upstream dd member is rewritten, never forwarded stale (unlike OTel core)', () => {
    const { sc } = extract(w3c, { traceparent: TP, tracestate: 'dd=s:2;p:0123456789abcdef,foo=1' });
    const child = { ...sc!, spanId: 'aaaaaaaaaaaaaaaa', isRemote: false, traceFlags: TraceFlags.NONE };
    const ours = inject(w3c, child);
    assert.strictEqual(ours.traceparent.endsWith('-aaaaaaaaaaaaaaaa-00'), true);
    assert.strictEqual(ours.tracestate, 'dd=s:0;p:aaaaaaaaaaaaaaaa,foo=1');
    const stock = inject(new W3CTraceContextPropagator(), child);
    assert.strictEqual(stock.tracestate, 'dd=s:2;p:0123456789abcdef,foo=1', 'OTel core forwards the stale member');
  });

  it('writes dd for a trace without one only when asked to', () => {
    const sc = { traceId: '12345678901234567890123456789012', spanId: 'aaaaaaaaaaaaaaaa', traceFlags: 1, isRemote: false };
    assert.strictEqual(inject(w3c, sc).tracestate, undefined);
    assert.strictEqual(inject(new TraceContextPropagator({ alwaysWriteDatadogMember: true }), sc).tracestate, 'dd=s:1;p:aaaaaaaaaaaaaaaa');
  });

  it('precedence vector: tracestate foo=1 in, exactly dd first then foo=1 out', () => {
    const { sc } = extract(w3c, { traceparent: TP, tracestate: 'foo=1' });
    const out = inject(new TraceContextPropagator({ alwaysWriteDatadogMember: true }), sc!);
    const members = out.tracestate.split(',');
    assert.strictEqual(members.length, 2);
    assert.ok(members[0].startsWith('dd='));
    assert.strictEqual(members[1], 'foo=1');
  });

  it('keeps at most 32 members, evicting the last vendor for dd', () => {
    const vendors = Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(',');
    const { sc } = extract(w3c, { traceparent: TP, tracestate: vendors });
    const members = inject(new TraceContextPropagator({ alwaysWriteDatadogMember: true }), sc!).tracestate.split(',');
    assert.strictEqual(members.length, 32);
    assert.ok(members[0].startsWith('dd='));
    assert.strictEqual(members[31], 'k30=v');
  });
});

describe('TraceContextPropagator: traceparent shape, field by field', () => {
  it('accepts only 2-32-16-2 hex fields separated by dashes, and a future version tail on one line', () => {
    const ok = '01-12345678901234567890123456789012-1234567890123456-01';
    assert.strictEqual(extract(w3c, { traceparent: `${ok}-what-ever` }).sc?.traceFlags, TraceFlags.SAMPLED);
    assert.strictEqual(extract(w3c, { traceparent: '00-12345678901234567890123456789012-1234567890123456-Fe' }).sc?.traceFlags, 0xfe);
    for (const traceparent of [
      `${ok}-line\nbreak`, `${ok}x`, `${ok}\u2028`, 'FF-12345678901234567890123456789012-1234567890123456-01',
      '00_12345678901234567890123456789012-1234567890123456-01', '00-12345678901234567890123456789012_1234567890123456-01',
      '00-12345678901234567890123456789012-1234567890123456_01', '00-1234567890123456789012345678901g-1234567890123456-01',
      '00-12345678901234567890123456789012-123456789012345\u0000-01', '0x-12345678901234567890123456789012-1234567890123456-01',
      '00-12345678901234567890123456789012-1234567890123456-0', '00-12345678901234567890123456789012-1234567890123456-0\u0661',
    ]) {
      assert.strictEqual(extract(w3c, { traceparent }).sc, undefined, JSON.stringify(traceparent));
    }
  });

  it('one instance injects each context it is given: a bad id after good ones still writes nothing', () => {
    const p = new TraceContextPropagator();
    const good = { traceId: '12345678901234567890123456789012', spanId: '1234567890123456', traceFlags: TraceFlags.SAMPLED };
    for (let round = 0; round < 2; round++) {
      assert.strictEqual(inject(p, good).traceparent, '00-12345678901234567890123456789012-1234567890123456-01');
      assert.deepStrictEqual(inject(p, { ...good, spanId: '123456789012345\n' }), {});
      assert.deepStrictEqual(inject(p, { ...good, traceId: '0'.repeat(32) }), {});
      assert.strictEqual(inject(p, { ...good, spanId: 'abcdefabcdefabcd' }).traceparent, '00-12345678901234567890123456789012-abcdefabcdefabcd-01');
    }
  });
});
