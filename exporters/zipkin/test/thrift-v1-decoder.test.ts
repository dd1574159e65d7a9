/** v1 Thrift bodies as the real zipkin-js + zipkin-encoder-thrift 0.22 produce them, and garbage. */
import * as assert from 'node:assert';
import * as fc from 'fast-check';
import * as zipkin from 'zipkin';
import { decodeThriftV1, decodeZipkin, ZipkinDecodeError } from '@polytrace/exporter-zipkin';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const thriftEncoder = require('zipkin-encoder-thrift') as { encode(span: zipkin.model.Span): Buffer };

/** What a Thrift v1 reporter posts: a TBinaryProtocol list<Span> header, then each span struct. */
function thriftList(structs: Buffer[]): Buffer {
  const header = Buffer.alloc(5);
  header[0] = 12; // TType.STRUCT
  header.writeInt32BE(structs.length, 1);
  return Buffer.concat([header, ...structs]);
}

/** Runs real zipkin-js instrumentation calls and returns every span it reported, in both encodings. */
function record(run: (tracer: zipkin.Tracer) => void): { thrift: Buffer; jsonV1: Buffer } {
  const spans: zipkin.model.Span[] = [];
  const recorder = new zipkin.BatchRecorder({ logger: { logSpan: (span: zipkin.model.Span) => spans.push(span) } });
  run(new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder, localServiceName: 'front', traceId128Bit: true }));
  return {
    thrift: thriftList(spans.map((s) => Buffer.from(thriftEncoder.encode(s)))),
    jsonV1: Buffer.from(`[${spans.map((s) => zipkin.jsonEncoder.JSON_V1.encode(s)).join(',')}]`),
  };
}

const clientAndServer = (tracer: zipkin.Tracer): void => {
  const id = tracer.createRootId(new zipkin.option.Some(true));
  tracer.letId(id, () => {
    tracer.recordServiceName('front');
    tracer.recordRpc('get /users');
    tracer.recordAnnotation(new zipkin.Annotation.LocalAddr({ host: new zipkin.InetAddress('10.0.0.1'), port: 8080 }));
    tracer.recordAnnotation(new zipkin.Annotation.ClientSend());
    tracer.recordAnnotation(new zipkin.Annotation.ServerAddr({ serviceName: 'users', host: new zipkin.InetAddress('10.0.0.2'), port: 9000 }));
    tracer.recordBinary('http.path', '/users');
    tracer.recordMessage('retrying');
    tracer.recordAnnotation(new zipkin.Annotation.ClientRecv());
  });
  // the callee joins the caller's span id (shared), as zipkin-js servers do when X-B3-Sampled was sent
  const joined = (tracer as unknown as { join(id: zipkin.TraceId): zipkin.TraceId }).join(new zipkin.TraceId({ traceId: id.traceId, spanId: id.spanId, sampled: new zipkin.option.Some(true) }));
  tracer.letId(joined, () => {
    tracer.recordServiceName('users');
    tracer.recordRpc('get /users');
    tracer.recordAnnotation(new zipkin.Annotation.ServerRecv());
    tracer.recordBinary('error', 'boom');
    tracer.recordAnnotation(new zipkin.Annotation.ServerSend());
  });
};

describe('Zipkin v1 Thrift decoder', () => {
  it('decodes what zipkin-js reports exactly like the same spans in v1 JSON (one v1→v2 conversion)', () => {
    const { thrift, jsonV1 } = record(clientAndServer);
    const fromThrift = decodeZipkin(thrift, { api: 'v1', contentType: 'application/x-thrift' });
    const fromJson = decodeZipkin(jsonV1, { api: 'v1', contentType: 'application/json' });
    assert.strictEqual(fromThrift.format, 'thrift-v1');
    assert.deepStrictEqual(fromThrift.issues, []);
    assert.deepStrictEqual(fromThrift.spans, fromJson.spans);
    const [client, server] = fromThrift.spans;
    assert.strictEqual(client.traceId.length, 32, '128-bit trace id from trace_id_high + trace_id');
    assert.deepStrictEqual([client.kind, client.name, client.localEndpoint, client.remoteEndpoint], ['CLIENT', 'get /users', { serviceName: 'front', ipv4: '10.0.0.1', port: 8080 }, { serviceName: 'users', ipv4: '10.0.0.2', port: 9000 }]);
    assert.ok(client.timestamp !== undefined && client.duration !== undefined && client.duration >= 1);
    assert.deepStrictEqual([client.tags, client.annotations?.map((a) => a.value)], [{ 'http.path': '/users' }, ['retrying']]);
    assert.deepStrictEqual([server.kind, server.id, server.shared, server.localEndpoint?.serviceName, server.tags], ['SERVER', client.id, true, 'users', { error: 'boom' }]);
  });

  it('sniffs Thrift on /api/v1/spans without a Content-Type, and refuses it on the v2 path', () => {
    const { thrift } = record(clientAndServer);
    assert.strictEqual(decodeZipkin(thrift, { api: 'v1' }).spans.length, 2);
    assert.throws(() => decodeZipkin(thrift, { api: 'v2', contentType: 'application/x-thrift' }), ZipkinDecodeError);
    assert.deepStrictEqual(decodeThriftV1(Buffer.alloc(0)).spans, []);
  });

  it('drops a whole span with a zero id, keeps the others (strict mode fails the batch)', () => {
    const { thrift } = record(clientAndServer);
    const zeroId = Buffer.from(thrift);
    // the first span's `id` field (type i64 = 10, field id 4) → zeros
    const at = zeroId.indexOf(Buffer.from([10, 0, 4]), 5);
    zeroId.fill(0, at + 3, at + 11);
    const { spans, issues } = decodeThriftV1(zeroId);
    assert.deepStrictEqual([spans.map((s) => s.kind), issues.map((i) => i.action)], [['SERVER'], ['dropped']]);
    assert.throws(() => decodeThriftV1(zeroId, { strict: true }), ZipkinDecodeError);
  });

  it('never throws anything but ZipkinDecodeError on truncated, corrupted or random bodies, and never over-allocates', () => {
    const { thrift } = record(clientAndServer);
    const outcome = (body: Buffer): string => {
      try {
        return `ok ${decodeThriftV1(body).spans.length}`;
      } catch (err) {
        if (err instanceof ZipkinDecodeError) return 'rejected';
        throw err;
      }
    };
    for (let n = 1; n < thrift.length; n++) assert.strictEqual(outcome(thrift.subarray(0, n)), 'rejected', `truncated at ${n}`);
    fc.assert(fc.property(fc.nat(thrift.length - 1), fc.integer({ min: 0, max: 255 }), (i, b) => {
      const corrupted = Buffer.from(thrift);
      corrupted[i] = b;
      outcome(corrupted);
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      outcome(Buffer.concat([Buffer.from([12]), Buffer.from(bytes)]));
    }), { numRuns: 2000 });
    // a list header claiming 2^31-1 spans, and a struct nested 10 000 deep
    assert.strictEqual(outcome(Buffer.from([12, 0x7f, 0xff, 0xff, 0xff, 0])), 'rejected');
    assert.strictEqual(outcome(Buffer.concat([Buffer.from([12, 0, 0, 0, 1]), Buffer.alloc(30_000, 0).fill(Buffer.from([12, 0, 99]))])), 'rejected');
  });
});
