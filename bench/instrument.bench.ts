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
import type { BenchResult } from './lib/result';

interface Case {
  name: string;
  ours: () => void;
  peer: () => void;
}

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

function cases(): Case[] {
  // No SDK: a proxy provider with no delegate is exactly what the global API hands out before an SDK registers.
  const noSdk = new ProxyTracerProvider().getTracer('bench');
  const sdk = new BasicTracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('bench');
  let n = 0;
  const list: Case[] = [];
  for (const [label, tracer] of [['no SDK', noSdk], ['SDK', sdk]] as const) {
    const tracedWork = traced(work, { tracer });
    list.push(
      { name: `withSpan (${label})`, ours: () => void withSpan('op', () => work(n++), { tracer }), peer: () => void manualSpan(tracer, 'op', () => work(n++)) },
      { name: `traced fn (${label})`, ours: () => void tracedWork(n++), peer: () => void manualSpan(tracer, 'work', () => work(n++)) },
    );
  }
  return list;
}

/** Calls `fn` in batches for about `ms` milliseconds; calls per second. */
function opsPerSecond(fn: () => void, ms: number): number {
  const budget = BigInt(ms) * 1_000_000n;
  const start = process.hrtime.bigint();
  let calls = 0;
  let elapsed = 0n;
  do {
    for (let i = 0; i < 500; i++) fn();
    calls += 500;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  return (calls * 1e9) / Number(elapsed);
}

function measure(c: Case, quick: boolean): BenchResult {
  const rounds = quick ? 3 : 5;
  const ms = quick ? 100 : 400;
  opsPerSecond(c.ours, 50);
  opsPerSecond(c.peer, 50);
  let ours = 0;
  let peer = 0;
  for (let i = 0; i < rounds; i++) {
    ours = Math.max(ours, opsPerSecond(c.ours, ms));
    peer = Math.max(peer, opsPerSecond(c.peer, ms));
  }
  return { name: `instrument ${c.name}`, unit: 'ops/s', ours, peer, peerName: 'hand-written @opentelemetry/api', ratio: ours / peer };
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  return cases().map((c) => measure(c, options.quick));
}

if (require.main === module) {
  void run({ quick: process.argv.includes('--quick') }).then((results) => {
    const fmt = (n: number | undefined): string => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
    console.log(`${'case'.padEnd(36)}${'ours ops/s'.padStart(14)}${'peer ops/s'.padStart(14)}${'ratio'.padStart(8)}  peer`);
    for (const r of results) {
      console.log(`${r.name.padEnd(36)}${fmt(r.ours).padStart(14)}${fmt(r.peer).padStart(14)}${(r.ratio ?? 0).toFixed(2).padStart(8)}  ${r.peerName ?? ''}`);
    }
  });
}
