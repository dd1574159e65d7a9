import * as assert from 'node:assert/strict';
import { context, defaultTextMapGetter, propagation, ROOT_CONTEXT, trace, type TextMapPropagator } from '@opentelemetry/api';
import {
  AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, ParentBasedSampler, SimpleSpanProcessor,
  type ReadableSpan, type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { DatadogSampler } from '@polytrace/exporter-datadog';
import { getDatadogState } from '@polytrace/propagator-datadog';
import { createPropagator, PropagatedDecisionSampler } from '@polytrace/propagation';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const PARENT = 'a2fb4a1d1a96d312';

/** Extracts `headers` with every style, starts a root and a child under the result, returns both finished spans. */
function startUnder(sampler: Sampler, headers: Record<string, string>, propagator: TextMapPropagator = createPropagator({ extract: ['datadog', 'tracecontext', 'b3', 'b3multi', 'jaeger'] })): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test');
  const extracted = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const root = tracer.startSpan('root', {}, extracted);
  tracer.startSpan('child', {}, trace.setSpan(extracted, root)).end();
  root.end();
  return exporter.getFinishedSpans();
}

const stockParentBased = (): Sampler => new ParentBasedSampler({ root: new AlwaysOnSampler() });

describe('PropagatedDecisionSampler', () => {
  before(() => { propagation.disable(); context.disable(); });

  it('B3 "defer": the local sampler decides, where a stock parent-based sampler would deny', () => {
    const deferred = { 'x-b3-traceid': TRACE, 'x-b3-spanid': PARENT };
    assert.equal(startUnder(stockParentBased(), deferred).length, 0, 'stock sampler reads the unset bit as deny');
    const kept = startUnder(new PropagatedDecisionSampler(stockParentBased()), deferred);
    assert.deepEqual(kept.map((s) => s.name).sort(), ['child', 'root']);
    assert.equal(kept.find((s) => s.name === 'root')!.parentSpanContext?.spanId, PARENT, 'the remote parent is kept');
    assert.equal(kept[0].spanContext().traceId, TRACE);
    const rootDrops = new PropagatedDecisionSampler(new ParentBasedSampler({ root: new AlwaysOffSampler() }));
    assert.equal(startUnder(rootDrops, deferred).length, 0, 'a root sampler that drops still decides');
  });

  it('follows a sampling-only B3 header: b3: 0 denies, b3: 1 keeps, whatever the local root sampler says', () => {
    assert.equal(startUnder(new PropagatedDecisionSampler(stockParentBased()), { b3: '0' }).length, 0);
    assert.equal(startUnder(new PropagatedDecisionSampler(new ParentBasedSampler({ root: new AlwaysOffSampler() })), { b3: '1' }).length, 2);
  });

  it('B3 debug: the whole trace is sampled and every span is tagged zipkin.debug', () => {
    const spans = startUnder(new PropagatedDecisionSampler(new ParentBasedSampler({ root: new AlwaysOffSampler() })), { b3: `${TRACE}-${PARENT}-d` });
    assert.equal(spans.length, 2);
    for (const s of spans) assert.equal(s.attributes['zipkin.debug'], true, s.name);
    const plain = startUnder(new PropagatedDecisionSampler(stockParentBased()), { b3: `${TRACE}-${PARENT}-1` });
    for (const s of plain) assert.equal(s.attributes['zipkin.debug'], undefined);
  });

  it('jaeger-debug-id without uber-trace-id: the new root is sampled and tagged with the id', () => {
    const spans = startUnder(new PropagatedDecisionSampler(new ParentBasedSampler({ root: new AlwaysOffSampler() })), { 'jaeger-debug-id': 'find-me' });
    const root = spans.find((s) => s.name === 'root')!;
    assert.equal(root.attributes['jaeger-debug-id'], 'find-me');
    assert.equal(root.parentSpanContext, undefined);
  });

  it('a forced keep raises a Datadog priority the wrapped sampler set to drop, so the agent keeps it too', () => {
    const dropping = new DatadogSampler({ sampleRate: 0, rateLimit: -1 });
    const spans = startUnder(new PropagatedDecisionSampler(dropping), { b3: '1' });
    const root = spans.find((s) => s.name === 'root')!;
    assert.equal(getDatadogState(root.spanContext().traceState).priority, 2);
    const untouched = startUnder(new PropagatedDecisionSampler(new DatadogSampler({ sampleRate: 0, rateLimit: -1 })), {});
    assert.equal(untouched.length, 0, 'without headers the Datadog drop decision stands (nothing sampled, nothing exported)');
  });
});
