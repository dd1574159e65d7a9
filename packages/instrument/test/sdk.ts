import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Registers a real OTel SDK globally for one suite, recording finished spans in memory. */
export function useRecordingSdk(): { spans(): ReadableSpan[]; reset(): void } {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider | undefined;
  before(() => {
    // Start from an unregistered API whatever an earlier suite in this mocha process left behind.
    trace.disable();
    context.disable();
    propagation.disable();
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register({ propagator: new W3CTraceContextPropagator() });
  });
  afterEach(() => exporter.reset());
  after(async () => {
    await provider?.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  return { spans: () => exporter.getFinishedSpans(), reset: () => exporter.reset() };
}
