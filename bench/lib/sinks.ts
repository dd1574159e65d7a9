// Capture sinks for the end-to-end benchmarks. They run in the bench process, which shares the machine with the load
// generator, so while load runs they only keep raw payloads (a body costs one copy, no parse) and count spans later,
// on demand, with independent decoders. Storage is bounded: past the cap a body is refused (413 for one too large,
// 503 when the store is full; a datagram is dropped) and counted, so a runaway tracer shows up instead of filling
// memory. A sink can also play a dead backend ("down": nothing listens) or a hung one ("hang": accepts, never answers).
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
  /** Payloads refused (or datagrams dropped) because the store was full or the body too large; reset by reset(). */
  refused(): number;
  reset(): void;
  close(): Promise<void>;
}

/** Generous: a full HTTP-overhead run keeps ~150 MB of Zipkin JSON per mode, all modes at once, until its end. */
const MAX_STORED_BYTES = 1024 * 1024 * 1024;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

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
  return { kind, behaviour: 'down', port, countSpans: () => 0, payloads: () => 0, refused: () => 0, reset() {}, close: async () => {} };
}

async function httpSink(kind: 'datadog' | 'zipkin', behaviour: SinkBehaviour): Promise<Sink> {
  let bodies: Array<{ path: string; encoding: string; body: Buffer }> = [];
  let stored = 0;
  let refused = 0;
  const sockets = new Set<net.Socket>();
  const answer = (res: http.ServerResponse, status: number): void => {
    if (behaviour === 'hang') return; // never answer
    res.statusCode = status;
    if (status === 200) res.setHeader('content-type', 'application/json');
    res.end(status === 200 ? '{"rate_by_service":{}}' : undefined);
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/info') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: 'bench', endpoints: ['/v0.4/traces', '/v0.5/traces', '/info'] }));
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES || stored + declared > MAX_STORED_BYTES) {
      refused++;
      req.resume(); // drain, so the connection stays usable
      req.on('end', () => answer(res, declared > MAX_BODY_BYTES ? 413 : 503));
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (c: Buffer) => { length += c.length; if (length <= MAX_BODY_BYTES) chunks.push(c); });
    req.on('end', () => {
      if (length > MAX_BODY_BYTES || stored + length > MAX_STORED_BYTES) {
        refused++;
        answer(res, length > MAX_BODY_BYTES ? 413 : 503);
        return;
      }
      bodies.push({ path: req.url ?? '', encoding: String(req.headers['content-encoding'] ?? ''), body: Buffer.concat(chunks, length) });
      stored += length;
      answer(res, kind === 'datadog' ? 200 : 202);
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
    refused: () => refused,
    reset() { bodies = []; stored = 0; refused = 0; counted = 0; countedBodies = 0; },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

async function udpSink(behaviour: SinkBehaviour): Promise<Sink> {
  let datagrams: Buffer[] = [];
  let stored = 0;
  let dropped = 0;
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(16 * 1024 * 1024);
  socket.on('message', (msg) => {
    if (behaviour !== 'healthy') return;
    if (stored + msg.length > MAX_STORED_BYTES) { dropped++; return; }
    datagrams.push(msg);
    stored += msg.length;
  });
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
    refused: () => dropped,
    reset() { datagrams = []; stored = 0; dropped = 0; counted = 0; countedDatagrams = 0; },
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
