import * as assert from 'node:assert/strict';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ZipkinExporter } from '@polytrace/exporter-zipkin';
import { startWaterfallCollector, type WaterfallCollector } from '@polytrace/example-support';

/** A "service": its own provider and Zipkin exporter, as each example process has. */
function service(name: string, url: string): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': name }),
    spanProcessors: [new SimpleSpanProcessor(new ZipkinExporter({ url }))],
  });
}

describe('examples/support: the combined waterfall of `npm start`', () => {
  let collector: WaterfallCollector | undefined;
  const contextManager = new AsyncLocalStorageContextManager();

  before(() => context.setGlobalContextManager(contextManager.enable()));
  after(async () => {
    await collector?.close();
    context.disable();
  });

  it('prints one waterfall across services that reported separately, with the failure’s stack under it', async () => {
    const output = { isTTY: false, columns: 100 } as NodeJS.WriteStream;
    collector = await startWaterfallCollector(output);
    const url = collector.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT!;
    assert.equal(collector.env.OTEL_TRACES_EXPORTER, 'zipkin');
    const front = service('front', url);
    const worker = service('worker', url);

    const root = front.getTracer('t').startSpan('handle order');
    const child = worker.getTracer('t').startSpan('process order', {}, trace.setSpan(context.active(), root));
    const failure = new RangeError('quantity out of range');
    child.recordException(failure);
    child.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
    child.end();
    root.end();
    await Promise.all([worker.shutdown(), front.shutdown()]);

    const printed = await collector.close();
    collector = undefined;
    const traceId = root.spanContext().traceId;
    const headers = printed.split('\n').filter((line) => line.startsWith('── '));
    assert.equal(headers.length, 1, `one trace, one waterfall:\n${printed}`);
    assert.ok(headers[0]!.includes(traceId));
    const rootLine = printed.split('\n').findIndex((line) => line.includes('handle order') && line.includes('front'));
    const childLine = printed.split('\n').findIndex((line) => line.includes('process order') && line.includes('worker'));
    assert.ok(rootLine >= 0 && childLine > rootLine, `both services' spans in the waterfall:\n${printed}`);
    assert.match(printed, /✗ worker · process order: RangeError: quantity out of range\n {4}at /);
  });
});
