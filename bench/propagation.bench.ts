/**
 * Propagation against dd-trace 5.132's own propagator, in one run: the `datadog,tracecontext,baggage` composite
 * (driven through `tracer.inject`/`tracer.extract`, dd-trace's default styles) and the Datadog style alone (dd-trace's
 * HttpPropagator configured for `datadog` only). Each single style against its OpenTelemetry counterpart is
 * bench/propagation-styles.bench.ts.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/propagation.bench.ts [--quick]
 * (without `--conditions=polytrace-src` it measures the built `dist/`, i.e. what users run).
 * Rates are per CPU second of the benchmark process (see bench/lib/ops.ts).
 */
import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Context,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { createPropagator, type PropagationStyleName } from '@polytrace/propagation';
import { runAsMain } from './lib/main';
import { bestOfRounds, type OpsCase } from './lib/ops';
import { requestHeaders } from './lib/request-headers';
import type { BenchResult } from './lib/result';
import { higherIsBetter } from './lib/rows';

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

const ours = (style: PropagationStyleName | PropagationStyleName[]): TextMapPropagator => {
  const styles = Array.isArray(style) ? style : [style];
  return createPropagator({ extract: styles, inject: styles });
};

function cases(): OpsCase[] {
  const { tracer, datadogOnly } = loadDdTrace();
  const ddSpan = tracer.startSpan('bench');
  const ddHeaders: Record<string, string> = {};
  tracer.inject(ddSpan, 'http_headers', ddHeaders); // also makes dd-trace take its sampling decision once
  ddHeaders.baggage = 'user=alice%20smith,tenant=t-42';
  const incoming = requestHeaders(ddHeaders);
  const ddExtracted = tracer.extract('http_headers', incoming);

  // Our side of the same hop: the context we would have extracted from dd-trace's headers, and a local child of it.
  const composite = ours(['datadog', 'tracecontext', 'baggage']);
  const extracted = composite.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter);
  const remote = trace.getSpanContext(extracted)!;
  const local: Context = trace.setSpanContext(extracted, { ...remote, spanId: 'aaaaaaaaaaaaaaaa', isRemote: false });
  const datadogHeaders = requestHeaders(Object.fromEntries(Object.entries(ddHeaders).filter(([k]) => k.startsWith('x-datadog-'))));

  const list: OpsCase[] = [
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
      ours: () => void datadog.extract(ROOT_CONTEXT, datadogHeaders, defaultTextMapGetter),
      peer: () => void datadogOnly.extract(datadogHeaders),
    },
    {
      name: 'datadog inject', peerName: 'dd-trace propagator, datadog style only',
      ours: () => datadog.inject(local, {}, defaultTextMapSetter),
      peer: () => datadogOnly.inject(ddExtracted, {}),
    },
  );
  return list;
}

/**
 * Best of alternating rounds, in ops per CPU second (see bench/lib/ops.ts); the order flips every round so that
 * neither side always runs right after the other's garbage.
 */
function measure(c: OpsCase, quick: boolean): BenchResult {
  const { ours: o, peer: p } = bestOfRounds(c, { rounds: quick ? 4 : 6, ms: quick ? 100 : 300, clock: 'cpu', alternateOrder: true });
  return higherIsBetter({ name: `propagation ${c.name}`, unit: 'ops/cpu-s', ours: o, peer: p, peerName: c.peerName });
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  return cases().map((c) => measure(c, options.quick));
}

if (require.main === module) runAsMain(run);
