/**
 * jaeger-client → Polytrace → jaeger-client with `uber-trace-id` and `uberctx-*`, over real HTTP on 127.0.0.1,
 * each service its own process. The jaeger-client services report Thrift batches to the capture collector; the
 * Polytrace service (stock OTel SDK + HttpInstrumentation + our JaegerPropagator) reports its spans over IPC.
 */
import * as assert from 'node:assert';
import { i64ToHex, startJaegerAgent, traceIdHex, type JaegerCaptureAgent, type JaegerSpan } from '../support/jaeger-agent';
import { startPeer, type PeerProcess } from '../support/peers/peer-process';
import { callUrl, getJson as getChainJson, leafOf, one, type CallAnswer } from '../support/peers/call-chain';
import { reportedSpanCollector, type ReportedSpan } from '../support/peers/reported-spans';
import { waitFor } from '../support/wait-for';

interface LeafAnswer {
  service: string;
  received: string;
  baggage: Record<string, string>;
  context: string;
}

const getJson = (url: string, headers?: Record<string, string>): Promise<CallAnswer<LeafAnswer>> => getChainJson<LeafAnswer>(url, headers);

/** `uber-trace-id` as jaeger-client writes it (no leading zeros) → OTel's 32-hex trace id and 16-hex span id. */
function idsOf(header: string): { traceId: string; spanId: string; flags: string } {
  const [traceId, spanId, , flags] = header.split(':');
  return { traceId: traceId!.padStart(32, '0'), spanId: spanId!.padStart(16, '0'), flags: flags! };
}

describe('interop: jaeger-client → Polytrace (uber-trace-id) → jaeger-client', function () {
  this.timeout(90_000);
  let agent: JaegerCaptureAgent;
  let front: PeerProcess;
  let back: PeerProcess;
  let polytrace: PeerProcess;
  const { spans: polytraceSpans, onMessage } = reportedSpanCollector();

  before(async () => {
    agent = await startJaegerAgent();
    [front, back, polytrace] = await Promise.all([
      startPeer('jaeger-client-service.js', { env: { SERVICE_NAME: 'jaeger-front', COLLECTOR_URL: agent.collectorUrl } }),
      startPeer('jaeger-client-service.js', { env: { SERVICE_NAME: 'jaeger-back', COLLECTOR_URL: agent.collectorUrl } }),
      startPeer('polytrace-chain-service.ts', { env: { PROPAGATOR: 'jaeger' }, onMessage }),
    ]);
  });

  after(async () => {
    await Promise.all([front, back, polytrace].filter(Boolean).map((p) => p.stop()));
    await agent?.close();
  });

  const jaegerSpans = (traceId: string, service: string, operation: string): JaegerSpan[] =>
    agent
      .spansWithProcess()
      .filter(({ span, process }) => traceIdHex(span) === traceId && process.serviceName === service && span.operationName === operation)
      .map(({ span }) => span);

  async function spansOf(traceId: string): Promise<{
    frontServer: JaegerSpan; frontClient: JaegerSpan; backServer: JaegerSpan; polyServer: ReportedSpan; polyClient: ReportedSpan;
  }> {
    return waitFor(() => {
      const frontServer = one(jaegerSpans(traceId, 'jaeger-front', 'GET /call'));
      const frontClient = one(jaegerSpans(traceId, 'jaeger-front', 'GET downstream'));
      const backServer = one(jaegerSpans(traceId, 'jaeger-back', 'GET /leaf'));
      const polyServer = one(polytraceSpans.filter((s) => s.traceId === traceId && s.kind === 'server'));
      const polyClient = one(polytraceSpans.filter((s) => s.traceId === traceId && s.kind === 'client'));
      if (!frontServer || !frontClient || !backServer || !polyServer || !polyClient) return undefined;
      return { frontServer, frontClient, backServer, polyServer, polyClient };
    }, `the five spans of trace ${traceId}`);
  }

  it('one trace with correct parents, and uberctx baggage survives the Polytrace hop', async () => {
    const answer = await getJson(callUrl(front.url, callUrl(polytrace.url, `${back.url}/leaf`), 'user:alice smith/%x'));
    const leaf = leafOf(answer);
    const { traceId, spanId, flags } = idsOf(leaf.received);
    assert.match(leaf.received.split(':')[0]!, /^[0-9a-f]{1,16}$/, 'jaeger-client started a 64-bit trace; it goes back out 64-bit');
    assert.strictEqual(flags, '01');
    assert.deepStrictEqual(leaf.baggage, { user: 'alice smith/%x' });

    const { frontServer, frontClient, backServer, polyServer, polyClient } = await spansOf(traceId);
    assert.strictEqual(i64ToHex(frontClient.parentSpanId), i64ToHex(frontServer.spanId));
    assert.strictEqual(polyServer.parentSpanId, i64ToHex(frontClient.spanId), 'Polytrace server span is a child of the jaeger-client client span');
    assert.strictEqual(polyClient.parentSpanId, polyServer.spanId);
    assert.strictEqual(spanId, polyClient.spanId);
    assert.strictEqual(i64ToHex(backServer.parentSpanId), polyClient.spanId, 'jaeger-client downstream is a child of the Polytrace client span');
    assert.strictEqual(backServer.flags & 0b11, 0b01);
  });

  it('a 128-bit trace id from the caller stays 128-bit end to end', async () => {
    const traceId = 'd4cda95b652f4a1592b449d5929fda1b';
    const answer = await getJson(callUrl(front.url, callUrl(polytrace.url, `${back.url}/leaf`)), { 'uber-trace-id': `${traceId}:6e0c63257de34c92:0:1` });
    assert.strictEqual(idsOf(leafOf(answer).received).traceId, traceId);
    const { frontServer, backServer } = await spansOf(traceId);
    assert.strictEqual(i64ToHex(frontServer.parentSpanId), '6e0c63257de34c92');
    assert.strictEqual(traceIdHex(backServer), traceId);
  });

  it('debug (jaeger-debug-id at the edge → flags 3) is preserved through Polytrace', async () => {
    const answer = await getJson(callUrl(front.url, callUrl(polytrace.url, `${back.url}/leaf`)), { 'jaeger-debug-id': 'find-me' });
    const { traceId, flags } = idsOf(leafOf(answer).received);
    assert.strictEqual(flags, '03');
    const { frontServer, backServer, polyServer } = await spansOf(traceId);
    assert.strictEqual(frontServer.flags & 0b11, 0b11);
    assert.strictEqual(backServer.flags & 0b11, 0b11, 'jaeger-client downstream records the span as debug');
    assert.ok(polyServer.sampled);
  });

  it('an unsampled trace stays unsampled: nobody downstream records it', async () => {
    const deniedTrace = 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb';
    const answer = await getJson(callUrl(front.url, callUrl(polytrace.url, `${back.url}/leaf`)), { 'uber-trace-id': `${deniedTrace}:6e0c63257de34c92:0:0` });
    const { traceId, flags } = idsOf(leafOf(answer).received);
    assert.strictEqual(traceId, deniedTrace);
    assert.strictEqual(flags, '00');
    // A sampled request through the same processes afterwards: once its spans are in, the denied ones would be too.
    const later = idsOf(leafOf(await getJson(callUrl(front.url, callUrl(polytrace.url, `${back.url}/leaf`)))).received);
    await spansOf(later.traceId);
    assert.deepStrictEqual(agent.spans().filter((s) => traceIdHex(s) === deniedTrace), []);
    assert.deepStrictEqual(polytraceSpans.filter((s) => s.traceId === deniedTrace), []);
  });
});
