import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ConsoleWaterfallExporter } from '@polytrace/exporter-console';
import { CapturedOutput, localTracer } from './sdk';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (line: string) => Array.from(line.replace(ANSI, '')).length;
const bars = (line: string) => {
  const bar = line.replace(ANSI, '').split('│')[1] ?? '';
  return { start: bar.indexOf('█'), end: bar.lastIndexOf('█') + 1, width: bar.length };
};

/** Builds the demo's shape: GET /hello → functionA (1-11), functionB (12-142) → functionC (72-82, failed). */
function helloTrace(exporter: ConsoleWaterfallExporter | InMemorySpanExporter, service = 'hello-service'): void {
  const t = localTracer(exporter, service);
  const root = t.start('GET /hello', 0, undefined, { 'resource.name': 'GET /hello' });
  const a = t.start('functionA', 1, root);
  t.end(a, 11);
  const b = t.start('functionB', 12, root);
  const c = t.start('functionC', 72, b, { 'resource.name': 'SELECT * FROM users WHERE id = ?' });
  c.setStatus({ code: SpanStatusCode.ERROR, message: 'no rows' });
  t.end(c, 82);
  t.end(b, 142);
  t.end(root, 143);
}

function exportAll(exporter: ConsoleWaterfallExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ConsoleWaterfallExporter', () => {
  const exporters: ConsoleWaterfallExporter[] = [];
  const make = (output: CapturedOutput, config = {}) => {
    const exporter = new ConsoleWaterfallExporter({ output, ...config });
    exporters.push(exporter);
    return exporter;
  };
  afterEach(async () => {
    await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
  });

  it('prints a finished trace as an indented waterfall that fits 80 columns, without colour off a TTY', () => {
    const output = new CapturedOutput(false);
    helloTrace(make(output));
    const lines = output.text.trimEnd().split('\n');
    assert.equal(lines.length, 5, output.text);
    assert.match(lines[0] ?? '', /^── [0-9a-f]{32} {2}143\.0ms {2}4 spans {2}1 error$/);
    assert.match(lines[1] ?? '', /^GET \/hello +hello-service +143\.0ms │█+│$/);
    assert.match(lines[2] ?? '', /^ {2}functionA +hello-service +10\.0ms │/);
    assert.match(lines[3] ?? '', /^ {2}functionB +hello-service +130\.0ms │/);
    assert.match(lines[4] ?? '', /^ {4}✗ functionC · SELECT \*[^│]*… +hello-service +10\.0ms │/);
    assert.ok(visible(lines[0] ?? '') <= 80);
    for (const line of lines.slice(1)) assert.equal(visible(line), 80, `not 80 columns: ${line}`);
    assert.doesNotMatch(output.text, ANSI);
  });

  it('places and sizes each bar in proportion to the trace', () => {
    const output = new CapturedOutput(false, 120);
    helloTrace(make(output));
    const [, root, a, b, c] = output.text.trimEnd().split('\n').map(bars);
    assert.ok(root && a && b && c);
    assert.deepEqual([root.start, root.end], [0, root.width], 'the root spans the whole bar');
    assert.ok(a.end <= b.start + 1, 'functionB starts after functionA ends');
    assert.ok(c.start >= b.start && c.end <= b.end, 'functionC sits inside functionB');
    assert.ok(b.end - b.start > 10 * (a.end - a.start) - 2, 'a 130 ms bar is much longer than a 10 ms bar');
  });

  it('uses colour on a TTY, and red for failed spans', () => {
    const output = new CapturedOutput(true);
    helloTrace(make(output));
    assert.match(output.text, ANSI);
    const failed = output.text.split('\n').find((l) => l.includes('functionC')) ?? '';
    assert.match(failed, /\u001b\[31m/);
  });

  it('waits for the root when a trace arrives over several batches, then prints it once', async () => {
    const memory = new InMemorySpanExporter();
    helloTrace(memory);
    const spans = memory.getFinishedSpans();
    const output = new CapturedOutput(false);
    const exporter = make(output);
    assert.equal((await exportAll(exporter, spans.slice(0, 2))).code, ExportResultCode.SUCCESS);
    assert.equal(output.text, '', 'nothing prints before the root ends');
    await exportAll(exporter, spans.slice(2));
    assert.equal(output.text.match(/── /g)?.length, 1);
    assert.match(output.text, /functionA[\s\S]*functionB[\s\S]*functionC/);
  });

  it('prints orphans (no root) after the timeout, marked incomplete', async () => {
    const memory = new InMemorySpanExporter();
    helloTrace(memory);
    const withoutRoot = memory.getFinishedSpans().filter((s) => s.name !== 'GET /hello');
    const output = new CapturedOutput(false);
    await exportAll(make(output, { orphanTimeoutMillis: 50 }), withoutRoot);
    await waitFor(() => output.text.includes('incomplete'), 'the orphan flush');
    assert.match(output.text, /3 spans {2}1 error {2}incomplete/);
    // With its parent missing, functionB is drawn as a root and functionC still nests under it.
    assert.match(output.text, /\nfunctionB [^\n]*\n {2}✗ functionC/);
  });

  it('prints a trace continued from another process once its local root settles, not as incomplete', async () => {
    const memory = new InMemorySpanExporter();
    const t = localTracer(memory);
    const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true,
    });
    const output = new CapturedOutput(false);
    const exporter = make(output, { remoteRootSettleMillis: 20, orphanTimeoutMillis: 60_000 });
    const server = t.start('GET /api', 0, remoteParent);
    const child = t.start('db', 1, server);
    t.end(child, 2);
    t.end(server, 3);
    await exportAll(exporter, memory.getFinishedSpans());
    await waitFor(() => output.text.includes('0af7651916cd43dd8448eb211c80319c'), 'the settled trace');
    assert.doesNotMatch(output.text, /incomplete/);
    assert.match(output.text, /\nGET \/api [^\n]*\n {2}db /);
  });

  it('prints a service calling itself as one trace: the client root arrives after the server span', async () => {
    const output = new CapturedOutput(false);
    const exporter = make(output, { remoteRootSettleMillis: 60_000 });
    const t = localTracer(exporter);
    const client = t.start('GET', 0);
    // The server side sees the client span only through headers, so its parent is remote.
    const server = t.start('GET /hello', 1, trace.setSpanContext(ROOT_CONTEXT, { ...client.spanContext(), isRemote: true }));
    t.end(server, 9);
    assert.equal(output.text, '', 'the server span alone does not print');
    t.end(client, 10);
    assert.equal(output.text.match(/── /g)?.length, 1);
    assert.match(output.text, /\nGET +checkout[^\n]*\n {2}GET \/hello /);
  });

  it('prints whatever is buffered on forceFlush and on shutdown', async () => {
    const memory = new InMemorySpanExporter();
    helloTrace(memory, 'first');
    helloTrace(memory, 'second');
    const [spansOfFirst, spansOfSecond] = [memory.getFinishedSpans().slice(0, 2), memory.getFinishedSpans().slice(4, 6)];
    const output = new CapturedOutput(false);
    const exporter = make(output);
    await exportAll(exporter, [...(spansOfFirst ?? [])]);
    await exporter.forceFlush();
    assert.match(output.text, /first/);
    await exportAll(exporter, [...(spansOfSecond ?? [])]);
    await exporter.shutdown();
    assert.match(output.text, /second/);
    assert.equal((await exportAll(exporter, spansOfSecond ?? [])).code, ExportResultCode.FAILED, 'export after shutdown fails');
  });

  it('bounds the buffer: the oldest incomplete traces are printed early', async () => {
    const memory = new InMemorySpanExporter();
    helloTrace(memory, 'old');
    helloTrace(memory, 'new');
    const orphans = memory.getFinishedSpans().filter((s) => s.name !== 'GET /hello');
    const output = new CapturedOutput(false);
    await exportAll(make(output, { maxBufferedSpans: 4 }), orphans);
    assert.match(output.text, /old/);
    assert.doesNotMatch(output.text, /new/);
  });

  it('survives a stream that fails asynchronously (EPIPE) and stops writing to it', async () => {
    let attempts = 0;
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        attempts++;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const exporter = make(broken as unknown as CapturedOutput);
    const memory = new InMemorySpanExporter();
    helloTrace(memory);
    helloTrace(memory);
    const spans = memory.getFinishedSpans();
    await exportAll(exporter, spans.slice(0, 5));
    // The stream emits 'error' on a later tick; an unhandled one would fail this test as an uncaught exception.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(broken.destroyed, true);
    const second = await exportAll(exporter, spans.slice(5));
    assert.equal(second.code, ExportResultCode.FAILED);
    assert.equal(attempts, 1, 'a broken output is not written to again');
  });

  it('reports a failing output as a failed export instead of throwing', async () => {
    const exporter = make({ write: () => { throw new Error('EPIPE'); } } as unknown as CapturedOutput);
    const memory = new InMemorySpanExporter();
    helloTrace(memory);
    const result = await exportAll(exporter, memory.getFinishedSpans());
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(String(result.error), /EPIPE/);
  });
});
