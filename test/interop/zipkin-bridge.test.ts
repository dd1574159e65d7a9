/**
 * The real zipkin-js (express + fetch instrumentation, zipkin-transport-http, v1 and v2 JSON) posts its spans to
 * the Zipkin bridge, which forwards them through our Datadog and Jaeger exporters to their capture servers. The
 * call chain is zipkin-js → Polytrace (OTel SDK + B3) → zipkin-js, and must come out as one trace in both backends.
 */
import * as assert from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { PolytraceSpanProcessor } from '@polytrace/exporter-base';
import { DatadogExporter } from '@polytrace/exporter-datadog';
import { JaegerExporter } from '@polytrace/exporter-jaeger';
import { B3Propagator } from '@polytrace/propagator-b3';
import { serverSpanId, startZipkinBridgeServer, type ZipkinBridgeServer } from '@polytrace/zipkin-bridge';
import { DatadogCaptureAgent, type CapturedSpan } from '../support/datadog-agent';
import { hex16 } from '../support/datadog-trace';
import { i64ToHex, startJaegerAgent, tagsByKey, tagValue, type JaegerCaptureAgent } from '../support/jaeger-agent';
import { startPeer, type PeerProcess } from '../support/peers/peer-process';
import { waitFor } from '../support/wait-for';

const FAST_RETRY = { maxAttempts: 3, initialBackoffMillis: 10, maxBackoffMillis: 50 };

/** What zipkin-js itself recorded (v2 JSON), for comparison with what reached the backends. */
interface ZipkinJsSpan {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: string;
  name?: string;
  timestamp: number;
  duration: number;
  shared?: boolean;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/** A zipkin-js service, with the spans it reported and the errors its HTTP transport met. */
interface ZipkinJsPeer {
  process: PeerProcess;
  port: number;
  spans: ZipkinJsSpan[];
  errors: string[];
}

async function startZipkinJsPeer(serviceName: string, zipkinUrl: string, encoding: 'JSON_V1' | 'JSON_V2'): Promise<ZipkinJsPeer> {
  const spans: ZipkinJsSpan[] = [];
  const errors: string[] = [];
  const onMessage = (message: unknown): void => {
    const m = message as { type: string; span?: ZipkinJsSpan; message?: string };
    if (m.type === 'span' && m.span) spans.push(m.span);
    else if (m.type === 'error') errors.push(m.message ?? '');
  };
  const env = { SERVICE_NAME: serviceName, ZIPKIN_URL: zipkinUrl, ZIPKIN_ENCODING: encoding };
  const peer = await startPeer('zipkin-js-service.js', { env, onMessage });
  return { process: peer, port: Number(new URL(peer.url).port), spans, errors };
}

/** The Polytrace service in the middle: OTel SDK, B3 in and out, exporting natively to Datadog and Jaeger. */
async function startPolytraceService(agent: DatadogCaptureAgent, jaeger: JaegerCaptureAgent) {
  const b3 = new B3Propagator();
  const datadog = new DatadogExporter({ url: agent.url, retry: FAST_RETRY });
  const jaegerExporter = new JaegerExporter({ endpoint: jaeger.collectorUrl });
  const processors = [new PolytraceSpanProcessor(datadog, { scheduledDelayMillis: 20 }), new PolytraceSpanProcessor(jaegerExporter, { scheduledDelayMillis: 20 })];
  const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'polytrace-mid' }), spanProcessors: processors }).getTracer('mid');
  const ids: { server?: string; client?: string } = {};
  const server = http.createServer((req, res) => {
    const parent = b3.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const span = tracer.startSpan('GET /call', { kind: SpanKind.SERVER }, parent);
    const ctx = trace.setSpan(parent, span);
    const client = tracer.startSpan('GET /leaf', { kind: SpanKind.CLIENT }, ctx);
    ids.server = span.spanContext().spanId;
    ids.client = client.spanContext().spanId;
    const headers: Record<string, string> = {};
    b3.inject(trace.setSpan(ctx, client), headers, defaultTextMapSetter);
    const next = new URL(req.url ?? '/', 'http://x').searchParams.get('next') ?? '';
    fetch(next, { headers })
      .then((r) => r.text())
      .then((body) => {
        client.end();
        span.end();
        res.end(body);
      })
      .catch((err: unknown) => {
        res.statusCode = 502;
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    ids,
    flush: () => Promise.all(processors.map((p) => p.forceFlush())),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(processors.map((p) => p.shutdown()));
    },
  };
}

describe('zipkin-js → Zipkin bridge → Datadog and Jaeger exporters', function () {
  this.timeout(60_000);
  let agent: DatadogCaptureAgent;
  let jaeger: JaegerCaptureAgent;
  let bridge: ZipkinBridgeServer;
  let mid: Awaited<ReturnType<typeof startPolytraceService>>;
  let peers: ZipkinJsPeer[] = [];

  beforeEach(async () => {
    agent = await DatadogCaptureAgent.start();
    jaeger = await startJaegerAgent();
    bridge = await startZipkinBridgeServer({
      port: 0,
      host: '127.0.0.1',
      exporters: [new DatadogExporter({ url: agent.url, retry: FAST_RETRY }), new JaegerExporter({ endpoint: jaeger.collectorUrl })],
    });
    mid = await startPolytraceService(agent, jaeger);
  });
  afterEach(async () => {
    await Promise.all(peers.map((p) => p.process.stop()));
    peers = [];
    await mid.close();
    await bridge.close();
    await agent.close();
    await jaeger.close();
  });

  for (const [encoding, api] of [['JSON_V1', 'v1'], ['JSON_V2', 'v2']] as const) {
    it(`carries a zipkin-js → Polytrace → zipkin-js chain as one trace (${encoding} to /api/${api}/spans)`, async () => {
      const bridgeUrl = `http://127.0.0.1:${bridge.port}/api/${api}/spans`;
      // kept as each one starts, so `afterEach` stops the front even if the back failed to start
      const front = await startZipkinJsPeer('zk-front', bridgeUrl, encoding);
      peers.push(front);
      const back = await startZipkinJsPeer('zk-back', bridgeUrl, encoding);
      peers.push(back);

      const res = await fetch(`http://127.0.0.1:${front.port}/call?next=${encodeURIComponent(`http://127.0.0.1:${mid.port}/call?next=${encodeURIComponent(`http://127.0.0.1:${back.port}/leaf`)}`)}`);
      assert.strictEqual(res.status, 200, await res.text());
      await waitFor(() => front.spans.length >= 2 && back.spans.length >= 1, 'zipkin-js to report 3 spans');
      await mid.flush();
      const ddSpans = await agent.waitForSpans(5, 30_000);
      await jaeger.waitForSpans(5, 30_000);
      assert.deepStrictEqual([front.errors, back.errors], [[], []], 'the bridge answered every zipkin-js POST with 202');
      assert.strictEqual(bridge.bridge.getStats().requestsRejected, 0);

      const frontServer = front.spans.find((s) => s.kind === 'SERVER');
      const frontClient = front.spans.find((s) => s.kind === 'CLIENT');
      const backServer = back.spans.find((s) => s.kind === 'SERVER');
      assert.ok(frontServer && frontClient && backServer);
      assert.strictEqual(backServer.id, mid.ids.client, 'zipkin-js joined (shared) the Polytrace client span id');
      const expected = new Map<string, { service: string; parent: string; zipkin?: ZipkinJsSpan }>([
        [frontServer.id, { service: 'zk-front', parent: '0000000000000000', zipkin: frontServer }],
        [frontClient.id, { service: 'zk-front', parent: frontServer.id, zipkin: frontClient }],
        [mid.ids.server ?? '', { service: 'polytrace-mid', parent: frontClient.id }],
        [mid.ids.client ?? '', { service: 'polytrace-mid', parent: mid.ids.server ?? '' }],
        [serverSpanId(backServer.traceId, backServer.id), { service: 'zk-back', parent: backServer.id, zipkin: backServer }],
      ]);

      // Datadog: one trace, unique ids, the right parents, services, timing and tags.
      assert.strictEqual(ddSpans.length, 5);
      assert.deepStrictEqual(new Set(ddSpans.map((s) => hex16(s.trace_id))), new Set([frontServer.traceId.slice(-16)]));
      const ddById = new Map<string, CapturedSpan>(ddSpans.map((s) => [hex16(s.span_id), s]));
      assert.deepStrictEqual(new Set(ddById.keys()), new Set(expected.keys()));
      for (const [id, want] of expected) {
        const dd = ddById.get(id)!;
        assert.strictEqual(hex16(dd.parent_id), want.parent, `parent of ${want.service} ${id}`);
        assert.strictEqual(dd.service, want.service);
        if (want.zipkin) {
          assert.strictEqual(dd.start, BigInt(want.zipkin.timestamp) * 1000n, `start of ${id}`);
          assert.strictEqual(dd.duration, BigInt(want.zipkin.duration) * 1000n, `duration of ${id}`);
          for (const [k, v] of Object.entries(want.zipkin.tags ?? {})) assert.strictEqual(dd.meta[k] ?? String(dd.metrics[k]), v, `tag ${k} of ${id}`);
        }
      }
      assert.strictEqual(ddById.get(serverSpanId(backServer.traceId, backServer.id))!.meta['http.path'], '/leaf');
      assert.deepStrictEqual(agent.violations(), []);

      // Jaeger: the same trace, ids, parents, services and timing.
      const jaegerSpans = jaeger.spansWithProcess();
      assert.strictEqual(jaegerSpans.length, 5);
      for (const { span, process: proc } of jaegerSpans) {
        const id = i64ToHex(span.spanId);
        const want = expected.get(id);
        assert.ok(want, `unexpected Jaeger span ${id}`);
        assert.strictEqual(i64ToHex(span.traceIdLow), frontServer.traceId.slice(-16));
        assert.strictEqual(span.traceIdHigh, 0n);
        assert.strictEqual(i64ToHex(span.parentSpanId), want.parent);
        assert.strictEqual(proc.serviceName, want.service);
        if (want.zipkin) {
          assert.deepStrictEqual([span.startTime, span.duration], [BigInt(want.zipkin.timestamp), BigInt(want.zipkin.duration)]);
          const tags = tagsByKey(span.tags);
          for (const [k, v] of Object.entries(want.zipkin.tags ?? {})) assert.strictEqual(String(tagValue(tags.get(k)!)), v, `jaeger tag ${k}`);
        }
      }
    });
  }
});
