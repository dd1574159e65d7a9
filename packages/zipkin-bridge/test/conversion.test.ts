/** Spec zipkin.md §7 vectors (Zipkin → OTel), posted to the bridge over HTTP. */
import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ABSENT_START_ATTRIBUTE, serverSpanId } from '@polytrace/zipkin-bridge';
import { startBridge, type RunningBridge } from './helpers';

const T = '64fe8b2a57d3eff7';
const S = 'e457b5a2e4d86bd1';
const P = '05e3ac9a4f6e3b90';
const base = { traceId: T, id: S, name: 'get /api', timestamp: 1556604172355737, duration: 1431, localEndpoint: { serviceName: 'backend' } };

describe('zipkin bridge: Zipkin → OTel conversion (spec §7)', () => {
  let b: RunningBridge;
  before(async () => {
    b = await startBridge({ defaultServiceName: 'zipkin-default' });
  });
  after(async () => {
    await b.close();
  });
  const one = async (overrides: Record<string, unknown>): Promise<ReadableSpan> => {
    const spans = await b.spansFor([{ ...base, ...overrides }]);
    assert.strictEqual(spans.length, 1);
    return spans[0];
  };

  it('Z01: ids, parent, kind, exact timing, resource and endpoint attributes', async () => {
    const s = await one({
      parentId: P, kind: 'SERVER', localEndpoint: { serviceName: 'backend', ipv4: '192.168.99.1', port: 3306 },
      remoteEndpoint: { ipv4: '172.19.0.2', port: 58648 }, tags: { 'http.method': 'GET', 'http.path': '/api' },
    });
    assert.strictEqual(s.spanContext().traceId, `0000000000000000${T}`);
    assert.strictEqual(s.spanContext().spanId, S);
    assert.strictEqual(s.parentSpanContext?.spanId, P);
    assert.strictEqual(s.kind, SpanKind.SERVER);
    assert.strictEqual(s.name, 'get /api');
    assert.deepStrictEqual([s.startTime, s.endTime, s.duration], [[1556604172, 355737000], [1556604172, 357168000], [0, 1431000]]);
    assert.deepStrictEqual(s.resource.attributes, { 'service.name': 'backend' });
    assert.deepStrictEqual(s.attributes, { 'http.method': 'GET', 'http.path': '/api', 'net.host.ip': '192.168.99.1', 'net.host.port': 3306, 'net.peer.ip': '172.19.0.2', 'net.peer.port': 58648 });
    assert.deepStrictEqual(s.status, { code: SpanStatusCode.UNSET });
  });

  it('Z02–Z07: status from error and otel.status_code tags', async () => {
    const cases: [Record<string, string>, { code: SpanStatusCode; message?: string }, Record<string, string>][] = [
      [{ error: '500 Internal Server Error' }, { code: SpanStatusCode.ERROR, message: '500 Internal Server Error' }, { error: '500 Internal Server Error' }],
      [{ error: 'true' }, { code: SpanStatusCode.ERROR }, {}],
      [{ error: 'false' }, { code: SpanStatusCode.UNSET }, {}],
      [{ 'otel.status_code': 'ERROR' }, { code: SpanStatusCode.ERROR }, {}],
      [{ 'otel.status_code': 'ERROR', error: 'boom' }, { code: SpanStatusCode.ERROR, message: 'boom' }, { error: 'boom' }],
      [{ 'otel.status_code': 'OK' }, { code: SpanStatusCode.OK }, {}],
      [{ 'otel.status_code': 'STATUS_CODE_ERROR' }, { code: SpanStatusCode.ERROR }, {}],
    ];
    for (const [tags, status, attributes] of cases) {
      const s = await one({ tags });
      assert.deepStrictEqual(s.status, status, JSON.stringify(tags));
      assert.deepStrictEqual(s.attributes, attributes, JSON.stringify(tags));
    }
  });

  it('Z08: a span without timestamp starts at receive time (never 1970) and is marked', async () => {
    const before = Date.now();
    // ids of their own: a fragment sharing (traceId, id) with an exported span would be merged with it (§4.5)
    const s = await one({ id: '0f0f0f0f0f0f0f01', timestamp: undefined, duration: 5 });
    const startMs = s.startTime[0] * 1000 + s.startTime[1] / 1e6;
    assert.ok(startMs >= before - 1 && startMs <= Date.now() + 1, `start ${startMs}`);
    assert.deepStrictEqual(s.duration, [0, 5000]);
    assert.strictEqual(s.attributes[ABSENT_START_ATTRIBUTE], true);
    const fromAnnotations = await one({ id: '0f0f0f0f0f0f0f02', timestamp: undefined, duration: undefined, annotations: [{ timestamp: 2000, value: 'a' }, { timestamp: 2600, value: 'b' }] });
    assert.deepStrictEqual([fromAnnotations.startTime, fromAnnotations.endTime], [[0, 2000000], [0, 2600000]]);
    assert.strictEqual(fromAnnotations.attributes[ABSENT_START_ATTRIBUTE], undefined);
  });

  it('Z09–Z11: parent equal to id is a root; kind from span.kind tag, INTERNAL otherwise', async () => {
    assert.strictEqual((await one({ parentId: S })).parentSpanContext, undefined);
    const tagged = await one({ tags: { 'span.kind': 'internal' } });
    assert.deepStrictEqual([tagged.kind, tagged.attributes], [SpanKind.INTERNAL, {}]);
    assert.strictEqual((await one({})).kind, SpanKind.INTERNAL);
  });

  it('Z12–Z13: annotations become events, unpacking name|json|dropped only when it parses', async () => {
    const s = await one({ annotations: [{ timestamp: 1556604172356000, value: 'ws' }, { timestamp: 1556604172356100, value: 'evt|{"k":"v","n":2}|1' }, { timestamp: 1556604172356200, value: 'a|b|c' }] });
    assert.deepStrictEqual(s.events, [
      { time: [1556604172, 356000000], name: 'ws' },
      { time: [1556604172, 356100000], name: 'evt', attributes: { k: 'v', n: 2 }, droppedAttributesCount: 1 },
      { time: [1556604172, 356200000], name: 'a|b|c' },
    ]);
  });

  it('Z14–Z15: resource tags move to the resource, scope from tags, peer.service tag wins', async () => {
    const s = await one({
      remoteEndpoint: { serviceName: 'db' },
      tags: { 'service.name': 'x', 'host.name': 'h', 'otel.library.name': 'lib', 'otel.library.version': '1.0', 'peer.service': 'mysql' },
    });
    assert.deepStrictEqual(s.resource.attributes, { 'service.name': 'backend', 'host.name': 'h' });
    assert.deepStrictEqual(s.instrumentationScope, { name: 'lib', version: '1.0' });
    assert.deepStrictEqual(s.attributes, { 'zipkin.tag.service.name': 'x', 'peer.service': 'mysql' });
    const again = await one({ tags: { 'host.name': 'h' } });
    assert.strictEqual(again.resource, s.resource, 'one Resource instance per attribute set (OTLP groups by identity)');
  });

  it('Z16: a shared SERVER span gets its own id, parented on the client; its children follow', async () => {
    const shared = 'aaaaaaaaaaaaaaaa';
    const spans = await b.spansFor([
      { traceId: T, id: shared, parentId: P, kind: 'CLIENT', name: 'call', timestamp: 10, duration: 9, localEndpoint: { serviceName: 'otel-svc' } },
      { traceId: T, id: 'bbbbbbbbbbbbbbbb', parentId: shared, kind: 'CLIENT', name: 'downstream', timestamp: 12, duration: 2, localEndpoint: { serviceName: 'brave-svc' } },
      { traceId: T, id: shared, kind: 'SERVER', shared: true, name: 'handle', timestamp: 11, duration: 6, localEndpoint: { serviceName: 'brave-svc' } },
    ]);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const newId = serverSpanId(T, shared);
    assert.deepStrictEqual([byName.call.spanContext().spanId, byName.call.parentSpanContext?.spanId], [shared, P]);
    assert.deepStrictEqual([byName.handle.spanContext().spanId, byName.handle.parentSpanContext?.spanId], [newId, shared]);
    assert.deepStrictEqual([byName.handle.attributes['zipkin.shared'], byName.handle.attributes['zipkin.original_span_id']], ['true', shared]);
    assert.strictEqual(byName.downstream.parentSpanContext?.spanId, newId);
    assert.strictEqual(new Set(spans.map((s) => s.spanContext().spanId)).size, 3, 'span ids are unique');

    // A later POST with another child of the shared server (same service) is re-parented too.
    const [late] = await b.spansFor([{ traceId: T, id: 'cccccccccccccccc', parentId: shared, name: 'late', timestamp: 13, duration: 1, localEndpoint: { serviceName: 'brave-svc' } }]);
    assert.strictEqual(late.parentSpanContext?.spanId, newId);
    // A server that reused the id without `shared` (zipkin-js without X-B3-Sampled) is caught via the client seen before.
    const [unflagged] = await b.spansFor([{ traceId: T, id: shared, kind: 'SERVER', name: 'unflagged', timestamp: 11, localEndpoint: { serviceName: 'js-svc' } }]);
    assert.deepStrictEqual([unflagged.spanContext().spanId, unflagged.parentSpanContext?.spanId], [newId, shared]);
  });

  it('Z17–Z18: debug is kept as an attribute; no localEndpoint gets the default service', async () => {
    const s = await one({ debug: true, localEndpoint: undefined });
    assert.strictEqual(s.attributes['zipkin.debug'], true);
    assert.strictEqual(s.resource.attributes['service.name'], 'zipkin-default');
  });

  it('Z19–Z22: repairs ids, numeric tags, fractional timestamps and kinds instead of failing the batch', async () => {
    const s = await one({ traceId: '80F198EE56343BA864FE8B2A57D3EFF7', kind: 'client', timestamp: 1700000000123456.8, tags: { 'http.status_code': 200 } });
    assert.strictEqual(s.spanContext().traceId, '80f198ee56343ba864fe8b2a57d3eff7');
    assert.strictEqual(s.kind, SpanKind.CLIENT);
    assert.deepStrictEqual(s.startTime, [1700000000, 123457000]);
    assert.strictEqual(s.attributes['http.status_code'], '200');
    assert.ok(b.bridge.getStats().spansRepaired >= 1);
  });
});
