/**
 * @polytrace/instrument helper overhead: `withSpan` / `traced` against the same thing hand-written on the
 * OpenTelemetry API (startActiveSpan + try/catch/finally + recordException/setStatus + end), which is what a
 * library author would write without the helper, with no SDK (the API's no-op path) and with the SDK
 * (always-on sampling, no exporter: span creation cost only). Same process, alternating rounds, best of each.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/instrument.bench.ts [--quick]
 */
import { ProxyTracerProvider, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { traced, withSpan } from '@polytrace/instrument';
import { runAsMain } from './lib/main';
import { bestOfRounds, type OpsCase } from './lib/ops';
import type { BenchResult } from './lib/result';
import { higherIsBetter } from './lib/rows';

function work(x: number): number {
  return (x * 31 + 7) % 1000;
}

/** The hand-written equivalent of withSpan for a sync function. */
function manualSpan<R>(tracer: Tracer, name: string, fn: () => R): R {
  return tracer.startActiveSpan(name, (span) => {
    try {
      return fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

function cases(): OpsCase[] {
  // No SDK: a proxy provider with no delegate is exactly what the global API hands out before an SDK registers.
  const noSdk = new ProxyTracerProvider().getTracer('bench');
  const sdk = new BasicTracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('bench');
  let n = 0;
  const list: OpsCase[] = [];
  for (const [label, tracer] of [['no SDK', noSdk], ['SDK', sdk]] as const) {
    const tracedWork = traced(work, { tracer });
    list.push(
      { name: `withSpan (${label})`, ours: () => void withSpan('op', () => work(n++), { tracer }), peer: () => void manualSpan(tracer, 'op', () => work(n++)) },
      { name: `traced fn (${label})`, ours: () => void tracedWork(n++), peer: () => void manualSpan(tracer, 'work', () => work(n++)) },
    );
  }
  return list;
}

/** Best of alternating rounds, wall-clock ops/s. */
function measure(c: OpsCase, quick: boolean): BenchResult {
  const { ours, peer } = bestOfRounds(c, { rounds: quick ? 3 : 5, ms: quick ? 100 : 400, clock: 'wall' });
  return higherIsBetter({ name: `instrument ${c.name}`, unit: 'ops/s', ours, peer, peerName: 'hand-written @opentelemetry/api' });
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  return cases().map((c) => measure(c, options.quick));
}

if (require.main === module) runAsMain(run);
