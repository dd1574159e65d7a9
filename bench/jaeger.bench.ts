/**
 * Jaeger exporter: spans/s and bytes/span against `@opentelemetry/exporter-jaeger` 2.11 (its `spanToThrift`
 * transform + jaeger-client 3.19's UDP sender, i.e. its thriftrw serialization) on the same 10,002 realistic OTel
 * spans (1,667 traces: an HTTP server span with 5 SQL children, a NodeSDK-like resource), in one run.
 *   cd /work/main && npx tsx --conditions=polytrace-src bench/jaeger.bench.ts [--quick]
 *
 * 1. encode: ReadableSpan[] → finished UDP datagrams, no I/O. Ours: `JaegerEncoder` (mapping + Thrift compact or
 *    binary, exact-size packing). Peer: `spanToThrift` per span + `UDPSender.append`/`flush` with the socket send
 *    replaced by a byte counter (everything the OTel exporter does per span except its per-span promise).
 * 2. export: the real exporters end to end over UDP to a loopback port nothing listens on, in batches of 512 spans
 *    (the OTel BatchSpanProcessor default), each export awaited; bytes counted where they are sent.
 * Rates are spans per CPU-second of this process (the machine is shared; CPU time is the cost to the app).
 */
import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { JaegerEncoder, JaegerExporter } from '@polytrace/exporter-jaeger';
import { compareCpuRounds, type CpuContender, type CpuRoundsOptions } from './lib/cpu-rounds';
import { runAsMain } from './lib/main';
import { inBatches, makeShopSpans, NODE_SDK_RESOURCE } from './lib/realistic-spans';
import type { BenchResult } from './lib/result';
import { higherIsBetter, lowerIsBetter } from './lib/rows';

// --- the peer: @opentelemetry/exporter-jaeger's transform + jaeger-client's UDPSender -------------------------------

type ThriftSpan = object;
type SendCallback = (error: Error | null, bytes: number) => void;
type PeerSend = (buf: Buffer, offset: number, length: number, port: number, host: string, cb: SendCallback) => void;
interface UdpSender {
  _client: { send: PeerSend; close(): void };
  setProcess(process: { serviceName: string; tags: unknown[] }): void;
  append(span: ThriftSpan, cb: (count: number, err?: string) => void): void;
  flush(cb: (count: number, err?: string) => void): void;
  close(): void;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { spanToThrift } = require('@opentelemetry/exporter-jaeger/build/src/transform') as { spanToThrift: (s: ReadableSpan) => ThriftSpan };
const UDPSender = (require('jaeger-client/dist/src/reporters/udp_sender') as { default: new (o: object) => UdpSender }).default;
const ThriftUtils = (require('jaeger-client/dist/src/thrift') as { default: { getThriftTags(t: unknown[]): unknown[] } }).default;
const { JaegerExporter: OtelJaegerExporter } = require('@opentelemetry/exporter-jaeger') as { JaegerExporter: new (c: object) => SpanExporter };
/* eslint-enable @typescript-eslint/no-require-imports */

/** A UDPSender as the OTel exporter sets it up, whose socket only counts the datagrams it is given. */
function countingPeerSender(): { sender: UdpSender; bytes: () => number } {
  const sender = new UDPSender({ host: '127.0.0.1', port: 9 });
  sender._client.close(); // never used: send is replaced below
  let total = 0;
  sender._client.send = (_buf, _offset, length, _port, _host, cb) => {
    total += length;
    cb(null, length);
  };
  sender.setProcess({ serviceName: 'shop-api', tags: ThriftUtils.getThriftTags([]) });
  return { sender, bytes: () => total };
}

// --- measurement -------------------------------------------------------------------------------------------------

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Exports every batch once per call, each export awaited; `sentBytes` reads the exporter's own byte counter. */
function exportContender(exporter: SpanExporter, batches: ReadableSpan[][], sentBytes: () => number): CpuContender {
  return {
    spans: batches.reduce((n, b) => n + b.length, 0),
    once: async () => {
      const before = sentBytes();
      for (const b of batches) await exportOnce(exporter, b);
      return sentBytes() - before;
    },
  };
}

/** A UDP port nothing listens on: datagrams are discarded by the kernel, so no receiver competes for our CPU. */
async function unusedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  const rounds = options.quick ? 3 : 7;
  const iterations = options.quick ? 3 : 8;
  const spans = makeShopSpans(NODE_SDK_RESOURCE);
  const n = spans.length;
  const peerName = '@opentelemetry/exporter-jaeger transform + jaeger-client UDPSender (binary)';
  const results: BenchResult[] = [];

  // 1. encoding only
  const peerOnce = (): number => {
    const { sender, bytes } = countingPeerSender();
    for (const s of spans) sender.append(spanToThrift(s), () => undefined);
    sender.flush(() => undefined);
    return bytes();
  };
  const encoders = {
    compact: new JaegerEncoder({ target: 'agent-compact', processTags: { 'client-uuid': '6a1f4b1e-2d3c-4e5f-8a9b-0c1d2e3f4a5b' } }),
    binary: new JaegerEncoder({ target: 'agent-binary', processTags: { 'client-uuid': '6a1f4b1e-2d3c-4e5f-8a9b-0c1d2e3f4a5b' } }),
  };
  const oursOnce = (e: JaegerEncoder) => (): number => e.encode(spans).reduce((sum, p) => sum + p.body.byteLength, 0);
  // Medians of interleaved rounds, a full GC before each timed run (V8's helper threads, which `cpuUsage` counts,
  // would otherwise make one side pay for collecting the other's garbage); the much slower peer does a quarter of the calls.
  const measuring: CpuRoundsOptions = { rounds, warmup: { calls: 3 }, round: { calls: iterations }, pick: 'median', gcBeforeEachRun: true };
  const [peerEncode, compact, binary] = await compareCpuRounds([
    { spans: n, once: peerOnce, callsPerRound: Math.max(1, Math.floor(iterations / 4)) },
    { spans: n, once: oursOnce(encoders.compact) },
    { spans: n, once: oursOnce(encoders.binary) },
  ], measuring);
  for (const [proto, ours] of [['compact', compact], ['binary', binary]] as const) {
    results.push(
      higherIsBetter({ name: `jaeger encode (${proto}) spans→datagrams`, unit: 'spans/s', ours: ours.spansPerSec, peer: peerEncode.spansPerSec, peerName, note: 'CPU time' }),
      lowerIsBetter({ name: `jaeger datagram size (${proto})`, unit: 'bytes/span', ours: ours.bytesPerSpan, peer: peerEncode.bytesPerSpan, peerName }),
    );
  }

  // 2. the real exporters end to end, UDP to the loopback
  const port = await unusedUdpPort();
  const batches = inBatches(spans, 512);
  const ours = new JaegerExporter({ host: '127.0.0.1', port, agentProtocol: 'compact', env: {} });
  const peer = new OtelJaegerExporter({ host: '127.0.0.1', port });
  try {
    await exportOnce(peer, batches[0]); // creates its sender, whose socket we can now count on
    let peerBytes = 0;
    const client = (peer as unknown as { _sender: UdpSender })._sender._client;
    const send = client.send.bind(client);
    client.send = (buf, offset, length, p, host, cb) => {
      peerBytes += length;
      send(buf, offset, length, p, host, cb);
    };
    const passes = options.quick ? 1 : 3;
    const [o, p] = await compareCpuRounds([
      exportContender(ours, batches, () => ours.getStats().bytesSent),
      exportContender(peer, batches, () => peerBytes),
    ], { ...measuring, warmup: { calls: 1 }, round: { calls: passes } });
    const exportPeer = '@opentelemetry/exporter-jaeger 2.11 export() (UDP binary)';
    results.push(
      higherIsBetter({ name: 'jaeger export() over UDP, batches of 512', unit: 'spans/s', ours: o.spansPerSec, peer: p.spansPerSec, peerName: exportPeer, note: 'CPU time; ours: JaegerExporter, compact' }),
      lowerIsBetter({ name: 'jaeger export() bytes sent', unit: 'bytes/span', ours: o.bytesPerSpan, peer: p.bytesPerSpan, peerName: exportPeer }),
    );
  } finally {
    await ours.shutdown();
    await peer.shutdown();
  }
  return results;
}

if (require.main === module) runAsMain(run);
