import * as assert from 'node:assert';
import {
  ROOT_CONTEXT,
  TraceFlags,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  trace,
  type Context,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { getDatadogState } from '@polytrace/propagator-datadog';
import { ExtractedLinksProcessor, createPropagator, getExtractedLinks } from '@polytrace/propagation';

type Headers = Record<string, string | string[]>;
const run = (p: TextMapPropagator, headers: Headers): Context => p.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
const injectFrom = (p: TextMapPropagator, ctx: Context): Record<string, string> => {
  const out: Record<string, string> = {};
  p.inject(ctx, out, defaultTextMapSetter);
  return out;
};
const ddFirst = createPropagator({ extract: ['datadog', 'tracecontext', 'baggage'], inject: ['datadog', 'tracecontext', 'baggage'] });

describe('createPropagator: multi-style extraction (datadog.md §1.7, §1.8)', () => {
  it('E21: same trace, other span in traceparent → W3C span is the parent, _dd.parent_id from p:, other vendors kept', () => {
    const ctx = run(createPropagator({ extract: ['datadog', 'tracecontext'], inject: ['tracecontext'] }), {
      traceparent: '00-11111111111111110000000000000003-000000003ade68b1-01',
      tracestate: 'dd=s:2;p:000000000000000a,foo=1',
      'x-datadog-trace-id': '3', 'x-datadog-parent-id': '10', 'x-datadog-tags': '_dd.p.tid=1111111111111111',
    });
    const sc = trace.getSpanContext(ctx)!;
    assert.strictEqual(sc.traceId, '11111111111111110000000000000003');
    assert.strictEqual(sc.spanId, '000000003ade68b1');
    const state = getDatadogState(sc.traceState);
    assert.strictEqual(state.parentId, '000000000000000a');
    assert.strictEqual(state.priority, undefined, 'priority comes from the datadog headers only');
    assert.strictEqual(sc.traceState?.get('foo'), '1');
    assert.deepStrictEqual(getExtractedLinks(ctx), []);
  });

  it('E22: without p: the datadog parent id becomes _dd.parent_id', () => {
    const sc = trace.getSpanContext(run(ddFirst, {
      traceparent: '00-00000000000000000000000000000004-000000003ade68b1-01', tracestate: 'dd=s:2,foo=1',
      'x-datadog-trace-id': '4', 'x-datadog-parent-id': '10',
    }))!;
    assert.strictEqual(sc.spanId, '000000003ade68b1');
    assert.strictEqual(getDatadogState(sc.traceState).parentId, '000000000000000a');
  });

  it('E23: a different trace in traceparent becomes a terminated_context link', () => {
    const ctx = run(ddFirst, {
      traceparent: '00-11111111111111110000000000000002-000000003ade68b1-01',
      'x-datadog-trace-id': '2', 'x-datadog-parent-id': '10', 'x-datadog-tags': '_dd.p.tid=2222222222222222',
    });
    const sc = trace.getSpanContext(ctx)!;
    assert.strictEqual(sc.traceId, '22222222222222220000000000000002');
    assert.strictEqual(sc.spanId, '000000000000000a');
    assert.strictEqual(getDatadogState(sc.traceState).parentId, undefined);
    const links = getExtractedLinks(ctx);
    assert.strictEqual(links.length, 1);
    assert.strictEqual(links[0].context.traceId, '11111111111111110000000000000002');
    assert.strictEqual(links[0].context.spanId, '000000003ade68b1');
    assert.deepStrictEqual(links[0].attributes, { reason: 'terminated_context', context_headers: 'tracecontext' });
  });

  it('E24: tracecontext first; the datadog trace is linked, W3C priority and tracestate kept', () => {
    const ctx = run(createPropagator({ extract: ['tracecontext', 'datadog'], inject: ['tracecontext'] }), {
      traceparent: '00-11111111111111110000000000000005-000000003ade68b1-01', tracestate: 'foo=1',
      'x-datadog-trace-id': '3541', 'x-datadog-parent-id': '987654321', 'x-datadog-sampling-priority': '2',
      'x-datadog-tags': '_dd.p.tid=1111111111111111',
    });
    const sc = trace.getSpanContext(ctx)!;
    assert.strictEqual(sc.traceId, '11111111111111110000000000000005');
    assert.strictEqual(sc.traceFlags, TraceFlags.SAMPLED);
    assert.strictEqual(sc.traceState?.serialize(), 'foo=1');
    const [link] = getExtractedLinks(ctx);
    assert.strictEqual(link.context.traceId, '11111111111111110000000000000dd5');
    assert.strictEqual(link.attributes?.context_headers, 'datadog');
  });

  it('E25: extractFirst takes the datadog context alone (no tracestate, no _dd.parent_id)', () => {
    const p = createPropagator({ extract: ['datadog', 'tracecontext'], inject: ['datadog', 'tracecontext'], extractFirst: true });
    const ctx = run(p, {
      traceparent: '00-11111111111111110000000000000001-000000000000000f-01', tracestate: 'dd=s:2;p:0123456789abcdef,foo=1',
      'x-datadog-trace-id': '1', 'x-datadog-parent-id': '987654320', 'x-datadog-tags': '_dd.p.tid=1111111111111111',
    });
    const sc = trace.getSpanContext(ctx)!;
    assert.strictEqual(sc.spanId, '000000003ade68b0');
    assert.strictEqual(getDatadogState(sc.traceState).parentId, undefined);
    assert.strictEqual(injectFrom(p, ctx).tracestate?.includes('foo=1'), false);
  });

  it('E25b: consistent headers keep the tracestate and record no _dd.parent_id', () => {
    const sc = trace.getSpanContext(run(ddFirst, {
      traceparent: '00-11111111111111110000000000000001-000000003ade68b1-01', tracestate: 'dd=s:2;t.tid:1111111111111111,foo=1',
      'x-datadog-trace-id': '1', 'x-datadog-parent-id': '987654321', 'x-datadog-sampling-priority': '2',
      'x-datadog-tags': '_dd.p.tid=1111111111111111',
    }))!;
    assert.strictEqual(sc.spanId, '000000003ade68b1');
    assert.strictEqual(getDatadogState(sc.traceState).parentId, undefined);
    assert.strictEqual(getDatadogState(sc.traceState).priority, 2);
    assert.strictEqual(sc.traceState?.get('foo'), '1');
  });

  it('E19: an invalid traceparent does not stop the datadog style; priority -2 re-injected', () => {
    const p = createPropagator({ extract: ['tracecontext', 'datadog'], inject: ['datadog'] });
    const ctx = run(p, {
      traceparent: '00-12345678901234567890123456789012-0000000000000000-01',
      'x-datadog-trace-id': '123456789', 'x-datadog-parent-id': '987654321', 'x-datadog-sampling-priority': '-2',
    });
    assert.strictEqual(trace.getSpanContext(ctx)?.spanId, '000000003ade68b1');
    assert.strictEqual(injectFrom(p, ctx)['x-datadog-sampling-priority'], '-2');
  });

  it('baggage is extracted alongside whichever style won, and injected', () => {
    const ctx = run(ddFirst, { 'x-datadog-trace-id': '1', 'x-datadog-parent-id': '2', baggage: 'user=alice,plan=pro' });
    assert.strictEqual(propagation.getBaggage(ctx)?.getEntry('user')?.value, 'alice');
    assert.strictEqual(injectFrom(ddFirst, ctx).baggage, 'user=alice,plan=pro');
  });

  it('injects every configured style from one context; datadog configured → dd member always written', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: '640cfd8d00000000112210f47de98115', spanId: '000000003ade68b1', traceFlags: 1 });
    const out = injectFrom(createPropagator({ inject: ['datadog', 'tracecontext', 'b3', 'b3multi', 'jaeger'] }), ctx);
    assert.strictEqual(out['x-datadog-trace-id'], '1234567890123456789');
    assert.strictEqual(out['x-datadog-tags'], '_dd.p.tid=640cfd8d00000000');
    assert.strictEqual(out.traceparent, '00-640cfd8d00000000112210f47de98115-000000003ade68b1-01');
    assert.strictEqual(out.tracestate, 'dd=s:1;p:000000003ade68b1');
    assert.strictEqual(out.b3, '640cfd8d00000000112210f47de98115-000000003ade68b1-1');
    assert.strictEqual(out['x-b3-traceid'], '640cfd8d00000000112210f47de98115');
    assert.ok(out['uber-trace-id']?.startsWith('640cfd8d00000000112210f47de98115:000000003ade68b1:'));
    const w3cOnly = injectFrom(createPropagator({ inject: ['tracecontext'] }), ctx);
    assert.strictEqual(w3cOnly.tracestate, undefined);
  });

  it('b3 and jaeger styles extract; none extracts nothing', () => {
    assert.strictEqual(trace.getSpanContext(run(createPropagator({ extract: ['b3multi'] }), { 'x-b3-traceid': '0000000000000123', 'x-b3-spanid': '0000000000000456', 'x-b3-sampled': '1' }))?.spanId, '0000000000000456');
    assert.strictEqual(trace.getSpanContext(run(createPropagator({ extract: ['b3'] }), { b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1' }))?.traceId, '80f198ee56343ba864fe8b2a57d3eff7');
    assert.strictEqual(trace.getSpanContext(run(createPropagator({ extract: ['jaeger'] }), { 'uber-trace-id': 'abcdef:123:0:1' }))?.spanId, '0000000000000123');
    // Like dd-trace, each B3 style reads only its own format.
    assert.strictEqual(trace.getSpanContext(run(createPropagator({ extract: ['b3'] }), { 'x-b3-traceid': '0000000000000123', 'x-b3-spanid': '0000000000000456' })), undefined);
    assert.strictEqual(trace.getSpanContext(run(createPropagator({ extract: ['b3multi'] }), { b3: '0000000000000123-0000000000000456-1' })), undefined);
    assert.strictEqual(trace.getSpanContext(run(createPropagator({ extract: ['none'] }), { traceparent: '00-12345678901234567890123456789012-1234567890123456-01' })), undefined);
  });

  it('a throwing getter or user propagator never breaks extraction of the others', () => {
    const broken: TextMapPropagator = { extract() { throw new Error('boom'); }, inject() { throw new Error('boom'); }, fields: () => [] };
    const p = createPropagator({ extract: [broken, 'tracecontext'], inject: [broken, 'tracecontext'] });
    const ctx = run(p, { traceparent: '00-12345678901234567890123456789012-1234567890123456-01' });
    assert.strictEqual(trace.getSpanContext(ctx)?.spanId, '1234567890123456');
    assert.ok(injectFrom(p, ctx).traceparent);
    const throwingGetter = { get() { throw new Error('x'); }, keys: () => [] };
    assert.strictEqual(ddFirst.extract(ROOT_CONTEXT, {}, throwingGetter), ROOT_CONTEXT);
  });
});

describe('ExtractedLinksProcessor with the OTel SDK', () => {
  it('adds the terminated_context link to the local root span only', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new ExtractedLinksProcessor(), new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('t');
    const ctx = run(ddFirst, {
      traceparent: '00-11111111111111110000000000000002-000000003ade68b1-01',
      'x-datadog-trace-id': '2', 'x-datadog-parent-id': '10', 'x-datadog-sampling-priority': '1',
    });
    const root = tracer.startSpan('server', {}, ctx);
    const child = tracer.startSpan('child', {}, trace.setSpan(ctx, root));
    child.end();
    root.end();
    const [childSpan, rootSpan] = exporter.getFinishedSpans();
    assert.strictEqual(rootSpan.parentSpanContext?.spanId, '000000000000000a');
    assert.strictEqual(rootSpan.links.length, 1);
    assert.strictEqual(rootSpan.links[0].context.traceId, '11111111111111110000000000000002');
    assert.strictEqual(rootSpan.links[0].attributes?.reason, 'terminated_context');
    assert.strictEqual(childSpan.links.length, 0);
  });
});

describe('createPropagator: one instance injects each context it is given', () => {
  it('a bad id after good ones writes nothing in any style, and good ones are written again afterwards', () => {
    const p = createPropagator({ inject: ['datadog', 'tracecontext', 'b3multi', 'jaeger'] });
    const T = '11111111111111110000000000000003';
    const ctx = (spanId: string): Context => trace.setSpanContext(ROOT_CONTEXT, { traceId: T, spanId, traceFlags: TraceFlags.SAMPLED });
    for (let round = 0; round < 2; round++) {
      const good = injectFrom(p, ctx('000000003ade68b1'));
      assert.strictEqual(good.traceparent, `00-${T}-000000003ade68b1-01`);
      assert.strictEqual(good['x-datadog-parent-id'], '987654321');
      assert.strictEqual(good['x-b3-spanid'], '000000003ade68b1');
      assert.strictEqual(good['uber-trace-id'], `${T}:000000003ade68b1:0:01`);
      assert.deepStrictEqual(injectFrom(p, ctx('000000003ade68\u0000b')), {});
      assert.deepStrictEqual(injectFrom(p, ctx('0000000000000000')), {});
    }
  });
});
