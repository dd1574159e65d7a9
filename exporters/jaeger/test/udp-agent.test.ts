/**
 * UDP to the agent: exact-size datagram packing, bursts, oversized spans and send errors.
 */
import * as assert from 'node:assert/strict';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JaegerExporter } from '@polytrace/exporter-jaeger';
import { JaegerCaptureAgent, decodeEmitBatch, i64ToHex, tagsByKey } from '../../../test/support/jaeger-agent';
import { encodeAgentDatagrams } from '../src/agent-datagrams';
import { encodeProcess, encodeSpans } from '../src/span-list';
import { TagType, type JaegerSpan } from '../src/model';
import { bigAttributes, exportSpans, isSuccess, sdkHarness, type SdkHarness } from './helpers';

function makeSpans(sdk: SdkHarness, n: number, attributes?: (i: number) => Record<string, string | number>): ReadableSpan[] {
  for (let i = 0; i < n; i++) {
    const s = sdk.tracer.startSpan(`op-${i}`, { attributes: attributes?.(i) ?? { 'db.statement': `SELECT * FROM t WHERE id = ${i}` } });
    s.end();
  }
  return sdk.finished();
}

describe('JaegerExporter over UDP', () => {
  let agent: JaegerCaptureAgent;
  let sdk: SdkHarness;
  let exporter: JaegerExporter | undefined;

  beforeEach(async () => {
    agent = await JaegerCaptureAgent.start();
    sdk = sdkHarness();
  });
  afterEach(async () => {
    await exporter?.shutdown();
    exporter = undefined;
    await sdk.shutdown();
    await agent.close();
  });

  it('sends a 10,000-span burst split into datagrams of at most 65,000 bytes, none lost (compact)', async () => {
    const spans = makeSpans(sdk, 10_000);
    // The burst (~2.5 MB) lands in the kernel before this same process reads any of it.
    assert.ok(
      agent.receiveBufferSize >= 3 * 1024 * 1024,
      `UDP receive buffer is only ${agent.receiveBufferSize} bytes: raise it with \`sysctl -w net.core.rmem_max=4194304\``,
    );
    exporter = new JaegerExporter({ host: '127.0.0.1', port: agent.compactPort, env: {} });
    assert.ok(isSuccess(await exportSpans(exporter, spans)));
    const received = await agent.waitForSpans(10_000, 20_000);
    assert.deepEqual(agent.errors(), []);
    assert.equal(received.length, 10_000);
    assert.equal(new Set(received.map((s) => i64ToHex(s.spanId))).size, 10_000);
    const sizes = agent.datagramSizes();
    assert.ok(sizes.length > 1, `expected several datagrams, got ${sizes.length}`);
    assert.ok(Math.max(...sizes) <= 65_000, `largest datagram ${Math.max(...sizes)}`);
    const seqNos = agent.batches().map((b) => Number(b.seqNo));
    assert.equal(new Set(seqNos).size, seqNos.length, 'every datagram has its own seqNo');
    const stats = exporter.getStats();
    assert.equal(stats.spansExported, 10_000);
    assert.equal(stats.requestsSent, sizes.length);
    assert.equal(stats.bytesSent, sizes.reduce((a, b) => a + b, 0));
  });

  it('honours a small maxPacketSize with the binary protocol (macOS-sized 9,216 bytes)', async () => {
    const spans = makeSpans(sdk, 1_000);
    exporter = new JaegerExporter({ host: '127.0.0.1', port: agent.binaryPort, agentProtocol: 'binary', maxPacketSize: 9_216, env: {} });
    assert.ok(isSuccess(await exportSpans(exporter, spans)));
    await agent.waitForSpans(1_000);
    assert.deepEqual(agent.errors(), []);
    const sizes = agent.datagramSizes();
    assert.ok(sizes.length >= 10);
    assert.ok(Math.max(...sizes) <= 9_216);
    assert.ok(agent.batches().every((b) => b.channel === 'binary'));
  });

  it('drops and counts only an oversized span; its neighbours are delivered', async () => {
    makeSpans(sdk, 3);
    sdk.tracer.startSpan('huge', { attributes: bigAttributes(70_000) }).end();
    makeSpans(sdk, 3);
    const spans = sdk.finished();
    assert.equal(spans.length, 7);
    exporter = new JaegerExporter({ host: '127.0.0.1', port: agent.compactPort, env: {} });
    // (exporter-base reports encode-time drops through getStats(), not through the export result)
    await exportSpans(exporter, spans);
    await agent.waitForSpans(6);
    assert.deepEqual(
      agent.spans().map((s) => s.operationName).sort(),
      spans.filter((s) => s.name !== 'huge').map((s) => s.name).sort(),
    );
    const stats = exporter.getStats();
    assert.equal(stats.dropped.tooLarge, 1);
    assert.equal(stats.spansExported, 6);
    assert.ok(Math.max(...agent.datagramSizes()) <= 65_000);
    // the next datagram tells the agent about the drop (ClientStats.tooLargeDroppedSpans)
    makeSpans(sdk, 1);
    assert.ok(isSuccess(await exportSpans(exporter, sdk.finished().slice(-1))));
    await agent.waitForSpans(7);
    assert.equal(agent.batches().at(-1)?.stats?.tooLargeDroppedSpans, 1n);
  });

  it("with oversizedSpans: 'truncate', sends an oversized span without its logs, then without its attributes", async () => {
    const bigLogs = sdk.tracer.startSpan('big-logs', { attributes: { keep: 'me' } });
    bigLogs.addEvent('dump', { body: 'y'.repeat(70_000) });
    bigLogs.addEvent('second');
    bigLogs.end();
    const bigTags = sdk.tracer.startSpan('big-tags', { attributes: bigAttributes(70_000) });
    bigTags.addEvent('small');
    bigTags.setStatus({ code: 2, message: 'failed' });
    bigTags.end();
    sdk.tracer.startSpan('x'.repeat(70_000)).end(); // nothing left to remove: still dropped
    makeSpans(sdk, 2);
    const spans = sdk.finished();
    exporter = new JaegerExporter({ host: '127.0.0.1', port: agent.compactPort, oversizedSpans: 'truncate', env: {} });
    await exportSpans(exporter, spans);
    await agent.waitForSpans(4);
    assert.deepEqual(agent.errors(), []);
    assert.ok(Math.max(...agent.datagramSizes()) <= 65_000);
    const logs = agent.spans().find((s) => s.operationName === 'big-logs');
    assert.ok(logs);
    assert.equal(logs.logs, undefined);
    const lt = tagsByKey(logs.tags);
    assert.equal(lt.get('keep')?.vStr, 'me', 'attributes survive when dropping the logs is enough');
    assert.equal(lt.get('otel.dropped_events_count')?.vLong, 2n);
    assert.equal(lt.get('polytrace.truncated')?.vStr, 'logs');
    const tags = agent.spans().find((s) => s.operationName === 'big-tags');
    assert.ok(tags);
    const tt = tagsByKey(tags.tags);
    assert.ok(!tt.has('blob'));
    assert.equal(tt.get('otel.dropped_attributes_count')?.vLong, 1n);
    assert.equal(tt.get('otel.dropped_events_count')?.vLong, 1n);
    assert.equal(tt.get('otel.status_code')?.vStr, 'ERROR', 'derived tags are kept');
    assert.equal(tt.get('error')?.vBool, true);
    assert.equal(tt.get('polytrace.truncated')?.vStr, 'logs,tags');
    const stats = exporter.getStats();
    assert.equal(stats.dropped.tooLarge, 1);
    assert.equal(stats.spansExported, 4);
  });

  it('counts send errors instead of throwing (unresolvable agent host)', async () => {
    const spans = makeSpans(sdk, 5);
    exporter = new JaegerExporter({ host: 'jaeger-agent.invalid', port: 6831, retry: { maxAttempts: 1 }, env: {} });
    const result = await exportSpans(exporter, spans);
    assert.equal(result.code, ExportResultCode.FAILED);
    const stats = exporter.getStats();
    assert.equal(stats.spansExported, 0);
    assert.equal(stats.dropped.retriesExhausted, 5);
    assert.equal(stats.requestsFailed, 1);
  });

  it('returns FAILED for exports after shutdown', async () => {
    exporter = new JaegerExporter({ host: '127.0.0.1', port: agent.compactPort, env: {} });
    await exporter.shutdown();
    const result = await exportSpans(exporter, makeSpans(sdk, 1));
    assert.equal(result.code, ExportResultCode.FAILED);
  });
});

describe('encodeAgentDatagrams packing is exact', () => {
  const span = (i: number, extra = 0): JaegerSpan => ({
    traceIdHigh: '0000000000000000',
    traceIdLow: (BigInt(i) * 0x9e3779b97f4a7c15n % 2n ** 64n).toString(16).padStart(16, '0'),
    spanId: ((BigInt(i) + 1n) * 0xbf58476d1ce4e5b9n % 2n ** 64n).toString(16).padStart(16, '0'),
    parentSpanId: '0000000000000000',
    operationName: `span-${i}`,
    flags: 1,
    startTime: 1_700_000_000_000_000 + i,
    duration: i * 7,
    tags: [{ key: 'pad', vType: TagType.STRING, vStr: 'p'.repeat((i * 37) % 200 + extra) }],
  });
  const process = { serviceName: 'packing', tags: [{ key: 'client-uuid', vType: TagType.STRING, vStr: 'u'.repeat(36) }] } as const;

  for (const protocol of ['compact', 'binary'] as const) {
    it(`fills every datagram as far as the next span allows (${protocol})`, () => {
      const spans = Array.from({ length: 400 }, (_, i) => span(i));
      const encoded = encodeSpans(protocol, spans);
      const processBytes = encodeProcess(protocol, { ...process, tags: [...process.tags] });
      for (const max of [600, 1_500, 9_216, 65_000]) {
        const stats = { fullQueueDroppedSpans: 0, tooLargeDroppedSpans: 123456, failedToEmitSpans: 7 };
        const plan = encodeAgentDatagrams(encoded, { protocol, processBytes, maxPacketSize: max, firstSeqNo: 100, stats });
        assert.deepEqual(plan.tooLarge, []);
        assert.deepEqual(plan.datagrams.flatMap((d) => d.spanIndexes), spans.map((_, i) => i), 'all spans, in order');
        plan.datagrams.forEach((d, k) => {
          assert.ok(d.bytes.length <= max, `${protocol} max ${max}: datagram ${k} is ${d.bytes.length}`);
          const decoded = decodeEmitBatch(Buffer.from(d.bytes), protocol);
          assert.equal(decoded.batch.spans.length, d.spanIndexes.length);
          assert.equal(decoded.batch.seqNo, BigInt(100 + k));
          assert.equal(decoded.batch.stats?.tooLargeDroppedSpans, 123456n);
          const next = plan.datagrams[k + 1]?.spanIndexes[0];
          if (next === undefined) return;
          // the same datagram plus the next span would not have fit
          const withNext = encodeAgentDatagrams(encodeSpans(protocol, [...d.spanIndexes, next].map((i) => spans[i])), {
            protocol,
            processBytes,
            maxPacketSize: Number.MAX_SAFE_INTEGER,
            firstSeqNo: 100 + k,
            stats,
          });
          assert.ok(withNext.datagrams[0].bytes.length > max, `${protocol} max ${max}: datagram ${k} was not full`);
        });
      }
    });
  }

  it('crosses the 15-element compact list header boundary exactly', () => {
    const spans = Array.from({ length: 40 }, (_, i) => span(i % 1, 0));
    const encoded = encodeSpans('compact', spans);
    const processBytes = encodeProcess('compact', { serviceName: 'p' });
    const one = encodeAgentDatagrams(encoded, { protocol: 'compact', processBytes, maxPacketSize: 1e9 }).datagrams[0].bytes.length;
    // find the size of exactly 14 and 15 spans and set the limit to each boundary
    for (const count of [14, 15, 16]) {
      const exact = encodeAgentDatagrams(encodeSpans('compact', spans.slice(0, count)), { protocol: 'compact', processBytes, maxPacketSize: 1e9 })
        .datagrams[0].bytes.length;
      const plan = encodeAgentDatagrams(encoded, { protocol: 'compact', processBytes, maxPacketSize: exact });
      assert.equal(plan.datagrams[0].spanIndexes.length, count, `limit ${exact}`);
      assert.equal(plan.datagrams[0].bytes.length, exact);
      const tighter = encodeAgentDatagrams(encoded, { protocol: 'compact', processBytes, maxPacketSize: exact - 1 });
      assert.equal(tighter.datagrams[0].spanIndexes.length, count - 1);
    }
    assert.ok(one > 0);
  });

  it('lists spans that cannot fit alone and packs the rest', () => {
    const spans = [span(1), span(2, 5_000), span(3)];
    const encoded = encodeSpans('binary', spans);
    const plan = encodeAgentDatagrams(encoded, { protocol: 'binary', processBytes: encodeProcess('binary', { serviceName: 's' }), maxPacketSize: 1_000 });
    assert.deepEqual(plan.tooLarge, [1]);
    assert.deepEqual(plan.datagrams.flatMap((d) => d.spanIndexes), [0, 2]);
  });
});
