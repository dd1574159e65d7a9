import assert from 'node:assert/strict';
import path from 'node:path';
import { killIfRunning, ROOT, startNode, type RunningChild } from '../../../test/node/child';
import { OtlpSink, SPAN_KIND, type SinkSpan } from '../../../test/node/otlp-sink';

const MAIN = path.join(ROOT, 'examples', 'hello', 'src', 'main.ts');
// The demo from its TypeScript sources (no build needed), exactly as `npm start` runs it otherwise.
const runDemo = (env: Record<string, string>) => startNode(['--conditions=polytrace-src', '--import', 'tsx', MAIN], env);

describe('examples/hello (npm start)', () => {
  let running: RunningChild | undefined;
  let sink: OtlpSink | undefined;
  afterEach(async () => {
    killIfRunning(running);
    await sink?.close();
    sink = undefined;
  });

  it('prints one waterfall per request with the nested and sibling spans, and exits 0', async () => {
    running = runDemo({});
    const result = await running.exited;
    assert.equal(result.code, 0, result.stderr);
    const traces = result.stdout.split(/^── /m).slice(1);
    assert.equal(traces.length, 3, result.stdout);
    for (const text of traces) {
      const labels = text.split('\n').slice(1, -1).map((line) => line.slice(0, 30).trimEnd());
      assert.deepEqual(labels.slice(0, 5), [
        'GET · GET /hello',
        '  GET · GET /hello',
        '    functionA',
        '    functionB · compute-b',
        '      functionC',
      ]);
    }
  });

  it('exports the same shape: client → server → functionA then functionB → functionC', async () => {
    sink = new OtlpSink();
    running = runDemo({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: await sink.start() });
    const result = await running.exited;
    assert.equal(result.code, 0, result.stderr);

    const byTrace = new Map<string, SinkSpan[]>();
    for (const span of sink.spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
    assert.equal(byTrace.size, 3);
    for (const spans of byTrace.values()) {
      const one = (predicate: (s: SinkSpan) => boolean, what: string): SinkSpan => {
        const found = spans.filter(predicate);
        assert.equal(found.length, 1, `${what} in ${JSON.stringify(spans.map((s) => s.name))}`);
        return found[0] as SinkSpan;
      };
      const client = one((s) => s.kind === SPAN_KIND.CLIENT, 'one client span');
      const server = one((s) => s.kind === SPAN_KIND.SERVER, 'one server span');
      const a = one((s) => s.name === 'functionA', 'functionA');
      const b = one((s) => s.name === 'functionB', 'functionB');
      const c = one((s) => s.name === 'functionC', 'functionC');
      assert.equal(spans.length, 5);
      assert.equal(client.parentSpanId, '');
      assert.equal(server.parentSpanId, client.spanId);
      assert.equal(server.attributes['url.path'], '/hello');
      assert.equal(server.resource['service.name'], 'hello');
      assert.deepEqual([a.parentSpanId, b.parentSpanId, c.parentSpanId], [server.spanId, server.spanId, b.spanId]);
      // Each OTel span anchors its clock on Date.now() (1 ms resolution), so order is checked up to that.
      const jitter = 2_000_000n;
      assert.ok(b.start + jitter >= a.end, 'functionB runs after functionA (siblings, not nested)');
      assert.ok(c.start + jitter >= b.start && c.end <= b.end + jitter, 'functionC runs inside functionB');
      assert.equal(b.attributes['resource.name'], 'compute-b');
    }
  });
});
