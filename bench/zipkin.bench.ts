/**
 * Zipkin exporter and bridge: spans/s and bytes/span against `@opentelemetry/exporter-zipkin` 2.12 (its
 * `toZipkinSpan` transform + `JSON.stringify`, exactly what its exporter does per export) on the same 10,002
 * realistic OTel spans (1,667 traces: an HTTP server span with 5 SQL children, a NodeSDK-like resource), in
 * batches of 512 (the BatchSpanProcessor default), in one run.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/zipkin.bench.ts [--quick]
 *
 * Rates are spans per CPU second of this process (median of 15 interleaved rounds, after a warm-up of each candidate),
 * robust on a shared machine; the per-round ratios show the spread.
 * 1. encode: ReadableSpan[] → POST body bytes (Buffer), no I/O. Ours: `encodeZipkinPayload` (mapping + JSON v2,
 *    also proto3 and gzip variants). Peer: `toZipkinSpan` per span + `JSON.stringify` + `Buffer.from`.
 * 2. bridge: a JSON v2 (and proto3) body → decoded, shared-span-checked and converted to ReadableSpans, i.e. all
 *    the bridge does per request except the socket read and the exporter it hands the spans to.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { decodeZipkin, encodeZipkinPayload } from '@polytrace/exporter-zipkin';
import { SharedSpanRewriter, ZipkinSpanConverter } from '@polytrace/zipkin-bridge';
import type { BenchResult } from './lib/result';

const TRACES = 1667;
const BATCH = 512;
const SQL = [
  'SELECT id, name, email FROM users WHERE id = $1',
  'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20',
  'SELECT count(*) FROM order_items WHERE order_id = ANY($1)',
  'UPDATE users SET last_seen = now() WHERE id = $1',
  'INSERT INTO audit_log (user_id, action, at) VALUES ($1, $2, now())',
];

/** OTel spans shaped like @opentelemetry/instrumentation-http + -pg output, under a NodeSDK-like resource. */
export function makeOtelSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'shop-api',
      'service.version': '1.4.2',
      'deployment.environment.name': 'prod',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '2.12.0',
      'host.name': 'shop-api-7d9f8b6c5-x2k4p',
      'host.arch': 'amd64',
      'os.type': 'linux',
      'process.pid': 4242,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': '20.20.2',
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const http = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
  const pg = provider.getTracer('@opentelemetry/instrumentation-pg', '0.76.0');
  for (let t = 0; t < TRACES; t++) {
    const userId = 1000 + (t % 500);
    const server = http.startSpan('GET /users/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET', 'url.scheme': 'http', 'server.address': 'shop.internal', 'server.port': 8080,
        'network.peer.address': '10.0.3.17', 'network.peer.port': 51234 + (t % 1000), 'network.protocol.version': '1.1',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'url.path': `/users/${userId}`,
        'client.address': '10.0.3.17', 'http.route': '/users/:id', 'http.response.status_code': 200,
      },
    });
    const ctx = trace.setSpan(context.active(), server);
    for (let i = 0; i < 5; i++) {
      pg.startSpan(`pg.query:${SQL[i].split(' ')[0]} shop`, {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'server.address': 'db.internal', 'server.port': 5432, 'db.query.text': SQL[i] },
      }, ctx).end();
    }
    server.end();
  }
  return memory.getFinishedSpans();
}

// The peer: what @opentelemetry/exporter-zipkin does per export (zipkin.ts `_sendSpans`: the service name and
// toZipkinSpan per span; util.ts `send`: JSON.stringify, whose string `req.write(payload, 'utf8')` encodes to UTF-8).
/* eslint-disable @typescript-eslint/no-require-imports */
const { toZipkinSpan } = require('@opentelemetry/exporter-zipkin/build/src/transform.js') as {
  toZipkinSpan: (span: ReadableSpan, serviceName: string, statusCodeTagName: string, statusErrorTagName: string) => object;
};
/* eslint-enable @typescript-eslint/no-require-imports */

function peerEncode(batch: ReadableSpan[]): Buffer {
  const fallback = String(batch[0].resource.attributes['service.name'] ?? 'unknown_service');
  const zipkinSpans = batch.map((s) => toZipkinSpan(s, String(s.attributes['service.name'] || s.resource.attributes['service.name'] || fallback), 'otel.status_code', 'error'));
  return Buffer.from(JSON.stringify(zipkinSpans), 'utf8');
}

interface Measured {
  spansPerSec: number;
  bytesPerSpan: number;
  /** this candidate's rate over the first candidate's, per round (rounds alternate, so neighbours share the load) */
  roundRatios: number[];
}

type Once = (batch: never) => number;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** CPU seconds this process used since `start` (user + system). */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Runs `once` over every batch until `seconds` of CPU have passed; returns spans per CPU second. */
function timed(batches: unknown[][], spans: number, once: Once, seconds: number): number {
  let processed = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < seconds) {
    for (const b of batches) once(b as never);
    processed += spans;
    used = cpuSecondsSince(start);
  }
  return processed / used;
}

/**
 * Warms every candidate up (so that each is measured in optimised code, not while the JIT still works on it), then
 * runs them in alternating rounds of ~`seconds / rounds` CPU seconds and reports each one's median round, in spans
 * per CPU second of this process. CPU time and interleaving keep the ratios meaningful on a shared, loaded machine,
 * where wall-clock rates mostly measure the other tenants.
 */
function compare(batches: unknown[][], seconds: number, candidates: Once[], rounds = 15): Measured[] {
  const spans = batches.reduce((n, b) => n + b.length, 0);
  const bytes = candidates.map((once) => batches.reduce((sum, b) => sum + once(b as never), 0));
  for (const once of candidates) timed(batches, spans, once, Math.max(0.2, seconds / 4));
  const rates: number[][] = candidates.map(() => []);
  for (let round = 0; round < rounds; round++) {
    candidates.forEach((once, c) => rates[c].push(timed(batches, spans, once, seconds / rounds)));
  }
  return candidates.map((_, c) => ({
    spansPerSec: median(rates[c]),
    bytesPerSpan: bytes[c] / spans,
    roundRatios: rates[c].map((r, i) => r / rates[0][i]).sort((a, b) => a - b),
  }));
}

/** min–max of the per-round ratios, and their count */
function spread(ratios: number[]): string {
  return `${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}× over ${ratios.length} rounds`;
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  const seconds = options.quick ? 0.5 : 3;
  const spans = makeOtelSpans();
  const batches: ReadableSpan[][] = [];
  for (let i = 0; i < spans.length; i += BATCH) batches.push(spans.slice(i, i + BATCH));
  const peerName = '@opentelemetry/exporter-zipkin toZipkinSpan + JSON.stringify';
  const results: BenchResult[] = [];

  const [peer, ours, proto, gzip] = compare(batches, seconds, [
    (b: ReadableSpan[]) => peerEncode(b).length,
    (b: ReadableSpan[]) => encodeZipkinPayload(b).body.byteLength,
    (b: ReadableSpan[]) => encodeZipkinPayload(b, { encoding: 'proto3' }).body.byteLength,
    (b: ReadableSpan[]) => encodeZipkinPayload(b, { compression: 'gzip' }).body.byteLength,
  ]);
  results.push(
    { name: 'zipkin encode JSON v2 spans→body', unit: 'spans/CPU-s', ours: ours.spansPerSec, peer: peer.spansPerSec, peerName, ratio: ours.spansPerSec / peer.spansPerSec, note: `target ≥ 1.5×; per-round ratios ${spread(ours.roundRatios)}` },
    { name: 'zipkin JSON v2 body size', unit: 'bytes/span', ours: ours.bytesPerSpan, peer: peer.bytesPerSpan, peerName, ratio: peer.bytesPerSpan / ours.bytesPerSpan, note: 'ratio = peer/ours (>1: ours smaller)' },
    { name: 'zipkin encode proto3 spans→body', unit: 'spans/CPU-s', ours: proto.spansPerSec, peer: peer.spansPerSec, peerName: `${peerName} (JSON; it has no proto3)`, ratio: proto.spansPerSec / peer.spansPerSec },
    { name: 'zipkin proto3 body size', unit: 'bytes/span', ours: proto.bytesPerSpan, peer: peer.bytesPerSpan, peerName: `${peerName} (JSON)`, ratio: peer.bytesPerSpan / proto.bytesPerSpan, note: 'ratio = peer/ours (>1: ours smaller)' },
    { name: 'zipkin JSON v2 + gzip body size', unit: 'bytes/span', ours: gzip.bytesPerSpan, peer: peer.bytesPerSpan, peerName: `${peerName} (no gzip)`, ratio: peer.bytesPerSpan / gzip.bytesPerSpan, note: `ratio = peer/ours; gzip encode at ${Math.round(gzip.spansPerSec).toLocaleString('en-US')} spans/CPU-s` },
  );

  // The bridge: decode + shared-span check + conversion, per request body of BATCH spans.
  const bridgeStages = (['json', 'proto3'] as const).map((encoding) => {
    const bodies = batches.map((b) => ({ body: Buffer.from(encodeZipkinPayload(b, { encoding }).body), length: b.length }));
    const converter = new ZipkinSpanConverter();
    const rewriter = new SharedSpanRewriter();
    const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
    return {
      bodies,
      once: (item: { body: Buffer }[]) => {
        const decoded = decodeZipkin(item[0].body, { api: 'v2', contentType });
        const now = Date.now() * 1000;
        for (const span of rewriter.rewrite(decoded.spans)) converter.convert(span, now);
        return item[0].body.length;
      },
    };
  });
  // one "batch" per body, whose length is its span count, so spans/s counts spans, not bodies
  const bodyBatches = bridgeStages[0].bodies.map((b, i) => Object.assign(new Array<unknown>(b.length).fill(null), { 0: [bridgeStages[0].bodies[i], bridgeStages[1].bodies[i]] }));
  const [json, proto3] = compare(bodyBatches, seconds, [
    (b: unknown[]) => bridgeStages[0].once([(b[0] as { body: Buffer }[])[0]]),
    (b: unknown[]) => bridgeStages[1].once([(b[0] as { body: Buffer }[])[1]]),
  ]);
  results.push(
    { name: 'zipkin bridge decode+convert (JSON v2)', unit: 'spans/CPU-s', ours: json.spansPerSec, note: 'target ≥ 100,000 spans/s' },
    { name: 'zipkin bridge decode+convert (proto3)', unit: 'spans/CPU-s', ours: proto3.spansPerSec },
  );
  return results;
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  run({ quick }).then(
    (results) => {
      const fmt = (n: number | undefined, digits = 0): string => (n === undefined ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
      console.log(`Zipkin: 10,002 spans (HTTP server + 5 SQL children per trace), batches of ${BATCH}${quick ? ' (quick)' : ''}\n`);
      console.log('| benchmark | unit | ours | peer | ratio | note |');
      console.log('|---|---|---:|---:|---:|---|');
      for (const r of results) console.log(`| ${r.name} | ${r.unit} | ${fmt(r.ours, r.unit === 'bytes/span' ? 1 : 0)} | ${fmt(r.peer, r.unit === 'bytes/span' ? 1 : 0)} | ${r.ratio === undefined ? '' : `${fmt(r.ratio, 2)}×`} | ${r.note ?? ''} |`);
      console.log(`\npeer: ${results[0].peerName}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
