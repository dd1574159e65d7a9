/**
 * Side by side with the real dd-trace 5.x: the same HTTP service run under dd-trace and under Polytrace
 * (OTel SDK + HttpInstrumentation + DatadogExporter + Datadog propagators), both reporting to one capture agent.
 * The Polytrace payload must carry the same fields with the same wire types and equivalent names, and traces
 * must join across a hop in both directions.
 */
import * as assert from 'node:assert/strict';
import { DatadogCaptureAgent, type CapturedSpan } from '../support/datadog-agent';
import { startPeer, type PeerProcess } from '../support/peers/peer-process';

const HTTP_KINDS = new Set(['web.request', 'http.request', 'http.server.request', 'http.client.request']);

describe('Datadog exporter side by side with dd-trace 5', function () {
  this.timeout(60_000);
  let agent: DatadogCaptureAgent;
  let dd: PeerProcess | undefined;
  let poly: PeerProcess | undefined;

  before(async () => {
    agent = await DatadogCaptureAgent.start();
    const common = { DD_TRACE_AGENT_URL: agent.url, DD_ENV: 'interop', DD_TRACE_FLUSH_INTERVAL: '50' };
    // assigned as each one starts, so `after` stops whichever started even if the other failed
    await Promise.all([
      startPeer('dd-trace-exporter-service.js', { env: { ...common, DD_SERVICE: 'dd-peer' } }).then((p) => (dd = p)),
      // pinned to v0.4 so the wire types compare field for field with dd-trace's own v0.4 payloads
      startPeer('dd-trace-exporter-polytrace.ts', { env: { ...common, DD_SERVICE: 'poly-peer', DD_TRACE_AGENT_PROTOCOL_VERSION: '0.4' } }).then((p) => (poly = p)),
    ]);
  });

  after(async () => {
    await Promise.all([dd?.stop(), poly?.stop()]);
    await agent?.close();
  });

  /** HTTP spans (dd-trace also reports dns/net spans, which OTel's http instrumentation has no equivalent of). */
  function httpSpansOfTrace(traceId: bigint): CapturedSpan[] {
    return agent.spans().filter((s) => s.trace_id === traceId && HTTP_KINDS.has(s.name));
  }

  async function traceThrough(peer: PeerProcess, pathAndQuery: string, expectedHttpSpans: number, rootService: string): Promise<CapturedSpan[]> {
    const before = new Set(agent.spans().map((s) => s.trace_id));
    const res = await fetch(`${peer.url}${pathAndQuery}`);
    await res.text();
    let found: CapturedSpan[] = [];
    await agent.waitFor(() => {
      const roots = agent.spans().filter((s) => !before.has(s.trace_id) && s.service === rootService && s.parent_id === 0n && HTTP_KINDS.has(s.name));
      if (roots.length === 0) return false;
      found = httpSpansOfTrace(roots[roots.length - 1].trace_id);
      return found.length >= expectedHttpSpans;
    }, 30_000, () => `${expectedHttpSpans} http spans of a trace rooted in ${rootService} (agent has ${agent.spans().length} spans)`);
    return found;
  }

  function byKind(spans: CapturedSpan[], kind: 'server' | 'client'): CapturedSpan[] {
    return spans.filter((s) => s.meta['span.kind'] === kind).sort((a, b) => (a.start < b.start ? -1 : 1));
  }

  it('the same request produces the same span fields, wire types and equivalent names', async () => {
    const ddSpans = await traceThrough(dd!, `/hop?to=${encodeURIComponent(`${dd!.url}/leaf`)}`, 3, 'dd-peer');
    const polySpans = await traceThrough(poly!, `/hop?to=${encodeURIComponent(`${poly!.url}/leaf`)}`, 3, 'poly-peer');
    assert.deepEqual(agent.violations(), []);

    for (const kind of ['server', 'client'] as const) {
      const [d] = byKind(ddSpans, kind);
      const [p] = byKind(polySpans, kind);
      // every top-level field dd-trace sends, with the same msgpack type family
      for (const [field, wire] of Object.entries(d.wireTypes)) assert.equal(p.wireTypes[field], wire, `${kind} ${field}`);
      assert.equal(p.type, d.type, `${kind} type`);
      assert.equal(p.resource, d.resource, `${kind} resource`);
      assert.equal(p.error, d.error);
      assert.equal(p.name, kind === 'server' ? 'http.server.request' : 'http.client.request');
      assert.equal(d.name, kind === 'server' ? 'web.request' : 'http.request');
      assert.equal(p.service, 'poly-peer');
      const sharedMeta = ['span.kind', 'language', 'runtime-id', 'env', 'http.method', 'http.status_code', 'http.url'];
      for (const key of sharedMeta) {
        assert.equal(typeof p.meta[key], 'string', `${kind} meta ${key}`);
        assert.equal(typeof d.meta[key], 'string', `dd-trace ${kind} meta ${key}`);
      }
      for (const key of ['span.kind', 'language', 'env', 'component', 'http.method', 'http.status_code']) assert.equal(p.meta[key], d.meta[key], key);
      for (const key of ['_sampling_priority_v1', 'process_id', '_dd.measured']) {
        assert.equal(typeof p.metrics[key], 'number', `${kind} metric ${key}`);
        assert.equal(p.metrics[key], key === 'process_id' ? p.metrics[key] : d.metrics[key], key);
      }
    }
    // chunk tags on the first span of each chunk, like dd-trace
    const ddFirst = agent.traces().find((c) => c.some((s) => s.trace_id === ddSpans[0].trace_id))![0];
    const polyFirst = agent.traces().find((c) => c.some((s) => s.trace_id === polySpans[0].trace_id))![0];
    for (const key of ['_dd.p.tid', '_dd.p.dm']) {
      assert.match(ddFirst.meta[key], /^\S+$/, `dd-trace ${key}`);
      assert.match(polyFirst.meta[key], /^\S+$/, `polytrace ${key}`);
    }
  });

  it('a dd-trace service calling a Polytrace service yields one trace', async () => {
    const spans = await traceThrough(dd!, `/hop?to=${encodeURIComponent(`${poly!.url}/leaf`)}`, 3, 'dd-peer');
    const [ddClient] = byKind(spans.filter((s) => s.service === 'dd-peer'), 'client');
    const [polyServer] = byKind(spans.filter((s) => s.service === 'poly-peer'), 'server');
    assert.ok(ddClient && polyServer, 'both sides reported');
    assert.equal(polyServer.trace_id, ddClient.trace_id);
    assert.equal(polyServer.parent_id, ddClient.span_id);
    assert.equal(polyServer.metrics._sampling_priority_v1, ddClient.metrics._sampling_priority_v1);
    const tid = (s: CapturedSpan) => agent.traces().find((c) => c.includes(s))![0].meta['_dd.p.tid'];
    assert.equal(tid(polyServer), tid(ddClient), 'same upper 64 bits');
  });

  it('a Polytrace service calling a dd-trace service yields one trace', async () => {
    const spans = await traceThrough(poly!, `/hop?to=${encodeURIComponent(`${dd!.url}/leaf`)}`, 3, 'poly-peer');
    const [polyClient] = byKind(spans.filter((s) => s.service === 'poly-peer'), 'client');
    const [ddServer] = byKind(spans.filter((s) => s.service === 'dd-peer'), 'server');
    assert.ok(polyClient && ddServer, 'both sides reported');
    assert.equal(ddServer.trace_id, polyClient.trace_id);
    assert.equal(ddServer.parent_id, polyClient.span_id);
    assert.equal(ddServer.metrics._sampling_priority_v1, polyClient.metrics._sampling_priority_v1);
  });

  it('errors carry the same error fields as dd-trace (message, type, stack)', async () => {
    const [d] = await traceThrough(dd!, '/error', 1, 'dd-peer');
    const [p] = await traceThrough(poly!, '/error', 1, 'poly-peer');
    for (const s of [d, p]) {
      assert.equal(s.error, 1, s.service);
      assert.equal(s.meta['error.type'], 'TypeError', s.service);
      assert.match(s.meta['error.message'], /^boom from /, s.service);
      assert.match(s.meta['error.stack'], /TypeError: boom from[\s\S]*\n\s+at /, s.service);
    }
  });
});
