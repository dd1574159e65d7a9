/**
 * Every single propagation style against its OpenTelemetry counterpart, inject and extract, in one process:
 * our propagator as users get it (`createPropagator({ extract: [style], inject: [style] })`) and the bare class,
 * against @opentelemetry/core's W3C propagators, @opentelemetry/propagator-b3 (single and multi) and
 * @opentelemetry/propagator-jaeger. Same carrier, getter, setter, context and input for both sides.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/propagation-styles.bench.ts [--quick] [--only=jaeger]
 * Each case runs interleaved ours/peer rounds (order flipped every round) on the process CPU clock; the ratio is
 * the median of the per-round ratios, which is what stays stable on a shared, loaded machine (the best-of rates
 * of bench/propagation.bench.ts follow single lucky rounds). The `4096 span contexts` rows inject a different span
 * context every call, so they show the cost when no per-span-context memo can help.
 */
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
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator as OtelB3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator as OtelJaegerPropagator } from '@opentelemetry/propagator-jaeger';
import { createPropagator, type PropagationStyleName } from '@polytrace/propagation';
import { B3Propagator } from '@polytrace/propagator-b3';
import { TraceContextPropagator } from '@polytrace/propagator-datadog';
import { JaegerPropagator } from '@polytrace/propagator-jaeger';
import { runAsMain } from './lib/main';
import { opsPerSecond, type OpsCase } from './lib/ops';
import { requestHeaders } from './lib/request-headers';
import type { BenchResult } from './lib/result';
import { median } from './lib/stats';

const T = '6b015c55000000000a02479173d1aae8';
const S = '0a02479173d1aae8';
const LOCAL_SPAN = 'aaaaaaaaaaaaaaaa';
// What dd-trace 5.132 sends (bench/propagation.bench.ts feeds these very headers from a live dd-trace).
const TRACEPARENT = `00-${T}-${S}-01`;
const TRACESTATE = `dd=t.dm:-0;t.tid:6b015c5500000000;s:1;p:${S},ot=rv:c5b1149b99f3bd;th:0`;

const UNCHECKED_PEER_NOTE = 'the peer writes the 48 id characters unchecked; ours checks each new id (a control character would make '
  + "Node's setHeader throw inside the caller's request), which is the whole gap: nothing is left to memoise here";

const styleOf = (style: PropagationStyleName): TextMapPropagator => createPropagator({ extract: [style], inject: [style] });

interface Pair {
  style: string;
  ours: TextMapPropagator;
  oursName: string;
  peer: TextMapPropagator;
  peerName: string;
  input: Record<string, string>;
  injectFrom: Context;
}

function pairs(): Pair[] {
  // The tracecontext inject context is a local child of what we extracted from dd-trace's headers, as in the full bench.
  const extracted = new TraceContextPropagator({ alwaysWriteDatadogMember: true })
    .extract(ROOT_CONTEXT, requestHeaders({ traceparent: TRACEPARENT, tracestate: TRACESTATE }), defaultTextMapGetter);
  const remote = trace.getSpanContext(extracted)!;
  const local = trace.setSpanContext(extracted, { ...remote, spanId: LOCAL_SPAN, isRemote: false });
  const plain = propagation.setBaggage(
    trace.setSpanContext(ROOT_CONTEXT, { traceId: T, spanId: LOCAL_SPAN, traceFlags: TraceFlags.SAMPLED }),
    propagation.createBaggage({ user: { value: 'alice smith' }, tenant: { value: 't-42' } }),
  );
  const noBaggage = trace.setSpanContext(ROOT_CONTEXT, { traceId: T, spanId: LOCAL_SPAN, traceFlags: TraceFlags.SAMPLED });
  const tc = requestHeaders({ traceparent: TRACEPARENT, tracestate: TRACESTATE });
  const b3 = requestHeaders({ b3: `${T}-${S}-1` });
  const b3multi = requestHeaders({ 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' });
  const jaeger = requestHeaders({ 'uber-trace-id': `${T}:${S}:0:1` });
  const jaegerBaggage = requestHeaders({ 'uber-trace-id': `${T}:${S}:0:1`, 'uberctx-user': 'alice%20smith', 'uberctx-tenant': 't-42' });
  const otelTc = new W3CTraceContextPropagator();
  const otelSingle = new OtelB3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
  const otelMulti = new OtelB3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
  const otelJaeger = new OtelJaegerPropagator();
  const otel = (name: string): string => `@opentelemetry/${name}`;
  return [
    { style: 'tracecontext', ours: styleOf('tracecontext'), oursName: 'createPropagator', peer: otelTc, peerName: otel('core W3CTraceContextPropagator'), input: tc, injectFrom: local },
    { style: 'tracecontext', ours: new TraceContextPropagator(), oursName: 'TraceContextPropagator', peer: otelTc, peerName: otel('core W3CTraceContextPropagator'), input: tc, injectFrom: local },
    { style: 'baggage', ours: styleOf('baggage'), oursName: 'createPropagator', peer: new W3CBaggagePropagator(), peerName: otel('core W3CBaggagePropagator'), input: requestHeaders({ baggage: 'user=alice%20smith,tenant=t-42' }), injectFrom: plain },
    { style: 'b3', ours: styleOf('b3'), oursName: 'createPropagator', peer: otelSingle, peerName: otel('propagator-b3 (single)'), input: b3, injectFrom: plain },
    { style: 'b3', ours: new B3Propagator({ injectEncoding: 'single' }), oursName: 'B3Propagator', peer: otelSingle, peerName: otel('propagator-b3 (single)'), input: b3, injectFrom: plain },
    { style: 'b3multi', ours: styleOf('b3multi'), oursName: 'createPropagator', peer: otelMulti, peerName: otel('propagator-b3 (multi)'), input: b3multi, injectFrom: plain },
    { style: 'b3multi', ours: new B3Propagator({ injectEncoding: 'multi' }), oursName: 'B3Propagator', peer: otelMulti, peerName: otel('propagator-b3 (multi)'), input: b3multi, injectFrom: plain },
    { style: 'jaeger', ours: styleOf('jaeger'), oursName: 'createPropagator', peer: otelJaeger, peerName: otel('propagator-jaeger'), input: jaeger, injectFrom: plain },
    { style: 'jaeger, no baggage', ours: new JaegerPropagator(), oursName: 'JaegerPropagator', peer: otelJaeger, peerName: otel('propagator-jaeger'), input: jaeger, injectFrom: noBaggage },
    { style: 'jaeger +2 uberctx', ours: new JaegerPropagator(), oursName: 'JaegerPropagator', peer: otelJaeger, peerName: otel('propagator-jaeger'), input: jaegerBaggage, injectFrom: plain },
  ];
}

function cases(): OpsCase[] {
  const out: OpsCase[] = [];
  for (const p of pairs()) {
    const label = `${p.style} (${p.oursName})`;
    out.push(
      {
        name: `${label} extract`, peerName: p.peerName,
        ours: () => void p.ours.extract(ROOT_CONTEXT, p.input, defaultTextMapGetter),
        peer: () => void p.peer.extract(ROOT_CONTEXT, p.input, defaultTextMapGetter),
      },
      {
        name: `${label} inject`, peerName: p.peerName,
        ours: () => p.ours.inject(p.injectFrom, {}, defaultTextMapSetter),
        peer: () => p.peer.inject(p.injectFrom, {}, defaultTextMapSetter),
      },
    );
  }
  // The same injects rotating through 4096 distinct span contexts (distinct trace and span ids): what an inject
  // costs when nothing about the span context was seen before, e.g. one client span per outgoing request.
  const POOL = 4096;
  const pool = Array.from({ length: POOL }, (_, i) => trace.setSpanContext(ROOT_CONTEXT, {
    traceId: (0x6b015c55000000000a02479173d1aae8n + BigInt(i) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0'),
    spanId: (0x1000000000000n + BigInt(i) * 7919n).toString(16).padStart(16, '0'),
    traceFlags: TraceFlags.SAMPLED,
  }));
  let next = 0;
  for (const p of pairs().filter((x) => x.oursName === 'createPropagator' && x.style !== 'baggage')) {
    out.push({
      name: `${p.style} (${p.oursName}) inject, 4096 span contexts`, peerName: p.peerName,
      ours: () => p.ours.inject(pool[next++ & (POOL - 1)], {}, defaultTextMapSetter),
      peer: () => p.peer.inject(pool[next++ & (POOL - 1)], {}, defaultTextMapSetter),
      // The W3C and B3 peers check ids with isSpanContextValid as we do; OTel's Jaeger writes whatever it is given.
      note: p.style === 'jaeger' ? UNCHECKED_PEER_NOTE : undefined,
    });
  }
  return out;
}

/** Interleaved rounds, order flipped each round; medians of the rates and of the per-round ratios. */
function measure(c: OpsCase, quick: boolean): BenchResult {
  const rounds = quick ? 3 : 15;
  const ms = quick ? 30 : 80;
  opsPerSecond(c.ours, 100, 'cpu');
  opsPerSecond(c.peer, 100, 'cpu');
  const ours: number[] = [];
  const peer: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let o: number;
    let p: number;
    if (r % 2 === 0) {
      o = opsPerSecond(c.ours, ms, 'cpu');
      p = opsPerSecond(c.peer, ms, 'cpu');
    } else {
      p = opsPerSecond(c.peer, ms, 'cpu');
      o = opsPerSecond(c.ours, ms, 'cpu');
    }
    ours.push(o);
    peer.push(p);
    ratios.push(o / p);
  }
  ratios.sort((a, b) => a - b);
  const spread = `per-round ${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}× over ${rounds} rounds`;
  const note = c.note === undefined ? spread : `${spread}; ${c.note}`;
  return { name: c.name, unit: 'ops/cpu-s', ours: median(ours), peer: median(peer), peerName: c.peerName, ratio: median(ratios), note };
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  // `--only=<substring>` measures the matching cases only (handy while working on one style).
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  return cases().filter((c) => only === undefined || c.name.includes(only)).map((c) => measure(c, options.quick));
}

if (require.main === module) runAsMain(run);
