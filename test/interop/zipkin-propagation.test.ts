/**
 * zipkin-js → Polytrace → zipkin-js over real HTTP on 127.0.0.1, each service its own process. The zipkin-js
 * services (express middleware + instrumented fetch) report to the capture Zipkin server; the Polytrace service
 * (stock OTel SDK + HttpInstrumentation + our B3Propagator) reports its spans over IPC. The assertions read the
 * ids each side recorded.
 */
import * as assert from 'node:assert';
import { startZipkinServer, type CapturedZipkinSpan, type ZipkinCaptureServer } from '../support/zipkin-server';
import { startPeer, type PeerProcess } from '../support/peers/peer-process';
import { callUrl, getJson as getChainJson, leafOf, one, type CallAnswer } from '../support/peers/call-chain';
import { reportedSpanCollector, type ReportedSpan } from '../support/peers/reported-spans';
import { waitFor } from '../support/wait-for';

interface LeafAnswer {
  service: string;
  received: Record<string, string>;
}

const getJson = (url: string, headers?: Record<string, string>): Promise<CallAnswer<LeafAnswer>> => getChainJson<LeafAnswer>(url, headers);

const padded = (traceId: string): string => traceId.padStart(32, '0');

describe('interop: zipkin-js → Polytrace (B3) → zipkin-js', function () {
  this.timeout(90_000);
  let zipkin: ZipkinCaptureServer;
  let front: PeerProcess;
  let back: PeerProcess;
  const polytrace = new Map<string, PeerProcess>();
  const { spans: polytraceSpans, onMessage } = reportedSpanCollector();

  before(async () => {
    zipkin = await startZipkinServer();
    const started = await Promise.all([
      startPeer('zipkin-js-service.js', { env: { SERVICE_NAME: 'zipkin-front', ZIPKIN_URL: zipkin.v2Url } }),
      startPeer('zipkin-js-service.js', { env: { SERVICE_NAME: 'zipkin-back', ZIPKIN_URL: zipkin.v2Url } }),
      startPeer('polytrace-chain-service.ts', { env: { PROPAGATOR: 'b3' }, onMessage }),
      startPeer('polytrace-chain-service.ts', { env: { PROPAGATOR: 'b3-multi' }, onMessage }),
    ]);
    [front, back] = started;
    polytrace.set('both', started[2]!);
    polytrace.set('multi', started[3]!);
  });

  after(async () => {
    await Promise.all([front, back, ...polytrace.values()].filter(Boolean).map((p) => p.stop()));
    await zipkin?.close();
  });

  const zipkinSpans = (traceId: string, service: string, kind: CapturedZipkinSpan['kind']): CapturedZipkinSpan[] =>
    zipkin.spans().filter((s) => s.traceId === traceId && s.localEndpoint?.serviceName === service && s.kind === kind);

  /** The five spans of one front → polytrace → back request, once all have been reported. */
  async function spansOf(traceId: string): Promise<{
    frontServer: CapturedZipkinSpan; frontClient: CapturedZipkinSpan; backServer: CapturedZipkinSpan;
    polyServer: ReportedSpan; polyClient: ReportedSpan;
  }> {
    return waitFor(() => {
      const frontServer = one(zipkinSpans(traceId, 'zipkin-front', 'SERVER'));
      const frontClient = one(zipkinSpans(traceId, 'zipkin-front', 'CLIENT'));
      const backServer = one(zipkinSpans(traceId, 'zipkin-back', 'SERVER'));
      const polyServer = one(polytraceSpans.filter((s) => s.traceId === padded(traceId) && s.kind === 'server'));
      const polyClient = one(polytraceSpans.filter((s) => s.traceId === padded(traceId) && s.kind === 'client'));
      if (!frontServer || !frontClient || !backServer || !polyServer || !polyClient) return undefined;
      return { frontServer, frontClient, backServer, polyServer, polyClient };
    }, `the five spans of trace ${traceId}`);
  }

  for (const encoding of ['both', 'multi'] as const) {
    it(`one trace with correct parents (Polytrace injecting ${encoding}); the 64-bit id stays 64-bit`, async () => {
      const answer = await getJson(callUrl(front.url, callUrl(polytrace.get(encoding)!.url, `${back.url}/leaf`)));
      const { received } = leafOf(answer);
      const traceId = received['x-b3-traceid']!;
      assert.match(traceId, /^[0-9a-f]{16}$/, 'zipkin-js starts 64-bit traces; Polytrace must hand it back as 16 hex');
      assert.strictEqual(received['x-b3-sampled'], '1');
      assert.strictEqual(received['x-b3-parentspanid'], undefined);
      assert.strictEqual(received.b3 !== undefined, encoding === 'both');

      const { frontServer, frontClient, backServer, polyServer, polyClient } = await spansOf(traceId);
      assert.strictEqual(frontClient.parentId, frontServer.id);
      assert.strictEqual(polyServer.parentSpanId, frontClient.id, 'Polytrace server span is a child of the zipkin-js client span');
      assert.strictEqual(polyClient.parentSpanId, polyServer.spanId);
      // zipkin-js joins the caller's span: its server span reuses the id Polytrace sent.
      assert.strictEqual(backServer.id, polyClient.spanId);
      assert.strictEqual(received['x-b3-spanid'], polyClient.spanId);
      assert.ok(polyServer.sampled && polyClient.sampled);
      assert.ok(!frontServer.debug && !backServer.debug);
    });
  }

  it('debug (X-B3-Flags: 1) is preserved through Polytrace: zipkin-js downstream records debug spans', async () => {
    const answer = await getJson(callUrl(front.url, callUrl(polytrace.get('both')!.url, `${back.url}/leaf`)), { 'X-B3-Flags': '1' });
    const { received } = leafOf(answer);
    assert.strictEqual(received['x-b3-flags'], '1');
    assert.strictEqual(received['x-b3-sampled'], undefined, 'debug implies accept; X-B3-Sampled is left out');
    assert.match(received.b3 ?? '', /-d$/);
    const { frontServer, backServer, polyServer } = await spansOf(received['x-b3-traceid']!);
    assert.strictEqual(frontServer.debug, true);
    assert.strictEqual(backServer.debug, true);
    assert.ok(polyServer.sampled);
  });

  it('deny (X-B3-Sampled: 0) is preserved: nobody downstream records the trace', async () => {
    const denied = leafOf(await getJson(callUrl(front.url, callUrl(polytrace.get('both')!.url, `${back.url}/leaf`)), { 'X-B3-Sampled': '0' }));
    assert.strictEqual(denied.received['x-b3-sampled'], '0');
    assert.match(denied.received.b3 ?? '', /-0$/);
    const deniedTrace = denied.received['x-b3-traceid']!;
    // A sampled request through the same processes afterwards: once its spans are in, the denied ones would be too.
    const later = leafOf(await getJson(callUrl(front.url, callUrl(polytrace.get('both')!.url, `${back.url}/leaf`))));
    await spansOf(later.received['x-b3-traceid']!);
    assert.deepStrictEqual(zipkin.spans().filter((s) => s.traceId === deniedTrace), []);
    assert.deepStrictEqual(polytraceSpans.filter((s) => s.traceId === padded(deniedTrace)), []);
  });

  it('B3 single in (from a Brave/Envoy-style caller), multi out to zipkin-js: 128-bit id and debug kept', async () => {
    const traceId = '80f198ee56343ba864fe8b2a57d3eff7';
    const callerSpan = 'e457b5a2e4d86bd1';
    const answer = await getJson(callUrl(polytrace.get('both')!.url, `${back.url}/leaf`), { b3: `${traceId}-${callerSpan}-d` });
    const { received } = leafOf(answer);
    assert.strictEqual(received['x-b3-traceid'], traceId);
    assert.strictEqual(received['x-b3-flags'], '1');
    const [polyServer, backServer] = await waitFor(() => {
      const poly = one(polytraceSpans.filter((s) => s.traceId === traceId && s.kind === 'server'));
      const backSpan = one(zipkinSpans(traceId, 'zipkin-back', 'SERVER'));
      return poly && backSpan ? ([poly, backSpan] as const) : undefined;
    }, 'the Polytrace server span and the zipkin-js server span');
    assert.strictEqual(polyServer.parentSpanId, callerSpan);
    assert.strictEqual(backServer.debug, true);
    assert.strictEqual(backServer.id, received['x-b3-spanid']);
  });
});
