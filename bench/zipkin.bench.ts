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
 *    the bridge does per request except the socket read and the exporter it hands the spans to; and the bridge's
 *    whole request handler in process (adds the body read and the late-data/shared-span buffering stages).
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { decodeZipkin, encodeZipkinPayload } from '@polytrace/exporter-zipkin';
import { createZipkinBridge, SharedSpanRewriter, ZipkinSpanConverter } from '@polytrace/zipkin-bridge';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { compareCpuRounds, ratioSpread, type CpuContender, type CpuRoundsOptions } from './lib/cpu-rounds';
import { runAsMain } from './lib/main';
import { inBatches, makeShopSpans, NODE_SDK_RESOURCE } from './lib/realistic-spans';
import type { BenchResult } from './lib/result';
import { higherIsBetter, lowerIsBetter } from './lib/rows';

const BATCH = 512;

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

/** A contender that encodes (or decodes) every batch once per call; `bytes` is what one batch produced. */
function overBatches<T>(batches: readonly T[], spans: number, bytes: (batch: T) => number): CpuContender {
  return { spans, once: () => batches.reduce((sum, b) => sum + bytes(b), 0) };
}

/** Drives the bridge's (req, res) handler with in-memory requests; one call resolves once the exporter has every span. */
function bridgeHandler(bodies: readonly Buffer[], spans: number): CpuContender {
  let received = 0;
  let wanted = 0;
  let done: (() => void) | undefined;
  const bridge = createZipkinBridge({
    exporter: {
      export(batch: ReadableSpan[], callback: (result: ExportResult) => void): void {
        received += batch.length;
        callback({ code: ExportResultCode.SUCCESS });
        if (received >= wanted) done?.();
      },
      shutdown: async () => undefined,
    },
  });
  const response = { writeHead: () => response, end: () => response } as unknown as ServerResponse;
  return {
    spans,
    once: () => new Promise<number>((resolve) => {
      received = 0;
      wanted = spans;
      done = () => resolve(bodies.reduce((sum, b) => sum + b.length, 0));
      for (const body of bodies) {
        const req = Object.assign(Readable.from([body]), {
          method: 'POST', url: '/api/v2/spans', headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        }) as unknown as IncomingMessage;
        bridge(req, response);
      }
    }),
  };
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  const seconds = options.quick ? 0.5 : 3;
  // median of 15 interleaved rounds of seconds/15 CPU-s each, after a warm-up of each contender
  const rounds: CpuRoundsOptions = { rounds: 15, warmup: { cpuSeconds: Math.max(0.2, seconds / 4) }, round: { cpuSeconds: seconds / 15 }, pick: 'median' };
  const spans = makeShopSpans(NODE_SDK_RESOURCE);
  const n = spans.length;
  const batches = inBatches(spans, BATCH);
  const peerName = '@opentelemetry/exporter-zipkin toZipkinSpan + JSON.stringify';
  const results: BenchResult[] = [];

  const [peer, ours, proto, gzip] = await compareCpuRounds([
    overBatches(batches, n, (b) => peerEncode(b).length),
    overBatches(batches, n, (b) => encodeZipkinPayload(b).body.byteLength),
    overBatches(batches, n, (b) => encodeZipkinPayload(b, { encoding: 'proto3' }).body.byteLength),
    overBatches(batches, n, (b) => encodeZipkinPayload(b, { compression: 'gzip' }).body.byteLength),
  ], rounds);
  results.push(
    higherIsBetter({ name: 'zipkin encode JSON v2 spans→body', unit: 'spans/CPU-s', ours: ours.spansPerSec, peer: peer.spansPerSec, peerName, note: `target ≥ 1.5×; per-round ratios ${ratioSpread(ours.roundRatios)}` }),
    lowerIsBetter({ name: 'zipkin JSON v2 body size', unit: 'bytes/span', ours: ours.bytesPerSpan, peer: peer.bytesPerSpan, peerName }),
    higherIsBetter({ name: 'zipkin encode proto3 spans→body', unit: 'spans/CPU-s', ours: proto.spansPerSec, peer: peer.spansPerSec, peerName: `${peerName} (JSON; it has no proto3)` }),
    lowerIsBetter({ name: 'zipkin proto3 body size', unit: 'bytes/span', ours: proto.bytesPerSpan, peer: peer.bytesPerSpan, peerName: `${peerName} (JSON)` }),
    lowerIsBetter({ name: 'zipkin JSON v2 + gzip body size', unit: 'bytes/span', ours: gzip.bytesPerSpan, peer: peer.bytesPerSpan, peerName: `${peerName} (no gzip)`, note: `ratio = peer/ours; gzip encode at ${Math.round(gzip.spansPerSec).toLocaleString('en-US')} spans/CPU-s` }),
  );

  // The bridge: decode + shared-span check + conversion, per request body of BATCH spans.
  const [json, proto3] = await compareCpuRounds((['json', 'proto3'] as const).map((encoding) => {
    const bodies = batches.map((b) => Buffer.from(encodeZipkinPayload(b, { encoding }).body));
    const converter = new ZipkinSpanConverter();
    const rewriter = new SharedSpanRewriter();
    const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
    return overBatches(bodies, n, (body) => {
      const decoded = decodeZipkin(body, { api: 'v2', contentType });
      const now = Date.now() * 1000;
      for (const span of rewriter.rewrite(decoded.spans)) converter.convert(span, now);
      return body.length;
    });
  }), rounds);
  // The whole request handler in process (body read, decode, late-data and shared-span buffering, conversion,
  // hand-off to an exporter that accepts at once): what a bridge costs per span apart from the socket.
  const [handler] = await compareCpuRounds([bridgeHandler(batches.map((b) => Buffer.from(encodeZipkinPayload(b).body)), n)], rounds);
  results.push(
    { name: 'zipkin bridge decode+convert (JSON v2)', unit: 'spans/CPU-s', ours: json.spansPerSec, note: 'target ≥ 100,000 spans/s' },
    { name: 'zipkin bridge request handler (JSON v2, in process)', unit: 'spans/CPU-s', ours: handler.spansPerSec, note: 'body read + decode + late-data/shared-span stages + convert + export hand-off' },
    { name: 'zipkin bridge decode+convert (proto3)', unit: 'spans/CPU-s', ours: proto3.spansPerSec },
  );
  return results;
}

if (require.main === module) runAsMain(run, `Zipkin: 10,002 spans (HTTP server + 5 SQL children per trace), batches of ${BATCH}`);
