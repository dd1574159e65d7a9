/**
 * Fault-injecting HTTP server for exporter tests, on 127.0.0.1:0 or a Unix domain socket.
 *
 *   const server = await FaultyServer.start();                // or { socketPath: FaultyServer.tempSocketPath() }
 *   server.setFault({ kind: 'status', status: 503 });         // every request from now on
 *   server.enqueue({ kind: 'reset' }, { kind: 'hang' });      // the next two requests, then back to the default
 *   await waitFor(() => server.accepted.length >= 1);
 *   await server.close();
 *
 * Faults: ok (2xx + body), status (any code, headers such as Retry-After, body), reset (socket destroyed after the
 * request head arrived, mid-request), hang (never answers; sockets destroyed on close), tooLarge (413 when the body
 * exceeds maxBodyBytes, else ok). `refusedUrl()` / `refusedSocketPath()` give endpoints where nobody listens.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { waitFor as pollUntil } from './wait-for';

export type Fault =
  | { kind: 'ok'; status?: number; body?: string; headers?: Record<string, string> }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'tooLarge'; maxBodyBytes: number };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** the fault that answered this request */
  fault: Fault['kind'];
  /** status sent, undefined for reset/hang */
  status: number | undefined;
  /** Date.now() when the request head arrived */
  receivedAt: number;
}

export interface FaultyServerOptions {
  /** listen on this Unix socket path instead of 127.0.0.1:0 */
  socketPath?: string;
  /** default fault (ok 200 if not given) */
  fault?: Fault;
}

let socketCounter = 0;

export class FaultyServer {
  /** every request that reached the handler, in arrival order */
  readonly requests: RecordedRequest[] = [];
  private fault: Fault;
  private readonly script: Fault[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly socketPath: string | undefined,
    fault: Fault,
  ) {
    this.fault = fault;
  }

  static tempSocketPath(): string {
    return path.join(os.tmpdir(), `polytrace-faulty-${process.pid}-${++socketCounter}.sock`);
  }

  static async start(options: FaultyServerOptions = {}): Promise<FaultyServer> {
    let instance: FaultyServer | undefined;
    const server = http.createServer((req, res) => instance?.handle(req, res));
    server.keepAliveTimeout = 60_000;
    const socketPath = options.socketPath;
    if (socketPath !== undefined) fs.rmSync(socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (socketPath !== undefined) server.listen(socketPath, resolve);
      else server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    const url = socketPath !== undefined ? `unix://${socketPath}` : `http://127.0.0.1:${(address as net.AddressInfo).port}`;
    instance = new FaultyServer(server, url, socketPath, options.fault ?? { kind: 'ok' });
    server.on('connection', (socket) => {
      instance?.sockets.add(socket);
      socket.on('close', () => instance?.sockets.delete(socket));
    });
    return instance;
  }

  /** the default behaviour for every request not covered by `enqueue` */
  setFault(fault: Fault): void {
    this.fault = fault;
  }

  /** behaviours for the next requests, in order; then the default applies again */
  enqueue(...faults: Fault[]): void {
    this.script.push(...faults);
  }

  /** requests answered with 2xx */
  get accepted(): RecordedRequest[] {
    return this.requests.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300);
  }

  /** open client connections right now */
  get connectionCount(): number {
    return this.sockets.size;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const fault = this.script.shift() ?? this.fault;
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.alloc(0),
      fault: fault.kind,
      status: undefined,
      receivedAt: Date.now(),
    };
    this.requests.push(record);
    if (fault.kind === 'reset') {
      // mid-request: the client is still uploading or waiting; RST where supported
      const socket = req.socket;
      try {
        socket.resetAndDestroy(); // TCP only
      } catch {
        socket.destroy(); // Unix sockets have no RST
      }
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      record.body = Buffer.concat(chunks);
      if (fault.kind === 'hang') return;
      let status: number;
      let body = '';
      let headers: Record<string, string> = {};
      if (fault.kind === 'tooLarge') status = record.body.length > fault.maxBodyBytes ? 413 : 200;
      else {
        status = fault.status ?? 200;
        body = fault.body ?? '';
        headers = fault.headers ?? {};
      }
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
      res.end(body);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.socketPath !== undefined) fs.rmSync(this.socketPath, { force: true });
  }
}

/** An http URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A unix: URL whose socket file does not exist (ENOENT, the UDS form of "refused"). */
export function refusedSocketUrl(): string {
  return `unix://${FaultyServer.tempSocketPath()}`;
}

/** Polls `condition` until it holds or `timeoutMillis` (generous by default: loaded 2-core CI) passes. */
export async function waitFor(condition: () => boolean, timeoutMillis = 20_000, what = 'condition'): Promise<void> {
  await pollUntil(condition, what, timeoutMillis);
}
