import * as assert from 'node:assert';
import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  trace,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { createPropagator, type PropagationStyleName } from '@polytrace/propagation';
import { HeaderGenerator, createRandom, invalidFor, type HeaderSet } from './header-generator';

const SET_COUNT = 100_000;
const SEED = Number(process.env.POLYTRACE_FUZZ_SEED ?? 20261121);
const STYLES: PropagationStyleName[] = ['datadog', 'tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'];
const MAX_INJECTED_BYTES = 16 * 1024;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

const single = new Map(STYLES.map((s) => [s, createPropagator({ extract: [s], inject: [s] })] as const));
const everything = createPropagator({ extract: STYLES, inject: STYLES });

/** Extracts, checks the context is sane and bounded, injects it back and checks that output is bounded. */
function roundTrip(propagator: TextMapPropagator, headers: HeaderSet, label: string): boolean {
  const ctx = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const sc = trace.getSpanContext(ctx);
  if (sc !== undefined) {
    assert.ok(isSpanContextValid(sc) && HEX32.test(sc.traceId) && HEX16.test(sc.spanId), `${label}: invalid context ${JSON.stringify(sc)}`);
    assert.strictEqual(sc.isRemote, true, label);
    assert.ok((sc.traceState?.serialize().length ?? 0) <= 512, `${label}: tracestate too long`);
  }
  assert.ok((propagation.getBaggage(ctx)?.getAllEntries().length ?? 0) <= 256, `${label}: unbounded baggage`);
  const out: Record<string, string> = {};
  propagator.inject(ctx, out, defaultTextMapSetter);
  let bytes = 0;
  for (const [k, v] of Object.entries(out)) {
    assert.strictEqual(typeof v, 'string', `${label}: non-string header ${k}`);
    bytes += k.length + v.length;
  }
  assert.ok(bytes <= MAX_INJECTED_BYTES, `${label}: injected ${bytes} bytes`);
  return sc !== undefined;
}

describe(`propagation fuzz: ${SET_COUNT} generated header sets through every style (seed ${SEED})`, function () {
  this.timeout(300_000);

  it('never throws, stays bounded, and yields only valid contexts', () => {
    const g = new HeaderGenerator(createRandom(SEED));
    const extracted: Record<string, number> = {};
    for (let i = 0; i < SET_COUNT; i++) {
      const headers = g.headerSet();
      try {
        for (const [style, p] of single) if (roundTrip(p, headers, style)) extracted[style] = (extracted[style] ?? 0) + 1;
        if (roundTrip(everything, headers, 'all')) extracted.all = (extracted.all ?? 0) + 1;
      } catch (err) {
        throw new Error(`header set #${i} ${JSON.stringify(headers).slice(0, 2000)}: ${(err as Error).message}`);
      }
    }
    // The generator must actually exercise the success paths of each style, not only rejection.
    for (const style of ['datadog', 'tracecontext', 'b3', 'b3multi', 'jaeger', 'all']) {
      assert.ok((extracted[style] ?? 0) > SET_COUNT / 50, `${style} extracted only ${extracted[style] ?? 0} contexts`);
    }
  });

  it('an invalid header yields no context from that style, and the other styles still work', () => {
    const g = new HeaderGenerator(createRandom(SEED + 1));
    const traceStyles = STYLES.filter((s) => s !== 'baggage');
    for (let i = 0; i < 2000; i++) {
      const style = traceStyles[i % traceStyles.length];
      const bad = invalidFor(style, g);
      const ctx = single.get(style)!.extract(ROOT_CONTEXT, bad, defaultTextMapGetter);
      assert.strictEqual(trace.getSpanContext(ctx), undefined, `${style} accepted ${JSON.stringify(bad)}`);
      // Next to a valid traceparent, the composite still extracts that one.
      const traceparent = `00-${g.nonZeroHex(32)}-${g.nonZeroHex(16)}-01`;
      const mixed = style === 'tracecontext' ? { ...bad, 'x-datadog-trace-id': '7', 'x-datadog-parent-id': '9' } : { ...bad, traceparent };
      const sc = trace.getSpanContext(everything.extract(ROOT_CONTEXT, mixed, defaultTextMapGetter));
      if (style === 'tracecontext') assert.strictEqual(sc?.spanId, '0000000000000009', JSON.stringify(mixed));
      else assert.strictEqual(sc?.traceId, traceparent.slice(3, 35), JSON.stringify(mixed));
    }
  });
});
