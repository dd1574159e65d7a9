/**
 * Capture Zipkin server for tests: `POST /api/v2/spans` (JSON v2, proto3 `ListOfSpans`, gzip) and
 * `POST /api/v1/spans` (JSON v1, what zipkin-js's HttpLogger sends by default), on 127.0.0.1 and port 0.
 *
 * It behaves like the real Zipkin server (spec zipkin.md §2.4, §5.1): it decodes the whole batch, answers
 * 400 `text/plain` with a message and keeps **nothing** of the batch when any span is invalid, and 202 with an
 * empty body otherwise. Captured spans are normalised the way Zipkin stores them (64-bit trace ids written as
 * 16 hex, short ids left-padded, names and service names lower-cased, `parentId == id` dropped).
 *
 * Things Zipkin tolerates but the v2 model forbids (a 20-char trace id, a numeric tag value, a quoted number,
 * `duration: 0`, an unknown proto kind…) are recorded in `violations()`; with `strict: true` they are 400s too.
 * The validation here is written independently of `@polytrace/exporter-zipkin` so that it can catch its bugs.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import * as protobuf from 'protobufjs';

export interface CapturedEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface CapturedAnnotation {
  timestamp: number;
  value: string;
}

/** A span as a Zipkin server would store it (v2 model), whatever format it arrived in. */
export interface CapturedZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  timestamp?: number;
  duration?: number;
  debug?: boolean;
  shared?: boolean;
  localEndpoint?: CapturedEndpoint;
  remoteEndpoint?: CapturedEndpoint;
  annotations?: CapturedAnnotation[];
  tags?: Record<string, string>;
}

export type CapturedFormat = 'json-v2' | 'proto3' | 'json-v1';

export interface CapturedRequest {
  path: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  /** Raw (still compressed, if it was) body. */
  body: Buffer;
  format?: CapturedFormat;
  status: number;
  /** The 400 message, when rejected. */
  error?: string;
  spanCount: number;
}

export interface FaultResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** Return a response to inject a fault, `'destroy'` to reset the connection, `undefined` to behave normally. */
export type FaultHook = (req: { path: string; headers: http.IncomingHttpHeaders; count: number }) =>
  FaultResponse | 'destroy' | undefined;

export interface ZipkinServerOptions {
  /** Also reject (400) what the v2 model forbids but Zipkin tolerates. Default false (real Zipkin behaviour). */
  strict?: boolean;
  /** Largest accepted body after decompression; 413 beyond. Default 10 MiB. */
  maxBodyBytes?: number;
}

export interface ZipkinCaptureServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/api/v2/spans` */
  readonly v2Url: string;
  /** `http://127.0.0.1:<port>/api/v1/spans` */
  readonly v1Url: string;
  /** Accepted spans, in arrival order, Zipkin-normalised. */
  spans(): CapturedZipkinSpan[];
  /** Every request, including rejected ones. */
  requests(): CapturedRequest[];
  /** Model violations Zipkin tolerated (empty when every span was canonical v2). */
  violations(): string[];
  /** Resolves with the accepted spans once at least `n` arrived; rejects after `timeoutMs` (default 10 s). */
  waitForSpans(n: number, timeoutMs?: number): Promise<CapturedZipkinSpan[]>;
  /** Resolves once at least `n` requests (accepted or not) arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<CapturedRequest[]>;
  setFault(hook: FaultHook | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

const ZIPKIN_PROTO = `
syntax = "proto3";
package zipkin.proto3;
message Endpoint { string service_name = 1; bytes ipv4 = 2; bytes ipv6 = 3; int32 port = 4; }
message Annotation { fixed64 timestamp = 1; string value = 2; }
message Span {
  bytes trace_id = 1; bytes parent_id = 2; bytes id = 3;
  enum Kind { SPAN_KIND_UNSPECIFIED = 0; CLIENT = 1; SERVER = 2; PRODUCER = 3; CONSUMER = 4; }
  Kind kind = 4; string name = 5; fixed64 timestamp = 6; uint64 duration = 7;
  Endpoint local_endpoint = 8; Endpoint remote_endpoint = 9;
  repeated Annotation annotations = 10; map<string, string> tags = 11; bool debug = 12; bool shared = 13;
}
message ListOfSpans { repeated Span spans = 1; }
`;
const listOfSpansType = protobuf.parse(ZIPKIN_PROTO).root.lookupType('zipkin.proto3.ListOfSpans');

/** A 400 reason; thrown while decoding so that the whole batch fails, as in Zipkin. */
class BadSpans extends Error {}

const KINDS = new Set(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']);
const LOWER_HEX = /^[0-9a-f]+$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

class SpanValidator {
  constructor(private readonly violations: string[], private readonly strict: boolean) {}

  /** A tolerated model violation: recorded, and fatal in strict mode. */
  violation(path: string, message: string): void {
    const text = `${path}: ${message}`;
    if (this.strict) throw new BadSpans(text);
    this.violations.push(text);
  }

  traceId(path: string, value: Json | undefined): string {
    if (typeof value !== 'string') throw new BadSpans(`${path}.traceId: Missing or not a string`);
    if (value.length === 0 || value.length > 32) throw new BadSpans(`${path}.traceId: ${value} should be a 1 to 32 character lower-hex string with no prefix`);
    if (!LOWER_HEX.test(value)) throw new BadSpans(`${path}.traceId: ${value} should be lower-hex encoded with no prefix`);
    if (/^0+$/.test(value)) throw new BadSpans(`${path}.traceId: traceId is all zeros`);
    if (value.length !== 16 && value.length !== 32) this.violation(`${path}.traceId`, `length ${value.length} is neither 16 nor 32`);
    let id = value.length <= 16 ? value.padStart(16, '0') : value.padStart(32, '0');
    if (id.length === 32 && id.startsWith('0000000000000000')) id = id.slice(16);
    return id;
  }

  spanId(path: string, field: string, value: Json | undefined): string {
    if (typeof value !== 'string') throw new BadSpans(`${path}.${field}: Missing or not a string`);
    if (value.length === 0 || value.length > 16) throw new BadSpans(`${path}.${field}: ${value} should be a 1 to 16 character lower-hex string with no prefix`);
    if (!LOWER_HEX.test(value)) throw new BadSpans(`${path}.${field}: ${value} should be lower-hex encoded with no prefix`);
    if (value.length !== 16) this.violation(`${path}.${field}`, `length ${value.length} is not 16`);
    return value.padStart(16, '0');
  }

  /** Gson `nextLong` semantics: integral numbers or quoted integers; negative means absent. */
  long(path: string, value: Json | undefined): number | undefined {
    if (value === undefined || value === null) return undefined;
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string' && /^-?\d+$/.test(value)) {
      this.violation(path, 'quoted number');
      n = Number(value);
    } else throw new BadSpans(`${path}: Expected a long but was ${JSON.stringify(value)}`);
    if (!Number.isInteger(n)) throw new BadSpans(`${path}: Expected a long but was ${n}`);
    return n > 0 ? n : undefined;
  }

  bool(path: string, value: Json | undefined): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw new BadSpans(`${path}: Expected a boolean but was ${JSON.stringify(value)}`);
    return value;
  }

  string(path: string, value: Json | undefined): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new BadSpans(`${path}: Expected a string but was ${JSON.stringify(value)}`);
    return value;
  }

  object(path: string, value: Json | undefined): JsonObject | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw new BadSpans(`${path}: Expected an object`);
    return value;
  }

  endpoint(path: string, value: Json | undefined): CapturedEndpoint | undefined {
    const o = this.object(path, value);
    if (!o) return undefined;
    const ep: CapturedEndpoint = {};
    const serviceName = this.string(`${path}.serviceName`, o.serviceName);
    if (serviceName) ep.serviceName = serviceName.toLowerCase();
    const ipv4 = this.string(`${path}.ipv4`, o.ipv4);
    if (ipv4 !== undefined) {
      if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ipv4) && ipv4.split('.').every((p) => Number(p) <= 255)) ep.ipv4 = ipv4;
      else this.violation(`${path}.ipv4`, `unparseable ${ipv4} (Zipkin drops it)`);
    }
    const ipv6 = this.string(`${path}.ipv6`, o.ipv6);
    if (ipv6 !== undefined) {
      if (ipv6.includes(':')) ep.ipv6 = ipv6;
      else this.violation(`${path}.ipv6`, `unparseable ${ipv6} (Zipkin drops it)`);
    }
    if (o.port !== undefined && o.port !== null) {
      if (typeof o.port !== 'number' || !Number.isInteger(o.port)) throw new BadSpans(`${path}.port: Expected an int but was ${JSON.stringify(o.port)}`);
      if (o.port > 65535) throw new BadSpans(`${path}.port: invalid port ${o.port}`);
      if (o.port > 0) ep.port = o.port;
      else this.violation(`${path}.port`, 'port <= 0');
    }
    return Object.keys(ep).length > 0 ? ep : undefined;
  }

  /** A v2 JSON span; throws BadSpans on anything Zipkin would answer 400 to. */
  v2Span(path: string, value: Json): CapturedZipkinSpan {
    const o = this.object(path, value);
    if (!o) throw new BadSpans(`${path}: Expected a span object`);
    const span: CapturedZipkinSpan = {
      traceId: this.traceId(path, o.traceId),
      id: this.spanId(path, 'id', o.id),
    };
    if (/^0+$/.test(span.id)) throw new BadSpans(`${path}.id: id is all zeros`);
    if (o.parentId !== undefined && o.parentId !== null) {
      const parentId = this.spanId(path, 'parentId', o.parentId);
      if (!/^0+$/.test(parentId) && parentId !== span.id) span.parentId = parentId;
    }
    const name = this.string(`${path}.name`, o.name);
    if (name) span.name = name.toLowerCase();
    const kind = this.string(`${path}.kind`, o.kind);
    if (kind !== undefined) {
      if (!KINDS.has(kind)) throw new BadSpans(`${path}.kind: No enum constant zipkin2.Span.Kind.${kind}`);
      span.kind = kind as CapturedZipkinSpan['kind'];
    }
    const timestamp = this.long(`${path}.timestamp`, o.timestamp);
    if (timestamp !== undefined) span.timestamp = timestamp;
    if (o.duration === 0) this.violation(`${path}.duration`, 'duration 0 (model minimum is 1)');
    const duration = this.long(`${path}.duration`, o.duration);
    if (duration !== undefined) span.duration = duration;
    const debug = this.bool(`${path}.debug`, o.debug);
    if (debug) span.debug = true;
    const shared = this.bool(`${path}.shared`, o.shared);
    if (shared && span.kind !== 'CLIENT') span.shared = true;
    const local = this.endpoint(`${path}.localEndpoint`, o.localEndpoint);
    if (local) span.localEndpoint = local;
    const remote = this.endpoint(`${path}.remoteEndpoint`, o.remoteEndpoint);
    if (remote) span.remoteEndpoint = remote;
    if (o.annotations !== undefined && o.annotations !== null) {
      if (!Array.isArray(o.annotations)) throw new BadSpans(`${path}.annotations: Expected an array`);
      const annotations = o.annotations.map((a, i) => this.annotation(`${path}.annotations[${i}]`, a));
      if (annotations.length > 0) span.annotations = sortAndDedupe(annotations);
    }
    const tags = this.object(`${path}.tags`, o.tags);
    if (tags) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(tags)) {
        if (typeof v === 'string') out[k] = v;
        else if (typeof v === 'number') {
          this.violation(`${path}.tags.${k}`, 'number instead of string');
          out[k] = String(v);
        } else throw new BadSpans(`${path}.tags.${k}: Expected a string but was ${JSON.stringify(v)}`);
      }
      if (Object.keys(out).length > 0) span.tags = out;
    }
    return span;
  }

  annotation(path: string, value: Json): CapturedAnnotation {
    const o = this.object(path, value);
    if (!o) throw new BadSpans(`${path}: Incomplete annotation`);
    const timestamp = this.long(`${path}.timestamp`, o.timestamp);
    const text = this.string(`${path}.value`, o.value);
    if (timestamp === undefined || text === undefined) throw new BadSpans(`${path}: Incomplete annotation at ${path}`);
    return { timestamp, value: text };
  }
}

function sortAndDedupe(annotations: CapturedAnnotation[]): CapturedAnnotation[] {
  const sorted = [...annotations].sort((a, b) => a.timestamp - b.timestamp || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return sorted.filter((a, i) => i === 0 || a.timestamp !== sorted[i - 1].timestamp || a.value !== sorted[i - 1].value);
}

function parseJsonList(body: Buffer, encoding: string): Json[] {
  // Zipkin sniffs the first byte: leading whitespace or a single object is a 400.
  if (body[0] !== 0x5b /* [ */) throw new BadSpans(`Expected a ${encoding} encoded list`);
  let parsed: Json;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Json;
  } catch (err) {
    throw new BadSpans(`Malformed reading List<Span> from json: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new BadSpans(`Expected a ${encoding} encoded list`);
  return parsed;
}

function decodeV2Json(body: Buffer, v: SpanValidator): CapturedZipkinSpan[] {
  if (body.includes('yAnnotations"')) throw new BadSpans('Expected a JSON_V2 encoded list, but received: JSON_V1');
  return parseJsonList(body, 'JSON_V2').map((s, i) => v.v2Span(`$[${i}]`, s));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function ipv4Text(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

function ipv6Text(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

interface ProtoEndpoint { serviceName?: string; ipv4?: Uint8Array; ipv6?: Uint8Array; port?: number }
interface ProtoSpan {
  traceId?: Uint8Array; parentId?: Uint8Array; id?: Uint8Array; kind?: number; name?: string;
  timestamp?: string; duration?: string; localEndpoint?: ProtoEndpoint; remoteEndpoint?: ProtoEndpoint;
  annotations?: { timestamp?: string; value?: string }[]; tags?: Record<string, string>; debug?: boolean; shared?: boolean;
}

function protoEndpoint(path: string, e: ProtoEndpoint | undefined, v: SpanValidator): CapturedEndpoint | undefined {
  if (!e) return undefined;
  const ep: CapturedEndpoint = {};
  if (e.serviceName) ep.serviceName = e.serviceName.toLowerCase();
  if (e.ipv4 && e.ipv4.length > 0) {
    if (e.ipv4.length !== 4) throw new BadSpans(`${path}.ipv4: expected 4 bytes, got ${e.ipv4.length}`);
    ep.ipv4 = ipv4Text(e.ipv4);
  }
  if (e.ipv6 && e.ipv6.length > 0) {
    if (e.ipv6.length !== 16) throw new BadSpans(`${path}.ipv6: expected 16 bytes, got ${e.ipv6.length}`);
    ep.ipv6 = ipv6Text(e.ipv6);
  }
  if (e.port) {
    if (e.port > 65535) throw new BadSpans(`${path}.port: invalid port ${e.port}`);
    if (e.port > 0) ep.port = e.port;
    else v.violation(`${path}.port`, 'negative port');
  }
  return Object.keys(ep).length > 0 ? ep : undefined;
}

const PROTO_KINDS: Record<number, CapturedZipkinSpan['kind']> = { 1: 'CLIENT', 2: 'SERVER', 3: 'PRODUCER', 4: 'CONSUMER' };

function decodeProto(body: Buffer, v: SpanValidator): CapturedZipkinSpan[] {
  if (body[0] !== 0x0a || body[1] === 0) throw new BadSpans('Expected a PROTO3 encoded list');
  let message: { spans?: ProtoSpan[] };
  try {
    message = listOfSpansType.toObject(listOfSpansType.decode(body), { longs: String, defaults: false }) as { spans?: ProtoSpan[] };
  } catch (err) {
    throw new BadSpans(`Malformed reading List<Span> from proto3: ${(err as Error).message}`);
  }
  return (message.spans ?? []).map((s, i) => {
    const path = `spans[${i}]`;
    const traceId = s.traceId ?? new Uint8Array();
    if (traceId.length !== 8 && traceId.length !== 16) throw new BadSpans(`${path}.trace_id: expected 8 or 16 bytes, got ${traceId.length}`);
    const id = s.id ?? new Uint8Array();
    if (id.length !== 8) throw new BadSpans(`${path}.id: expected 8 bytes, got ${id.length}`);
    const span: CapturedZipkinSpan = { traceId: v.traceId(path, hex(traceId)), id: hex(id) };
    if (/^0+$/.test(span.id)) throw new BadSpans(`${path}.id: id is all zeros`);
    if (s.parentId && s.parentId.length > 0) {
      if (s.parentId.length !== 8) throw new BadSpans(`${path}.parent_id: expected 8 bytes, got ${s.parentId.length}`);
      const parentId = hex(s.parentId);
      if (!/^0+$/.test(parentId) && parentId !== span.id) span.parentId = parentId;
    }
    if (s.kind) {
      const kind = PROTO_KINDS[s.kind];
      if (kind) span.kind = kind;
      else v.violation(`${path}.kind`, `unknown kind ${s.kind}`);
    }
    if (s.name) span.name = s.name.toLowerCase();
    if (s.timestamp && s.timestamp !== '0') span.timestamp = Number(s.timestamp);
    if (s.duration && s.duration !== '0') span.duration = Number(s.duration);
    if (s.debug) span.debug = true;
    if (s.shared && span.kind !== 'CLIENT') span.shared = true;
    const local = protoEndpoint(`${path}.local_endpoint`, s.localEndpoint, v);
    if (local) span.localEndpoint = local;
    const remote = protoEndpoint(`${path}.remote_endpoint`, s.remoteEndpoint, v);
    if (remote) span.remoteEndpoint = remote;
    if (s.annotations && s.annotations.length > 0) {
      span.annotations = sortAndDedupe(s.annotations.map((a, j) => {
        if (!a.timestamp || a.timestamp === '0' || a.value === undefined) throw new BadSpans(`${path}.annotations[${j}]: Incomplete annotation`);
        return { timestamp: Number(a.timestamp), value: a.value };
      }));
    }
    if (s.tags && Object.keys(s.tags).length > 0) span.tags = { ...s.tags };
    return span;
  });
}

const V1_CORE: Record<string, { kind: CapturedZipkinSpan['kind']; begin: boolean }> = {
  cs: { kind: 'CLIENT', begin: true }, cr: { kind: 'CLIENT', begin: false },
  sr: { kind: 'SERVER', begin: true }, ss: { kind: 'SERVER', begin: false },
  ms: { kind: 'PRODUCER', begin: true }, ws: { kind: 'PRODUCER', begin: false },
  mr: { kind: 'CONSUMER', begin: true }, wr: { kind: 'CONSUMER', begin: false },
};
const V1_ADDRESS: Record<string, true> = { sa: true, ca: true, ma: true };

/**
 * v1 JSON, validated like Zipkin's V1JsonSpanReader and converted to v2 in a simplified V1SpanConverter way: one
 * v2 span per v1 span, except that a span holding both client and server annotations is split in two (the server
 * half `shared`). Enough for tests to see ids, kinds, services, timing and tags.
 */
function decodeV1Json(body: Buffer, v: SpanValidator): CapturedZipkinSpan[] {
  if (body.includes('Endpoint"') || body.includes('"tags"')) throw new BadSpans('Expected a JSON_V1 encoded list, but received: JSON_V2');
  const out: CapturedZipkinSpan[] = [];
  parseJsonList(body, 'JSON_V1').forEach((value, i) => {
    const path = `$[${i}]`;
    const o = v.object(path, value);
    if (!o) throw new BadSpans(`${path}: Expected a span object`);
    const base: CapturedZipkinSpan = { traceId: v.traceId(path, o.traceId), id: v.spanId(path, 'id', o.id) };
    if (/^0+$/.test(base.id)) throw new BadSpans(`${path}.id: id is all zeros`);
    if (o.parentId !== undefined && o.parentId !== null) {
      const parentId = v.spanId(path, 'parentId', o.parentId);
      if (!/^0+$/.test(parentId) && parentId !== base.id) base.parentId = parentId;
    }
    const name = v.string(`${path}.name`, o.name);
    if (name === undefined) throw new BadSpans(`${path}.name: Missing name (required in v1)`);
    if (name) base.name = name.toLowerCase();
    const timestamp = v.long(`${path}.timestamp`, o.timestamp);
    const duration = v.long(`${path}.duration`, o.duration);
    if (v.bool(`${path}.debug`, o.debug)) base.debug = true;

    const core: Partial<Record<string, { timestamp: number; endpoint?: CapturedEndpoint }>> = {};
    const annotations: CapturedAnnotation[] = [];
    let firstEndpoint: CapturedEndpoint | undefined;
    const rawAnnotations = o.annotations ?? [];
    if (!Array.isArray(rawAnnotations)) throw new BadSpans(`${path}.annotations: Expected an array`);
    rawAnnotations.forEach((a, j) => {
      const ap = `${path}.annotations[${j}]`;
      const ann = v.annotation(ap, a);
      const endpoint = v.endpoint(`${ap}.endpoint`, v.object(ap, a)?.endpoint);
      firstEndpoint ??= endpoint;
      if (V1_CORE[ann.value]) core[ann.value] = { timestamp: ann.timestamp, endpoint };
      else annotations.push(ann);
    });
    const tags: Record<string, string> = {};
    const remotes: Partial<Record<string, CapturedEndpoint>> = {};
    const rawBinary = o.binaryAnnotations ?? [];
    if (!Array.isArray(rawBinary)) throw new BadSpans(`${path}.binaryAnnotations: Expected an array`);
    rawBinary.forEach((b, j) => {
      const bp = `${path}.binaryAnnotations[${j}]`;
      const bo = v.object(bp, b);
      const key = bo && v.string(`${bp}.key`, bo.key);
      if (!bo || key === undefined) throw new BadSpans(`${bp}: No key at ${bp}`);
      const endpoint = v.endpoint(`${bp}.endpoint`, bo.endpoint);
      if (V1_ADDRESS[key]) {
        if (bo.value !== true && typeof bo.value !== 'string') throw new BadSpans(`${bp}.value: Expected true or a string for ${key}`);
        if (endpoint) remotes[key] = endpoint;
        return;
      }
      if (typeof bo.value === 'string') {
        if (!(key === 'lc' && bo.value === '')) tags[key] = bo.value;
      } else if (typeof bo.value === 'number' || typeof bo.value === 'boolean') {
        v.violation(`${bp}.value`, 'non-string binary annotation value');
        tags[key] = String(bo.value);
      } else throw new BadSpans(`${bp}.value: Expected a string`);
      firstEndpoint ??= endpoint;
    });

    const sides: { kind: NonNullable<CapturedZipkinSpan['kind']>; begin?: string; end?: string; address: string }[] = [
      { kind: 'CLIENT', begin: 'cs', end: 'cr', address: 'sa' },
      { kind: 'SERVER', begin: 'sr', end: 'ss', address: 'ca' },
      { kind: 'PRODUCER', begin: 'ms', end: 'ws', address: 'ma' },
      { kind: 'CONSUMER', begin: 'mr', end: 'wr', address: 'ma' },
    ];
    const present = sides.filter((s) => core[s.begin!] || core[s.end!]);
    if (present.length === 0) {
      const span: CapturedZipkinSpan = { ...base };
      if (timestamp !== undefined) span.timestamp = timestamp;
      if (duration !== undefined) span.duration = duration;
      if (firstEndpoint) span.localEndpoint = firstEndpoint;
      if (annotations.length) span.annotations = sortAndDedupe(annotations);
      if (Object.keys(tags).length) span.tags = tags;
      out.push(span);
      return;
    }
    present.forEach((side, n) => {
      const begin = core[side.begin!];
      const end = core[side.end!];
      const span: CapturedZipkinSpan = { ...base, kind: side.kind };
      // The first side owns the span-level timestamp/duration; the other one (a split server) uses its annotations.
      if (n === 0 && timestamp !== undefined) {
        span.timestamp = timestamp;
        if (duration !== undefined) span.duration = duration;
      } else if (begin) {
        span.timestamp = begin.timestamp;
        if (end && end.timestamp > begin.timestamp) span.duration = end.timestamp - begin.timestamp;
      }
      if (side.kind === 'SERVER' && (n > 0 || timestamp === undefined)) span.shared = true;
      const endpoint = begin?.endpoint ?? end?.endpoint ?? firstEndpoint;
      if (endpoint) span.localEndpoint = endpoint;
      const remote = remotes[side.address];
      if (remote) span.remoteEndpoint = remote;
      if (n === 0 && annotations.length) span.annotations = sortAndDedupe(annotations);
      if (n === 0 && Object.keys(tags).length) span.tags = tags;
      out.push(span);
    });
  });
  return out;
}

function gunzipCapped(body: Buffer, max: number): Buffer {
  try {
    return zlib.gunzipSync(body, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw Object.assign(new Error('Request body too large'), { status: 413 });
    throw new BadSpans('Cannot gunzip spans');
  }
}

export async function startZipkinServer(options: ZipkinServerOptions = {}): Promise<ZipkinCaptureServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  let spans: CapturedZipkinSpan[] = [];
  let requests: CapturedRequest[] = [];
  let violations: string[] = [];
  let fault: FaultHook | undefined;
  let waiters: (() => void)[] = [];
  const notify = (): void => {
    const current = waiters;
    waiters = [];
    current.forEach((w) => w());
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): void => {
    const path = (req.url ?? '/').split('?')[0];
    const record: CapturedRequest = { path, method: req.method ?? '', headers: req.headers, body: raw, status: 0, spanCount: 0 };
    const reply = (status: number, text = '', headers: Record<string, string> = {}): void => {
      record.status = status;
      if (status >= 400 && text) record.error = text;
      requests.push(record);
      res.writeHead(status, text ? { 'content-type': 'text/plain', ...headers } : headers);
      res.end(text);
      notify();
    };

    const injected = fault?.({ path, headers: req.headers, count: requests.length });
    if (injected === 'destroy') {
      record.status = -1;
      requests.push(record);
      req.socket.destroy();
      notify();
      return;
    }
    if (injected) return reply(injected.status, injected.body ?? '', injected.headers);

    const isV2 = path === '/api/v2/spans';
    const isV1 = path === '/api/v1/spans';
    if (!isV1 && !isV2) return reply(404, `No route for ${path}`);
    if (req.method !== 'POST') return reply(405, 'Only POST is supported');

    const batchViolations: string[] = [];
    const validator = new SpanValidator(batchViolations, options.strict === true);
    try {
      const encoding = String(req.headers['content-encoding'] ?? '');
      const body = encoding.includes('gzip') ? gunzipCapped(raw, maxBodyBytes) : raw;
      if (body.length === 0) return reply(202);
      const contentType = String(req.headers['content-type'] ?? '');
      let decoded: CapturedZipkinSpan[];
      if (isV2 && contentType.startsWith('application/x-protobuf')) {
        record.format = 'proto3';
        decoded = decodeProto(body, validator);
      } else if (isV2) {
        record.format = 'json-v2';
        decoded = decodeV2Json(body, validator);
      } else if (contentType.startsWith('application/x-thrift')) {
        return reply(415, 'v1 thrift is not supported by this capture server');
      } else {
        record.format = 'json-v1';
        decoded = decodeV1Json(body, validator);
      }
      record.spanCount = decoded.length;
      spans.push(...decoded);
      violations.push(...batchViolations);
      reply(202);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 413) return reply(413, (err as Error).message);
      if (err instanceof BadSpans) return reply(400, err.message);
      reply(500, (err as Error).message);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooLarge) {
        requests.push({ path: req.url ?? '/', method: req.method ?? '', headers: req.headers, body: Buffer.alloc(0), status: 413, error: 'Request body too large', spanCount: 0 });
        res.writeHead(413, { 'content-type': 'text/plain' });
        res.end('Request body too large');
        notify();
        return;
      }
      handle(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const waitFor = <T>(ready: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const value = ready();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
        } else waiters.push(check);
      };
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== check);
        reject(new Error(`zipkin capture server: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      check();
    });

  return {
    port,
    url,
    v2Url: `${url}/api/v2/spans`,
    v1Url: `${url}/api/v1/spans`,
    spans: () => [...spans],
    requests: () => [...requests],
    violations: () => [...violations],
    waitForSpans: (n, timeoutMs = 10_000) =>
      waitFor(() => (spans.length >= n ? [...spans] : undefined), `${n} spans (have ${spans.length})`, timeoutMs),
    waitForRequests: (n, timeoutMs = 10_000) =>
      waitFor(() => (requests.length >= n ? [...requests] : undefined), `${n} requests (have ${requests.length})`, timeoutMs),
    setFault: (hook) => {
      fault = hook;
    },
    reset: () => {
      spans = [];
      requests = [];
      violations = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
