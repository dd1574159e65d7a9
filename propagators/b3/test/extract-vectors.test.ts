import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTextMapGetter, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { B3Propagator, getB3SamplingOverride, isB3Debug } from '@polytrace/propagator-b3';

// The 58 extract vectors of specs/zipkin.md §1.8, copied verbatim (`otelJs` is what the OTel propagator does).
interface Vector {
  id: string;
  headers: Record<string, string | string[]>;
  expect:
    | null
    | { samplingOnly: 'accept' | 'deny' | 'debug' }
    | { traceId: string; spanId: string; sampling: 'accept' | 'deny' | 'defer'; debug: boolean };
}

const vectors: Vector[] = readFileSync(join(__dirname, 'fixtures', 'extract-vectors.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vector);

describe('B3Propagator extract: specs/zipkin.md §1.8 vectors', () => {
  const propagator = new B3Propagator();

  it('has all 58 vectors', () => {
    assert.equal(vectors.length, 58);
  });

  for (const vector of vectors) {
    it(`${vector.id} ${JSON.stringify(vector.headers)}`, () => {
      const ctx = propagator.extract(ROOT_CONTEXT, vector.headers, defaultTextMapGetter);
      const spanContext = trace.getSpanContext(ctx);
      const expected = vector.expect;
      if (expected === null) {
        assert.equal(spanContext, undefined);
        assert.equal(getB3SamplingOverride(ctx), undefined);
        return;
      }
      if ('samplingOnly' in expected) {
        assert.equal(spanContext, undefined);
        assert.equal(getB3SamplingOverride(ctx), expected.samplingOnly);
        return;
      }
      assert.ok(spanContext, 'expected a span context');
      assert.equal(spanContext.traceId, expected.traceId);
      assert.equal(spanContext.spanId, expected.spanId);
      assert.equal(spanContext.isRemote, true);
      assert.equal(spanContext.traceFlags, expected.sampling === 'accept' ? TraceFlags.SAMPLED : TraceFlags.NONE);
      assert.equal(getB3SamplingOverride(ctx), expected.sampling === 'defer' ? 'defer' : undefined);
      assert.equal(isB3Debug(ctx), expected.debug);
    });
  }
});
