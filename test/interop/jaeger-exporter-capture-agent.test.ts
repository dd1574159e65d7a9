/**
 * The capture Jaeger agent/collector (test/support/jaeger-agent.ts) must understand what the real jaeger-client
 * sends, or every other Jaeger test would be checking against a decoder of our own invention.
 */
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { JaegerCaptureAgent, TagType, tagsByKey, traceIdHex } from '../support/jaeger-agent';
import { closeTracer, createJaegerClientTracer, type JcTracer } from '../support/peers/jaeger-exporter-jaeger-client';

describe('capture Jaeger agent ← jaeger-client 3.19', () => {
  let agent: JaegerCaptureAgent;
  let tracer: JcTracer | undefined;

  beforeEach(async () => {
    agent = await JaegerCaptureAgent.start();
  });
  afterEach(async () => {
    if (tracer) await closeTracer(tracer);
    tracer = undefined;
    await agent.close();
  });

  function emitTwoSpans(t: JcTracer): { traceId: string; rootId: string; childId: string } {
    const root = t.startSpan('GET /users', { tags: { 'span.kind': 'server', 'http.status_code': 200 } });
    const child = t.startSpan('SELECT users', { childOf: root, tags: { 'db.system': 'postgresql', cached: false } });
    child.log({ event: 'row', rows: 3 });
    child.finish();
    root.finish();
    return { traceId: root.context().traceIdStr, rootId: root.context().spanIdStr, childId: child.context().spanIdStr };
  }

  it('decodes binary-protocol emitBatch datagrams sent over UDP', async () => {
    tracer = createJaegerClientTracer({ serviceName: 'jc-udp', agentPort: agent.binaryPort, tags: { region: 'eu' } });
    const ids = emitTwoSpans(tracer);
    const spans = await agent.waitForSpans(2);
    assert.deepEqual(agent.errors(), []);
    const [batch] = agent.batches();
    assert.equal(batch.channel, 'binary');
    assert.equal(batch.message?.name, 'emitBatch');
    assert.equal(batch.process.serviceName, 'jc-udp');
    assert.equal(tagsByKey(batch.process.tags).get('region')?.vStr, 'eu');
    assert.equal(agent.datagramSizes()[0], batch.size);

    const root = spans.find((s) => s.operationName === 'GET /users');
    const child = spans.find((s) => s.operationName === 'SELECT users');
    assert.ok(root && child);
    assert.equal(traceIdHex(root).replace(/^0+/, ''), ids.traceId.replace(/^0+/, ''));
    assert.equal(child.parentSpanId, root.spanId);
    assert.equal(BigInt.asUintN(64, root.spanId).toString(16), ids.rootId.replace(/^0+/, ''));
    assert.equal(root.flags & 1, 1);
    assert.ok(root.duration >= 0n && root.startTime > 1_600_000_000_000_000n);
    // jaeger-client sends every number as a DOUBLE (one of the defects our exporter fixes).
    const status = tagsByKey(root.tags).get('http.status_code');
    assert.equal(status?.vType, TagType.DOUBLE);
    assert.equal(status?.vDouble, 200);
    assert.equal(tagsByKey(child.tags).get('cached')?.vType, TagType.BOOL);
    assert.equal(child.logs?.length, 1);
    assert.equal(tagsByKey(child.logs?.[0].fields).get('event')?.vStr, 'row');
  });

  it('decodes the bare binary Batch jaeger-client POSTs to /api/traces', async () => {
    tracer = createJaegerClientTracer({ serviceName: 'jc-http', collectorEndpoint: agent.collectorUrl });
    emitTwoSpans(tracer);
    await agent.waitForSpans(2);
    assert.deepEqual(agent.errors(), []);
    const [req] = agent.requests();
    assert.equal(req.status, 202);
    assert.equal(req.headers['content-type'], 'application/x-thrift');
    assert.equal(agent.batches()[0].channel, 'http');
    assert.equal(agent.batches()[0].process.serviceName, 'jc-http');
  });

  it('records undecodable datagrams and wrong content types as errors instead of spans', async () => {
    const sock = dgram.createSocket('udp4');
    try {
      // A binary-protocol envelope on the compact port is the classic 6831/6832 mix-up.
      const binaryHeader = Buffer.from('800100040000000965', 'hex');
      await new Promise<void>((resolve, reject) =>
        sock.send(binaryHeader, agent.compactPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
      await agent.waitFor(() => agent.errors().length > 0, 10_000, () => 'a decode error');
    } finally {
      sock.close();
    }
    const res = await fetch(agent.collectorUrl, { method: 'POST', body: 'x', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400);
    assert.equal(agent.spans().length, 0);
    assert.equal(agent.errors().length, 2);
  });
});
