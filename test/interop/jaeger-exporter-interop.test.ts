/**
 * JaegerExporter next to the real jaeger-client 3.19:
 *  - side by side: the same logical spans, encoded by both, decode to the same Jaeger model (ids, times, tag types);
 *  - a jaeger-client → Polytrace (OTel SDK + HttpInstrumentation + JaegerPropagator + JaegerExporter) →
 *    jaeger-client chain over HTTP with `uber-trace-id` lands in the agent as one trace.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JaegerExporter } from '@polytrace/exporter-jaeger';
import { JaegerCaptureAgent, TagType, i64ToHex, tagValue, tagsByKey, traceIdHex, type JaegerSpan } from '../support/jaeger-agent';
import { startPeer, type PeerProcess } from '../support/peers/peer-process';
import { closeTracer, createJaegerClientTracer, opentracing, type JcTracer } from '../support/peers/jaeger-exporter-jaeger-client';
import { exportSpans, fixedIds, isSuccess, sdkHarness } from '../../exporters/jaeger/test/helpers';

const byName = (spans: JaegerSpan[], name: string): JaegerSpan => {
  const s = spans.find((x) => x.operationName === name);
  assert.ok(s, `span ${name} among ${spans.map((x) => x.operationName).join(', ')}`);
  return s;
};

/** The same ReadableSpan seen as a root (the remote parent only carried jaeger-client's trace id into the SDK). */
function asRoot(span: ReadableSpan): ReadableSpan {
  return new Proxy(span, { get: (target, key) => (key === 'parentSpanContext' ? undefined : Reflect.get(target, key)) });
}

describe('JaegerExporter vs jaeger-client 3.19', () => {
  let agent: JaegerCaptureAgent;
  const tracers: JcTracer[] = [];

  beforeEach(async () => {
    agent = await JaegerCaptureAgent.start();
  });
  afterEach(async () => {
    for (const t of tracers.splice(0)) await closeTracer(t);
    await agent.close();
  });

  for (const traceId128bit of [false, true]) {
    it(`encodes the same logical spans to the same Jaeger model (${traceId128bit ? 128 : 64}-bit trace ids)`, async () => {
      // 1. jaeger-client records a parent and a child with fixed times, tags and a log
      const jc = createJaegerClientTracer({ serviceName: 'same-service', agentPort: agent.binaryPort, traceId128bit });
      tracers.push(jc);
      const t0 = 1_700_000_000_123; // ms
      const tags = { 'http.url': '/orders', cached: true, ratio: 0.5, status: 200 };
      const root = jc.startSpan('GET /orders', { startTime: t0, tags: { 'span.kind': 'server', ...tags } });
      const child = jc.startSpan('SELECT orders', { childOf: root, startTime: t0 + 1, tags: { 'db.system': 'postgresql' } });
      child.log({ event: 'rows', note: 'fetched' }, t0 + 2);
      child.finish(t0 + 4);
      root.finish(t0 + 9);
      const theirs = await agent.waitForSpans(2);
      assert.deepEqual(agent.errors(), []);
      const theirSize = agent.datagramSizes()[0];
      const [theirRoot, theirChild] = [byName(theirs, 'GET /orders'), byName(theirs, 'SELECT orders')];

      // 2. the OTel SDK records the same spans (same ids and times), exported by Polytrace in both protocols
      const sdk = sdkHarness({
        resource: { 'service.name': 'same-service' },
        idGenerator: fixedIds([], [root.context().spanIdStr.padStart(16, '0'), child.context().spanIdStr.padStart(16, '0')]),
      });
      try {
        const traceId = root.context().traceIdStr.padStart(32, '0');
        const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '0000000000000001', traceFlags: TraceFlags.SAMPLED, isRemote: true });
        const oRoot = sdk.tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, startTime: t0, attributes: tags }, remote);
        const oChild = sdk.tracer.startSpan('SELECT orders', { startTime: t0 + 1, attributes: { 'db.system': 'postgresql' } }, trace.setSpan(ROOT_CONTEXT, oRoot));
        oChild.addEvent('rows', { note: 'fetched' }, t0 + 2);
        oChild.end(t0 + 4);
        oRoot.end(t0 + 9);
        const spans = sdk.finished().map((s) => (s.name === 'GET /orders' ? asRoot(s) : s));

        for (const protocol of ['binary', 'compact'] as const) {
          agent.reset();
          const port = protocol === 'binary' ? agent.binaryPort : agent.compactPort;
          const exporter = new JaegerExporter({ host: '127.0.0.1', port, agentProtocol: protocol, env: {} });
          try {
            assert.ok(isSuccess(await exportSpans(exporter, spans)));
            const ours = await agent.waitForSpans(2);
            assert.deepEqual(agent.errors(), []);
            const [ourRoot, ourChild] = [byName(ours, 'GET /orders'), byName(ours, 'SELECT orders')];
            for (const [o, t] of [[ourRoot, theirRoot], [ourChild, theirChild]] as const) {
              for (const field of ['traceIdLow', 'traceIdHigh', 'spanId', 'parentSpanId', 'operationName', 'flags', 'startTime', 'duration'] as const) {
                assert.equal(o[field], t[field], `${protocol} ${t.operationName}.${field}`);
              }
            }
            assert.equal(agent.batches()[0].process.serviceName, 'same-service');
            // tag types: strings and bools agree; numbers agree in value, integers are LONG with us (DOUBLE there)
            const ot = tagsByKey(ourRoot.tags);
            const tt = tagsByKey(theirRoot.tags);
            for (const key of ['http.url', 'cached', 'span.kind']) {
              const [o, t] = [ot.get(key), tt.get(key)];
              assert.ok(o && t, key);
              assert.deepEqual([o.vType, tagValue(o)], [t.vType, tagValue(t)], key);
            }
            assert.deepEqual([ot.get('ratio')?.vType, ot.get('ratio')?.vDouble], [TagType.DOUBLE, tt.get('ratio')?.vDouble]);
            assert.equal(tt.get('status')?.vType, TagType.DOUBLE);
            assert.deepEqual([ot.get('status')?.vType, ot.get('status')?.vLong], [TagType.LONG, BigInt(tt.get('status')?.vDouble ?? NaN)]);
            // logs
            assert.equal(ourChild.logs?.[0].timestamp, theirChild.logs?.[0].timestamp);
            const [ol, tl] = [tagsByKey(ourChild.logs?.[0].fields), tagsByKey(theirChild.logs?.[0].fields)];
            for (const key of ['event', 'note']) assert.deepEqual([ol.get(key)?.vType, ol.get(key)?.vStr], [tl.get(key)?.vType, tl.get(key)?.vStr], key);
            // jaeger-client writes all five value fields on every tag; we write only the one matching vType
            assert.ok(theirRoot.tags?.every((t) => t.vStr !== undefined && t.vBool !== undefined && t.vLong !== undefined));
            assert.ok(ourRoot.tags?.every((t) => [t.vStr, t.vDouble, t.vBool, t.vLong, t.vBinary].filter((v) => v !== undefined).length === 1));
            if (protocol === 'binary') {
              // one value field per tag and no dead fields: the same spans in fewer bytes
              assert.ok(agent.datagramSizes()[0] < theirSize, `ours ${agent.datagramSizes()[0]} vs jaeger-client ${theirSize} bytes`);
            }
          } finally {
            await exporter.shutdown();
          }
        }
      } finally {
        await sdk.shutdown();
      }
    });
  }
});

/** A jaeger-client HTTP service done the way its users wire it: extract on the way in, inject on the way out. */
async function jaegerClientService(tracer: JcTracer): Promise<{ url: string; close: () => Promise<void> }> {
  const HEADERS = opentracing.FORMAT_HTTP_HEADERS;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parent = tracer.extract(HEADERS, req.headers as Record<string, string>);
    const span = tracer.startSpan(`GET ${url.pathname}`, { childOf: parent ?? undefined, tags: { 'span.kind': 'server' } });
    const done = (body: unknown): void => {
      span.finish();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    const next = url.searchParams.get('next');
    if (!next) return done({ received: req.headers['uber-trace-id'] });
    const client = tracer.startSpan('GET downstream', { childOf: span.context(), tags: { 'span.kind': 'client' } });
    const headers: Record<string, string> = {};
    tracer.inject(client.context(), HEADERS, headers);
    http
      .get(next, { headers }, (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => {
          client.finish();
          done({ downstream: JSON.parse(body) as unknown });
        });
      })
      .on('error', (e) => {
        client.finish();
        done({ error: String(e) });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('jaeger-client → Polytrace → jaeger-client chain', function () {
  this.timeout(60_000);
  let agent: JaegerCaptureAgent;
  let polytrace: PeerProcess | undefined;
  const tracers: JcTracer[] = [];
  const servers: { close: () => Promise<void> }[] = [];

  before(async () => {
    agent = await JaegerCaptureAgent.start();
  });
  after(async () => {
    await polytrace?.stop();
    for (const s of servers) await s.close();
    for (const t of tracers) await closeTracer(t);
    await agent.close();
  });

  it('records one trace across the three services, with each parent where it belongs', async () => {
    polytrace = await startPeer('polytrace-chain-service.ts', { env: { PROPAGATOR: 'jaeger', AGENT_PORT: String(agent.compactPort), SERVICE_NAME: 'polytrace-middle' } });
    const frontTracer = createJaegerClientTracer({ serviceName: 'jc-front', agentPort: agent.binaryPort });
    const leafTracer = createJaegerClientTracer({ serviceName: 'jc-leaf', agentPort: agent.binaryPort });
    tracers.push(frontTracer, leafTracer);
    const front = await jaegerClientService(frontTracer);
    const leaf = await jaegerClientService(leafTracer);
    servers.push(front, leaf);

    const target = `${front.url}/call?next=${encodeURIComponent(`${polytrace.url}/call?next=${encodeURIComponent(`${leaf.url}/leaf`)}`)}`;
    const answer = await fetch(target).then((r) => r.json() as Promise<{ downstream?: { downstream?: { received?: string } } }>);
    assert.ok(answer.downstream?.downstream?.received, `leaf answered: ${JSON.stringify(answer)}`);

    // jc-front: server + client; polytrace: server + client (http instrumentation); jc-leaf: server
    await agent.waitFor(() => agent.spans().length >= 5, 30_000, () => `5 spans (have ${agent.spans().length}); polytrace stderr: ${polytrace?.stderr()}`);
    assert.deepEqual(agent.errors(), []);
    const all = agent.spansWithProcess();
    const services = new Map(all.map((x) => [i64ToHex(x.span.spanId), x.process.serviceName]));
    assert.equal(new Set(all.map((x) => traceIdHex(x.span).slice(-16))).size, 1, 'one trace id');
    const of = (service: string, kind: string): JaegerSpan => {
      const found = all.find((x) => x.process.serviceName === service && tagsByKey(x.span.tags).get('span.kind')?.vStr === kind);
      assert.ok(found, `${service} ${kind} span`);
      return found.span;
    };
    const frontServer = of('jc-front', 'server');
    const frontClient = of('jc-front', 'client');
    const polyServer = of('polytrace-middle', 'server');
    const polyClient = of('polytrace-middle', 'client');
    const leafServer = of('jc-leaf', 'server');
    assert.equal(frontServer.parentSpanId, 0n);
    assert.equal(frontClient.parentSpanId, frontServer.spanId);
    assert.equal(polyServer.parentSpanId, frontClient.spanId, 'Polytrace continues the jaeger-client trace');
    assert.equal(polyClient.parentSpanId, polyServer.spanId);
    assert.equal(leafServer.parentSpanId, polyClient.spanId, 'jaeger-client continues the Polytrace trace');
    assert.equal(services.get(i64ToHex(polyServer.spanId)), 'polytrace-middle');
    // the Polytrace spans came over the compact port, the jaeger-client ones over the binary port
    assert.ok(agent.batches().some((b) => b.channel === 'compact' && b.process.serviceName === 'polytrace-middle'));
    assert.equal(polyServer.flags & 1, 1);
  });
});
