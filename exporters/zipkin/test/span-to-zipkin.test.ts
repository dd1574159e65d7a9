import * as assert from 'node:assert';
import { TraceState } from '@opentelemetry/core';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { decodeJsonV2, encodeZipkinPayload, spanToZipkin, type ZipkinSpan } from '@polytrace/exporter-zipkin';

const START: [number, number] = [1700000000, 123456789]; // .123456789 s: sub-microsecond nanos
const END: [number, number] = [1700000000, 124000000];

function record(build: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => void, resource: Attributes = { 'service.name': 'checkout' }): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [new SimpleSpanProcessor(memory)] });
  build(provider.getTracer('@acme/http', '1.2.3'));
  return memory.getFinishedSpans();
}

function one(options: { kind?: SpanKind; attributes?: Attributes; status?: { code: SpanStatusCode; message?: string } } = {}, resource?: Attributes): ZipkinSpan {
  const [span] = record((tracer) => {
    const s = tracer.startSpan('GET /cart', { kind: options.kind, attributes: options.attributes, startTime: START });
    if (options.status) s.setStatus(options.status);
    s.end(END);
  }, resource);
  return spanToZipkin(span);
}

describe('spanToZipkin: OTel span → Zipkin v2 model', () => {
  it('writes integer microseconds even with sub-microsecond nanos, and a duration of at least 1', () => {
    const z = one();
    assert.strictEqual(z.timestamp, 1700000000123456);
    assert.strictEqual(z.duration, 544);
    const [instant] = record((tracer) => tracer.startSpan('instant', { startTime: START }).end(START));
    assert.strictEqual(spanToZipkin(instant).duration, 1, 'a zero-length span still gets duration 1 (0 means absent to Zipkin)');
  });

  it('writes lower-hex ids, 16-hex trace ids when the high half is zero, and the parent id', () => {
    const parent = { traceId: '000000000000000064fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1', traceFlags: TraceFlags.SAMPLED, isRemote: true };
    const [span] = record((tracer) => tracer.startSpan('child', {}, trace.setSpanContext(ROOT_CONTEXT, parent)).end());
    const z = spanToZipkin(span);
    assert.strictEqual(z.traceId, '64fe8b2a57d3eff7');
    assert.strictEqual(z.parentId, 'e457b5a2e4d86bd1');
    assert.match(z.id, /^[0-9a-f]{16}$/);
    const [root] = record((tracer) => tracer.startSpan('root').end());
    assert.match(spanToZipkin(root).traceId, /^[0-9a-f]{32}$/);
    assert.strictEqual(spanToZipkin(root).parentId, undefined);
  });

  it('maps kinds, leaving INTERNAL as a local span without kind', () => {
    assert.strictEqual(one({ kind: SpanKind.SERVER }).kind, 'SERVER');
    assert.strictEqual(one({ kind: SpanKind.CLIENT }).kind, 'CLIENT');
    assert.strictEqual(one({ kind: SpanKind.PRODUCER }).kind, 'PRODUCER');
    assert.strictEqual(one({ kind: SpanKind.CONSUMER }).kind, 'CONSUMER');
    assert.strictEqual(one({ kind: SpanKind.INTERNAL }).kind, undefined);
  });

  it('takes localEndpoint.serviceName from the resource and copies only allow-listed resource attributes', () => {
    const z = one({ attributes: { 'deployment.environment': 'span-wins' } }, { 'service.name': 'cart', 'service.version': '2.0', 'deployment.environment': 'prod', 'telemetry.sdk.name': 'opentelemetry' });
    assert.deepStrictEqual(z.localEndpoint, { serviceName: 'cart' });
    assert.strictEqual(z.tags?.['service.version'], '2.0');
    assert.strictEqual(z.tags?.['deployment.environment'], 'span-wins');
    assert.strictEqual(z.tags?.['telemetry.sdk.name'], undefined);
    assert.strictEqual(z.tags?.['service.name'], undefined);
  });

  it('sets remoteEndpoint from peer attributes for CLIENT spans and moves endpoint tags into it', () => {
    const z = one({ kind: SpanKind.CLIENT, attributes: { 'peer.service': 'postgres', 'net.peer.ip': '10.1.2.3', 'net.peer.port': 5432, 'db.system': 'postgresql' } });
    assert.deepStrictEqual(z.remoteEndpoint, { serviceName: 'postgres', ipv4: '10.1.2.3', port: 5432 });
    assert.deepStrictEqual(Object.keys(z.tags ?? {}).filter((k) => k.startsWith('net.') || k === 'peer.service'), []);
    assert.strictEqual(z.tags?.['db.system'], 'postgresql');

    const semconv = one({ kind: SpanKind.CLIENT, attributes: { 'server.address': 'api.example.com', 'server.port': 443, 'network.peer.address': '2001:db8::1' } });
    assert.deepStrictEqual(semconv.remoteEndpoint, { serviceName: 'api.example.com', ipv6: '2001:db8::1', port: 443 });
    assert.strictEqual(semconv.tags?.['server.address'], 'api.example.com', 'non-endpoint attributes stay tags');

    const server = one({ kind: SpanKind.SERVER, attributes: { 'client.address': '192.168.0.9', 'server.address': 'me' } });
    assert.deepStrictEqual(server.remoteEndpoint, { ipv4: '192.168.0.9' });
    assert.strictEqual(one({ kind: SpanKind.INTERNAL }).remoteEndpoint, undefined);
  });

  it('writes attributes as string tags, arrays as JSON', () => {
    const z = one({ attributes: { s: 'x', n: 1.5, i: 42, b: false, arr: ['a,b', 'c'], nums: [1, 2], 'resource.name': 'GET /cart/:id' } });
    assert.deepStrictEqual(
      { s: z.tags?.s, n: z.tags?.n, i: z.tags?.i, b: z.tags?.b, arr: z.tags?.arr, nums: z.tags?.nums, r: z.tags?.['resource.name'] },
      { s: 'x', n: '1.5', i: '42', b: 'false', arr: '["a,b","c"]', nums: '[1,2]', r: 'GET /cart/:id' },
    );
  });

  it('maps status: ERROR always gets an error tag, even without a message', () => {
    assert.deepStrictEqual(pick(one({ status: { code: SpanStatusCode.ERROR } }).tags), { 'otel.status_code': 'ERROR', error: '' });
    assert.deepStrictEqual(pick(one({ status: { code: SpanStatusCode.ERROR, message: 'boom' } }).tags), { 'otel.status_code': 'ERROR', error: 'boom' });
    assert.deepStrictEqual(pick(one({ status: { code: SpanStatusCode.OK } }).tags), { 'otel.status_code': 'OK' });
    assert.deepStrictEqual(pick(one().tags), {});
  });

  it('turns events into annotations, keeping their attributes in the name|json|dropped form', () => {
    const [span] = record((tracer) => {
      const s = tracer.startSpan('work', { startTime: START });
      s.addEvent('cache.miss', [1700000000, 123999999]);
      s.addEvent('retry', { attempt: 2, reason: 'timeout' }, [1700000000, 124000000]);
      s.end(END);
    });
    assert.deepStrictEqual(spanToZipkin(span).annotations, [
      { timestamp: 1700000000123999, value: 'cache.miss' },
      { timestamp: 1700000000124000, value: 'retry|{"attempt":2,"reason":"timeout"}|0' },
    ]);
    assert.strictEqual(spanToZipkin(span, { annotationFormat: 'name' }).annotations?.[1].value, 'retry');
  });

  it('writes the instrumentation scope, with the legacy otel.library.* aliases on request', () => {
    const z = one();
    assert.strictEqual(z.tags?.['otel.scope.name'], '@acme/http');
    assert.strictEqual(z.tags?.['otel.scope.version'], '1.2.3');
    assert.strictEqual(z.tags?.['otel.library.name'], undefined);
    const [span] = record((tracer) => tracer.startSpan('x').end());
    const legacy = spanToZipkin(span, { legacyScopeTags: true });
    assert.strictEqual(legacy.tags?.['otel.library.name'], '@acme/http');
    assert.strictEqual(legacy.tags?.['otel.library.version'], '1.2.3');
  });

  it('sets debug from zipkin.debug, writes links as otlp.link.N tags, and produces what our decoder reads back', () => {
    let other = '';
    const [span] = record((tracer) => {
      const o = tracer.startSpan('other');
      other = `${o.spanContext().traceId}|${o.spanContext().spanId}`;
      const ts = new TraceState('dd=s:1');
      tracer.startSpan('x', {
        attributes: { 'zipkin.debug': true, 'otlp.link.0': 'a user attribute that would collide' },
        links: [{ context: { ...o.spanContext(), traceState: ts }, attributes: { reason: 'retry', n: 2 } }],
      }).end();
      o.end();
    });
    const z = spanToZipkin(span);
    assert.strictEqual(z.debug, true);
    assert.strictEqual(z.tags?.['zipkin.debug'], undefined);
    assert.strictEqual(z.tags?.['otlp.link.0'], `${other}|dd=s:1|{"reason":"retry","n":2}|0`);
    assert.strictEqual(z.tags?.['otel.dropped_links_count'], undefined);
    const decoded = decodeJsonV2(Buffer.from(encodeZipkinPayload([span]).body).toString('utf8'), { strict: true });
    assert.deepStrictEqual(decoded.spans, [z]);
  });
});

describe('links past the tag cap', () => {
  it('writes the first 128 as otlp.link.0..127 and counts the rest as dropped', () => {
    const [recorded] = record((tracer) => tracer.startSpan('x').end());
    const context = recorded.spanContext();
    // 130 links and 1 already dropped by the SDK (its own limit is configurable, so our cap must hold by itself)
    const links = Array.from({ length: 130 }, (_, i) => ({ context, attributes: { i } }));
    const span: ReadableSpan = Object.create(recorded, { links: { value: links }, droppedLinksCount: { value: 1 } });
    const z = spanToZipkin(span);
    const linkKeys = Object.keys(z.tags ?? {}).filter((k) => k.startsWith('otlp.link.'));
    assert.strictEqual(linkKeys.length, 128);
    assert.match(z.tags?.['otlp.link.127'] ?? '', /\|\{"i":127\}\|0$/);
    assert.strictEqual(z.tags?.['otel.dropped_links_count'], '3');
    assert.strictEqual(Buffer.from(encodeZipkinPayload([span]).body).toString('utf8'), JSON.stringify([z]));
  });
});

function pick(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['otel.status_code', 'error']) if (tags?.[key] !== undefined) out[key] = tags[key];
  return out;
}
