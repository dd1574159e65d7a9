/**
 * Capture Datadog agent for tests: implements the trace intake the real agent exposes
 * (`PUT|POST /v0.4/traces`, `/v0.5/traces`, `GET /info`) over TCP (127.0.0.1, port 0) or a UDS path.
 *
 * Payloads are decoded with `@msgpack/msgpack` (independent of any Polytrace encoder) and checked against
 * the wire types the real agent's decoder accepts (specs/datadog.md §2.3/§2.4/§3.1): ids and times are
 * integers, metrics are int or float64 (float32 is rejected by the agent), meta is str→str, v0.5 spans are
 * 12-element arrays whose indices resolve in the string table, no trace/span id 0, one trace id per chunk.
 * Every rule broken is recorded in `violations()` (tests assert it stays empty).
 */
import * as http from 'node:http';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { decode } from '@msgpack/msgpack';
import { waitFor as pollUntil } from './wait-for';

/** A span as the agent sees it, with v0.5 string indices resolved. */
export interface CapturedSpan {
  service: string;
  name: string;
  resource: string;
  type: string | undefined;
  trace_id: bigint;
  span_id: bigint;
  parent_id: bigint;
  start: bigint;
  duration: bigint;
  error: number;
  meta: Record<string, string>;
  metrics: Record<string, number>;
  /** Native v0.4 extras, decoded as-is. */
  span_links?: unknown;
  span_events?: unknown;
  meta_struct?: unknown;
  /** Wire type family of each top-level field (`int`, `float64`, `str`, `map`, …). */
  wireTypes: Record<string, WireKind>;
}

export type WireKind = 'nil' | 'bool' | 'int' | 'float32' | 'float64' | 'str' | 'bin' | 'array' | 'map' | 'ext';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  /** HTTP status the capture agent answered with (0 = connection destroyed). */
  status: number;
  /** Refused as if overloaded but answered 200, as the real agent does without `Datadog-Send-Real-Http-Status`. */
  refusedSilently?: boolean;
  protocol?: '0.4' | '0.5';
  traces: CapturedSpan[][];
  violations: string[];
}

export interface AgentFault {
  status: number;
  /** Extra response headers (e.g. `Retry-After`). */
  headers?: Record<string, string>;
  body?: string;
  /** Close the socket without an answer instead of replying. */
  destroy?: boolean;
}

export interface CaptureAgentOptions {
  /** Listen on this Unix socket path instead of TCP 127.0.0.1:0. */
  socketPath?: string;
  /** Reported in `/info` `config.max_request_bytes`, and enforced with 413 (real agent: 25 MiB). */
  maxRequestBytes?: number;
  rateByService?: Record<string, number>;
  /** Endpoints listed by `/info`; `null` makes `/info` answer 404 like very old agents. */
  endpoints?: string[] | null;
  /** Mirrors the real agent's default: refusals answer 200 unless `Datadog-Send-Real-Http-Status`. */
  honourRealStatusHeader?: boolean;
}

const DEFAULT_ENDPOINTS = ['/v0.4/traces', '/v0.5/traces', '/v0.7/traces', '/v0.6/stats', '/telemetry/proxy/'];
const DD_SPAN_FIELDS_V04 = new Set([
  'service', 'name', 'resource', 'trace_id', 'span_id', 'parent_id', 'start', 'duration', 'error', 'meta',
  'metrics', 'type', 'meta_struct', 'span_links', 'span_events',
]);
const V05_FIELDS = ['service', 'name', 'resource', 'trace_id', 'span_id', 'parent_id', 'start', 'duration',
  'error', 'meta', 'metrics', 'type'] as const;

export class DatadogCaptureAgent {
  private readonly server: http.Server;
  private readonly captured: CapturedRequest[] = [];
  private readonly faults: AgentFault[] = [];
  private rates: Record<string, number>;
  private readonly socketPath?: string;
  private readonly options: CaptureAgentOptions;
  private infoRequests = 0;

  private constructor(options: CaptureAgentOptions) {
    this.options = options;
    this.socketPath = options.socketPath;
    this.rates = options.rateByService ?? { 'service:,env:': 1 };
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(options: CaptureAgentOptions = {}): Promise<DatadogCaptureAgent> {
    const agent = new DatadogCaptureAgent(options);
    if (options.socketPath) fs.rmSync(options.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      agent.server.once('error', reject);
      if (options.socketPath) agent.server.listen(options.socketPath, resolve);
      else agent.server.listen(0, '127.0.0.1', resolve);
    });
    return agent;
  }

  /** `http://127.0.0.1:<port>` or `unix:///path` — the form `DD_TRACE_AGENT_URL` takes. */
  get url(): string {
    if (this.socketPath) return `unix://${this.socketPath}`;
    return `http://127.0.0.1:${this.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Queue faults: each trace request consumes the first one; afterwards requests succeed again. */
  failNext(fault: AgentFault | number, times = 1): void {
    const f = typeof fault === 'number' ? { status: fault } : fault;
    for (let i = 0; i < times; i++) this.faults.push(f);
  }

  setRateByService(rates: Record<string, number>): void {
    this.rates = rates;
  }

  get infoRequestCount(): number {
    return this.infoRequests;
  }

  /** Every trace request, including refused ones. */
  requests(): CapturedRequest[] {
    return this.captured.filter((r) => r.protocol !== undefined);
  }

  /** Chunks from accepted (200) payloads, in arrival order. */
  traces(): CapturedSpan[][] {
    return this.requests().filter((r) => r.status === 200 && !r.refusedSilently).flatMap((r) => r.traces);
  }

  spans(): CapturedSpan[] {
    return this.traces().flat();
  }

  violations(): string[] {
    return this.captured.flatMap((r) => r.violations);
  }

  reset(): void {
    this.captured.length = 0;
    this.faults.length = 0;
  }

  async waitForSpans(n: number, timeoutMs = 15000): Promise<CapturedSpan[]> {
    await this.waitFor(() => this.spans().length >= n, timeoutMs, () => `${n} spans (have ${this.spans().length})`);
    return this.spans();
  }

  async waitForRequests(n: number, timeoutMs = 15000): Promise<CapturedRequest[]> {
    await this.waitFor(() => this.requests().length >= n, timeoutMs,
      () => `${n} trace requests (have ${this.requests().length})`);
    return this.requests();
  }

  async waitFor(predicate: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    await pollUntil(predicate, what, timeoutMs, 'capture agent: ');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.socketPath) fs.rmSync(this.socketPath, { force: true });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/info' && req.method === 'GET') return this.answerInfo(res);
      const protocol = path === '/v0.4/traces' ? '0.4' : path === '/v0.5/traces' ? '0.5' : undefined;
      const record: CapturedRequest = {
        method: req.method ?? '', path, headers: req.headers, bytes: body.length, status: 404,
        protocol, traces: [], violations: [],
      };
      this.captured.push(record);
      if (!protocol) {
        res.writeHead(404).end();
        return;
      }
      this.answerTraces(req, res, body, protocol, record);
    });
  }

  private answerInfo(res: http.ServerResponse): void {
    this.infoRequests++;
    if (this.options.endpoints === null) {
      res.writeHead(404).end('404 page not found\n');
      return;
    }
    const info = {
      version: '7.99.0-capture',
      endpoints: this.options.endpoints ?? DEFAULT_ENDPOINTS,
      client_drop_p0s: false,
      span_events: true,
      config: { default_env: 'none', max_request_bytes: this.options.maxRequestBytes ?? 25 * 1024 * 1024 },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info));
  }

  private answerTraces(
    req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, protocol: '0.4' | '0.5',
    record: CapturedRequest,
  ): void {
    const fault = this.faults.shift();
    if (fault?.destroy) {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    const realStatus = isTruthyHeader(req.headers['datadog-send-real-http-status']);
    const limit = this.options.maxRequestBytes ?? 25 * 1024 * 1024;
    if (body.length > limit) {
      record.status = 413;
      record.violations.push(`payload of ${body.length} bytes exceeds max_request_bytes ${limit}`);
      res.writeHead(413).end();
      return;
    }
    if (fault) {
      // The real agent hides overload refusals behind 200 unless the client opts in.
      const hidden = fault.status === 429 && this.options.honourRealStatusHeader !== false && !realStatus;
      record.status = hidden ? 200 : fault.status;
      record.refusedSilently = hidden;
      res.writeHead(hidden ? 200 : fault.status, fault.headers).end(fault.body ?? (hidden ? '{}' : ''));
      return;
    }
    checkHeaders(req.headers, record.violations);
    try {
      record.traces = protocol === '0.4' ? decodeV04(body, record.violations) : decodeV05(body, record.violations);
    } catch (err) {
      record.status = 400;
      record.violations.push(`decoding-error: ${(err as Error).message}`);
      res.writeHead(400).end();
      return;
    }
    const count = Number(req.headers['x-datadog-trace-count']);
    if (count !== record.traces.length) {
      record.violations.push(`X-Datadog-Trace-Count ${req.headers['x-datadog-trace-count']} != ${record.traces.length} chunks`);
    }
    record.status = 200;
    res.writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ rate_by_service: this.rates }) + '\n');
  }
}

/**
 * Decodes one trace payload the way the capture agent does (for tests that encode without sending).
 * Throws on what the real agent answers 400 to; `violations` lists the agent-side rules broken.
 */
export function decodeTracePayload(body: Uint8Array, protocol: '0.4' | '0.5'): { traces: CapturedSpan[][]; violations: string[] } {
  const violations: string[] = [];
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const traces = protocol === '0.4' ? decodeV04(buf, violations) : decodeV05(buf, violations);
  return { traces, violations };
}

function isTruthyHeader(v: string | string[] | undefined): boolean {
  return typeof v === 'string' && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function checkHeaders(h: http.IncomingHttpHeaders, out: string[]): void {
  if (h['content-type'] !== 'application/msgpack') out.push(`content-type is ${h['content-type']}, agent would parse JSON`);
  if (!h['datadog-meta-lang']) out.push('missing Datadog-Meta-Lang');
  if (!h['datadog-meta-tracer-version']) out.push('missing Datadog-Meta-Tracer-Version');
}

// ---- v0.4 ------------------------------------------------------------------------------------------

function decodeV04(body: Buffer, out: string[]): CapturedSpan[][] {
  const value = decode(body, { useBigInt64: true });
  const wire = readWire(body);
  if (!Array.isArray(value) || wire.kind !== 'array') throw new Error('payload is not an array of traces');
  return value.map((trace, ti) => {
    const wtrace = wire.items![ti];
    if (!Array.isArray(trace) || wtrace.kind !== 'array') throw new Error(`trace ${ti} is not an array`);
    const spans = trace.map((span, si) => v04Span(span, wtrace.items![si], `trace ${ti} span ${si}`, out));
    checkChunk(spans, `trace ${ti}`, out);
    return spans;
  });
}

function v04Span(value: unknown, wire: WireNode, where: string, out: string[]): CapturedSpan {
  if (wire.kind !== 'map' || typeof value !== 'object' || value === null) throw new Error(`${where} is not a map`);
  const obj = value as Record<string, unknown>;
  const wireTypes: Record<string, WireKind> = {};
  const wireByKey = new Map<string, WireNode>();
  for (const [k, v] of wire.entries!) {
    if (k.kind !== 'str') out.push(`${where}: non-string key`);
    wireByKey.set(String(k.value), v);
  }
  for (const [key, node] of wireByKey) {
    wireTypes[key] = node.kind;
    if (!DD_SPAN_FIELDS_V04.has(key)) out.push(`${where}: unknown key ${key}`);
  }
  const str = (k: string): string => {
    const kind = wireTypes[k];
    if (kind !== undefined && kind !== 'str' && kind !== 'nil') out.push(`${where}: ${k} is ${kind}, not str`);
    return typeof obj[k] === 'string' ? (obj[k] as string) : '';
  };
  const int = (k: string): bigint => {
    const kind = wireTypes[k];
    if (kind !== undefined && kind !== 'int' && kind !== 'nil') out.push(`${where}: ${k} is ${kind}, not an integer`);
    const v = obj[k];
    return typeof v === 'bigint' ? BigInt.asUintN(64, v) : typeof v === 'number' ? BigInt.asUintN(64, BigInt(v)) : 0n;
  };
  const meta = stringMap(obj.meta, wireByKey.get('meta'), `${where} meta`, out);
  const metrics = numberMap(obj.metrics, wireByKey.get('metrics'), `${where} metrics`, out);
  const span: CapturedSpan = {
    service: str('service'), name: str('name'), resource: str('resource'),
    type: typeof obj.type === 'string' ? str('type') : undefined,
    trace_id: int('trace_id'), span_id: int('span_id'), parent_id: int('parent_id'),
    start: int('start'), duration: int('duration'), error: Number(int('error')),
    meta, metrics, wireTypes,
  };
  if (obj.span_links !== undefined) span.span_links = obj.span_links;
  if (obj.span_events !== undefined) span.span_events = obj.span_events;
  if (obj.meta_struct !== undefined) span.meta_struct = obj.meta_struct;
  checkSpan(span, where, out);
  return span;
}

function stringMap(value: unknown, wire: WireNode | undefined, where: string, out: string[]): Record<string, string> {
  return wireMap(value, wire, where, out, String, (v) => (v.kind === 'str' ? undefined : `${v.kind}, not str`));
}

function numberMap(value: unknown, wire: WireNode | undefined, where: string, out: string[]): Record<string, number> {
  return wireMap(value, wire, where, out, Number, (v) =>
    v.kind === 'int' || v.kind === 'float64' ? undefined : `${v.kind} (agent accepts int or float64)`);
}

/** A `meta`/`metrics` map: string keys required; `valueProblem` says why a value's wire type is wrong. */
function wireMap<V>(
  value: unknown, wire: WireNode | undefined, where: string, out: string[],
  convert: (v: unknown) => V, valueProblem: (v: WireNode) => string | undefined,
): Record<string, V> {
  const result: Record<string, V> = {};
  if (!wire || wire.kind === 'nil') return result;
  if (wire.kind !== 'map') {
    out.push(`${where} is ${wire.kind}, not a map`);
    return result;
  }
  for (const [k, v] of wire.entries!) {
    if (k.kind !== 'str') out.push(`${where}: key is ${k.kind}`);
    const problem = valueProblem(v);
    if (problem !== undefined) out.push(`${where}.${String(k.value)} is ${problem}`);
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) result[k] = convert(v);
  return result;
}

// ---- v0.5 ------------------------------------------------------------------------------------------

function decodeV05(body: Buffer, out: string[]): CapturedSpan[][] {
  const value = decode(body, { useBigInt64: true });
  const wire = readWire(body);
  if (!Array.isArray(value) || value.length !== 2 || wire.kind !== 'array') throw new Error('v0.5 payload is not [strings, traces]');
  const [table, traces] = value as [unknown, unknown];
  if (!Array.isArray(table) || !table.every((s) => typeof s === 'string')) throw new Error('string table is not an array of str');
  if (!Array.isArray(traces)) throw new Error('traces is not an array');
  const seen = new Set<string>();
  for (const s of table as string[]) {
    if (seen.has(s)) out.push(`string table repeats ${JSON.stringify(s.slice(0, 40))}`);
    seen.add(s);
  }
  const wtraces = wire.items![1];
  return traces.map((trace, ti) => {
    if (!Array.isArray(trace)) throw new Error(`trace ${ti} is not an array`);
    const spans = trace.map((span, si) =>
      v05Span(span, wtraces.items![ti].items![si], table as string[], `trace ${ti} span ${si}`, out));
    checkChunk(spans, `trace ${ti}`, out);
    return spans;
  });
}

function v05Span(value: unknown, wire: WireNode, table: string[], where: string, out: string[]): CapturedSpan {
  if (!Array.isArray(value) || value.length !== 12) throw new Error(`${where}: encoded span needs exactly 12 elements in array`);
  const wireTypes: Record<string, WireKind> = {};
  V05_FIELDS.forEach((f, i) => (wireTypes[f] = wire.items![i].kind));
  for (const [f, kind] of Object.entries(wireTypes)) {
    if (f === 'meta' || f === 'metrics') {
      if (kind !== 'map') out.push(`${where}: ${f} is ${kind}, not a map`);
    } else if (kind !== 'int') out.push(`${where}: ${f} is ${kind}, not an integer`);
  }
  const lookup = (idx: unknown, what: string): string => {
    const i = Number(idx);
    if (!Number.isInteger(i) || i < 0 || i >= table.length) throw new Error(`${where}: ${what} index ${String(idx)} out of string table`);
    return table[i];
  };
  const u64 = (v: unknown): bigint => (typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt.asUintN(64, BigInt(v as number)));
  const meta: Record<string, string> = {};
  const metaWire = wire.items![9];
  for (const [k, v] of metaWire.entries ?? []) {
    if (k.kind !== 'int' || v.kind !== 'int') out.push(`${where}: meta entry is ${k.kind}→${v.kind}, not index→index`);
  }
  for (const [k, v] of Object.entries(value[9] as Record<string, unknown>)) meta[lookup(k, 'meta key')] = lookup(v, 'meta value');
  const metrics: Record<string, number> = {};
  for (const [k, v] of wire.items![10].entries ?? []) {
    if (k.kind !== 'int') out.push(`${where}: metrics key is ${k.kind}`);
    if (v.kind !== 'int' && v.kind !== 'float64') out.push(`${where}: metric ${lookup(k.value, 'metric key')} is ${v.kind}`);
  }
  for (const [k, v] of Object.entries(value[10] as Record<string, unknown>)) metrics[lookup(k, 'metric key')] = Number(v);
  const span: CapturedSpan = {
    service: lookup(value[0], 'service'), name: lookup(value[1], 'name'), resource: lookup(value[2], 'resource'),
    trace_id: u64(value[3]), span_id: u64(value[4]), parent_id: u64(value[5]), start: u64(value[6]),
    duration: u64(value[7]), error: Number(value[8]), meta, metrics,
    type: lookup(value[11], 'type') || undefined, wireTypes,
  };
  checkSpan(span, where, out);
  return span;
}

// ---- agent-side rules ------------------------------------------------------------------------------

function checkSpan(s: CapturedSpan, where: string, out: string[]): void {
  if (s.trace_id === 0n) out.push(`${where}: trace_id 0 (agent drops the trace)`);
  if (s.span_id === 0n) out.push(`${where}: span_id 0 (agent drops the trace)`);
  if (s.start > 0x7fffffffffffffffn) out.push(`${where}: start does not fit int64`);
  if (s.duration > 0x7fffffffffffffffn) out.push(`${where}: negative or oversized duration`);
  if (s.error !== 0 && s.error !== 1) out.push(`${where}: error is ${s.error}`);
  if (s.name === '') out.push(`${where}: empty name`);
  if (s.service === '') out.push(`${where}: empty service`);
  if (s.service.length > 100) out.push(`${where}: service longer than 100`);
  if (s.name.length > 100) out.push(`${where}: name longer than 100`);
  if (s.resource.length > 15000) out.push(`${where}: resource longer than 15000`);
  for (const [k, v] of Object.entries(s.meta)) {
    if (k.length > 200) out.push(`${where}: meta key longer than 200`);
    if (v.length > 25003) out.push(`${where}: meta ${k} longer than 25000`);
  }
  for (const [k, v] of Object.entries(s.metrics)) if (!Number.isFinite(v)) out.push(`${where}: metric ${k} is ${v}`);
}

function checkChunk(spans: CapturedSpan[], where: string, out: string[]): void {
  if (spans.length === 0) out.push(`${where}: empty chunk`);
  const ids = new Set(spans.map((s) => s.trace_id));
  if (ids.size > 1) out.push(`${where}: spans of ${ids.size} trace ids in one chunk (foreign_span)`);
}

// ---- wire-type reader ------------------------------------------------------------------------------
// Only records each value's msgpack type family (and small scalar values needed for map keys / indices),
// so the agent's type rules can be checked; values themselves come from @msgpack/msgpack.

interface WireNode {
  kind: WireKind;
  value?: string | number | bigint;
  items?: WireNode[];
  entries?: Array<[WireNode, WireNode]>;
}

function readWire(buf: Buffer): WireNode {
  let pos = 0;
  const str = (len: number): WireNode => {
    const value = buf.toString('utf8', pos, pos + len);
    pos += len;
    return { kind: 'str', value };
  };
  const arr = (n: number): WireNode => {
    const items: WireNode[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = next();
    return { kind: 'array', items };
  };
  const map = (n: number): WireNode => {
    const entries: Array<[WireNode, WireNode]> = new Array(n);
    for (let i = 0; i < n; i++) entries[i] = [next(), next()];
    return { kind: 'map', entries };
  };
  const int = (value: number | bigint, size: number): WireNode => {
    pos += size;
    return { kind: 'int', value };
  };
  const skip = (kind: WireKind, size: number): WireNode => {
    pos += size;
    return { kind };
  };
  function next(): WireNode {
    if (pos >= buf.length) throw new Error('unexpected-eof');
    const b = buf[pos++];
    if (b <= 0x7f) return { kind: 'int', value: b };
    if (b >= 0xe0) return { kind: 'int', value: b - 0x100 };
    if ((b & 0xf0) === 0x80) return map(b & 0x0f);
    if ((b & 0xf0) === 0x90) return arr(b & 0x0f);
    if ((b & 0xe0) === 0xa0) return str(b & 0x1f);
    switch (b) {
      case 0xc0: return { kind: 'nil' };
      case 0xc2: case 0xc3: return { kind: 'bool' };
      case 0xc4: return skip('bin', 1 + buf.readUInt8(pos));
      case 0xc5: return skip('bin', 2 + buf.readUInt16BE(pos));
      case 0xc6: return skip('bin', 4 + buf.readUInt32BE(pos));
      case 0xc7: return skip('ext', 2 + buf.readUInt8(pos));
      case 0xc8: return skip('ext', 3 + buf.readUInt16BE(pos));
      case 0xc9: return skip('ext', 5 + buf.readUInt32BE(pos));
      case 0xca: return skip('float32', 4);
      case 0xcb: return skip('float64', 8);
      case 0xcc: return int(buf.readUInt8(pos), 1);
      case 0xcd: return int(buf.readUInt16BE(pos), 2);
      case 0xce: return int(buf.readUInt32BE(pos), 4);
      case 0xcf: return int(buf.readBigUInt64BE(pos), 8);
      case 0xd0: return int(buf.readInt8(pos), 1);
      case 0xd1: return int(buf.readInt16BE(pos), 2);
      case 0xd2: return int(buf.readInt32BE(pos), 4);
      case 0xd3: return int(buf.readBigInt64BE(pos), 8);
      case 0xd4: return skip('ext', 2);
      case 0xd5: return skip('ext', 3);
      case 0xd6: return skip('ext', 5);
      case 0xd7: return skip('ext', 9);
      case 0xd8: return skip('ext', 17);
      case 0xd9: { const n = buf.readUInt8(pos); pos += 1; return str(n); }
      case 0xda: { const n = buf.readUInt16BE(pos); pos += 2; return str(n); }
      case 0xdb: { const n = buf.readUInt32BE(pos); pos += 4; return str(n); }
      case 0xdc: { const n = buf.readUInt16BE(pos); pos += 2; return arr(n); }
      case 0xdd: { const n = buf.readUInt32BE(pos); pos += 4; return arr(n); }
      case 0xde: { const n = buf.readUInt16BE(pos); pos += 2; return map(n); }
      case 0xdf: { const n = buf.readUInt32BE(pos); pos += 4; return map(n); }
      default: throw new Error(`invalid msgpack byte 0x${b.toString(16)}`);
    }
  }
  const root = next();
  if (pos !== buf.length) throw new Error(`${buf.length - pos} trailing bytes after payload`);
  return root;
}
