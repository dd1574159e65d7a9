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

import type { BenchResult } from './lib/result';

export type { BenchResult };

/** One comparison: the same operation done by our propagator and by the OTel one. */
export interface PropagationBenchCase {
  name: string;
  peerName: string;
  note?: string;
  ours: () => void;
  peer: () => void;
}

const T = '80f198ee56343ba864fe8b2a57d3eff7';
const S = 'e457b5a2e4d86bd1';

/** What a Node server sees besides the tracing headers (IncomingHttpHeaders are lower-case). */
function requestHeaders(tracing: Record<string, string>): Record<string, string> {
  return {
    host: 'api.internal:8080',
    'user-agent': 'node-fetch/1.0',
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate',
    connection: 'keep-alive',
    'content-type': 'application/json',
    'content-length': '42',
    ...tracing,
  };
}

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
  "Node's setHeader throw inside the http client instrumentation)";

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

/** Calls `fn` in batches for about `ms` milliseconds and returns calls per second. */
export function opsPerSecond(fn: () => void, ms: number): number {
  const batch = 1000;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let calls = 0;
  let elapsed = 0n;
  do {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  return (calls * 1e9) / Number(elapsed);
}

/**
 * Best of many short alternating rounds (the order flips each round), so that both sides get the same chances on
 * a shared, loaded machine; the best round is the one least disturbed by other processes.
 */
export function compare(c: PropagationBenchCase, quick: boolean): BenchResult {
  const rounds = quick ? 4 : 10;
  const ms = quick ? 80 : 200;
  opsPerSecond(c.ours, 50);
  opsPerSecond(c.peer, 50);
  let ours = 0;
  let peer = 0;
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ours = Math.max(ours, opsPerSecond(c.ours, ms));
      peer = Math.max(peer, opsPerSecond(c.peer, ms));
    } else {
      peer = Math.max(peer, opsPerSecond(c.peer, ms));
      ours = Math.max(ours, opsPerSecond(c.ours, ms));
    }
  }
  return { name: c.name, unit: 'ops/s', ours, peer, peerName: c.peerName, ratio: ours / peer, note: c.note };
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  return b3JaegerBenchCases().map((c) => compare(c, options.quick));
}

if (require.main === module) {
  void run({ quick: process.argv.includes('--quick') }).then((results) => {
    const fmt = (n: number | undefined): string => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
    console.log(`${'case'.padEnd(26)}${'ours ops/s'.padStart(14)}${'peer ops/s'.padStart(14)}${'ratio'.padStart(8)}  peer`);
    for (const r of results) {
      console.log(`${r.name.padEnd(26)}${fmt(r.ours).padStart(14)}${fmt(r.peer).padStart(14)}${(r.ratio ?? 0).toFixed(2).padStart(8)}  ${r.peerName ?? ''}`);
    }
  });
}
