/**
 * HTTP to the collector: bare binary Batch on POST /api/traces, auth, splitting, and failures (4xx, 5xx, dead).
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { ExportResultCode } from '@opentelemetry/core';
import { JaegerExporter } from '@polytrace/exporter-jaeger';
import { JaegerCaptureAgent } from '../../../test/support/jaeger-agent';
import { exportSpans, isSuccess, sdkHarness, type SdkHarness } from './helpers';

async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const fastRetry = { maxAttempts: 3, initialBackoffMillis: 5, maxBackoffMillis: 20 };

describe('JaegerExporter over HTTP (collector)', () => {
  let agent: JaegerCaptureAgent;
  let sdk: SdkHarness;
  let exporter: JaegerExporter | undefined;

  beforeEach(async () => {
    agent = await JaegerCaptureAgent.start();
    sdk = sdkHarness({ resource: { 'service.name': 'http-svc' } });
  });
  afterEach(async () => {
    await exporter?.shutdown();
    exporter = undefined;
    await sdk.shutdown();
    await agent.close();
  });

  function spans(n: number): ReturnType<SdkHarness['finished']> {
    for (let i = 0; i < n; i++) sdk.tracer.startSpan(`span-${i}`, { attributes: { i } }).end();
    return sdk.finished();
  }

  it('POSTs a bare binary Batch with Content-Type application/x-thrift and basic auth from env', async () => {
    exporter = new JaegerExporter({
      env: {
        OTEL_EXPORTER_JAEGER_ENDPOINT: agent.collectorUrl,
        OTEL_EXPORTER_JAEGER_USER: 'jaeger',
        OTEL_EXPORTER_JAEGER_PASSWORD: 's3cret:x',
      },
    });
    assert.equal(exporter.target.kind, 'http');
    assert.ok(isSuccess(await exportSpans(exporter, spans(3))));
    await agent.waitForSpans(3);
    assert.deepEqual(agent.errors(), []);
    const [req] = agent.requests();
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/api/traces');
    assert.equal(req.status, 202);
    assert.equal(req.headers['content-type'], 'application/x-thrift');
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('jaeger:s3cret:x').toString('base64')}`);
    const [batch] = agent.batches();
    assert.equal(batch.channel, 'http');
    assert.equal(batch.process.serviceName, 'http-svc');
    assert.equal(batch.seqNo, undefined);
    assert.deepEqual(batch.spans.map((s) => s.operationName).sort(), ['span-0', 'span-1', 'span-2']);
  });

  it('sends a bearer token when configured', async () => {
    exporter = new JaegerExporter({ endpoint: agent.collectorUrl, bearerToken: 'tok-123', env: {} });
    assert.ok(isSuccess(await exportSpans(exporter, spans(1))));
    assert.equal(agent.requests()[0].headers.authorization, 'Bearer tok-123');
  });

  it('splits a large export into several bodies under maxBodyBytes', async () => {
    exporter = new JaegerExporter({ endpoint: agent.collectorUrl, maxBodyBytes: 2_000, env: {} });
    assert.ok(isSuccess(await exportSpans(exporter, spans(100))));
    await agent.waitForSpans(100);
    const sizes = agent.requests().map((r) => r.bodySize);
    assert.ok(sizes.length > 1);
    assert.ok(Math.max(...sizes) <= 2_000);
  });

  it('drops (default) or truncates a span larger than maxBodyBytes, sending its neighbours', async () => {
    for (let i = 0; i < 2; i++) sdk.tracer.startSpan(`small-${i}`).end();
    sdk.tracer.startSpan('huge', { attributes: { blob: 'z'.repeat(5_000) } }).end();
    const all = sdk.finished();
    exporter = new JaegerExporter({ endpoint: agent.collectorUrl, maxBodyBytes: 2_000, env: {} });
    await exportSpans(exporter, all);
    await agent.waitForSpans(2);
    assert.equal(exporter.getStats().dropped.tooLarge, 1);
    assert.ok(!agent.spans().some((s) => s.operationName === 'huge'));
    await exporter.shutdown();
    agent.reset();
    exporter = new JaegerExporter({ endpoint: agent.collectorUrl, maxBodyBytes: 2_000, oversizedSpans: 'truncate', env: {} });
    await exportSpans(exporter, all);
    await agent.waitForSpans(3);
    assert.equal(exporter.getStats().dropped.tooLarge, 0);
    assert.ok(agent.spans().some((s) => s.operationName === 'huge' && s.tags?.some((t) => t.key === 'polytrace.truncated')));
    assert.ok(Math.max(...agent.requests().map((r) => r.bodySize)) <= 2_000);
  });

  it('does not retry a 400 and counts the spans as rejected', async () => {
    agent.setCollectorStatus(400);
    exporter = new JaegerExporter({ endpoint: agent.collectorUrl, retry: fastRetry, env: {} });
    const result = await exportSpans(exporter, spans(4));
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.equal(agent.requests().length, 1);
    assert.equal(exporter.getStats().dropped.rejected, 4);
  });

  it('retries a 5xx and delivers once the collector recovers', async () => {
    agent.setCollectorStatus([503, 500], 202);
    exporter = new JaegerExporter({ endpoint: agent.collectorUrl, retry: fastRetry, env: {} });
    assert.ok(isSuccess(await exportSpans(exporter, spans(2))));
    assert.deepEqual(agent.requests().map((r) => r.status), [503, 500, 202]);
    assert.equal(agent.spans().length, 2);
    const stats = exporter.getStats();
    assert.equal(stats.spansExported, 2);
    assert.equal(stats.spansRetried, 4);
  });

  it('fails cleanly against a dead collector', async () => {
    const port = await deadPort();
    exporter = new JaegerExporter({ endpoint: `http://127.0.0.1:${port}/api/traces`, retry: fastRetry, env: {} });
    const result = await exportSpans(exporter, spans(3));
    assert.equal(result.code, ExportResultCode.FAILED);
    const stats = exporter.getStats();
    assert.equal(stats.dropped.retriesExhausted, 3);
    assert.equal(stats.requestsFailed, 3);
  });
});
