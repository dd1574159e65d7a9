import * as assert from 'node:assert/strict';
import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { getDatadogState, setDatadogState } from '@polytrace/propagator-datadog';
import { AgentRates, DatadogSampler, knuthKeep, samplerConfigFromEnv } from '@polytrace/exporter-datadog';

function hexTrace(low: bigint, high = 0n): string {
  return high.toString(16).padStart(16, '0') + low.toString(16).padStart(16, '0');
}

function sampleRoot(sampler: DatadogSampler, traceId = hexTrace(1n), attributes = {}, name = 'GET /', kind = SpanKind.SERVER) {
  const r = sampler.shouldSample(ROOT_CONTEXT, traceId, name, kind, attributes, []);
  return { ...r, state: getDatadogState(r.traceState) };
}

describe('DatadogSampler', () => {
  it('knuth sampling matches the cross-tracer vectors (rates 0.5 / 0.1)', () => {
    const vectors: Array<[bigint, boolean, boolean]> = [
      [1n, true, true],
      [123456789n, false, false],
      [1234567890123456789n, true, false],
      [12379814468735227512n, false, false],
    ];
    for (const [id, at05, at01] of vectors) {
      assert.equal(knuthKeep(hexTrace(id, 0xabcn), 0.5), at05, `id ${id} @0.5`);
      assert.equal(knuthKeep(hexTrace(id), 0.1), at01, `id ${id} @0.1`);
    }
  });

  it('keeps roots by default (AUTO_KEEP, decision maker -0) until the agent sends rates', () => {
    const r = sampleRoot(new DatadogSampler({}));
    assert.equal(r.decision, SamplingDecision.RECORD_AND_SAMPLED);
    assert.equal(r.state.priority, 1);
    assert.equal(r.state.tags['_dd.p.dm'], '-0');
  });

  it('applies rate_by_service keyed service:X,env:Y and RECORDs (never drops) rejected traces', () => {
    const rates = new AgentRates();
    rates.updateFromResponse(JSON.stringify({ rate_by_service: { 'service:checkout,env:prod': 0, 'service:,env:': 1 } }));
    const mine = sampleRoot(new DatadogSampler({ service: 'checkout', env: 'prod', rates }));
    assert.equal(mine.decision, SamplingDecision.RECORD, 'P0 is recorded so the agent still sees it');
    assert.equal(mine.state.priority, 0);
    assert.equal(mine.state.tags['_dd.p.dm'], undefined);
    assert.equal(mine.attributes?.['_dd.agent_psr'], 0);
    const other = sampleRoot(new DatadogSampler({ service: 'billing', env: 'prod', rates }));
    assert.equal(other.decision, SamplingDecision.RECORD_AND_SAMPLED);
    assert.equal(other.state.priority, 1);
    assert.equal(other.state.tags['_dd.p.dm'], '-1');
  });

  it('DD_TRACE_SAMPLE_RATE gives USER_KEEP / USER_REJECT with decision maker -3', () => {
    const keep = sampleRoot(new DatadogSampler(samplerConfigFromEnv({ DD_TRACE_SAMPLE_RATE: '1' })));
    assert.equal(keep.state.priority, 2);
    assert.equal(keep.state.tags['_dd.p.dm'], '-3');
    assert.equal(keep.attributes?.['_dd.rule_psr'], 1);
    const drop = sampleRoot(new DatadogSampler(samplerConfigFromEnv({ DD_TRACE_SAMPLE_RATE: '0' })));
    assert.equal(drop.state.priority, -1);
    assert.equal(drop.decision, SamplingDecision.RECORD);
  });

  it('DD_TRACE_SAMPLING_RULES match service/name/resource globs in order; unmatched roots fall through', () => {
    const env = {
      DD_SERVICE: 'checkout',
      DD_TRACE_SAMPLING_RULES: JSON.stringify([
        { service: 'check*', name: 'http.server.request', resource: 'GET /health*', sample_rate: 0 },
        { service: 'CHECKOUT', name: 'postgresql.query', sample_rate: 1 },
      ]),
    };
    const sampler = new DatadogSampler(samplerConfigFromEnv(env));
    const health = sampleRoot(sampler, hexTrace(1n), { 'http.request.method': 'GET', 'http.route': '/healthz' });
    assert.equal(health.state.priority, -1);
    const db = sampleRoot(sampler, hexTrace(1n), { 'db.system.name': 'postgresql' }, 'q', SpanKind.CLIENT);
    assert.equal(db.state.priority, 2);
    const other = sampleRoot(sampler, hexTrace(1n), { 'http.request.method': 'POST', 'http.route': '/pay' });
    assert.equal(other.state.priority, 1, 'no rule matched: default AUTO_KEEP');
  });

  it('enforces max_per_second per rule', () => {
    let now = 1_000_000;
    const sampler = new DatadogSampler({ rules: [{ sample_rate: 1, max_per_second: 2 }], now: () => now });
    const priorities = [1, 2, 3].map(() => sampleRoot(sampler).state.priority);
    assert.deepEqual(priorities, [2, 2, -1]);
    now += 1000;
    assert.equal(sampleRoot(sampler).state.priority, 2, 'tokens refill');
  });

  it('manual.keep / manual.drop attributes override everything (decision maker -4)', () => {
    const sampler = new DatadogSampler(samplerConfigFromEnv({ DD_TRACE_SAMPLE_RATE: '0' }));
    const keep = sampleRoot(sampler, hexTrace(5n), { 'manual.keep': true });
    assert.equal(keep.state.priority, 2);
    assert.equal(keep.state.tags['_dd.p.dm'], '-4');
    assert.equal(sampleRoot(new DatadogSampler({}), hexTrace(5n), { 'manual.drop': true }).state.priority, -1);
  });

  it('children follow the propagated priority and keep the parent tracestate', () => {
    const sampler = new DatadogSampler(samplerConfigFromEnv({ DD_TRACE_SAMPLE_RATE: '0' }));
    const cases: Array<[number, TraceFlags, SamplingDecision]> = [
      [2, TraceFlags.SAMPLED, SamplingDecision.RECORD_AND_SAMPLED],
      [-1, TraceFlags.NONE, SamplingDecision.RECORD],
      [0, TraceFlags.NONE, SamplingDecision.RECORD],
    ];
    for (const [priority, flags, decision] of cases) {
      const parent: SpanContext = {
        traceId: hexTrace(77n), spanId: '00000000000000aa', traceFlags: flags, isRemote: true,
        traceState: setDatadogState(undefined, { priority, origin: 'rum', tags: { '_dd.p.usr': 'x' } }),
      };
      const r = sampler.shouldSample(trace.setSpanContext(context.active(), parent), parent.traceId, 'child', SpanKind.CLIENT, {}, []);
      assert.equal(r.decision, decision, `priority ${priority}`);
      const state = getDatadogState(r.traceState);
      assert.equal(state.priority, priority);
      assert.equal(state.origin, 'rum');
    }
  });

  it('a W3C parent without Datadog state: the sampled flag decides the priority', () => {
    const sampler = new DatadogSampler({});
    for (const [flags, expected] of [[TraceFlags.SAMPLED, 1], [TraceFlags.NONE, 0]] as const) {
      const parent: SpanContext = { traceId: hexTrace(9n, 1n), spanId: '00000000000000aa', traceFlags: flags, isRemote: true };
      const r = sampler.shouldSample(trace.setSpanContext(context.active(), parent), parent.traceId, 'c', SpanKind.SERVER, {}, []);
      assert.equal(getDatadogState(r.traceState).priority, expected);
    }
  });

  it('ignores malformed DD_TRACE_SAMPLING_RULES and bad rates instead of throwing', () => {
    assert.equal(samplerConfigFromEnv({ DD_TRACE_SAMPLING_RULES: '[{"sample_rate": 0' }).rules, undefined);
    const config = samplerConfigFromEnv({ DD_TRACE_SAMPLING_RULES: '[{"sample_rate": 7}, "x", {"service": 3}, {"sample_rate": 0, "name": "keep-me"}]', DD_TRACE_SAMPLE_RATE: 'abc' });
    assert.deepEqual(config.rules, [{ sample_rate: 0, name: 'keep-me' }]);
    assert.equal(config.sampleRate, undefined);
    const rates = new AgentRates();
    rates.updateFromResponse('not json');
    rates.updateFromResponse('{"rate_by_service": {"service:a,env:": "1", "service:,env:": 2}}');
    assert.equal(sampleRoot(new DatadogSampler({ ...config, rates })).state.priority, 1);
  });
});
