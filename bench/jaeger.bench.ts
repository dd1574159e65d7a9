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
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { JaegerEncoder, JaegerExporter } from '@polytrace/exporter-jaeger';
import type { BenchResult } from './lib/result';

const TRACES = 1667;
const SQL = [
  'SELECT id, name, email FROM users WHERE id = $1',
  'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20',
  'SELECT count(*) FROM order_items WHERE order_id = ANY($1)',
  'UPDATE users SET last_seen = now() WHERE id = $1',
  'INSERT INTO audit_log (user_id, action, at) VALUES ($1, $2, now())',
];

/** 10,002 OTel spans shaped like @opentelemetry/instrumentation-http + -pg output, under a NodeSDK-like resource. */
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
// Rates are spans per second of this process's CPU time (user + system), not wall time: the benchmark machine is
// shared, and CPU time is what the exporter costs the application anyway. Sides run interleaved, medians reported.

interface Measured {
  spansPerSec: number;
  bytesPerSpan: number;
}

/**
 * A full GC before each timed run, so that neither side pays (on V8's helper threads, which `cpuUsage` counts) for
 * collecting the other side's garbage.
 */
const fullGc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** `once` encodes all `spans` and returns the bytes produced. */
function timeSync(iterations: number, spans: number, once: () => number): Measured {
  let bytes = 0;
  fullGc();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) bytes = once();
  return { spansPerSec: (spans * iterations) / cpuSeconds(start), bytesPerSpan: bytes / spans };
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Exports all spans in batches of 512, `passes` times; `sentBytes` reads the exporter's own byte counter. */
async function timeExport(exporter: SpanExporter, batches: ReadableSpan[][], passes: number, sentBytes: () => number): Promise<Measured> {
  const bytesBefore = sentBytes();
  let exported = 0;
  fullGc();
  const start = process.cpuUsage();
  for (let p = 0; p < passes; p++) {
    for (const b of batches) {
      await exportOnce(exporter, b);
      exported += b.length;
    }
  }
  return { spansPerSec: exported / cpuSeconds(start), bytesPerSpan: (sentBytes() - bytesBefore) / exported };
}

/** A UDP port nothing listens on: datagrams are discarded by the kernel, so no receiver competes for our CPU. */
async function unusedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function medians(runs: Measured[]): Measured {
  return { spansPerSec: median(runs.map((r) => r.spansPerSec)), bytesPerSpan: median(runs.map((r) => r.bytesPerSpan)) };
}

export async function run(options: { quick: boolean }): Promise<BenchResult[]> {
  const rounds = options.quick ? 3 : 7;
  const iterations = options.quick ? 3 : 8;
  const spans = makeOtelSpans();
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
  timeSync(3, n, peerOnce); // warm-up (JIT, buffers grown)
  timeSync(3, n, oursOnce(encoders.compact));
  timeSync(3, n, oursOnce(encoders.binary));
  const runs: Record<'peer' | 'compact' | 'binary', Measured[]> = { peer: [], compact: [], binary: [] };
  for (let r = 0; r < rounds; r++) {
    runs.peer.push(timeSync(Math.max(1, Math.floor(iterations / 4)), n, peerOnce));
    runs.compact.push(timeSync(iterations, n, oursOnce(encoders.compact)));
    runs.binary.push(timeSync(iterations, n, oursOnce(encoders.binary)));
  }
  const peerEncode = medians(runs.peer);
  for (const proto of ['compact', 'binary'] as const) {
    const ours = medians(runs[proto]);
    results.push(
      { name: `jaeger encode (${proto}) spans→datagrams`, unit: 'spans/s', ours: ours.spansPerSec, peer: peerEncode.spansPerSec, peerName, ratio: ours.spansPerSec / peerEncode.spansPerSec, note: 'CPU time' },
      { name: `jaeger datagram size (${proto})`, unit: 'bytes/span', ours: ours.bytesPerSpan, peer: peerEncode.bytesPerSpan, peerName, ratio: peerEncode.bytesPerSpan / ours.bytesPerSpan, note: 'ratio = peer/ours (>1: ours smaller)' },
    );
  }

  // 2. the real exporters end to end, UDP to the loopback
  const port = await unusedUdpPort();
  const batches: ReadableSpan[][] = [];
  for (let i = 0; i < n; i += 512) batches.push(spans.slice(i, i + 512));
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
    await timeExport(ours, batches, 1, () => ours.getStats().bytesSent); // warm-up
    await timeExport(peer, batches, 1, () => peerBytes);
    const exportRuns: Record<'ours' | 'peer', Measured[]> = { ours: [], peer: [] };
    for (let r = 0; r < rounds; r++) {
      exportRuns.ours.push(await timeExport(ours, batches, passes, () => ours.getStats().bytesSent));
      exportRuns.peer.push(await timeExport(peer, batches, passes, () => peerBytes));
    }
    const o = medians(exportRuns.ours);
    const p = medians(exportRuns.peer);
    const exportPeer = '@opentelemetry/exporter-jaeger 2.11 export() (UDP binary)';
    results.push(
      { name: 'jaeger export() over UDP, batches of 512', unit: 'spans/s', ours: o.spansPerSec, peer: p.spansPerSec, peerName: exportPeer, ratio: o.spansPerSec / p.spansPerSec, note: 'CPU time; ours: JaegerExporter, compact' },
      { name: 'jaeger export() bytes sent', unit: 'bytes/span', ours: o.bytesPerSpan, peer: p.bytesPerSpan, peerName: exportPeer, ratio: p.bytesPerSpan / o.bytesPerSpan, note: 'ratio = peer/ours (>1: ours smaller)' },
    );
  } finally {
    await ours.shutdown();
    await peer.shutdown();
  }
  return results;
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  run({ quick }).then(
    (results) => {
      for (const r of results) {
        console.log(
          `${r.name.padEnd(46)} ${r.unit.padEnd(10)} ours ${r.ours.toFixed(r.ours < 1000 ? 1 : 0).padStart(9)}  ` +
            `peer ${r.peer?.toFixed((r.peer ?? 0) < 1000 ? 1 : 0).padStart(9)}  ratio ${r.ratio?.toFixed(2)}  [${r.peerName}]${r.note ? ` (${r.note})` : ''}`,
        );
      }
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
