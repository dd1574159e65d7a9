/**
 * Datadog exporter encoding: from finished spans to the finished agent payload, spans/s and bytes/span, for
 * v0.4 and v0.5, against dd-trace 5.132's own path (`span_format` + `encode/0.4.js` / `encode/0.5.js`) on the
 * same 10,000 realistic spans (1,667 traces: an HTTP server span with 5 SQL children), in one run.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/datadog.bench.ts [--quick]
 * Polytrace's side starts from OTel `ReadableSpan`s (made by the SDK with the attributes the http and pg
 * instrumentations set) and includes the whole mapping; dd-trace's starts from its finished spans and includes
 * its formatting. Both build one payload from all 10,000 spans (under the 8 MiB flush limit). Rates are spans
 * per CPU-second of the process (GC included), so other processes' load does not skew the comparison.
 * A second workload is what the HTTP-overhead bench exports: batches of 512 one-span traces, each a node:http
 * server span (Polytrace's: decided by the DatadogSampler, as `@polytrace/node` does), where the per-trace work
 * (`_dd.p.tid`, chunk tags, grouping) weighs on every span.
 */
import { context, SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DatadogEncoder, DatadogSampler, type DatadogProtocol } from '@polytrace/exporter-datadog';
import { compareCpuRounds } from './lib/cpu-rounds';
import { runAsMain } from './lib/main';
import { MINIMAL_RESOURCE, makeShopSpans, SHOP_SQL, SHOP_TRACES } from './lib/realistic-spans';
import type { BenchResult } from './lib/result';
import { higherIsBetter, lowerIsBetter } from './lib/rows';

/** 10,000 of the shared realistic OTel spans, under a service-identity-only resource. */
export function makeOtelSpans(): ReadableSpan[] {
  return makeShopSpans(MINIMAL_RESOURCE).slice(0, 10_000);
}

/** One exporter batch of the HTTP-overhead bench: 512 server spans, one per trace, as `@polytrace/node` makes them. */
export const HTTP_BATCH = 512;

export function makeOtelHttpBatch(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'hello' }), sampler: new DatadogSampler({}),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const http = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
  for (let i = 0; i < HTTP_BATCH; i++) {
    const span = http.startSpan('GET', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET', 'url.scheme': 'http', 'server.address': '127.0.0.1', 'network.peer.address': '127.0.0.1',
        'network.peer.port': 40000 + (i % 64), 'network.protocol.version': '1.1', 'url.path': '/', 'client.address': '127.0.0.1', 'server.port': 3000,
      },
    }, context.active());
    span.setAttribute('http.response.status_code', 200);
    span.end();
  }
  return memory.getFinishedSpans() as ReadableSpan[];
}

/** The same batch as dd-trace's http integration records it. */
function makeDdHttpBatch(tracer: DdTracer): DdSpan[][] {
  const traces: DdSpan[][] = [];
  for (let i = 0; i < HTTP_BATCH; i++) {
    const span = tracer.startSpan('web.request', {
      tags: {
        'span.kind': 'server', 'span.type': 'web', component: 'http', 'resource.name': 'GET', 'http.method': 'GET',
        'http.url': 'http://127.0.0.1:3000/', 'http.client_ip': '127.0.0.1', 'http.status_code': '200', '_dd.integration': 'http',
      },
    });
    span._duration = 0.05;
    span.setTag('_sampling_priority_v1', 1);
    traces.push([span]);
  }
  return traces;
}

export interface DdSpan {
  setTag(k: string, v: unknown): void;
  context(): { _tags: Record<string, unknown> };
  _duration: number;
}
interface DdTracer {
  startSpan(name: string, options?: { childOf?: DdSpan; tags?: Record<string, unknown> }): DdSpan;
}
type DdFormat = (span: DdSpan, isFirstSpanInChunk?: boolean, processTags?: string | false) => unknown;
interface DdEncoder {
  encode(trace: unknown[]): void;
  makePayload(): Buffer;
}
type DdEncoderClass = new (writer: { flush(): void }, limit?: number) => DdEncoder;

/** The same traces as dd-trace's http + pg integrations would record them (tags as those plugins set). */
function ddTracer(): DdTracer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('dd-trace').init({
    service: 'shop-api', env: 'prod', version: '1.4.2', startupLogs: false, plugins: false, flushInterval: 3_600_000,
    url: 'http://127.0.0.1:9', telemetry: { enabled: false }, remoteConfig: { enabled: false }, runtimeMetrics: false,
  }) as DdTracer;
}

export function makeDdTraces(): DdSpan[][] {
  const tracer = ddTracer();
  const traces: DdSpan[][] = [];
  for (let t = 0; t < SHOP_TRACES; t++) {
    const userId = 1000 + (t % 500);
    const server = tracer.startSpan('web.request', {
      tags: {
        'span.kind': 'server', 'span.type': 'web', component: 'http', 'resource.name': 'GET /users/:id',
        'http.method': 'GET', 'http.url': `http://shop.internal:8080/users/${userId}`, 'http.route': '/users/:id',
        'http.useragent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'http.client_ip': '10.0.3.17',
        'http.status_code': '200', '_dd.integration': 'http',
      },
    });
    const spans: DdSpan[] = [server];
    for (const [i, sql] of SHOP_SQL.entries()) {
      const q = tracer.startSpan('pg.query', {
        childOf: server,
        tags: {
          'span.kind': 'client', 'span.type': 'sql', component: 'pg', 'service.name': 'shop-api-postgres',
          'resource.name': sql, 'db.type': 'postgres', 'db.name': 'shop', 'db.user': 'app', 'out.host': 'db.internal',
          'network.destination.port': 5432, '_dd.integration': 'pg',
        },
      });
      q._duration = 1.25 + i;
      spans.push(q);
    }
    server._duration = 12.5;
    server.setTag('_sampling_priority_v1', 1);
    traces.push(spans);
  }
  return traces;
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  const otelSpans = makeOtelSpans();
  const ddTraces = makeDdTraces();
  const ddCount = ddTraces.reduce((n, t) => n + t.length, 0);
  const otelHttp = makeOtelHttpBatch();
  const ddHttp = makeDdHttpBatch(ddTracer());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const format = require('dd-trace/packages/dd-trace/src/span_format') as DdFormat;
  const ddEncoders: Record<DatadogProtocol, DdEncoderClass> = {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    '0.4': (require('dd-trace/packages/dd-trace/src/encode/0.4') as { AgentEncoder: DdEncoderClass }).AgentEncoder,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    '0.5': (require('dd-trace/packages/dd-trace/src/encode/0.5') as { AgentEncoder: DdEncoderClass }).AgentEncoder,
  };

  const results: BenchResult[] = [];
  const rounds = options.quick ? 4 : 12;
  for (const protocol of ['0.4', '0.5'] as const) {
    const encoder = new DatadogEncoder({ protocol, env: 'prod' });
    const ddEncoder = new ddEncoders[protocol]({ flush() {} }, 64 * 1024 * 1024);
    const formatted = ddTraces.map((t) => t.map((s, i) => format(s, i === 0, false)));
    // best of interleaved rounds of 3 full encodes each, after 3 warm-up encodes (JIT, grown buffers)
    const [ours, ddFormatEncode, ddEncodeOnly] = await compareCpuRounds([
      { spans: otelSpans.length, once: () => encoder.encode(otelSpans).reduce((n, p) => n + p.body.byteLength, 0) },
      {
        spans: ddCount,
        once: () => {
          for (const t of ddTraces) ddEncoder.encode(t.map((s, i) => format(s, i === 0, false)));
          return ddEncoder.makePayload().byteLength;
        },
      },
      {
        // dd-trace's encoder alone (formatting done beforehand), as the issue quotes it for v0.5
        spans: ddCount,
        once: () => {
          for (const t of formatted) ddEncoder.encode(t);
          return ddEncoder.makePayload().byteLength;
        },
      },
    ], { rounds, warmup: { calls: 3 }, round: { calls: 3 }, pick: 'best' });
    const peerName = `dd-trace span_format + encode/${protocol}`;
    results.push(
      higherIsBetter({ name: `datadog v${protocol} ReadableSpan→payload`, unit: 'spans/CPU-s', ours: ours.spansPerSec, peer: ddFormatEncode.spansPerSec, peerName }),
      higherIsBetter({ name: `datadog v${protocol} vs dd-trace encoder alone`, unit: 'spans/CPU-s', ours: ours.spansPerSec, peer: ddEncodeOnly.spansPerSec, peerName: `dd-trace encode/${protocol} only (pre-formatted)`, note: 'ours still includes mapping' }),
      lowerIsBetter({ name: `datadog v${protocol} payload size`, unit: 'bytes/span', ours: ours.bytesPerSpan, peer: ddFormatEncode.bytesPerSpan, peerName }),
    );
  }
  for (const protocol of ['0.4', '0.5'] as const) {
    const encoder = new DatadogEncoder({ protocol });
    const ddEncoder = new ddEncoders[protocol]({ flush() {} }, 64 * 1024 * 1024);
    const [ours, dd] = await compareCpuRounds([
      { spans: otelHttp.length, once: () => encoder.encode(otelHttp).reduce((n, p) => n + p.body.byteLength, 0) },
      {
        spans: HTTP_BATCH,
        once: () => {
          for (const t of ddHttp) ddEncoder.encode(t.map((s, i) => format(s, i === 0, false)));
          return ddEncoder.makePayload().byteLength;
        },
      },
    ], { rounds, warmup: { calls: 200 }, round: { calls: 100 }, pick: 'best' });
    results.push(higherIsBetter({
      name: `datadog v${protocol} HTTP batch (512 one-span traces)`, unit: 'spans/CPU-s', ours: ours.spansPerSec, peer: dd.spansPerSec,
      peerName: `dd-trace span_format + encode/${protocol}`,
    }));
  }
  return results;
}

if (require.main === module) runAsMain(run);
