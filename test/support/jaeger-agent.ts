/**
 * Capture Jaeger agent + collector for tests.
 *
 * - UDP "compact" port: Thrift compact `Agent.emitBatch` messages (what jaeger-agent serves on 6831).
 * - UDP "binary" port: Thrift binary `Agent.emitBatch` messages (6832; what jaeger-client-node sends).
 * - HTTP collector: `POST /api/traces` with a bare binary-protocol `Batch` (what jaeger-collector serves on 14268).
 *
 * Decoding uses the reference `thrift` package's protocol classes against a hand-written reading of the Jaeger IDL
 * (no codegen step exists in this repo). Like the Go reader used by the real agent/collector, a field whose wire type
 * does not match the IDL is skipped and then counts as "not set", and a missing required field fails the whole
 * message. Failures are recorded in `errors()` so a test can assert that every datagram/body decoded cleanly.
 */
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------------------------
// Minimal typing of the parts of the `thrift` package used here (it ships no type declarations).

interface Int64Like {
  buffer: Buffer;
  offset?: number;
}
interface FieldHeader {
  ftype: number;
  fid: number;
}
interface ThriftReader {
  readMessageBegin(): { fname: string; mtype: number; rseqid: number };
  readStructBegin(): unknown;
  readStructEnd(): void;
  readFieldBegin(): FieldHeader;
  readFieldEnd(): void;
  readListBegin(): { etype: number; size: number };
  readListEnd(): void;
  readBool(): boolean;
  readI32(): number;
  readI64(): Int64Like;
  readDouble(): number;
  readString(): string;
  readBinary(): Buffer;
  skip(type: number): void;
}
interface ReadableTransport {
  inBuf: Buffer;
  readCursor: number;
  writeCursor: number;
}
interface ThriftModule {
  TBufferedTransport: new () => ReadableTransport;
  TBinaryProtocol: new (t: ReadableTransport) => ThriftReader;
  TCompactProtocol: new (t: ReadableTransport) => ThriftReader;
  toBigInt(v: Int64Like): bigint;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const thrift = require('thrift') as ThriftModule;

/** Thrift TType ids as returned by both protocols' readFieldBegin/readListBegin. */
const T = { STOP: 0, BOOL: 2, DOUBLE: 4, I32: 8, I64: 10, STRING: 11, STRUCT: 12, LIST: 15 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Decoded Jaeger model (i64 as bigint, exactly as on the wire).

export const TagType = { STRING: 0, DOUBLE: 1, BOOL: 2, LONG: 3, BINARY: 4 } as const;
export const SpanRefType = { CHILD_OF: 0, FOLLOWS_FROM: 1 } as const;

export interface JaegerTag {
  key: string;
  vType: number;
  vStr?: string;
  vDouble?: number;
  vBool?: boolean;
  vLong?: bigint;
  vBinary?: Buffer;
}
export interface JaegerLog {
  timestamp: bigint;
  fields: JaegerTag[];
}
export interface JaegerSpanRef {
  refType: number;
  traceIdLow: bigint;
  traceIdHigh: bigint;
  spanId: bigint;
}
export interface JaegerSpan {
  traceIdLow: bigint;
  traceIdHigh: bigint;
  spanId: bigint;
  parentSpanId: bigint;
  operationName: string;
  references?: JaegerSpanRef[];
  flags: number;
  startTime: bigint;
  duration: bigint;
  tags?: JaegerTag[];
  logs?: JaegerLog[];
}
export interface JaegerProcess {
  serviceName: string;
  tags?: JaegerTag[];
}
export interface JaegerClientStats {
  fullQueueDroppedSpans: bigint;
  tooLargeDroppedSpans: bigint;
  failedToEmitSpans: bigint;
}
export interface JaegerBatch {
  process: JaegerProcess;
  spans: JaegerSpan[];
  seqNo?: bigint;
  stats?: JaegerClientStats;
}

export type Channel = 'compact' | 'binary' | 'http';

export interface CapturedBatch extends JaegerBatch {
  channel: Channel;
  /** Size in bytes of the datagram or HTTP body that carried this batch. */
  size: number;
  /** For UDP: the message header (name must be `emitBatch`; type CALL=1 or ONEWAY=4). */
  message?: { name: string; type: number; seqid: number };
  /** For HTTP: the request headers. */
  headers?: http.IncomingHttpHeaders;
}

export interface CapturedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodySize: number;
  status: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Strict IDL reader.

class DecodeError extends Error {}

type FieldReader = (p: ThriftReader, fid: number, ftype: number) => boolean;

/** Reads one struct; `onField` returns false for unknown/mistyped fields, which are skipped (as Go does). */
function readStruct(p: ThriftReader, onField: FieldReader): void {
  p.readStructBegin();
  for (;;) {
    const { ftype, fid } = p.readFieldBegin();
    if (ftype === T.STOP) break;
    if (!onField(p, fid, ftype)) p.skip(ftype);
    p.readFieldEnd();
  }
  p.readStructEnd();
}

function readList<E>(p: ThriftReader, etype: number, readElem: (p: ThriftReader) => E): E[] | undefined {
  const h = p.readListBegin();
  if (h.etype !== etype && h.size > 0) {
    for (let i = 0; i < h.size; i++) p.skip(h.etype);
    p.readListEnd();
    return undefined;
  }
  const out: E[] = [];
  for (let i = 0; i < h.size; i++) out.push(readElem(p));
  p.readListEnd();
  return out;
}

function required<V>(struct: string, field: string, v: V | undefined): V {
  if (v === undefined) throw new DecodeError(`Required field ${struct}.${field} is not set`);
  return v;
}

const i64 = (p: ThriftReader): bigint => thrift.toBigInt(p.readI64());

function readTag(p: ThriftReader): JaegerTag {
  let key: string | undefined;
  let vType: number | undefined;
  const tag: Partial<JaegerTag> = {};
  readStruct(p, (p, fid, ft) => {
    if (fid === 1 && ft === T.STRING) key = p.readString();
    else if (fid === 2 && ft === T.I32) vType = p.readI32();
    else if (fid === 3 && ft === T.STRING) tag.vStr = p.readString();
    else if (fid === 4 && ft === T.DOUBLE) tag.vDouble = p.readDouble();
    else if (fid === 5 && ft === T.BOOL) tag.vBool = p.readBool();
    else if (fid === 6 && ft === T.I64) tag.vLong = i64(p);
    else if (fid === 7 && ft === T.STRING) tag.vBinary = p.readBinary();
    else return false;
    return true;
  });
  return { key: required('Tag', 'key', key), vType: required('Tag', 'vType', vType), ...tag };
}

function readLog(p: ThriftReader): JaegerLog {
  let timestamp: bigint | undefined;
  let fields: JaegerTag[] | undefined;
  readStruct(p, (p, fid, ft) => {
    if (fid === 1 && ft === T.I64) timestamp = i64(p);
    else if (fid === 2 && ft === T.LIST) fields = readList(p, T.STRUCT, readTag);
    else return false;
    return true;
  });
  return { timestamp: required('Log', 'timestamp', timestamp), fields: required('Log', 'fields', fields) };
}

function readSpanRef(p: ThriftReader): JaegerSpanRef {
  const r: Partial<JaegerSpanRef> = {};
  readStruct(p, (p, fid, ft) => {
    if (fid === 1 && ft === T.I32) r.refType = p.readI32();
    else if (fid === 2 && ft === T.I64) r.traceIdLow = i64(p);
    else if (fid === 3 && ft === T.I64) r.traceIdHigh = i64(p);
    else if (fid === 4 && ft === T.I64) r.spanId = i64(p);
    else return false;
    return true;
  });
  return {
    refType: required('SpanRef', 'refType', r.refType),
    traceIdLow: required('SpanRef', 'traceIdLow', r.traceIdLow),
    traceIdHigh: required('SpanRef', 'traceIdHigh', r.traceIdHigh),
    spanId: required('SpanRef', 'spanId', r.spanId),
  };
}

function readSpan(p: ThriftReader): JaegerSpan {
  const s: Partial<JaegerSpan> = {};
  readStruct(p, (p, fid, ft) => {
    if (fid === 1 && ft === T.I64) s.traceIdLow = i64(p);
    else if (fid === 2 && ft === T.I64) s.traceIdHigh = i64(p);
    else if (fid === 3 && ft === T.I64) s.spanId = i64(p);
    else if (fid === 4 && ft === T.I64) s.parentSpanId = i64(p);
    else if (fid === 5 && ft === T.STRING) s.operationName = p.readString();
    else if (fid === 6 && ft === T.LIST) s.references = readList(p, T.STRUCT, readSpanRef);
    else if (fid === 7 && ft === T.I32) s.flags = p.readI32();
    else if (fid === 8 && ft === T.I64) s.startTime = i64(p);
    else if (fid === 9 && ft === T.I64) s.duration = i64(p);
    else if (fid === 10 && ft === T.LIST) s.tags = readList(p, T.STRUCT, readTag);
    else if (fid === 11 && ft === T.LIST) s.logs = readList(p, T.STRUCT, readLog);
    else return false;
    return true;
  });
  const span: JaegerSpan = {
    traceIdLow: required('Span', 'traceIdLow', s.traceIdLow),
    traceIdHigh: required('Span', 'traceIdHigh', s.traceIdHigh),
    spanId: required('Span', 'spanId', s.spanId),
    parentSpanId: required('Span', 'parentSpanId', s.parentSpanId),
    operationName: required('Span', 'operationName', s.operationName),
    flags: required('Span', 'flags', s.flags),
    startTime: required('Span', 'startTime', s.startTime),
    duration: required('Span', 'duration', s.duration),
  };
  if (s.references) span.references = s.references;
  if (s.tags) span.tags = s.tags;
  if (s.logs) span.logs = s.logs;
  return span;
}

function readProcess(p: ThriftReader): JaegerProcess {
  let serviceName: string | undefined;
  let tags: JaegerTag[] | undefined;
  readStruct(p, (p, fid, ft) => {
    if (fid === 1 && ft === T.STRING) serviceName = p.readString();
    else if (fid === 2 && ft === T.LIST) tags = readList(p, T.STRUCT, readTag);
    else return false;
    return true;
  });
  const proc: JaegerProcess = { serviceName: required('Process', 'serviceName', serviceName) };
  if (tags) proc.tags = tags;
  return proc;
}

function readClientStats(p: ThriftReader): JaegerClientStats {
  const s: Partial<JaegerClientStats> = {};
  readStruct(p, (p, fid, ft) => {
    if (ft !== T.I64) return false;
    if (fid === 1) s.fullQueueDroppedSpans = i64(p);
    else if (fid === 2) s.tooLargeDroppedSpans = i64(p);
    else if (fid === 3) s.failedToEmitSpans = i64(p);
    else return false;
    return true;
  });
  return {
    fullQueueDroppedSpans: required('ClientStats', 'fullQueueDroppedSpans', s.fullQueueDroppedSpans),
    tooLargeDroppedSpans: required('ClientStats', 'tooLargeDroppedSpans', s.tooLargeDroppedSpans),
    failedToEmitSpans: required('ClientStats', 'failedToEmitSpans', s.failedToEmitSpans),
  };
}

function readBatch(p: ThriftReader): JaegerBatch {
  let process: JaegerProcess | undefined;
  let spans: JaegerSpan[] | undefined;
  let seqNo: bigint | undefined;
  let stats: JaegerClientStats | undefined;
  readStruct(p, (p, fid, ft) => {
    if (fid === 1 && ft === T.STRUCT) process = readProcess(p);
    else if (fid === 2 && ft === T.LIST) spans = readList(p, T.STRUCT, readSpan);
    else if (fid === 3 && ft === T.I64) seqNo = i64(p);
    else if (fid === 4 && ft === T.STRUCT) stats = readClientStats(p);
    else return false;
    return true;
  });
  const batch: JaegerBatch = { process: required('Batch', 'process', process), spans: required('Batch', 'spans', spans) };
  if (seqNo !== undefined) batch.seqNo = seqNo;
  if (stats) batch.stats = stats;
  return batch;
}

function readerFor(buf: Buffer, protocol: 'compact' | 'binary'): { p: ThriftReader; t: ReadableTransport } {
  const t = new thrift.TBufferedTransport();
  t.inBuf = buf;
  t.readCursor = 0;
  t.writeCursor = buf.length;
  const p = protocol === 'compact' ? new thrift.TCompactProtocol(t) : new thrift.TBinaryProtocol(t);
  return { p, t };
}

function assertFullyConsumed(t: ReadableTransport): void {
  if (t.readCursor !== t.writeCursor) {
    throw new DecodeError(`${t.writeCursor - t.readCursor} trailing bytes after the message`);
  }
}

/** Decodes one agent datagram: an `Agent.emitBatch` message envelope + `emitBatch_args { 1: Batch }`. */
export function decodeEmitBatch(
  buf: Buffer,
  protocol: 'compact' | 'binary',
): { message: { name: string; type: number; seqid: number }; batch: JaegerBatch } {
  const { p, t } = readerFor(buf, protocol);
  const m = p.readMessageBegin();
  if (m.fname !== 'emitBatch') throw new DecodeError(`unexpected method ${JSON.stringify(m.fname)}`);
  let batch: JaegerBatch | undefined;
  readStruct(p, (p, fid, ft) => {
    if (fid === 1 && ft === T.STRUCT) batch = readBatch(p);
    else return false;
    return true;
  });
  assertFullyConsumed(t);
  return { message: { name: m.fname, type: m.mtype, seqid: m.rseqid }, batch: required('emitBatch_args', 'batch', batch) };
}

/** Decodes a collector body: a bare binary-protocol `Batch`. */
export function decodeBatch(buf: Buffer, protocol: 'compact' | 'binary' = 'binary'): JaegerBatch {
  const { p, t } = readerFor(buf, protocol);
  const batch = readBatch(p);
  assertFullyConsumed(t);
  return batch;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for assertions.

/** 16 lower-case hex digits of an i64 re-interpreted as unsigned (how Jaeger shows ids). */
export function i64ToHex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}
/** The 32-hex OTel trace id of a decoded span or reference. */
export function traceIdHex(s: { traceIdHigh: bigint; traceIdLow: bigint }): string {
  return i64ToHex(s.traceIdHigh) + i64ToHex(s.traceIdLow);
}
/** Tags by key (the last one wins on duplicates). */
export function tagsByKey(tags: readonly JaegerTag[] | undefined): Map<string, JaegerTag> {
  return new Map((tags ?? []).map((t) => [t.key, t]));
}
/** The value carried by a tag, according to its vType. */
export function tagValue(t: JaegerTag): string | number | boolean | bigint | Buffer | undefined {
  switch (t.vType) {
    case TagType.STRING:
      return t.vStr;
    case TagType.DOUBLE:
      return t.vDouble;
    case TagType.BOOL:
      return t.vBool;
    case TagType.LONG:
      return t.vLong;
    case TagType.BINARY:
      return t.vBinary;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The capture servers.

export interface JaegerAgentOptions {
  /** SO_RCVBUF for the UDP sockets (bursts of large datagrams on loopback). Default 4 MiB. */
  receiveBufferBytes?: number;
  /** Status the collector answers to a well-formed POST /api/traces. Default 202. */
  collectorStatus?: number;
}

export class JaegerCaptureAgent {
  private readonly captured: CapturedBatch[] = [];
  private readonly requestLog: CapturedRequest[] = [];
  private readonly datagramLog: { channel: 'compact' | 'binary'; size: number }[] = [];
  private readonly errorLog: string[] = [];
  private readonly statusQueue: number[] = [];
  private defaultStatus: number;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly compactSocket: dgram.Socket,
    private readonly binarySocket: dgram.Socket,
    private readonly server: http.Server,
    options: JaegerAgentOptions,
  ) {
    this.defaultStatus = options.collectorStatus ?? 202;
  }

  static async start(options: JaegerAgentOptions = {}): Promise<JaegerCaptureAgent> {
    const rcvbuf = options.receiveBufferBytes ?? 4 * 1024 * 1024;
    const compact = dgram.createSocket({ type: 'udp4', recvBufferSize: rcvbuf });
    const binary = dgram.createSocket({ type: 'udp4', recvBufferSize: rcvbuf });
    const server = http.createServer();
    const agent = new JaegerCaptureAgent(compact, binary, server, options);
    compact.on('message', (msg) => agent.onDatagram(msg, 'compact'));
    binary.on('message', (msg) => agent.onDatagram(msg, 'binary'));
    compact.on('error', (e) => agent.errorLog.push(`compact socket: ${e.message}`));
    binary.on('error', (e) => agent.errorLog.push(`binary socket: ${e.message}`));
    server.on('request', (req, res) => agent.onRequest(req, res));
    await Promise.all([
      new Promise<void>((resolve) => compact.bind(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => binary.bind(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    ]);
    return agent;
  }

  get host(): string {
    return '127.0.0.1';
  }
  /** UDP port speaking Thrift compact (the 6831 role). */
  get compactPort(): number {
    return this.compactSocket.address().port;
  }
  /** UDP port speaking Thrift binary (the 6832 role). */
  get binaryPort(): number {
    return this.binarySocket.address().port;
  }
  get httpPort(): number {
    return (this.server.address() as AddressInfo).port;
  }
  /** Effective SO_RCVBUF of the UDP sockets (the kernel caps the requested size at net.core.rmem_max). */
  get receiveBufferSize(): number {
    return Math.min(this.compactSocket.getRecvBufferSize(), this.binarySocket.getRecvBufferSize());
  }
  /** Full collector endpoint, `http://127.0.0.1:<port>/api/traces`. */
  get collectorUrl(): string {
    return `http://127.0.0.1:${this.httpPort}/api/traces`;
  }

  /** Status for well-formed collector requests: the next `statuses` in order, then `fallback` (default: current). */
  setCollectorStatus(statuses: number | number[], fallback?: number): void {
    this.statusQueue.length = 0;
    if (Array.isArray(statuses)) {
      this.statusQueue.push(...statuses);
      if (fallback !== undefined) this.defaultStatus = fallback;
    } else {
      this.defaultStatus = statuses;
    }
  }

  batches(): CapturedBatch[] {
    return [...this.captured];
  }
  spans(): JaegerSpan[] {
    return this.captured.flatMap((b) => b.spans);
  }
  /** Each span with the Process of the batch that carried it. */
  spansWithProcess(): { span: JaegerSpan; process: JaegerProcess; channel: Channel }[] {
    return this.captured.flatMap((b) => b.spans.map((span) => ({ span, process: b.process, channel: b.channel })));
  }
  /** Every datagram received, decodable or not, with its exact size. */
  datagrams(): { channel: 'compact' | 'binary'; size: number }[] {
    return [...this.datagramLog];
  }
  datagramSizes(): number[] {
    return this.datagramLog.map((d) => d.size);
  }
  requests(): CapturedRequest[] {
    return [...this.requestLog];
  }
  /** Decode failures and socket errors; a healthy test expects this to be empty. */
  errors(): string[] {
    return [...this.errorLog];
  }

  reset(): void {
    this.captured.length = 0;
    this.requestLog.length = 0;
    this.datagramLog.length = 0;
    this.errorLog.length = 0;
  }

  /** Resolves with all captured spans once at least `n` have arrived; rejects after `timeoutMs`. */
  async waitForSpans(n: number, timeoutMs = 10_000): Promise<JaegerSpan[]> {
    return this.waitFor(() => this.spans().length >= n, timeoutMs, () => `${n} spans (have ${this.spans().length})`).then(
      () => this.spans(),
    );
  }

  /** Resolves once `predicate` holds (re-checked on every capture); rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, describe = () => 'condition'): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        const errs = this.errorLog.length ? `; errors: ${this.errorLog.slice(0, 3).join(' | ')}` : '';
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}${errs}`));
      }, timeoutMs);
      this.waiters.push(check);
    });
  }

  async close(): Promise<void> {
    for (const w of this.waiters) w();
    this.server.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => this.compactSocket.close(() => resolve())),
      new Promise<void>((resolve) => this.binarySocket.close(() => resolve())),
      new Promise<void>((resolve) => this.server.close(() => resolve())),
    ]);
  }

  private record(batch: CapturedBatch): void {
    this.captured.push(batch);
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private onDatagram(msg: Buffer, channel: 'compact' | 'binary'): void {
    this.datagramLog.push({ channel, size: msg.length });
    try {
      const { message, batch } = decodeEmitBatch(msg, channel);
      this.record({ ...batch, channel, size: msg.length, message });
    } catch (e) {
      this.errorLog.push(`${channel} datagram of ${msg.length} bytes: ${(e as Error).message}`);
      this.notify();
    }
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: CapturedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        bodySize: body.length,
        status: 0,
      };
      const reply = (status: number, text = ''): void => {
        entry.status = status;
        this.requestLog.push(entry);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
        this.notify();
      };
      if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/api/traces') return reply(404, 'not found');
      // Same acceptance as jaeger-collector's HTTP handler (mime.ParseMediaType, two accepted types).
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (mediaType !== 'application/x-thrift' && mediaType !== 'application/vnd.apache.thrift.binary') {
        this.errorLog.push(`http: unsupported content type ${JSON.stringify(req.headers['content-type'])}`);
        return reply(400, `Unsupported content type: ${mediaType}`);
      }
      let batch: JaegerBatch;
      try {
        batch = decodeBatch(body, 'binary');
      } catch (e) {
        this.errorLog.push(`http body of ${body.length} bytes: ${(e as Error).message}`);
        return reply(400, `Unable to process request body: ${(e as Error).message}`);
      }
      const status = this.statusQueue.length ? (this.statusQueue.shift() as number) : this.defaultStatus;
      // Only batches the collector accepted count as received.
      if (status >= 200 && status < 300) this.record({ ...batch, channel: 'http', size: body.length, headers: req.headers });
      reply(status);
    });
    req.on('error', () => undefined);
  }
}

export function startJaegerAgent(options?: JaegerAgentOptions): Promise<JaegerCaptureAgent> {
  return JaegerCaptureAgent.start(options);
}
