import assert from 'node:assert/strict';
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  SamplingDecision,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { B3Propagator, getB3SamplingOverride } from '@polytrace/propagator-b3';

const T = '80f198ee56343ba864fe8b2a57d3eff7';
const S = 'e457b5a2e4d86bd1';
const propagator = new B3Propagator();

/** The documented way to honour "defer": a deferred remote parent gets the root sampler's decision. */
class DeferAwareSampler implements Sampler {
  private readonly parentBased: ParentBasedSampler;
  constructor(private readonly root: Sampler) {
    this.parentBased = new ParentBasedSampler({ root });
  }
  shouldSample(ctx: Context, ...rest: [string, string, never, never, never]): SamplingResult {
    const override = getB3SamplingOverride(ctx);
    if (override === 'defer') return this.root.shouldSample(ctx, ...rest);
    if (override === 'deny') return { decision: SamplingDecision.NOT_RECORD };
    if (override !== undefined) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.parentBased.shouldSample(ctx, ...rest);
  }
  toString(): string {
    return 'DeferAwareSampler';
  }
}

function serverAndClientHeaders(sampler: Sampler, incoming: Record<string, string>): { sampled: boolean; out: Record<string, string>; clientSpanId: string } {
  const tracer = new BasicTracerProvider({ sampler }).getTracer('test');
  const extracted = propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter);
  const server = tracer.startSpan('server', {}, extracted);
  const serverCtx = trace.setSpan(extracted, server);
  const client = tracer.startSpan('client', {}, serverCtx);
  const out: Record<string, string> = {};
  propagator.inject(trace.setSpan(serverCtx, client), out, defaultTextMapSetter);
  const sampled = server.isRecording();
  server.end();
  client.end();
  return { sampled, out, clientSpanId: client.spanContext().spanId };
}

describe('B3Propagator with the OTel SDK', () => {
  it('debug survives into the next hop from a local child span, even under an AlwaysOff root sampler', () => {
    const { sampled, out, clientSpanId } = serverAndClientHeaders(new ParentBasedSampler({ root: new AlwaysOffSampler() }), {
      'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1',
    });
    assert.equal(sampled, true);
    assert.equal(out.b3, `${T}-${clientSpanId}-d`);
    assert.equal(out['x-b3-flags'], '1');
    assert.equal(out['x-b3-sampled'], undefined);
  });

  it('deny is kept downstream under an AlwaysOn root sampler', () => {
    const { sampled, out } = serverAndClientHeaders(new ParentBasedSampler({ root: new AlwaysOnSampler() }), { b3: `${T}-${S}-0` });
    assert.equal(sampled, false);
    assert.match(out.b3 ?? '', new RegExp(`^${T}-[0-9a-f]{16}-0$`));
    assert.equal(out['x-b3-sampled'], '0');
  });

  it('defer lets the local sampler decide, and its decision is what goes downstream', () => {
    for (const [root, flag] of [[new AlwaysOnSampler(), '1'], [new AlwaysOffSampler(), '0']] as const) {
      const { sampled, out } = serverAndClientHeaders(new DeferAwareSampler(root), { b3: `${T}-${S}` });
      assert.equal(sampled, flag === '1');
      assert.equal(out['x-b3-sampled'], flag);
    }
  });

  it('a stock ParentBasedSampler treats defer as not sampled (why the override exists)', () => {
    const { sampled } = serverAndClientHeaders(new ParentBasedSampler({ root: new AlwaysOnSampler() }), { b3: `${T}-${S}` });
    assert.equal(sampled, false);
  });

  it('sampling-only `b3: 0` keeps a new root unsampled', () => {
    const { sampled, out } = serverAndClientHeaders(new DeferAwareSampler(new AlwaysOnSampler()), { b3: '0' });
    assert.equal(sampled, false);
    assert.equal(out['x-b3-sampled'], '0');
  });

  it('sampling-only debug (`b3: d`) forces the new root and its trace goes downstream as debug', () => {
    const { sampled, out } = serverAndClientHeaders(new DeferAwareSampler(new AlwaysOffSampler()), { b3: 'd' });
    assert.equal(sampled, true);
    assert.match(out.b3 ?? '', /^[0-9a-f]{32}-[0-9a-f]{16}-d$/);
    assert.equal(out['x-b3-flags'], '1');
  });

  it('works as the global propagator', () => {
    const extracted = propagator.extract(context.active(), { b3: `${T}-${S}-1` }, defaultTextMapGetter);
    assert.equal(trace.getSpanContext(extracted)?.traceId, T);
  });
});

describe('B3Propagator bad input', () => {
  const throwing: TextMapGetter = {
    get() { throw new Error('boom'); },
    keys() { throw new Error('boom'); },
  };

  for (const [name, carrier, getter] of [
    ['null carrier', null, defaultTextMapGetter],
    ['undefined carrier', undefined, defaultTextMapGetter],
    ['a getter that throws', {}, throwing],
    ['a numeric header', { b3: 1 }, defaultTextMapGetter],
    ['an empty array', { b3: [], 'x-b3-traceid': [] }, defaultTextMapGetter],
    ['a 1 MB value', { b3: `${T}-${S}-1`.padEnd(1 << 20, 'a') }, defaultTextMapGetter],
    ['control characters', { b3: `${T}-${S}-1\u0000` }, defaultTextMapGetter],
    ['a line break inside', { b3: `${T}-\n${S}-1` }, defaultTextMapGetter],
    ['an object value', { 'x-b3-traceid': { toString: () => T }, 'x-b3-spanid': S }, defaultTextMapGetter],
    ['node-joined duplicate headers', { 'x-b3-traceid': `${T}, ${T}`, 'x-b3-spanid': S }, defaultTextMapGetter],
  ] as const) {
    it(`yields no context for ${name}`, () => {
      const ctx = propagator.extract(ROOT_CONTEXT, carrier, getter as TextMapGetter);
      assert.equal(trace.getSpanContext(ctx), undefined);
    });
  }

  it('upper-case header names and OWS around values still extract', () => {
    const ctx = propagator.extract(ROOT_CONTEXT, { 'X-B3-TRACEID': `\t${T} `, 'X-B3-SPANID': S, 'X-B3-SAMPLED': ' 1' }, defaultTextMapGetter);
    assert.equal(trace.getSpanContext(ctx)?.traceId, T);
  });

  it('never throws and only yields valid lower-hex contexts for generated header sets', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF-x \t'.split('')), maxLength: 70 });
    const value = fc.oneof(hexish, fc.string({ maxLength: 80 }), fc.constantFrom('0', '1', 'd', 'true', ''), fc.array(hexish, { maxLength: 3 }));
    const name = fc.constantFrom('b3', 'B3', 'x-b3-traceid', 'X-B3-TraceId', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags', 'other');
    fc.assert(
      fc.property(fc.dictionary(name, value), (headers) => {
        const sc = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
        if (sc !== undefined) {
          assert.ok(isSpanContextValid(sc));
          assert.match(sc.traceId + sc.spanId, /^[0-9a-f]{48}$/);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
