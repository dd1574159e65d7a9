import * as assert from 'node:assert';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api';
import { DatadogPropagator } from '@polytrace/propagator-datadog';

// The decimal <-> hex conversions are hand-rolled for speed: check them against BigInt on many values.
describe('Datadog decimal ids agree with BigInt arithmetic', () => {
  const dd = new DatadogPropagator();
  let seed = 7;
  const next32 = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };

  it('round-trips random and edge 64-bit ids through extract and inject', () => {
    const edges = [1n, 9n, 10n, (1n << 32n) - 1n, 1n << 32n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 63n), (1n << 64n) - 1n, 10n ** 19n, 10n ** 19n - 1n];
    const values = [...edges];
    for (let i = 0; i < 20000; i++) {
      const v = (BigInt(next32()) << 32n) | BigInt(next32());
      values.push(i % 3 === 0 ? v >> BigInt(next32() % 64) : v);
    }
    for (const v of values) {
      if (v === 0n) continue;
      const ctx = dd.extract(ROOT_CONTEXT, { 'x-datadog-trace-id': v.toString(), 'x-datadog-parent-id': v.toString() }, defaultTextMapGetter);
      const sc = trace.getSpanContext(ctx);
      assert.strictEqual(sc?.spanId, v.toString(16).padStart(16, '0'), v.toString());
      const out: Record<string, string> = {};
      dd.inject(ctx, out, defaultTextMapSetter);
      assert.strictEqual(out['x-datadog-parent-id'], v.toString());
      assert.strictEqual(out['x-datadog-trace-id'], v.toString());
    }
  });

  it('rejects 2^64 and beyond, and maps negatives by two\'s complement', () => {
    for (const bad of [(1n << 64n).toString(), '99999999999999999999', '00000000000000000000', '-0', '-9223372036854775809']) {
      assert.strictEqual(trace.getSpanContext(dd.extract(ROOT_CONTEXT, { 'x-datadog-trace-id': '1', 'x-datadog-parent-id': bad }, defaultTextMapGetter)), undefined, bad);
    }
    const sc = trace.getSpanContext(dd.extract(ROOT_CONTEXT, { 'x-datadog-trace-id': '1', 'x-datadog-parent-id': '-9223372036854775808' }, defaultTextMapGetter));
    assert.strictEqual(sc?.spanId, '8000000000000000');
    assert.strictEqual(trace.getSpanContext(dd.extract(ROOT_CONTEXT, { 'x-datadog-trace-id': '1', 'x-datadog-parent-id': '00000000000000000001' }, defaultTextMapGetter))?.spanId, '0000000000000001');
  });
});
