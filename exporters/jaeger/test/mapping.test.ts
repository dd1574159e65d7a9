/**
 * OTel → Jaeger mapping, end to end: real SDK spans → JaegerExporter over UDP → capture agent decoding with the
 * Apache `thrift` package → every field checked.
 */
import * as assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, TraceFlags, context, trace, type HrTime } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JaegerExporter } from '@polytrace/exporter-jaeger';
import { JaegerCaptureAgent, SpanRefType, TagType, i64ToHex, tagsByKey, tagValue, traceIdHex, type JaegerSpan } from '../../../test/support/jaeger-agent';
import { exportSpans, fixedIds, isSuccess, sdkHarness, type SdkHarness } from './helpers';

const T0: HrTime = [1_700_000_000, 123_456_789];
const T1: HrTime = [1_700_000_000, 124_987_654];

describe('JaegerExporter mapping (decoded by the capture agent)', () => {
  let agent: JaegerCaptureAgent;
  let sdk: SdkHarness;
  let exporter: JaegerExporter;

  beforeEach(async () => {
    agent = await JaegerCaptureAgent.start();
  });
  afterEach(async () => {
    await exporter?.shutdown();
    await sdk?.shutdown();
    await agent.close();
  });

  function udpExporter(protocol: 'compact' | 'binary' = 'compact'): JaegerExporter {
    return new JaegerExporter({
      host: '127.0.0.1',
      port: protocol === 'compact' ? agent.compactPort : agent.binaryPort,
      agentProtocol: protocol,
      env: {},
    });
  }

  async function roundTrip(protocol: 'compact' | 'binary' = 'compact'): Promise<JaegerSpan[]> {
    exporter = udpExporter(protocol);
    const finished = sdk.finished();
    assert.ok(isSuccess(await exportSpans(exporter, finished)));
    const spans = await agent.waitForSpans(finished.length);
    assert.deepEqual(agent.errors(), []);
    return spans;
  }

  for (const protocol of ['compact', 'binary'] as const) {
    it(`maps ids, times, kind, status, typed attributes, events, links and scope (${protocol})`, async () => {
      sdk = sdkHarness({
        resource: { 'service.name': 'checkout', 'service.version': '2.0.1', 'host.cores': 8 },
        // high half with the sign bit set, low half positive; span id negative as i64
        idGenerator: fixedIds(['d4cda95b652f4a1592b449d5929fda1b'], ['6e0c63257de34c92', 'ff00000000000001']),
      });
      const linked = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
      const root = sdk.tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, startTime: T0, links: [{ context: linked }] });
      root.setAttributes({
        'http.status_code': 200,
        ratio: 0.25,
        big: 2 ** 60,
        neg: -42,
        ok: true,
        route: '/cart',
        tags: ['a', 'b,c'],
        nums: [1, 2.5],
      });
      root.addEvent('cache.miss', { key: 'cart:1', attempt: 2 }, [1_700_000_000, 124_000_999]);
      root.addEvent('custom', { event: 'overridden' }, T1);
      root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      const child = sdk.tracer.startSpan('SELECT', { kind: SpanKind.INTERNAL, startTime: T0 }, trace.setSpan(context.active(), root));
      child.setStatus({ code: SpanStatusCode.OK });
      child.end(T1);
      root.end(T1);

      const spans = await roundTrip(protocol);
      const [batch] = agent.batches();
      assert.equal(batch.channel, protocol);
      assert.equal(batch.message?.type, 4, 'ONEWAY');
      // resource → Process, once per batch, not on spans
      assert.equal(batch.process.serviceName, 'checkout');
      const ptags = tagsByKey(batch.process.tags);
      assert.equal(ptags.get('service.version')?.vStr, '2.0.1');
      assert.equal(ptags.get('host.cores')?.vType, TagType.LONG);
      assert.equal(ptags.get('host.cores')?.vLong, 8n);
      assert.match(ptags.get('client-uuid')?.vStr ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(!ptags.has('service.name'));
      assert.ok(batch.seqNo !== undefined && batch.seqNo >= 1n);
      assert.deepEqual(batch.stats, { fullQueueDroppedSpans: 0n, tooLargeDroppedSpans: 0n, failedToEmitSpans: 0n });

      const r = spans.find((s) => s.operationName === 'GET /cart');
      const c = spans.find((s) => s.operationName === 'SELECT');
      assert.ok(r && c);
      // ids: signed i64 re-interpretation of each big-endian half
      assert.equal(r.traceIdHigh, -3112645557438428651n);
      assert.equal(r.traceIdLow, -7875588666727343589n);
      assert.equal(traceIdHex(r), 'd4cda95b652f4a1592b449d5929fda1b');
      assert.equal(r.spanId, 7929822056569588882n);
      assert.equal(r.parentSpanId, 0n);
      assert.equal(c.spanId, BigInt.asIntN(64, 0xff00000000000001n));
      assert.equal(c.parentSpanId, r.spanId);
      assert.equal(i64ToHex(c.spanId), 'ff00000000000001');
      assert.equal(r.flags, 1);
      // times: µs, truncated
      assert.equal(r.startTime, 1_700_000_000_123_456n);
      assert.equal(r.duration, 1_530n); // 124_987_654 - 123_456_789 ns = 1_530_865 ns
      // links → FOLLOWS_FROM
      assert.deepEqual(r.references, [
        {
          refType: SpanRefType.FOLLOWS_FROM,
          traceIdHigh: BigInt.asIntN(64, 0x0af7651916cd43ddn),
          traceIdLow: BigInt.asIntN(64, 0x8448eb211c80319cn),
          spanId: BigInt.asIntN(64, 0xb7ad6b7169203331n),
        },
      ]);
      assert.equal(c.references, undefined, 'the parent is parentSpanId, not a duplicate explicit reference');

      const tags = tagsByKey(r.tags);
      const typed = (k: string): [number | undefined, unknown] => {
        const t = tags.get(k);
        return [t?.vType, t && tagValue(t)];
      };
      assert.deepEqual(typed('http.status_code'), [TagType.LONG, 200n]);
      assert.deepEqual(typed('neg'), [TagType.LONG, -42n]);
      assert.deepEqual(typed('ratio'), [TagType.DOUBLE, 0.25]);
      assert.deepEqual(typed('big'), [TagType.DOUBLE, 2 ** 60], 'integers beyond 2^53 are not exact: DOUBLE');
      assert.deepEqual(typed('ok'), [TagType.BOOL, true]);
      assert.deepEqual(typed('route'), [TagType.STRING, '/cart']);
      assert.deepEqual(typed('tags'), [TagType.STRING, '["a","b,c"]']);
      assert.deepEqual(typed('nums'), [TagType.STRING, '[1,2.5]']);
      assert.deepEqual(typed('span.kind'), [TagType.STRING, 'server']);
      assert.deepEqual(typed('otel.status_code'), [TagType.STRING, 'ERROR']);
      assert.deepEqual(typed('otel.status_description'), [TagType.STRING, 'boom']);
      assert.deepEqual(typed('error'), [TagType.BOOL, true]);
      assert.deepEqual(typed('otel.scope.name'), [TagType.STRING, 'test-scope']);
      assert.deepEqual(typed('otel.scope.version'), [TagType.STRING, '1.2.3']);
      assert.deepEqual(typed('otel.library.name'), [TagType.STRING, 'test-scope']);
      assert.ok(!tags.has('service.name'), 'resource attributes are not copied onto spans');
      // only the value field matching vType is on the wire
      for (const t of r.tags ?? []) {
        const present = ['vStr', 'vDouble', 'vBool', 'vLong', 'vBinary'].filter((f) => (t as unknown as Record<string, unknown>)[f] !== undefined);
        assert.equal(present.length, 1, `${t.key}: ${present.join(',')}`);
      }

      // events → logs
      assert.equal(r.logs?.length, 2);
      const [miss, custom] = r.logs ?? [];
      assert.equal(miss.timestamp, 1_700_000_000_124_000n);
      const mf = tagsByKey(miss.fields);
      assert.equal(mf.get('event')?.vStr, 'cache.miss');
      assert.equal(mf.get('key')?.vStr, 'cart:1');
      assert.deepEqual([mf.get('attempt')?.vType, mf.get('attempt')?.vLong], [TagType.LONG, 2n]);
      assert.deepEqual(custom.fields.filter((f) => f.key === 'event').map((f) => f.vStr), ['overridden']);

      // internal: no span.kind; OK status; no error tag
      const ctags = tagsByKey(c.tags);
      assert.ok(!ctags.has('span.kind'));
      assert.equal(ctags.get('otel.status_code')?.vStr, 'OK');
      assert.ok(!ctags.has('error') && !ctags.has('otel.status_description'));
    });
  }

  it('keeps unsampled flags, 64-bit trace ids, tracestate and dropped counts', async () => {
    sdk = sdkHarness({ idGenerator: fixedIds(['0000000000000000ffffffffffffffff'], ['8000000000000000']) });
    const s = sdk.tracer.startSpan('limited', { startTime: T0 });
    s.end(T1);
    const [real] = sdk.finished();
    const ctx = real.spanContext();
    // a recorded-but-unsampled span with a tracestate and limits hit (what a Datadog-style processor could forward)
    const unsampled: ReadableSpan = {
      name: real.name,
      kind: real.kind,
      spanContext: () => ({ ...ctx, traceFlags: TraceFlags.NONE, traceState: new TraceState('vendor=a,other=b') }),
      parentSpanContext: undefined,
      startTime: real.startTime,
      endTime: real.endTime,
      duration: real.duration,
      status: real.status,
      attributes: real.attributes,
      links: [],
      events: [],
      ended: true,
      resource: real.resource,
      instrumentationScope: real.instrumentationScope,
      droppedAttributesCount: 3,
      droppedEventsCount: 2,
      droppedLinksCount: 1,
    };
    exporter = udpExporter();
    assert.ok(isSuccess(await exportSpans(exporter, [unsampled])));
    const [span] = await agent.waitForSpans(1);
    assert.equal(span.flags, 0);
    assert.equal(span.traceIdHigh, 0n);
    assert.equal(span.traceIdLow, -1n);
    assert.equal(span.spanId, -9223372036854775808n);
    const tags = tagsByKey(span.tags);
    assert.equal(tags.get('w3c.tracestate')?.vStr, 'vendor=a,other=b');
    assert.deepEqual(
      ['otel.dropped_attributes_count', 'otel.dropped_events_count', 'otel.dropped_links_count'].map((k) => [tags.get(k)?.vType, tags.get(k)?.vLong]),
      [[TagType.LONG, 3n], [TagType.LONG, 2n], [TagType.LONG, 1n]],
    );
  });

  it('sends one Process per resource in an export', async () => {
    const a = sdkHarness({ resource: { 'service.name': 'svc-a' } });
    const b = sdkHarness({ resource: { 'service.name': 'svc-b', zone: 'z1' } });
    sdk = a;
    try {
      a.tracer.startSpan('from-a').end();
      b.tracer.startSpan('from-b').end();
      a.tracer.startSpan('from-a-2').end();
      exporter = udpExporter();
      assert.ok(isSuccess(await exportSpans(exporter, [...a.finished(), ...b.finished()])));
      await agent.waitForSpans(3);
      const byService = new Map(agent.batches().map((x) => [x.process.serviceName, x.spans.map((s) => s.operationName).sort()]));
      assert.deepEqual(byService.get('svc-a'), ['from-a', 'from-a-2']);
      assert.deepEqual(byService.get('svc-b'), ['from-b']);
    } finally {
      await b.shutdown();
    }
  });
});
