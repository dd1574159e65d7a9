import * as assert from 'node:assert/strict';
import { getJson } from '@polytrace/example-support';
import { DatadogCaptureAgent, type CapturedSpan } from '../../../test/support/datadog-agent';
import { hex16 } from '../../../test/support/datadog-trace';
import { only } from '../../../test/support/only';
import { startZipkinServer, type CapturedZipkinSpan, type ZipkinCaptureServer } from '../../../test/support/zipkin-server';
import { startPolyglot, type RunningPolyglot } from '../src/polyglot';

/** `_dd.p.tid` (the high half of a 128-bit id) is sent once per chunk, on one of its spans. */
function highBitsOfChunkWith(agent: DatadogCaptureAgent, span: CapturedSpan): string | undefined {
  const chunk = agent.traces().find((c) => c.includes(span));
  return chunk?.map((s) => s.meta['_dd.p.tid']).find((tid) => tid !== undefined);
}

describe('examples/polyglot: dd-trace → Polytrace → zipkin-js → Polytrace', function () {
  this.timeout(120_000);
  let agent: DatadogCaptureAgent | undefined;
  let zipkin: ZipkinCaptureServer | undefined;
  let chain: RunningPolyglot | undefined;
  const output: string[] = [];

  before(async () => {
    agent = await DatadogCaptureAgent.start();
    zipkin = await startZipkinServer();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(output.join('\n'));
  });

  after(async () => {
    await chain?.stop();
    await agent?.close();
    await zipkin?.close();
  });

  it('reports one trace id, with parents that line up, to both the Datadog agent and Zipkin', async () => {
    chain = await startPolyglot({
      datadogAgentUrl: agent!.url,
      zipkinEndpoint: zipkin!.v2Url,
      env: { ...process.env, OTEL_BSP_SCHEDULE_DELAY: '200' },
      output: (line) => output.push(line),
    });
    const response = await getJson(`${chain.storefrontUrl}/checkout`);
    assert.equal(response.status, 200);
    const traceId = (response.body as { traceId?: string }).traceId!;
    assert.match(traceId, /^[0-9a-f]{32}$/, 'dd-trace 5 starts 128-bit traces');
    await chain.stop(); // every service flushes to its backend
    chain = undefined;
    assert.deepEqual(agent!.violations(), []);
    assert.deepEqual(zipkin!.violations(), []);

    // Datadog: dd-trace's storefront and Polytrace's pricing, one 128-bit trace.
    const ddSpans = agent!.spans().filter((s) => s.trace_id === BigInt(`0x${traceId.slice(16)}`));
    assert.deepEqual([...new Set(ddSpans.map((s) => s.service))].sort(), ['pricing', 'storefront']);
    for (const span of ddSpans) assert.equal(highBitsOfChunkWith(agent!, span), traceId.slice(0, 16));
    const storefrontCall = only(ddSpans, (s) => s.service === 'storefront' && s.meta['span.kind'] === 'client', 'storefront client span');
    const pricingServerDd = only(ddSpans, (s) => s.service === 'pricing' && s.meta['span.kind'] === 'server', 'pricing server span in Datadog');
    assert.equal(pricingServerDd.parent_id, storefrontCall.span_id, 'pricing continues from the span dd-trace injected');

    // Zipkin: pricing, zipkin-js's inventory and the warehouse, under the same trace id.
    const zSpans = zipkin!.spans().filter((s) => s.traceId === traceId);
    const service = (s: CapturedZipkinSpan): string | undefined => s.localEndpoint?.serviceName;
    assert.deepEqual([...new Set(zSpans.map(service))].sort(), ['inventory', 'pricing', 'warehouse']);
    assert.ok(!zipkin!.spans().some((s) => s.traceId !== traceId), 'no service started a trace of its own');
    const pricingServerZ = only(zSpans, (s) => service(s) === 'pricing' && s.kind === 'SERVER', 'pricing server span in Zipkin');
    assert.equal(pricingServerZ.id, hex16(pricingServerDd.span_id), 'both backends got the same pricing span');
    assert.equal(pricingServerZ.parentId, hex16(storefrontCall.span_id), 'its parent is the dd-trace span, seen from Zipkin too');

    // B3 hop pricing → zipkin-js: zipkin-js joins the client's span id (Zipkin's shared span).
    const pricingCall = only(zSpans, (s) => service(s) === 'pricing' && s.kind === 'CLIENT', 'pricing client span');
    const inventoryServer = only(zSpans, (s) => service(s) === 'inventory' && s.kind === 'SERVER', 'inventory server span');
    assert.equal(inventoryServer.id, pricingCall.id);
    // B3 hop zipkin-js → warehouse: the warehouse's server span is a child of zipkin-js's client span.
    const inventoryCall = only(zSpans, (s) => service(s) === 'inventory' && s.kind === 'CLIENT', 'inventory client span');
    const warehouseServer = only(zSpans, (s) => service(s) === 'warehouse' && s.kind === 'SERVER', 'warehouse server span');
    assert.equal(inventoryCall.parentId, inventoryServer.id);
    assert.equal(warehouseServer.parentId, inventoryCall.id);
  });
});
