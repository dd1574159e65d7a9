import * as assert from 'node:assert';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { startBridge, type RunningBridge } from './helpers';

const T = '463ac35c9f6413ad48485a3953bb6124';
const good = (id: string): Record<string, unknown> => ({ traceId: T, id, name: 'ok', timestamp: 1700000000000000, duration: 1, localEndpoint: { serviceName: 'svc' } });

describe('zipkin bridge: bad input, limits and routing', () => {
  let b: RunningBridge;
  beforeEach(async () => {
    b = await startBridge({ maxBodyBytes: 64 * 1024 });
  });
  afterEach(async () => {
    await b.close();
  });

  it('answers 400 with a message to bodies that are not a span list, and exports nothing', async () => {
    for (const body of ['{"traceId":"1"}', '[{"traceId":', 'not json', '\u0000\u0001']) {
      const res = await b.post('/api/v2/spans', body);
      assert.strictEqual(res.status, 400, body);
      assert.ok(res.text.length > 0, 'the 400 says why');
    }
    await b.bridge.forceFlush();
    assert.deepStrictEqual(b.memory.getFinishedSpans(), []);
    assert.strictEqual(b.bridge.getStats().requestsRejected, 4);
  });

  it('keeps the good spans of a batch with bad ones (Zipkin would reject it all) and reports the drops', async () => {
    const batch = [good('0000000000000001'), { traceId: T, id: 'not-hex' }, { traceId: T }, 42, good('0000000000000002'), { traceId: T, id: '0000000000000000' }];
    const res = await b.post('/api/v2/spans', JSON.stringify(batch));
    assert.strictEqual(res.status, 202);
    assert.strictEqual(res.headers.get('x-zipkin-bridge-dropped-spans'), '4');
    await b.bridge.forceFlush();
    assert.deepStrictEqual(b.memory.getFinishedSpans().map((s) => s.spanContext().spanId), ['0000000000000001', '0000000000000002']);
    assert.strictEqual(b.bridge.getStats().spansDropped, 4);
  });

  it('in strict mode rejects the whole batch with 400 like Zipkin', async () => {
    const strict = await startBridge({ strict: true });
    try {
      const res = await strict.post('/api/v2/spans', JSON.stringify([good('0000000000000001'), { traceId: T, id: 'not-hex' }]));
      assert.strictEqual(res.status, 400);
      assert.match(res.text, /span 1/);
      await strict.bridge.forceFlush();
      assert.deepStrictEqual(strict.memory.getFinishedSpans(), []);
    } finally {
      await strict.close();
    }
  });

  it('answers 413 to oversized bodies and to gzip bombs, without inflating them', async () => {
    const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => good((i + 1).toString(16).padStart(16, '0'))));
    assert.ok(big.length > 64 * 1024);
    assert.strictEqual((await b.post('/api/v2/spans', big)).status, 413);

    // 32 MiB of spaces compress to ~32 KiB: under the raw cap, 500x over the decompressed cap.
    const smallBomb = zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20), { level: 9 });
    assert.ok(smallBomb.length < 64 * 1024, `compressed bomb is ${smallBomb.length} bytes`);
    const heapBefore = process.memoryUsage().rss;
    const res = await b.post('/api/v2/spans', smallBomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.strictEqual(res.status, 413);
    assert.match(res.text, /decompressed/);
    assert.ok(process.memoryUsage().rss - heapBefore < 24 * 1024 * 1024, 'the bomb was not inflated into memory');

    const ok = await b.post('/api/v2/spans', zlib.gzipSync(JSON.stringify([good('0000000000000003')])), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.strictEqual(ok.status, 202, 'a normal gzip body still works');
    const garbage = await b.post('/api/v2/spans', 'garbage', { 'content-encoding': 'gzip' });
    assert.deepStrictEqual([garbage.status, garbage.text], [400, 'Cannot gunzip spans']);
  });

  it('routes like Zipkin: 404 elsewhere, 405 for GET, 202 for empty bodies, CORS preflight', async () => {
    assert.strictEqual((await b.post('/api/v3/spans', '[]')).status, 404);
    assert.strictEqual((await fetch(`${b.url}/api/v2/spans`)).status, 405);
    assert.strictEqual((await b.post('/api/v2/spans', '')).status, 202);
    assert.strictEqual((await b.post('/api/v1/spans', '[]')).status, 202);
    const preflight = await fetch(`${b.url}/api/v2/spans`, { method: 'OPTIONS' });
    assert.strictEqual(preflight.status, 204);
    assert.strictEqual(preflight.headers.get('access-control-allow-origin'), '*');
  });

  it('answers 503 instead of buffering without bound when the exporters stall', async () => {
    const callbacks: (() => void)[] = [];
    const stalled = { export: (_spans: unknown, cb: (r: { code: number }) => void) => callbacks.push(() => cb({ code: 0 })), shutdown: async () => undefined };
    const busy = await startBridge({ exporter: stalled, maxPendingSpans: 3 });
    try {
      const batch = (from: number) => JSON.stringify([good(`000000000000000${from}`), good(`000000000000000${from + 1}`)]);
      assert.strictEqual((await busy.post('/api/v2/spans', batch(1))).status, 202);
      const refused = await busy.post('/api/v2/spans', batch(3));
      assert.strictEqual(refused.status, 503);
      assert.strictEqual(refused.headers.get('retry-after'), '1');
      callbacks.splice(0).forEach((done) => done());
      await busy.bridge.forceFlush();
      assert.strictEqual((await busy.post('/api/v2/spans', batch(5))).status, 202, 'accepted again once the exporter caught up');
      callbacks.splice(0).forEach((done) => done());
      assert.strictEqual(busy.bridge.getStats().spansRejectedBusy, 2);
    } finally {
      await busy.close();
    }
  });

  it('survives a client that disconnects mid-body', async () => {
    const port = Number(new URL(b.url).port);
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v2/spans', headers: { 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('[{"traceId":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 20);
    });
    assert.strictEqual((await b.post('/api/v2/spans', JSON.stringify([good('0000000000000004')]))).status, 202);
  });
});
