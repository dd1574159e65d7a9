/** Spec zipkin.md §4.5: late data and merges (spans without a timestamp), over HTTP. */
import * as assert from 'node:assert';
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ABSENT_START_ATTRIBUTE, LATE_FRAGMENT_ATTRIBUTE, serverSpanId } from '@polytrace/zipkin-bridge';
import { postAccepted, startBridge, until, type RunningBridge } from './helpers';

const T = '5b8aa5a2d2c872e8321cf37308d69df2';
const backend = { serviceName: 'backend', ipv4: '10.0.0.7' };
const complete = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  traceId: T, id, parentId: '1111111111111111', kind: 'SERVER', name: 'get /users', timestamp: 1700000000000000, duration: 2500,
  localEndpoint: backend, tags: { 'http.method': 'GET' }, annotations: [{ timestamp: 1700000000000100, value: 'wr' }], ...extra,
});
// What Brave/zipkin-js send after the fact: same ids, no timestamp, no localEndpoint.
const fragment = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  traceId: T, id, kind: 'SERVER', tags: { 'http.status_code': '200' }, annotations: [{ timestamp: 1700000000002000, value: 'late' }], ...extra,
});

const finished = (b: RunningBridge): ReadableSpan[] => b.memory.getFinishedSpans();
const eventNames = (s: ReadableSpan): string[] => s.events.map((e) => e.name);

function assertMerged(s: ReadableSpan): void {
  assert.strictEqual(s.name, 'get /users');
  assert.strictEqual(s.kind, SpanKind.SERVER);
  assert.strictEqual(s.resource.attributes['service.name'], 'backend');
  assert.deepStrictEqual([s.startTime, s.endTime], [[1700000000, 0], [1700000000, 2500000]]);
  assert.strictEqual(s.attributes['http.method'], 'GET');
  assert.strictEqual(s.attributes['http.status_code'], '200');
  assert.strictEqual(s.attributes[ABSENT_START_ATTRIBUTE], undefined);
  assert.deepStrictEqual(eventNames(s), ['wr', 'late']);
}

describe('zipkin bridge: late data merges (spec §4.5)', () => {
  let b: RunningBridge;
  afterEach(async () => {
    await b.close();
  });

  it('merges a fragment into its complete span, in one POST and across POSTs in either order', async () => {
    b = await startBridge();
    await postAccepted(b, [fragment('00000000000000a1'), complete('00000000000000a1')]);
    // the bridge exports synchronously after answering: a complete span is never held back
    assert.strictEqual(finished(b).length, 1);
    assertMerged(finished(b)[0]);

    b.memory.reset();
    await postAccepted(b, [fragment('00000000000000a2')]);
    assert.strictEqual(finished(b).length, 0, 'the fragment waits for its complete span');
    await postAccepted(b, [complete('00000000000000a2')]);
    assert.strictEqual(finished(b).length, 1, 'merged and exported as soon as the complete span arrives');
    assertMerged(finished(b)[0]);

    // complete first: it leaves at once; the late fragment then leaves at once with the span's identity and timing
    b.memory.reset();
    await postAccepted(b, [complete('00000000000000a3')]);
    assert.strictEqual(finished(b).length, 1);
    await postAccepted(b, [fragment('00000000000000a3')]);
    const [, amended] = finished(b);
    assert.strictEqual(amended.spanContext().spanId, '00000000000000a3');
    assert.strictEqual(amended.parentSpanContext?.spanId, '1111111111111111');
    assert.deepStrictEqual([amended.name, amended.kind, amended.resource.attributes['service.name']], ['get /users', SpanKind.SERVER, 'backend']);
    assert.deepStrictEqual([amended.startTime, amended.endTime], [[1700000000, 0], [1700000000, 2500000]]);
    assert.deepStrictEqual([amended.attributes['http.status_code'], amended.attributes[LATE_FRAGMENT_ATTRIBUTE]], ['200', 'true']);
    const stats = b.bridge.getStats();
    assert.deepStrictEqual([stats.lateFragmentsMerged, stats.lateFragmentsAfterExport, stats.lateFragmentsUnmatched], [2, 1, 0]);
  });

  it('zipkin-js: a span flushed unfinished (zipkin-js.flush) gets its end from the later `finish` report', async () => {
    b = await startBridge();
    const flushed = { traceId: T, id: '00000000000000b1', kind: 'CLIENT', name: 'get', timestamp: 1700000000000000, localEndpoint: { serviceName: 'js' }, annotations: [{ timestamp: 1700000060000000, value: 'zipkin-js.flush' }] };
    await postAccepted(b, [flushed]);
    const [first] = finished(b);
    assert.deepStrictEqual(first.endTime, first.startTime, 'no duration yet: end = start');
    await postAccepted(b, [{ traceId: T, id: '00000000000000b1', kind: 'CLIENT', annotations: [{ timestamp: 1700000061000000, value: 'finish' }] }]);
    const late = finished(b)[1];
    assert.deepStrictEqual([late.startTime, late.endTime], [[1700000000, 0], [1700000061, 0]]);
    assert.strictEqual(late.resource.attributes['service.name'], 'js');
  });

  it('matches by kind: the SERVER fragment of a shared id merges into the server half, which is then re-identified', async () => {
    b = await startBridge();
    const id = '00000000000000c1';
    await postAccepted(b, [
      { traceId: T, id, kind: 'CLIENT', name: 'call', timestamp: 1700000000000000, duration: 900, localEndpoint: { serviceName: 'front' } },
      fragment(id),
      complete(id, { parentId: undefined, shared: true }),
    ]);
    const byName = Object.fromEntries(finished(b).map((s) => [s.name, s]));
    assert.strictEqual(byName.call.attributes['http.status_code'], undefined);
    assert.strictEqual(byName['get /users'].attributes['http.status_code'], '200');
    assert.strictEqual(byName['get /users'].spanContext().spanId, serverSpanId(T, id));
  });

  it('exports an unmatched fragment when its window ends: annotation timing, else receive time (never 1970)', async () => {
    b = await startBridge({ lateData: { windowMillis: 20 } });
    const before = Date.now();
    await postAccepted(b, [fragment('00000000000000d1'), { traceId: T, id: '00000000000000d2', tags: { k: 'v' } }]);
    await until(() => finished(b).length === 2);
    const byId = Object.fromEntries(finished(b).map((s) => [s.spanContext().spanId, s]));
    const withAnnotation = byId['00000000000000d1'];
    assert.deepStrictEqual([withAnnotation.startTime, withAnnotation.endTime], [[1700000000, 2000000], [1700000000, 2000000]]);
    const bare = byId['00000000000000d2'];
    assert.strictEqual(bare.attributes[ABSENT_START_ATTRIBUTE], true);
    assert.ok(bare.startTime[0] * 1000 >= before - 1000, 'receive time, not epoch 0');
    assert.deepStrictEqual(bare.endTime, bare.startTime);
    assert.strictEqual(b.bridge.getStats().lateFragmentsUnmatched, 2);
  });

  it('fragments of one span that wait together leave as one span', async () => {
    b = await startBridge({ lateData: { windowMillis: 60_000 } });
    await postAccepted(b, [fragment('00000000000000d3')]);
    await postAccepted(b, [fragment('00000000000000d3', { tags: { retry: '1' }, annotations: [{ timestamp: 1700000000001000, value: 'early' }] })]);
    await b.bridge.forceFlush();
    const spans = finished(b);
    assert.strictEqual(spans.length, 1);
    assert.deepStrictEqual([spans[0].attributes['http.status_code'], spans[0].attributes.retry, eventNames(spans[0])], ['200', '1', ['early', 'late']]);
  });

  it('bounds the buffer by count and bytes: overflow exports the oldest early (counted), never drops', async () => {
    b = await startBridge({ lateData: { windowMillis: 60_000, maxSpans: 2 } });
    await postAccepted(b, [fragment('00000000000000e1'), fragment('00000000000000e2'), fragment('00000000000000e3')]);
    assert.deepStrictEqual(finished(b).map((s) => s.spanContext().spanId), ['00000000000000e1']);
    assert.strictEqual(b.bridge.getStats().bufferOverflows, 1);
    b.memory.reset();
    const bytes = await startBridge({ lateData: { windowMillis: 60_000, maxBytes: 4096 } });
    try {
      await postAccepted(bytes, [fragment('00000000000000f1', { tags: { big: 'x'.repeat(4000) } }), fragment('00000000000000f2')]);
      assert.deepStrictEqual(finished(bytes).map((s) => s.spanContext().spanId), ['00000000000000f1']);
    } finally {
      await bytes.close();
    }
  });

  it('delivers buffered fragments on shutdown', async () => {
    const received: ReadableSpan[] = [];
    const exporter: SpanExporter = {
      export: (spans: ReadableSpan[], done: (r: ExportResult) => void) => {
        received.push(...spans);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => undefined,
    };
    b = await startBridge({ exporter, lateData: { windowMillis: 60_000 } });
    await postAccepted(b, [fragment('0000000000000101')]);
    assert.strictEqual(received.length, 0);
    await b.bridge.shutdown();
    assert.deepStrictEqual(received.map((s) => s.spanContext().spanId), ['0000000000000101']);
  });
});
