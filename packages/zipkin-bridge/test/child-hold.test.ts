/** Spec zipkin.md §4.4 limitation fixed: a child that arrives in an earlier POST than its shared server span. */
import * as assert from 'node:assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { serverSpanId } from '@polytrace/zipkin-bridge';
import { postAccepted, startBridge, until, type RunningBridge } from './helpers';

const T = '7a3c1f0e9d8b7a6978695a4b3c2d1e0f';
const brave = { serviceName: 'brave-svc' };
// OTel caller → Brave server that joins (shares) the caller's span id; the server's children finish first.
const server = (shared: string, t = T): Record<string, unknown> => ({ traceId: t, id: shared, kind: 'SERVER', shared: true, name: 'handle', timestamp: 1700000000000100, duration: 800, localEndpoint: brave });
const child = (id: string, parent: string, t = T, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  traceId: t, id, parentId: parent, kind: 'CLIENT', name: `call ${id.slice(-2)}`, timestamp: 1700000000000200, duration: 100, localEndpoint: brave, ...extra,
});

const parentOf = (spans: ReadableSpan[], id: string): string | undefined => spans.find((s) => s.spanContext().spanId === id)?.parentSpanContext?.spanId;

describe('zipkin bridge: children that arrive before their shared server span (spec §4.4)', () => {
  let b: RunningBridge;
  afterEach(async () => {
    await b.close();
  });

  it('holds them until the server arrives and re-parents them onto its new id (service learned as sharing)', async () => {
    b = await startBridge();
    // the first shared server of brave-svc teaches the bridge that this service shares ids
    await postAccepted(b, [server('00000000000000a0', '0000000000000000000000000000f001')]);
    b.memory.reset();

    const shared = 'aaaaaaaaaaaaaaa1';
    // a child reported one POST before its server; its own child (parent seen in the same POST) is not held
    await postAccepted(b, [child('00000000000000b1', shared), child('00000000000000b2', '00000000000000b1', T, { kind: undefined })]);
    assert.deepStrictEqual(b.memory.getFinishedSpans().map((s) => s.spanContext().spanId), ['00000000000000b2'], 'the child of the shared id is held');
    await postAccepted(b, [server(shared)]);
    const spans = b.memory.getFinishedSpans();
    assert.strictEqual(spans.length, 3, 'released as soon as their parent arrived');
    const newId = serverSpanId(T, shared);
    assert.strictEqual(parentOf(spans, newId), shared);
    assert.strictEqual(parentOf(spans, '00000000000000b1'), newId);
    assert.strictEqual(parentOf(spans, '00000000000000b2'), '00000000000000b1');
    const stats = b.bridge.getStats();
    assert.deepStrictEqual([stats.childSpansHeld, stats.childSpansReleased], [1, 1]);
  });

  it('does not delay spans of services that never shared an id, nor spans whose parent was seen', async () => {
    b = await startBridge();
    await postAccepted(b, [child('00000000000000c1', 'cccccccccccccccc', T, { localEndpoint: { serviceName: 'plain' } })]);
    assert.strictEqual(b.memory.getFinishedSpans().length, 1);
    await postAccepted(b, [server('00000000000000a0', '0000000000000000000000000000f002')]);
    await postAccepted(b, [child('00000000000000c2', '00000000000000a0', '0000000000000000000000000000f002')]);
    assert.strictEqual(parentOf(b.memory.getFinishedSpans(), '00000000000000c2'), serverSpanId('f002'.padStart(16, '0'), '00000000000000a0'));
  });

  it('with holdChildren "always", fixes the first trace of a service too; a parent that never comes releases at the window end', async () => {
    // A long window here: on a loaded machine a short one could expire between the POST and the assertion.
    b = await startBridge({ sharedSpans: { holdChildren: 'always', holdMillis: 60_000 } });
    const shared = 'aaaaaaaaaaaaaaa2';
    await postAccepted(b, [child('00000000000000d1', shared)]);
    assert.strictEqual(b.memory.getFinishedSpans().length, 0);
    await postAccepted(b, [server(shared)]);
    assert.strictEqual(parentOf(b.memory.getFinishedSpans(), '00000000000000d1'), serverSpanId(T, shared));
    await b.close();

    b = await startBridge({ sharedSpans: { holdChildren: 'always', holdMillis: 20 } });
    await postAccepted(b, [child('00000000000000d2', 'dddddddddddddddd')]);
    await until(() => b.memory.getFinishedSpans().length === 1);
    assert.strictEqual(parentOf(b.memory.getFinishedSpans(), '00000000000000d2'), 'dddddddddddddddd', 'exported with the parent it has');
  });

  it('bounds held spans (overflow released early, counted) and releases them all on flush', async () => {
    b = await startBridge({ sharedSpans: { holdChildren: 'always', holdMillis: 60_000, maxHeldSpans: 2 } });
    await postAccepted(b, [child('00000000000000e1', 'eeeeeeeeeeeeeee1'), child('00000000000000e2', 'eeeeeeeeeeeeeee2'), child('00000000000000e3', 'eeeeeeeeeeeeeee3')]);
    assert.strictEqual(b.memory.getFinishedSpans().length, 1);
    assert.strictEqual(b.bridge.getStats().bufferOverflows, 1);
    await b.bridge.forceFlush();
    assert.strictEqual(b.memory.getFinishedSpans().length, 3);
  });
});
