// Capture sinks for the end-to-end benchmarks. They only store raw payloads while load runs (so decoding costs no CPU
// during a measurement) and count spans afterwards with independent decoders. A sink can also play a dead backend
// ("down": nothing listens) or a hung one ("hang": accepts, never answers).
import * as http from 'node:http';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { decode as decodeMsgpack } from '@msgpack/msgpack';
import { countJaegerBatchSpans } from './thrift-count';

export type SinkBehaviour = 'healthy' | 'down' | 'hang';
export type SinkKind = 'datadog' | 'zipkin' | 'jaeger';

export interface Sink {
  readonly kind: SinkKind;
  readonly behaviour: SinkBehaviour;
  /** Env variables that point each tracer at this sink. */
  readonly port: number;
  /** Spans received since the last reset (decodes what was stored). */
  countSpans(): number;
  payloads(): number;
  reset(): void;
  close(): Promise<void>;
}

const MAX_STORED_BYTES = 512 * 1024 * 1024;

export async function startSink(kind: SinkKind, behaviour: SinkBehaviour = 'healthy'): Promise<Sink> {
  if (behaviour === 'down') return deadSink(kind);
  return kind === 'jaeger' ? udpSink(behaviour) : httpSink(kind, behaviour);
}

/** A port that nothing listens on: grab a free port, then release it. */
async function deadSink(kind: SinkKind): Promise<Sink> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return { kind, behaviour: 'down', port, countSpans: () => 0, payloads: () => 0, reset() {}, close: async () => {} };
}

async function httpSink(kind: 'datadog' | 'zipkin', behaviour: SinkBehaviour): Promise<Sink> {
  let bodies: Array<{ path: string; encoding: string; body: Buffer }> = [];
  let stored = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/info') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: 'bench', endpoints: ['/v0.4/traces', '/v0.5/traces', '/info'] }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (stored + body.length <= MAX_STORED_BYTES) {
        bodies.push({ path: req.url ?? '', encoding: String(req.headers['content-encoding'] ?? ''), body });
        stored += body.length;
      }
      if (behaviour === 'hang') return; // never answer
      if (kind === 'datadog') {
        res.setHeader('content-type', 'application/json');
        res.end('{"rate_by_service":{}}');
      } else {
        res.statusCode = 202;
        res.end();
      }
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let counted = 0;
  let countedBodies = 0;
  const countSpans = (): number => {
    for (; countedBodies < bodies.length; countedBodies++) {
      const { path, encoding, body } = bodies[countedBodies];
      counted += kind === 'datadog' ? countDatadog(path, body) : countZipkin(encoding, body);
    }
    return counted;
  };
  return {
    kind, behaviour, port, countSpans,
    payloads: () => bodies.length,
    reset() { bodies = []; stored = 0; counted = 0; countedBodies = 0; },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

async function udpSink(behaviour: SinkBehaviour): Promise<Sink> {
  let datagrams: Buffer[] = [];
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(16 * 1024 * 1024);
  socket.on('message', (msg) => { if (behaviour === 'healthy') datagrams.push(msg); });
  const port = socket.address().port;
  let counted = 0;
  let countedDatagrams = 0;
  return {
    kind: 'jaeger', behaviour, port,
    countSpans() {
      for (; countedDatagrams < datagrams.length; countedDatagrams++) counted += countJaegerBatchSpans(datagrams[countedDatagrams]);
      return counted;
    },
    payloads: () => datagrams.length,
    reset() { datagrams = []; counted = 0; countedDatagrams = 0; },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function countDatadog(path: string, body: Buffer): number {
  try {
    const decoded = decodeMsgpack(body) as unknown;
    const traces = path.includes('v0.5') ? (decoded as unknown[])[1] : decoded;
    return (traces as unknown[][]).reduce((n, t) => n + t.length, 0);
  } catch {
    return 0;
  }
}

function countZipkin(encoding: string, body: Buffer): number {
  try {
    const raw = encoding === 'gzip' ? zlib.gunzipSync(body) : body;
    return (JSON.parse(raw.toString('utf8')) as unknown[]).length;
  } catch {
    return 0;
  }
}
