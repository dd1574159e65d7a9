import * as assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { decode } from '@msgpack/msgpack';
import { DatadogEncoder, type DatadogProtocol } from '@polytrace/exporter-datadog';
import { decodeTracePayload } from '../../../test/support/datadog-agent';
import { FixedIds, roundTrip, SpanFactory } from './helpers';

const PROTOCOLS: DatadogProtocol[] = ['0.4', '0.5'];

describe('DatadogEncoder', () => {
  for (const protocol of PROTOCOLS) {
    describe(`v${protocol}`, () => {
      it('writes 128-bit trace ids as low 64 bits + _dd.p.tid on the chunk-first span, exact ns times', () => {
        const traceId = '640cfd8d00000000112210f47de98115';
        const f = new SpanFactory({ idGenerator: new FixedIds(traceId, ['000000003ade68b1', 'ffffffffffffff85']) });
        const start: [number, number] = [1700000000, 123456789];
        const root = f.span('root', { kind: SpanKind.SERVER, startTime: start }, undefined, (s) => s.end([1700000001, 123456788]));
        f.span('child', { kind: SpanKind.INTERNAL }, root);
        const [chunk] = roundTrip(f.finished(), { protocol });
        const byName = new Map(chunk.map((s) => [s.resource, s]));
        const r = byName.get('root')!;
        const c = byName.get('child')!;
        assert.equal(r.trace_id, 1234567890123456789n);
        assert.equal(c.trace_id, 1234567890123456789n);
        assert.equal(r.span_id, 987654321n);
        assert.equal(c.span_id, 0xffffffffffffff85n);
        assert.equal(c.parent_id, 987654321n);
        assert.equal(r.parent_id, 0n);
        assert.equal(r.start, 1700000000123456789n);
        assert.equal(r.duration, 999999999n);
        assert.equal(chunk[0].meta['_dd.p.tid'], '640cfd8d00000000');
        assert.equal(chunk[1].meta['_dd.p.tid'], undefined, 'chunk tags only on the first span');
        for (const s of chunk) {
          assert.equal(s.wireTypes.trace_id, 'int');
          assert.equal(s.wireTypes.start, 'int');
        }
      });

      it('writes every span field the agent needs with the right types and values', () => {
        const f = new SpanFactory({ resource: { 'deployment.environment.name': 'prod', 'service.version': '1.2.3' } });
        f.span('work', { kind: SpanKind.PRODUCER, attributes: { str: 'v', int: 42, neg: -7, float: 1.5, big: 2 ** 40, bool: false, arr: ['a', 'b'], nan: Number.NaN } });
        const [[s]] = roundTrip(f.finished(), { protocol });
        assert.equal(s.service, 'checkout');
        assert.equal(s.meta.env, 'prod');
        assert.equal(s.meta.version, '1.2.3');
        assert.equal(s.meta.language, 'javascript');
        assert.match(s.meta['runtime-id'], /^[0-9a-f-]{36}$/);
        assert.equal(s.meta['span.kind'], 'producer');
        assert.equal(s.metrics.process_id, process.pid);
        assert.equal(s.metrics._sampling_priority_v1, 1);
        assert.equal(s.metrics['_dd.measured'], 1);
        assert.deepEqual(
          { str: s.meta.str, bool: s.meta.bool, arr: s.meta.arr, nan: s.meta.nan },
          { str: 'v', bool: 'false', arr: '["a","b"]', nan: 'NaN' },
        );
        assert.deepEqual(
          { int: s.metrics.int, neg: s.metrics.neg, float: s.metrics.float, big: s.metrics.big },
          { int: 42, neg: -7, float: 1.5, big: 2 ** 40 },
        );
        assert.equal(s.error, 0);
      });

      it('maps status ERROR and the exception event to error fields (with the stack)', () => {
        const f = new SpanFactory();
        const err = new TypeError('card declined');
        f.span('charge', { kind: SpanKind.CLIENT }, undefined, (s) => {
          s.recordException(err);
          s.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' });
        });
        f.span('fine', {}, undefined, (s) => s.recordException(new Error('handled')));
        const [[bad], [fine]] = roundTrip(f.finished(), { protocol });
        assert.equal(bad.error, 1);
        assert.equal(bad.meta['error.message'], 'card declined');
        assert.equal(bad.meta['error.type'], 'TypeError');
        assert.equal(bad.meta['error.stack'], err.stack);
        const events = JSON.parse(bad.meta.events) as Array<{ name: string; time_unix_nano: number }>;
        assert.equal(events[0].name, 'exception');
        assert.equal(fine.error, 0, 'a recorded exception without ERROR status is not an error (dd-trace OTel bridge)');
        assert.equal(fine.meta['error.message'], undefined);
      });

      it('truncates huge attributes and names to the agent limits instead of failing', () => {
        const f = new SpanFactory();
        const huge = 'x'.repeat(100_000);
        f.span('n'.repeat(300), { attributes: { huge, ['k'.repeat(300)]: 'v', 'resource.name': 'r'.repeat(10_000), 'db.query.text': huge } });
        const [[s]] = roundTrip(f.finished(), { protocol });
        assert.equal(s.meta.huge.length, 25_003);
        assert.ok(s.meta.huge.endsWith('...'));
        assert.equal(s.meta['k'.repeat(200)], 'v');
        assert.equal(s.resource.length, 5000);
        assert.ok(s.name.length <= 100);
      });

      it('splits a 10,000-span trace across payloads under the limit, each chunk re-carrying chunk tags', () => {
        const f = new SpanFactory();
        const root = f.tracer().startSpan('root', { kind: SpanKind.SERVER });
        for (let i = 0; i < 9999; i++) f.span(`q${i}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.text': `SELECT ${i}` } }, root);
        root.end();
        const spans = f.finished();
        const limit = 256 * 1024;
        const encoder = new DatadogEncoder({ protocol, maxPayloadBytes: limit });
        const payloads = encoder.encode(spans);
        assert.ok(payloads.length > 3, `expected several payloads, got ${payloads.length}`);
        const seen = new Set<bigint>();
        let total = 0;
        for (const p of payloads) {
          assert.ok(p.body.byteLength <= limit, `payload of ${p.body.byteLength} bytes > ${limit}`);
          const { traces, violations } = decodeTracePayload(p.body, protocol);
          assert.deepEqual(violations, []);
          assert.equal(traces.length, 1, 'one chunk per trace per payload');
          assert.equal(p.headers?.['X-Datadog-Trace-Count'], '1');
          assert.equal(p.spans.length, traces[0].length);
          assert.ok(traces[0][0].meta['_dd.p.tid'] !== undefined || spans[0].spanContext().traceId.startsWith('0000000000000000'));
          for (const s of traces[0]) seen.add(s.span_id);
          total += traces[0].length;
        }
        assert.equal(total, 10_000);
        assert.equal(seen.size, 10_000, 'every span exactly once');
      });

      it('puts many traces in one payload, one chunk each, and counts them', () => {
        const f = new SpanFactory();
        for (let t = 0; t < 5; t++) {
          const root = f.tracer().startSpan(`root${t}`);
          f.span('child', {}, root);
          root.end();
        }
        const [payload, ...rest] = new DatadogEncoder({ protocol }).encode(f.finished());
        assert.equal(rest.length, 0);
        assert.equal(payload.headers?.['X-Datadog-Trace-Count'], '5');
        const { traces } = decodeTracePayload(payload.body, protocol);
        assert.equal(traces.length, 5);
        for (const chunk of traces) assert.equal(new Set(chunk.map((s) => s.trace_id)).size, 1);
      });

      it('survives malformed spans without throwing', () => {
        const f = new SpanFactory();
        f.span('odd', { attributes: { inf: Number.POSITIVE_INFINITY, mixed: [1, null, 'x'] as unknown as string[], '': 'empty key', 'ü': '\ud800' } });
        const [good] = f.finished();
        const broken = Object.create(good, {
          spanContext: { value: () => ({ traceId: 'zz', spanId: 'not-hex', traceFlags: TraceFlags.SAMPLED }) },
          endTime: { value: [0, 0] },
          events: { value: [{ name: 'e', time: [1, 2], attributes: { circular: 'x' } }] },
        });
        const payloads = new DatadogEncoder({ protocol }).encode([good, broken]);
        const total = payloads.reduce((n, p) => n + decodeTracePayload(p.body, protocol).traces.flat().length, 0);
        assert.equal(total, 2);
      });
    });
  }

  it('v0.5 writes each string once per payload and "" at index 0', () => {
    const f = new SpanFactory();
    const root = f.tracer().startSpan('root', { kind: SpanKind.SERVER });
    for (let i = 0; i < 20; i++) f.span('q', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT 1' } }, root);
    root.end();
    const [payload] = new DatadogEncoder({ protocol: '0.5' }).encode(f.finished());
    const [table] = decode(payload.body) as [string[], unknown];
    assert.equal(table[0], '');
    assert.equal(new Set(table).size, table.length);
    assert.equal(table.filter((s) => s === 'SELECT 1').length, 1);
  });

  it('v0.4 payload decodes to the same spans as v0.5', () => {
    const f = new SpanFactory();
    const root = f.span('GET /x', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/x' } });
    f.span('q', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis', 'db.operation.name': 'GET' } }, root);
    const strip = (t: ReturnType<typeof roundTrip>) => t.flat().map(({ wireTypes: _w, ...rest }) => ({ ...rest, type: rest.type ?? '' }));
    assert.deepEqual(strip(roundTrip(f.finished(), { protocol: '0.4' })), strip(roundTrip(f.finished(), { protocol: '0.5' })));
  });
});
