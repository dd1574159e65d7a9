/**
 * Propagation: inject and extract ops/s for every style through `createPropagator`, and the
 * `datadog,tracecontext,baggage` composite against dd-trace 5.132's own propagator (driven through
 * `tracer.inject`/`tracer.extract`), the Datadog style against dd-trace configured for `datadog` only,
 * and tracecontext/baggage/b3/b3multi/jaeger against the OTel propagators — all in one run.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/propagation.bench.ts [--quick]
 * (without `--conditions=polytrace-src` it measures the built `dist/`, i.e. what users run).
 * Rates are per CPU second of the benchmark process (see `opsPerSecond`).
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

export interface BenchResult {
  name: string;
  unit: string;
  ours: number;
  peer?: number;
  peerName?: string;
  ratio?: number;
  note?: string;
}

interface Case {
  name: string;
  peerName: string;
  ours: () => void;
  peer: () => void;
}

/** The parts of dd-trace's tracer this bench drives (it has no type declarations we can rely on here). */
interface DdTracer {
  startSpan(name: string): { context(): unknown; finish(): void };
  inject(spanOrContext: unknown, format: string, carrier: Record<string, string>): void;
  extract(format: string, carrier: Record<string, string>): unknown;
  _tracer: { _config: object };
}
interface DdHttpPropagator {
  inject(spanContext: unknown, carrier: Record<string, string>): void;
  extract(carrier: Record<string, string>): unknown;
}

function loadDdTrace(): { tracer: DdTracer; datadogOnly: DdHttpPropagator } {
  Object.assign(process.env, {
    DD_TRACE_STARTUP_LOGS: 'false', DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false', DD_REMOTE_CONFIGURATION_ENABLED: 'false',
    DD_TRACE_AGENT_URL: 'http://127.0.0.1:9', // never reached: nothing is flushed during the bench
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tracer = (require('dd-trace') as { init(o: object): DdTracer }).init({
    plugins: false, startupLogs: false, telemetry: { enabled: false }, remoteConfig: { enabled: false }, flushInterval: 1e9,
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const HttpPropagator = require('dd-trace/packages/dd-trace/src/opentracing/propagation/http') as new (config: object) => DdHttpPropagator;
  const datadogOnly = new HttpPropagator(Object.create(tracer._tracer._config, {
    tracePropagationStyle: { value: { inject: ['datadog'], extract: ['datadog'] } },
  }) as object);
  return { tracer, datadogOnly };
}

/** What a Node server sees besides the tracing headers. */
function withRequestHeaders(tracing: Record<string, string>): Record<string, string> {
  return {
    host: 'api.internal:8080', 'user-agent': 'node-fetch/1.0', accept: 'application/json', 'accept-encoding': 'gzip, deflate',
    connection: 'keep-alive', 'content-type': 'application/json', 'content-length': '42', ...tracing,
  };
}

const ours = (style: PropagationStyleName | PropagationStyleName[]): TextMapPropagator => {
  const styles = Array.isArray(style) ? style : [style];
  return createPropagator({ extract: styles, inject: styles });
};

function cases(): Case[] {
  const { tracer, datadogOnly } = loadDdTrace();
  const ddSpan = tracer.startSpan('bench');
  const ddHeaders: Record<string, string> = {};
  tracer.inject(ddSpan, 'http_headers', ddHeaders); // also makes dd-trace take its sampling decision once
  ddHeaders.baggage = 'user=alice%20smith,tenant=t-42';
  const incoming = withRequestHeaders(ddHeaders);
  const ddExtracted = tracer.extract('http_headers', incoming);

  // Our side of the same hop: the context we would have extracted from dd-trace's headers, and a local child of it.
  const composite = ours(['datadog', 'tracecontext', 'baggage']);
  const extracted = composite.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter);
  const remote = trace.getSpanContext(extracted)!;
  const local: Context = trace.setSpanContext(extracted, { ...remote, spanId: 'aaaaaaaaaaaaaaaa', isRemote: false });
  const plainCtx = propagation.setBaggage(
    trace.setSpanContext(ROOT_CONTEXT, { traceId: remote.traceId, spanId: 'aaaaaaaaaaaaaaaa', traceFlags: TraceFlags.SAMPLED }),
    propagation.createBaggage({ user: { value: 'alice smith' }, tenant: { value: 't-42' } }),
  );

  const T = remote.traceId;
  const S = '000000003ade68b1';
  const inputs: Record<string, Record<string, string>> = {
    datadog: withRequestHeaders(Object.fromEntries(Object.entries(ddHeaders).filter(([k]) => k.startsWith('x-datadog-')))),
    tracecontext: withRequestHeaders({ traceparent: ddHeaders.traceparent, tracestate: ddHeaders.tracestate }),
    baggage: withRequestHeaders({ baggage: ddHeaders.baggage }),
    b3: withRequestHeaders({ b3: `${T}-${S}-1` }),
    b3multi: withRequestHeaders({ 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' }),
    jaeger: withRequestHeaders({ 'uber-trace-id': `${T}:${S}:0:1` }),
  };
  const otel: Record<string, [TextMapPropagator, string]> = {
    tracecontext: [new W3CTraceContextPropagator(), '@opentelemetry/core W3CTraceContextPropagator'],
    baggage: [new W3CBaggagePropagator(), '@opentelemetry/core W3CBaggagePropagator'],
    b3: [new OtelB3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }), '@opentelemetry/propagator-b3 (single)'],
    b3multi: [new OtelB3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }), '@opentelemetry/propagator-b3 (multi)'],
    jaeger: [new OtelJaegerPropagator(), '@opentelemetry/propagator-jaeger'],
  };

  const list: Case[] = [
    {
      name: 'datadog,tracecontext,baggage extract', peerName: 'dd-trace tracer.extract (default styles)',
      ours: () => void composite.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter),
      peer: () => void tracer.extract('http_headers', incoming),
    },
    {
      name: 'datadog,tracecontext,baggage inject', peerName: 'dd-trace tracer.inject (default styles)',
      ours: () => composite.inject(local, {}, defaultTextMapSetter),
      peer: () => tracer.inject(ddSpan, 'http_headers', {}),
    },
  ];
  // The same, rotating through 4096 distinct spans: nothing per-span is memoised on our side (dd-trace's
  // Identifier keeps its decimal strings, so after the first round it injects from its caches).
  const POOL = 4096;
  const ddSpans = Array.from({ length: POOL }, () => tracer.startSpan('bench'));
  const locals = Array.from({ length: POOL }, (_, i) =>
    trace.setSpanContext(extracted, { ...remote, spanId: (0x1000000000000n + BigInt(i) * 7919n).toString(16).padStart(16, '0'), isRemote: false }));
  let next = 0;
  list.push({
    name: 'datadog,tracecontext,baggage inject, 4096 spans', peerName: 'dd-trace tracer.inject (default styles)',
    ours: () => composite.inject(locals[next++ & (POOL - 1)], {}, defaultTextMapSetter),
    peer: () => tracer.inject(ddSpans[next++ & (POOL - 1)], 'http_headers', {}),
  });
  const datadog = ours('datadog');
  list.push(
    {
      name: 'datadog extract', peerName: 'dd-trace propagator, datadog style only',
      ours: () => void datadog.extract(ROOT_CONTEXT, inputs.datadog, defaultTextMapGetter),
      peer: () => void datadogOnly.extract(inputs.datadog),
    },
    {
      name: 'datadog inject', peerName: 'dd-trace propagator, datadog style only',
      ours: () => datadog.inject(local, {}, defaultTextMapSetter),
      peer: () => datadogOnly.inject(ddExtracted, {}),
    },
  );
  for (const style of ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'] as const) {
    const p = ours(style);
    const [peer, peerName] = otel[style];
    const ctx = style === 'tracecontext' ? local : plainCtx;
    list.push(
      { name: `${style} extract`, peerName, ours: () => void p.extract(ROOT_CONTEXT, inputs[style], defaultTextMapGetter), peer: () => void peer.extract(ROOT_CONTEXT, inputs[style], defaultTextMapGetter) },
      { name: `${style} inject`, peerName, ours: () => p.inject(ctx, {}, defaultTextMapSetter), peer: () => peer.inject(ctx, {}, defaultTextMapSetter) },
    );
  }
  return list;
}

/**
 * Calls `fn` in batches for about `ms` milliseconds of this process's CPU time; calls per CPU second.
 * CPU time rather than wall time: on a shared, loaded machine the wall clock mostly measures how often
 * the process was descheduled, which swamps the differences being measured.
 */
function opsPerSecond(fn: () => void, ms: number): number {
  const budgetMicros = ms * 1000;
  const start = process.cpuUsage();
  let calls = 0;
  let elapsedMicros = 0;
  do {
    for (let i = 0; i < 500; i++) fn();
    calls += 500;
    const used = process.cpuUsage(start);
    elapsedMicros = used.user + used.system;
  } while (elapsedMicros < budgetMicros);
  return (calls * 1e6) / elapsedMicros;
}

/** Best of alternating rounds, so both sides see the same machine load. */
function measure(c: Case, quick: boolean): BenchResult {
  const rounds = quick ? 3 : 5;
  const ms = quick ? 100 : 400;
  opsPerSecond(c.ours, 50);
  opsPerSecond(c.peer, 50);
  let o = 0;
  let p = 0;
  for (let i = 0; i < rounds; i++) {
    o = Math.max(o, opsPerSecond(c.ours, ms));
    p = Math.max(p, opsPerSecond(c.peer, ms));
  }
  return { name: `propagation ${c.name}`, unit: 'ops/cpu-s', ours: o, peer: p, peerName: c.peerName, ratio: o / p };
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  return cases().map((c) => measure(c, options.quick));
}

if (require.main === module) {
  void run({ quick: process.argv.includes('--quick') }).then((results) => {
    const fmt = (n: number | undefined): string => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
    console.log(`${'case (ops per CPU second)'.padEnd(50)}${'ours'.padStart(13)}${'peer'.padStart(13)}${'ratio'.padStart(8)}  peer`);
    for (const r of results) {
      console.log(`${r.name.padEnd(50)}${fmt(r.ours).padStart(13)}${fmt(r.peer).padStart(13)}${(r.ratio ?? 0).toFixed(2).padStart(8)}  ${r.peerName ?? ''}`);
    }
    process.exit(0); // dd-trace keeps timers alive
  });
}
