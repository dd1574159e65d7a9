import * as assert from 'node:assert';
import { decodeZipkin, ZipkinDecodeError, type ZipkinSpan } from '@polytrace/exporter-zipkin';

const T16 = '64fe8b2a57d3eff7';
const T = '80f198ee56343ba864fe8b2a57d3eff7';
const S = 'e457b5a2e4d86bd1';
const P = '05e3ac9a4f6e3b90';

const v2 = (spans: unknown[], strict = false) => decodeZipkin(Buffer.from(JSON.stringify(spans)), { api: 'v2', strict });
const v1 = (spans: unknown[]) => decodeZipkin(Buffer.from(JSON.stringify(spans)), { api: 'v1' });

describe('Zipkin decoders', () => {
  describe('v1 JSON (V1SpanConverter semantics, spec §7 V01–V05)', () => {
    it('V01: cs/cr with an sa address annotation → one CLIENT span with a remote endpoint', () => {
      const { spans } = v1([{
        traceId: T16, id: S, name: 'get',
        annotations: [{ timestamp: 1000, value: 'cs', endpoint: { serviceName: 'fe' } }, { timestamp: 1900, value: 'cr', endpoint: { serviceName: 'fe' } }],
        binaryAnnotations: [{ key: 'sa', value: true, endpoint: { serviceName: 'be', ipv4: '10.0.0.2', port: 8080 } }],
      }]);
      assert.deepStrictEqual(spans, [{
        traceId: T16, id: S, name: 'get', kind: 'CLIENT', timestamp: 1000, duration: 900,
        localEndpoint: { serviceName: 'fe' }, remoteEndpoint: { serviceName: 'be', ipv4: '10.0.0.2', port: 8080 },
      }]);
    });

    it('V02: a span with cs, sr, ss, cr splits into a CLIENT and a shared SERVER span', () => {
      const fe = { serviceName: 'fe' };
      const be = { serviceName: 'be' };
      const { spans } = v1([{
        traceId: T16, id: S, parentId: P, name: 'get', timestamp: 1000, duration: 900,
        annotations: [
          { timestamp: 1000, value: 'cs', endpoint: fe }, { timestamp: 1100, value: 'sr', endpoint: be },
          { timestamp: 1800, value: 'ss', endpoint: be }, { timestamp: 1900, value: 'cr', endpoint: fe },
        ],
      }]);
      assert.deepStrictEqual(spans, [
        { traceId: T16, id: S, parentId: P, name: 'get', kind: 'CLIENT', localEndpoint: fe, timestamp: 1000, duration: 900 },
        { traceId: T16, id: S, parentId: P, name: 'get', kind: 'SERVER', localEndpoint: be, timestamp: 1100, duration: 700, shared: true },
      ]);
    });

    it('V03: sr/ss without a span timestamp → a shared SERVER span timed by its annotations', () => {
      const { spans } = v1([{ traceId: T16, id: S, name: 'get', annotations: [{ timestamp: 1100, value: 'sr', endpoint: { serviceName: 'be' } }, { timestamp: 1800, value: 'ss', endpoint: { serviceName: 'be' } }] }]);
      assert.deepStrictEqual(spans.map((s) => [s.kind, s.timestamp, s.duration, s.shared]), [['SERVER', 1100, 700, true]]);
    });

    it('V04/V05: drops an empty lc and routes tags to the span of their endpoint', () => {
      const fe = { serviceName: 'fe' };
      const { spans } = v1([{
        traceId: T16, id: S, name: 'get',
        annotations: [{ timestamp: 1000, value: 'cs', endpoint: fe }, { timestamp: 1500, value: 'cr', endpoint: fe }],
        binaryAnnotations: [{ key: 'lc', value: '', endpoint: fe }, { key: 'http.path', value: '/a', endpoint: { serviceName: 'be' } }, { key: 'http.method', value: 'GET', endpoint: fe }],
      }]);
      assert.strictEqual(spans.length, 2);
      assert.deepStrictEqual(spans[0].tags, { 'http.method': 'GET' });
      assert.deepStrictEqual([spans[1].localEndpoint, spans[1].tags, spans[1].kind], [{ serviceName: 'be' }, { 'http.path': '/a' }, undefined]);
    });

    it('is not fooled by a v2 tag named endpoint or a v1 annotation valued "tags"', () => {
      const v2Body = [{ traceId: T16, id: S, kind: 'SERVER', tags: { endpoint: '/x' } }];
      assert.strictEqual(decodeZipkin(Buffer.from(JSON.stringify(v2Body)), { api: 'v2' }).format, 'json-v2');
      const v1Body = [{ traceId: T16, id: S, name: 'x', annotations: [{ timestamp: 1, value: 'tags', endpoint: { serviceName: 'fe' } }, { timestamp: 1, value: 'sr', endpoint: { serviceName: 'fe' } }] }];
      const decoded = decodeZipkin(Buffer.from(JSON.stringify(v1Body)), { api: 'v1' });
      assert.deepStrictEqual([decoded.format, decoded.spans[0].kind, decoded.spans[0].annotations], ['json-v1', 'SERVER', [{ timestamp: 1, value: 'tags' }]]);
    });

    it('accepts a v1 body posted to /api/v2/spans instead of answering 400', () => {
      const result = decodeZipkin(Buffer.from(JSON.stringify([{ traceId: T16, id: S, name: 'x', binaryAnnotations: [{ key: 'k', value: 'v' }] }])), { api: 'v2' });
      assert.strictEqual(result.format, 'json-v1');
      assert.deepStrictEqual(result.spans[0].tags, { k: 'v' });
    });
  });

  describe('v2 JSON leniency (spec §7 Z19–Z22) and strict parity', () => {
    it('repairs upper-case ids, numeric tags, fractional timestamps and lower-case kinds, reporting each', () => {
      const { spans, issues } = v2([{ traceId: T.toUpperCase(), id: S, kind: 'client', timestamp: 1700000000123456.8, tags: { 'http.status_code': 200 } }]);
      assert.deepStrictEqual(spans, [{ traceId: T, id: S, kind: 'CLIENT', timestamp: 1700000000123457, tags: { 'http.status_code': '200' } }]);
      assert.deepStrictEqual(issues.map((i) => i.action), ['repaired', 'repaired', 'repaired']);
    });

    it('drops only the invalid span of a batch, keeping the good ones', () => {
      const { spans, issues } = v2([{ traceId: T, id: S }, { traceId: T, id: '0000000000000000' }, { traceId: `a${T}`, id: S }, { id: S }, { traceId: T, id: P }]);
      assert.deepStrictEqual(spans.map((s) => s.id), [S, P]);
      assert.deepStrictEqual(issues.map((i) => [i.index, i.action]), [[1, 'dropped'], [2, 'dropped'], [3, 'dropped']]);
    });

    it('in strict mode fails the whole batch like Zipkin', () => {
      assert.throws(() => v2([{ traceId: T, id: S }, { traceId: T, id: S, kind: 'client' }], true), ZipkinDecodeError);
      assert.throws(() => v2([{ traceId: T, id: '0000000000000000' }], true), /all zeros/);
    });

    it('normalises ids like Zipkin: left-pads short ids, compacts zero-high trace ids, drops parent == id', () => {
      const { spans } = v2([{ traceId: `0000000000000000${T16}`, id: 'abc', parentId: '0000000000000abc' }, { traceId: '1234', id: S, parentId: '0000000000000000' }]);
      assert.deepStrictEqual(spans, [{ traceId: T16, id: '0000000000000abc' }, { traceId: '0000000000001234', id: S }]);
    });

    it('rejects what cannot be a span list with ZipkinDecodeError', () => {
      for (const body of ['{"traceId":"1"}', '[{', 'hello']) {
        assert.throws(() => decodeZipkin(Buffer.from(body), { api: 'v2' }), ZipkinDecodeError, body);
      }
      assert.deepStrictEqual(decodeZipkin(Buffer.alloc(0), { api: 'v2' }).spans, []);
      assert.deepStrictEqual(decodeZipkin(Buffer.from(' \n[]'), { api: 'v2' }).spans, []);
    });

    it('reads what the OTel JS exporter and zipkin-js send (JSON posted as text/plain by sendBeacon)', () => {
      const span: ZipkinSpan = { traceId: T, id: S, name: 'x', localEndpoint: { serviceName: 'svc' } };
      assert.deepStrictEqual(decodeZipkin(Buffer.from(JSON.stringify([span])), { api: 'v2', contentType: 'text/plain;charset=UTF-8' }).spans, [span]);
    });
  });
});
