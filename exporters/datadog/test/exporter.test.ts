import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { PolytraceSpanProcessor } from '@polytrace/exporter-base';
import { DatadogExporter, resolveAgentUrl, type DatadogExporterConfig } from '@polytrace/exporter-datadog';
import { DatadogCaptureAgent, type CaptureAgentOptions } from '../../../test/support/datadog-agent';
import { SpanFactory } from './helpers';

const FAST_RETRY = { maxAttempts: 4, initialBackoffMillis: 10, maxBackoffMillis: 50 };

function exportSpans(exporter: DatadogExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

function someTraces(traces: number, spansPerTrace: number): ReadableSpan[] {
  const f = new SpanFactory();
  for (let t = 0; t < traces; t++) {
    const root = f.tracer().startSpan(`root${t}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } });
    for (let i = 1; i < spansPerTrace; i++) f.span(`q${i}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.text': `SELECT ${i}, 'padding padding padding padding padding'` } }, root);
    root.end();
  }
  return f.finished();
}

describe('DatadogExporter against the capture agent', () => {
  let agent: DatadogCaptureAgent | undefined;
  const exporters: DatadogExporter[] = [];

  async function setup(agentOptions: CaptureAgentOptions = {}, config: DatadogExporterConfig = {}) {
    agent = await DatadogCaptureAgent.start(agentOptions);
    const exporter = new DatadogExporter({ url: agent.url, retry: FAST_RETRY, processEnv: {}, ...config });
    exporters.push(exporter);
    return { agent, exporter };
  }

  afterEach(async () => {
    await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
    await agent?.close();
    agent = undefined;
  });

  it('PUTs msgpack to /v0.4/traces with the agent headers, reading /info only once', async () => {
    const { agent, exporter } = await setup({}, { protocol: '0.4' });
    assert.equal((await exportSpans(exporter, someTraces(2, 3))).code, ExportResultCode.SUCCESS);
    assert.equal((await exportSpans(exporter, someTraces(1, 2))).code, ExportResultCode.SUCCESS);
    const requests = agent.requests();
    assert.equal(requests.length, 2);
    const [first] = requests;
    assert.equal(first.method, 'PUT');
    assert.equal(first.path, '/v0.4/traces');
    assert.equal(first.headers['content-type'], 'application/msgpack');
    assert.equal(first.headers['x-datadog-trace-count'], '2');
    assert.equal(first.headers['datadog-meta-lang'], 'nodejs');
    assert.equal(first.headers['datadog-meta-lang-version'], process.version);
    assert.match(String(first.headers['datadog-meta-tracer-version']), /^\d+\.\d+\.\d+/);
    assert.equal(first.headers['datadog-send-real-http-status'], 'yes');
    assert.equal(agent.infoRequestCount, 1);
    assert.equal(agent.spans().length, 8);
    assert.deepEqual(agent.violations(), []);
    assert.equal(exporter.getStats().spansExported, 8);
  });

  it('uses /v0.5/traces when asked and the agent lists it, v0.4 when it does not', async () => {
    const { agent, exporter } = await setup({}, { processEnv: { DD_TRACE_AGENT_PROTOCOL_VERSION: '0.5' } });
    await exportSpans(exporter, someTraces(1, 4));
    assert.equal(agent.requests()[0].path, '/v0.5/traces');
    assert.equal(agent.spans().length, 4);
    assert.deepEqual(agent.violations(), []);
    await exporter.shutdown();
    await agent.close();

    const old = await setup({ endpoints: ['/v0.3/traces', '/v0.4/traces'] }, { protocol: '0.5' });
    await exportSpans(old.exporter, someTraces(1, 4));
    assert.equal(old.agent.requests()[0].path, '/v0.4/traces');
    assert.equal(old.exporter.protocol, '0.4');
    assert.equal(old.agent.spans().length, 4);
  });

  it('by default picks v0.5 when /info lists it, v0.4 when it does not or when pinned to 0.4', async () => {
    const modern = await setup();
    await exportSpans(modern.exporter, someTraces(1, 3));
    assert.equal(modern.agent.requests()[0].path, '/v0.5/traces');
    assert.equal(modern.exporter.protocol, '0.5');
    assert.equal(modern.agent.spans().length, 3);
    await modern.exporter.shutdown();
    await modern.agent.close();

    const old = await setup({ endpoints: ['/v0.3/traces', '/v0.4/traces'] });
    await exportSpans(old.exporter, someTraces(1, 3));
    assert.equal(old.agent.requests()[0].path, '/v0.4/traces');
    assert.equal(old.agent.spans().length, 3);
    await old.exporter.shutdown();
    await old.agent.close();

    const pinned = await setup({}, { processEnv: { DD_TRACE_AGENT_PROTOCOL_VERSION: '0.4' } });
    await exportSpans(pinned.exporter, someTraces(1, 3));
    assert.equal(pinned.agent.requests()[0].path, '/v0.4/traces');
  });

  it('never exceeds the max_request_bytes from /info: a 10,000-span trace arrives whole in several payloads', async () => {
    const limit = 200 * 1024;
    const { agent, exporter } = await setup({ maxRequestBytes: limit });
    const spans = someTraces(1, 10_000);
    assert.equal((await exportSpans(exporter, spans)).code, ExportResultCode.SUCCESS);
    const requests = agent.requests();
    assert.ok(requests.length > 3);
    for (const r of requests) {
      assert.equal(r.status, 200);
      assert.ok(r.bytes <= limit, `${r.bytes} > ${limit}`);
    }
    const received = agent.spans();
    assert.equal(received.length, 10_000);
    assert.equal(new Set(received.map((s) => s.span_id)).size, 10_000);
    assert.equal(new Set(received.map((s) => s.trace_id)).size, 1);
    assert.deepEqual(agent.violations(), []);
  });

  it('talks to an agent on a Unix domain socket', async () => {
    const socketPath = path.join(os.tmpdir(), `dd-agent-${process.pid}-${Date.now()}.sock`);
    const { agent, exporter } = await setup({ socketPath });
    assert.ok(agent.url.startsWith('unix://'));
    assert.equal((await exportSpans(exporter, someTraces(1, 3))).code, ExportResultCode.SUCCESS);
    assert.equal(agent.spans().length, 3);
    await exporter.shutdown();
    await agent.close();
    assert.equal(fs.existsSync(socketPath), false);
  });

  it('retries 429 (real status requested), 5xx and splits on 413 via exporter-base, delivering everything', async () => {
    const { agent, exporter } = await setup();
    agent.failNext({ status: 429, headers: { 'Retry-After': '0' } });
    agent.failNext(503);
    agent.failNext(413);
    const spans = someTraces(4, 2);
    assert.equal((await exportSpans(exporter, spans)).code, ExportResultCode.SUCCESS);
    assert.deepEqual(agent.requests().slice(0, 3).map((r) => r.status), [429, 503, 413]);
    const received = agent.spans();
    assert.equal(received.length, 8);
    assert.equal(new Set(received.map((s) => s.span_id)).size, 8, 'no duplicates after the retries');
    const stats = exporter.getStats();
    assert.ok(stats.spansRetried > 0);
    assert.equal(stats.spansDropped, 0);
  });

  it('an agent that is down: spans are dropped and counted, export reports failure, nothing throws', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const exporter = new DatadogExporter({ url: `http://127.0.0.1:${port}`, retry: { maxAttempts: 2, initialBackoffMillis: 5 }, infoTimeoutMillis: 500, processEnv: {} });
    exporters.push(exporter);
    const result = await exportSpans(exporter, someTraces(1, 3));
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.equal(exporter.getStats().dropped.retriesExhausted, 3);
  });

  it('unsampled traces reach the agent with priority 0 / -1 while other exporters never see them', async () => {
    const { agent, exporter } = await setup({ rateByService: { 'service:checkout,env:prod': 0, 'service:,env:': 1 } }, { env: 'prod', service: 'checkout' });
    const other = new InMemorySpanExporter();
    const processor = new PolytraceSpanProcessor(exporter, { scheduledDelayMillis: 10 });
    const tracer = new BasicTracerProvider({
      sampler: exporter.createSampler(),
      spanProcessors: [processor, new SimpleSpanProcessor(other)],
    }).getTracer('t');
    const traceOf = (name: string, attributes = {}) => {
      const root = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes });
      tracer.startSpan(`${name}-child`, {}, trace.setSpan(context.active(), root)).end();
      root.end();
    };
    traceOf('first'); // default rate 1 until the agent answered
    await processor.forceFlush();
    await agent.waitForSpans(2);
    traceOf('auto-reject'); // the agent's rate for checkout/prod is 0 now
    traceOf('user-keep', { 'manual.keep': true });
    traceOf('user-reject', { 'manual.drop': true });
    await processor.forceFlush();
    const spans = await agent.waitForSpans(8);
    const priority = (name: string) => spans.filter((s) => s.resource.startsWith(name)).map((s) => s.metrics._sampling_priority_v1);
    assert.deepEqual(priority('first'), [1, 1]);
    assert.deepEqual(priority('auto-reject'), [0, 0]);
    assert.deepEqual(priority('user-keep'), [2, 2]);
    assert.deepEqual(priority('user-reject'), [-1, -1]);
    const dm = spans.filter((s) => s.meta['_dd.p.dm'] !== undefined).map((s) => `${s.resource}:${s.meta['_dd.p.dm']}`);
    assert.deepEqual(dm.sort(), ['first-child:-0', 'user-keep-child:-4'].sort(), 'decision maker on kept chunks only');
    const seenByOthers = other.getFinishedSpans().map((s) => s.name).sort();
    assert.deepEqual(seenByOthers, ['first', 'first-child', 'user-keep', 'user-keep-child']);
    await processor.shutdown();
  });
});

describe('agent address discovery', () => {
  const none = () => false;
  it('follows DD_TRACE_AGENT_URL, then host/port, then the default socket, then localhost:8126', () => {
    assert.equal(resolveAgentUrl({ DD_TRACE_AGENT_URL: 'unix:///tmp/apm.sock', DD_AGENT_HOST: 'x' }, none), 'unix:///tmp/apm.sock');
    assert.equal(resolveAgentUrl({ DD_AGENT_HOST: 'dd-agent', DD_TRACE_AGENT_PORT: '9126' }, none), 'http://dd-agent:9126');
    assert.equal(resolveAgentUrl({ DD_AGENT_HOST: '::1' }, none), 'http://[::1]:8126');
    assert.equal(resolveAgentUrl({ DD_TRACE_AGENT_PORT: '18126' }, none), 'http://localhost:18126');
    assert.equal(resolveAgentUrl({}, (p) => p === '/var/run/datadog/apm.socket'), 'unix:///var/run/datadog/apm.socket');
    assert.equal(resolveAgentUrl({}, none), 'http://localhost:8126');
    assert.equal(resolveAgentUrl({}, () => { throw new Error('EACCES'); }), 'http://localhost:8126');
  });

  it('the zero-argument constructor reads the environment', () => {
    const saved = process.env.DD_TRACE_AGENT_URL;
    process.env.DD_TRACE_AGENT_URL = 'http://127.0.0.1:1';
    try {
      const exporter = new DatadogExporter();
      assert.equal(exporter.url, 'http://127.0.0.1:1');
      assert.equal(exporter.wantsUnsampledSpans, true);
      assert.equal(typeof exporter.createSampler().shouldSample, 'function');
      void exporter.shutdown();
    } finally {
      if (saved === undefined) delete process.env.DD_TRACE_AGENT_URL;
      else process.env.DD_TRACE_AGENT_URL = saved;
    }
  });
});
