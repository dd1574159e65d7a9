/**
 * B3 and Jaeger propagators: inject and extract ops/s against @opentelemetry/propagator-b3 and
 * @opentelemetry/propagator-jaeger, in one run, on a realistic Node header object.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/propagation-b3-jaeger.bench.ts [--quick]
 * `b3JaegerBenchCases()` is what bench/propagation.bench.ts can reuse per style.
 */
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { B3InjectEncoding as OtelB3Encoding, B3Propagator as OtelB3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator as OtelJaegerPropagator } from '@opentelemetry/propagator-jaeger';
import { B3Propagator } from '@polytrace/propagator-b3';
import { JaegerPropagator } from '@polytrace/propagator-jaeger';

import { runAsMain } from './lib/main';
import { bestOfRounds, type OpsCase } from './lib/ops';
import { requestHeaders } from './lib/request-headers';
import type { BenchResult } from './lib/result';
import { higherIsBetter } from './lib/rows';

export type { BenchResult };

/** One comparison: the same operation done by our propagator and by the OTel one. */
export type PropagationBenchCase = OpsCase & { peerName: string };

const T = '80f198ee56343ba864fe8b2a57d3eff7';
const S = 'e457b5a2e4d86bd1';

const sampledCtx: Context = trace.setSpanContext(ROOT_CONTEXT, { traceId: T, spanId: S, traceFlags: TraceFlags.SAMPLED });
const baggageCtx: Context = propagation.setBaggage(
  sampledCtx,
  propagation.createBaggage({ user: { value: 'alice smith' }, tenant: { value: 't-42' } }),
);

function extractCase(name: string, ours: TextMapPropagator, peer: TextMapPropagator, peerName: string, carrier: Record<string, string>): PropagationBenchCase {
  return {
    name: `${name} extract`,
    peerName,
    ours: () => void ours.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter),
    peer: () => void peer.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter),
  };
}

function injectCase(name: string, ours: TextMapPropagator, peer: TextMapPropagator, peerName: string, ctx: Context, note?: string): PropagationBenchCase {
  return {
    name: `${name} inject`,
    peerName,
    note,
    ours: () => ours.inject(ctx, {}, defaultTextMapSetter),
    peer: () => peer.inject(ctx, {}, defaultTextMapSetter),
  };
}

const JAEGER_INJECT_NOTE =
  'the OTel Jaeger propagator writes ids and baggage keys unchecked; ours validates them (a bad one would make ' +
  "Node's setHeader throw inside the http client instrumentation), once per span context and once per baggage";

export function b3JaegerBenchCases(): PropagationBenchCase[] {
  const otelB3 = '@opentelemetry/propagator-b3';
  const otelJaeger = '@opentelemetry/propagator-jaeger';
  const single = new B3Propagator({ injectEncoding: 'single' });
  const multi = new B3Propagator({ injectEncoding: 'multi' });
  const otelSingle = new OtelB3Propagator({ injectEncoding: OtelB3Encoding.SINGLE_HEADER });
  const otelMulti = new OtelB3Propagator({ injectEncoding: OtelB3Encoding.MULTI_HEADER });
  const jaeger = new JaegerPropagator();
  const otelJaegerPropagator = new OtelJaegerPropagator();
  return [
    extractCase('b3 single', single, otelSingle, otelB3, requestHeaders({ b3: `${T}-${S}-1` })),
    injectCase('b3 single', single, otelSingle, otelB3, sampledCtx),
    extractCase('b3multi', multi, otelMulti, otelB3, requestHeaders({ 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' })),
    injectCase('b3multi', multi, otelMulti, otelB3, sampledCtx),
    extractCase('jaeger', jaeger, otelJaegerPropagator, otelJaeger, requestHeaders({ 'uber-trace-id': `${T}:${S}:0:1` })),
    injectCase('jaeger', jaeger, otelJaegerPropagator, otelJaeger, sampledCtx, JAEGER_INJECT_NOTE),
    extractCase('jaeger +2 baggage', jaeger, otelJaegerPropagator, otelJaeger, requestHeaders({
      'uber-trace-id': `${T}:${S}:0:1`, 'uberctx-user': 'alice%20smith', 'uberctx-tenant': 't-42',
    })),
    injectCase('jaeger +2 baggage', jaeger, otelJaegerPropagator, otelJaeger, baggageCtx, JAEGER_INJECT_NOTE),
  ];
}

/**
 * Best of many short alternating rounds (the order flips each round), so that both sides get the same chances on
 * a shared, loaded machine; the best round is the one least disturbed by other processes. Ops per CPU second of
 * this process: the wall clock mostly measures how often the other tenants of the machine ran.
 */
export function compare(c: PropagationBenchCase, quick: boolean): BenchResult {
  const { ours, peer } = bestOfRounds(c, { rounds: quick ? 4 : 10, ms: quick ? 80 : 200, clock: 'cpu', batch: 1000, alternateOrder: true });
  return higherIsBetter({ name: c.name, unit: 'ops/cpu-s', ours, peer, peerName: c.peerName, note: c.note });
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  return b3JaegerBenchCases().map((c) => compare(c, options.quick));
}

if (require.main === module) runAsMain(run);
