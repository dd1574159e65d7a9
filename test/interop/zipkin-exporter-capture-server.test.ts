/**
 * The capture Zipkin server (test/support/zipkin-server.ts) must accept what the real zipkin-js posts and reject
 * what a real Zipkin server rejects, or the exporter and bridge suites that rely on it prove nothing.
 */
import * as assert from 'node:assert';
import * as zlib from 'node:zlib';
import * as protobuf from 'protobufjs';
import { startZipkinServer, type ZipkinCaptureServer } from '../support/zipkin-server';

// zipkin-js ships no usable types for these entry points.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zipkin = require('zipkin');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HttpLogger } = require('zipkin-transport-http');

async function post(url: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text() };
}

const T = '463ac35c9f6413ad48485a3953bb6124';
const S = 'a2fb4a1d1a96d312';

describe('capture Zipkin server (test support)', () => {
  let server: ZipkinCaptureServer;
  beforeEach(async () => {
    server = await startZipkinServer();
  });
  afterEach(async () => {
    await server.close();
  });

  for (const version of ['JSON_V1', 'JSON_V2'] as const) {
    it(`accepts what zipkin-js + zipkin-transport-http post (${version})`, async () => {
      const logger = new HttpLogger({
        endpoint: version === 'JSON_V1' ? server.v1Url : server.v2Url,
        jsonEncoder: zipkin.jsonEncoder[version],
        httpInterval: 20,
      });
      const tracer = new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder: new zipkin.BatchRecorder({ logger }), localServiceName: 'Front-End' });
      let traceId = '';
      tracer.scoped(() => {
        const id = tracer.createRootId();
        traceId = id.traceId;
        tracer.setId(id);
        tracer.recordServiceName('front-end');
        tracer.recordRpc('GET');
        tracer.recordAnnotation(new zipkin.Annotation.ClientSend());
        tracer.recordBinary('http.path', '/users');
        tracer.recordAnnotation(new zipkin.Annotation.ServerAddr({ serviceName: 'users', host: new zipkin.InetAddress('10.0.0.2'), port: 8080 }));
        tracer.recordAnnotation(new zipkin.Annotation.ClientRecv());
      });
      const [span] = await server.waitForSpans(1);
      const [request] = server.requests();
      assert.strictEqual(request.status, 202, request.error);
      assert.strictEqual(request.format, version === 'JSON_V1' ? 'json-v1' : 'json-v2');
      assert.strictEqual(span.traceId, traceId);
      assert.strictEqual(span.kind, 'CLIENT');
      assert.strictEqual(span.name, 'get');
      assert.deepStrictEqual(span.localEndpoint, { serviceName: 'front-end' });
      assert.deepStrictEqual(span.remoteEndpoint, { serviceName: 'users', ipv4: '10.0.0.2', port: 8080 });
      assert.strictEqual(span.tags?.['http.path'], '/users');
      assert.ok(Number.isInteger(span.timestamp) && Number.isInteger(span.duration));
    });
  }

  it('accepts gzip and protobuf bodies, and normalises 64-bit trace ids like Zipkin', async () => {
    const json = JSON.stringify([{ traceId: `0000000000000000${T.slice(16)}`, id: S, name: 'GET /A', kind: 'SERVER', timestamp: 1700000000000001, duration: 5 }]);
    const gz = await post(server.v2Url, zlib.gzipSync(json), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.strictEqual(gz.status, 202, gz.text);

    const root = protobuf.parse(`syntax = "proto3";
      message Span { bytes trace_id = 1; bytes id = 3; int32 kind = 4; string name = 5; fixed64 timestamp = 6; uint64 duration = 7; map<string,string> tags = 11; }
      message ListOfSpans { repeated Span spans = 1; }`).root;
    const list = root.lookupType('ListOfSpans');
    const proto = list.encode(list.fromObject({ spans: [{ traceId: Buffer.from(T, 'hex'), id: Buffer.from(S, 'hex'), kind: 1, name: 'q', timestamp: 1700000000000002, duration: 7, tags: { a: 'b' } }] })).finish();
    const pb = await post(server.v2Url, Buffer.from(proto), { 'content-type': 'application/x-protobuf' });
    assert.strictEqual(pb.status, 202, pb.text);

    const spans = await server.waitForSpans(2);
    assert.strictEqual(spans[0].traceId, T.slice(16));
    assert.strictEqual(spans[0].name, 'get /a');
    assert.deepStrictEqual(spans[1], { traceId: T, id: S, kind: 'CLIENT', name: 'q', timestamp: 1700000000000002, duration: 7, tags: { a: 'b' } });
    assert.deepStrictEqual(server.violations(), []);
  });

  const rejected: [string, string, RegExp][] = [
    ['upper-case trace id', JSON.stringify([{ traceId: T.toUpperCase(), id: S }]), /lower-hex/],
    ['33-char trace id', JSON.stringify([{ traceId: `a${T}`, id: S }]), /traceId/],
    ['all-zero id', JSON.stringify([{ traceId: T, id: '0000000000000000' }]), /all zeros/],
    ['missing id', JSON.stringify([{ traceId: T }]), /id/],
    ['fractional timestamp', `[{"traceId":"${T}","id":"${S}","timestamp":1700000000123456.8}]`, /Expected a long/],
    ['lower-case kind', JSON.stringify([{ traceId: T, id: S, kind: 'client' }]), /Kind/],
    ['boolean tag', JSON.stringify([{ traceId: T, id: S, tags: { ok: true } }]), /tags\.ok/],
    ['string debug', JSON.stringify([{ traceId: T, id: S, debug: 'true' }]), /debug/],
    ['port above 65535', JSON.stringify([{ traceId: T, id: S, localEndpoint: { port: 70000 } }]), /port/],
    ['leading whitespace', ` [{"traceId":"${T}","id":"${S}"}]`, /encoded list/],
    ['a single object', JSON.stringify({ traceId: T, id: S }), /encoded list/],
    ['v1 JSON on the v2 path', JSON.stringify([{ traceId: T, id: S, name: '', binaryAnnotations: [] }]), /JSON_V1/],
    ['an incomplete annotation', JSON.stringify([{ traceId: T, id: S, annotations: [{ value: 'x' }] }]), /Incomplete annotation/],
  ];
  for (const [what, body, message] of rejected) {
    it(`rejects the whole batch with 400 for ${what}`, async () => {
      const good = { traceId: T, id: 'b2fb4a1d1a96d312' };
      const batch = body.startsWith('[') ? `[${JSON.stringify(good)},${body.slice(1)}` : body;
      const res = await post(server.v2Url, batch);
      assert.strictEqual(res.status, 400);
      assert.match(res.text, message);
      assert.strictEqual(server.spans().length, 0, 'a rejected batch keeps nothing');
    });
  }

  it('tolerates what Zipkin tolerates but records the model violation', async () => {
    const res = await post(server.v2Url, JSON.stringify([{ traceId: T, id: S, duration: 0, tags: { 'http.status_code': 200 } }]));
    assert.strictEqual(res.status, 202, res.text);
    assert.deepStrictEqual(server.spans()[0].tags, { 'http.status_code': '200' });
    assert.strictEqual(server.violations().length, 2);
  });

  it('answers 202 to an empty body or [] and 400 to garbage gzip', async () => {
    assert.strictEqual((await post(server.v2Url, '')).status, 202);
    assert.strictEqual((await post(server.v2Url, '[]')).status, 202);
    const bad = await post(server.v2Url, 'not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.deepStrictEqual(bad, { status: 400, text: 'Cannot gunzip spans' });
  });

  it('injects faults when asked to', async () => {
    server.setFault(({ count }) => (count === 0 ? { status: 503, body: 'busy' } : undefined));
    assert.strictEqual((await post(server.v2Url, '[]')).status, 503);
    assert.strictEqual((await post(server.v2Url, '[]')).status, 202);
  });
});
