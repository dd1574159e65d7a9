// Values that change trace after trace or span after span (trace-level ids, rebuilt URLs, the sampler's
// shared root decision): the encoder and sampler reuse work across them, and must never reuse a stale answer.
import * as assert from 'node:assert/strict';
import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { decode } from '@msgpack/msgpack';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { getDatadogState, setDatadogState } from '@polytrace/propagator-datadog';
import { AgentRates, DatadogEncoder, DatadogSampler } from '@polytrace/exporter-datadog';
import { decodeTracePayload } from '../../../test/support/datadog-agent';
import { SpanFactory } from './helpers';

/** Hands out the given trace ids in turn (span ids counting up). */
class TraceIds implements IdGenerator {
  private span = 1;
  constructor(private readonly traceIds: string[]) {}
  generateTraceId(): string {
    return this.traceIds.shift() ?? 'ffffffffffffffff0000000000000001';
  }
  generateSpanId(): string {
    return (this.span++).toString(16).padStart(16, '0');
  }
}

describe('per-trace and per-span values on the wire', () => {
  it('v0.5: shared, unique, uppercase and attribute-equal `_dd.p.tid` values are each in the table once and decode per trace', () => {
    const ids = [
      '6b015cf300000000' + '0000000000000001', // dd-trace style: the high half is the start second, shared…
      '6b015cf300000000' + '0000000000000002',
      'a1b2c3d4e5f60718' + '0000000000000003', // random
      '6b015cf300000000' + '0000000000000004', // …also by traces that are not adjacent
      'ABCDEF0123456789' + '0000000000000005', // uppercase (a custom id generator): kept as given
      'abcdef0123456789' + '0000000000000006', // the same digits in lowercase: a different string
      'c0ffee0000000000' + '0000000000000007',
      'deadbeef00000001' + '0000000000000008',
    ];
    const expected = ids.map((id) => id.slice(0, 16));
    const f = new SpanFactory({ idGenerator: new TraceIds([...ids]) });
    for (let t = 0; t < ids.length; t++) {
      // trace 6's attribute equals trace 7's tid (attribute first); trace 7's attribute equals trace 2's tid (tid first)
      const attributes: Record<string, string> = t === 6 ? { 'user.ref': 'deadbeef00000001' } : t === 7 ? { 'user.ref': 'a1b2c3d4e5f60718' } : {};
      const root = f.tracer().startSpan(`root${t}`, { kind: SpanKind.SERVER, attributes });
      f.span('child', {}, root);
      root.end();
    }
    const [payload, ...rest] = new DatadogEncoder({ protocol: '0.5' }).encode(f.finished());
    assert.equal(rest.length, 0);
    const [table] = decode(payload.body) as [string[], unknown];
    assert.equal(new Set(table).size, table.length, `repeated strings in ${JSON.stringify(table)}`);
    const { traces, violations } = decodeTracePayload(payload.body, '0.5');
    assert.deepEqual(violations, []);
    assert.equal(traces.length, ids.length);
    const tids = traces.map((chunk) => chunk.find((s) => s.meta['_dd.p.tid'] !== undefined)?.meta['_dd.p.tid']);
    assert.deepEqual(tids, expected);
    const refs = traces.map((chunk) => chunk.find((s) => s.meta['user.ref'] !== undefined)?.meta['user.ref']);
    assert.deepEqual(refs.slice(6), ['deadbeef00000001', 'a1b2c3d4e5f60718']);
  });

  it('v0.5: upstream `_dd.parent_id` values (one per incoming trace) are written once each', () => {
    const f = new SpanFactory();
    const parents = ['00000000000000aa', '00000000000000bb', '00000000000000aa'];
    for (const [i, parentId] of parents.entries()) {
      const remote = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: `${(i + 1).toString(16).padStart(16, '0')}00000000000000${(i + 16).toString(16)}`, spanId: '00000000000000' + (i + 16).toString(16),
        traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: setDatadogState(undefined, { priority: 1, tags: {}, parentId }),
      });
      f.tracer().startSpan('handle', { kind: SpanKind.SERVER }, remote).end();
    }
    const [payload] = new DatadogEncoder({ protocol: '0.5' }).encode(f.finished());
    const [table] = decode(payload.body) as [string[], unknown];
    assert.equal(new Set(table).size, table.length);
    const { traces, violations } = decodeTracePayload(payload.body, '0.5');
    assert.deepEqual(violations, []);
    assert.deepEqual(traces.map((c) => c[0].meta['_dd.parent_id']), parents);
  });

  it('v0.5: a thousand single-span traces, in one payload or split across small ones, keep each trace its own tid', () => {
    const f = new SpanFactory();
    for (let t = 0; t < 1200; t++) f.span(`GET /${t % 7}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': `/${t % 7}` } });
    const spans = f.finished();
    const byTrace = new Map(spans.map((s) => [BigInt(`0x${s.spanContext().traceId.slice(16)}`), s.spanContext().traceId.slice(0, 16)]));
    for (const maxPayloadBytes of [undefined, 16 * 1024]) {
      const payloads = new DatadogEncoder({ protocol: '0.5', maxPayloadBytes }).encode(spans);
      assert.ok(maxPayloadBytes === undefined ? payloads.length === 1 : payloads.length > 3, `${payloads.length} payloads`);
      let total = 0;
      for (const p of payloads) {
        const { traces, violations } = decodeTracePayload(p.body, '0.5');
        assert.deepEqual(violations, []);
        for (const [s] of traces) assert.equal(s.meta['_dd.p.tid'], byTrace.get(s.trace_id));
        total += traces.length;
      }
      assert.equal(total, 1200);
    }
  });

  for (const protocol of ['0.4', '0.5'] as const) {
    it(`v${protocol}: consecutive server spans that differ in any URL part each get their own http.url`, () => {
      const f = new SpanFactory();
      const parts = [
        { 'url.scheme': 'http', 'server.address': 'shop', 'server.port': 8080, 'url.path': '/a' },
        { 'url.scheme': 'http', 'server.address': 'shop', 'server.port': 8080, 'url.path': '/a' },
        { 'url.scheme': 'http', 'server.address': 'shop', 'server.port': 8080, 'url.path': '/b' },
        { 'url.scheme': 'https', 'server.address': 'shop', 'server.port': 8080, 'url.path': '/b' },
        { 'url.scheme': 'https', 'server.address': 'shop2', 'server.port': 8080, 'url.path': '/b' },
        { 'url.scheme': 'https', 'server.address': 'shop2', 'server.port': 9090, 'url.path': '/b' },
        { 'url.scheme': 'https', 'server.address': 'shop2', 'server.port': 9090, 'url.path': '/b', 'url.query': 'q=1' },
        { 'server.address': 'shop2', 'url.path': '/b' },
      ];
      for (const attributes of parts) f.span('GET', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', ...attributes } });
      const [payload] = new DatadogEncoder({ protocol }).encode(f.finished());
      const { traces } = decodeTracePayload(payload.body, protocol);
      assert.deepEqual(traces.map((c) => c[0].meta['http.url']), [
        'http://shop:8080/a', 'http://shop:8080/a', 'http://shop:8080/b', 'https://shop:8080/b', 'https://shop2:8080/b',
        'https://shop2:9090/b', 'https://shop2:9090/b?q=1', 'http://shop2/b',
      ]);
    });
  }
});

describe('DatadogSampler root decisions reused across roots', () => {
  it('a child that rewrites the propagated state never changes what later roots carry', () => {
    const sampler = new DatadogSampler({});
    const first = sampler.shouldSample(ROOT_CONTEXT, '0'.repeat(31) + '1', 'GET', SpanKind.SERVER, {}, []);
    assert.equal(getDatadogState(first.traceState).tags['_dd.p.dm'], '-0');
    // an unsampled child of that root: its own state drops `_dd.p.dm`
    const parent = trace.setSpanContext(context.active(), {
      traceId: '0'.repeat(31) + '1', spanId: '0'.repeat(15) + '1', traceFlags: TraceFlags.NONE, traceState: first.traceState,
    });
    const child = sampler.shouldSample(parent, '0'.repeat(31) + '1', 'q', SpanKind.CLIENT, {}, []);
    assert.equal(getDatadogState(child.traceState).priority, 0);
    assert.equal(getDatadogState(child.traceState).tags['_dd.p.dm'], undefined);
    const second = sampler.shouldSample(ROOT_CONTEXT, '0'.repeat(31) + '2', 'GET', SpanKind.SERVER, {}, []);
    assert.deepEqual(getDatadogState(second.traceState), { priority: 1, tags: { '_dd.p.dm': '-0' } });
    assert.equal(second.traceState?.serialize(), 'dd=s:1;t.dm:-0');
  });

  it('follows rate_by_service as the service and env the sampler is asked about change', () => {
    const rates = new AgentRates();
    rates.updateFromResponse(JSON.stringify({ rate_by_service: { 'service:a,env:prod': 0, 'service:b,env:prod': 1, 'service:a,env:dev': 1, 'service:,env:': 0 } }));
    const priority = (service: string, env: string): number | undefined => {
      const r = new DatadogSampler({ service, env, rates }).shouldSample(ROOT_CONTEXT, '0'.repeat(31) + '3', 'GET', SpanKind.SERVER, {}, []);
      return getDatadogState(r.traceState).priority;
    };
    assert.deepEqual(
      [priority('a', 'prod'), priority('b', 'prod'), priority('a', 'prod'), priority('a', 'dev'), priority('c', 'prod'), priority('a', 'prod')],
      [0, 1, 0, 1, 0, 0],
    );
  });

  it('takes each new rate_by_service answer, also when an earlier answer comes back', () => {
    const rates = new AgentRates();
    const answer = (rate: number) => JSON.stringify({ rate_by_service: { 'service:a,env:': rate } });
    const seen: Array<number | undefined> = [];
    for (const body of [answer(0.5), answer(0.5), 'not json', answer(0.25), answer(0.5), '{"rate_by_service":null}', answer(0.5)]) {
      rates.updateFromResponse(body);
      seen.push(rates.rateFor('a', ''));
    }
    assert.deepEqual(seen, [0.5, 0.5, 0.5, 0.25, 0.5, 0.5, 0.5]);
  });
});
