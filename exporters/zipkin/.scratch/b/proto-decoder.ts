import { InvalidSpan, IssueSink, ZipkinDecodeError, type DecodeOptions, type DecodeResult } from './decode-result';
import { bytesToIpv4, bytesToIpv6 } from './ip';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './model';
import { ProtoReader } from './proto-reader';

const KINDS: (ZipkinKind | undefined)[] = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

function readEndpoint(reader: ProtoReader, field: string, sink: IssueSink): ZipkinEndpoint | undefined {
  const [start, end] = reader.delimited();
  const r = new ProtoReader(reader.buffer, start, end);
  const endpoint: ZipkinEndpoint = {};
  while (!r.done) {
    const key = r.varint();
    const wire = key & 7;
    switch (key >>> 3) {
      case 1:
        if (wire !== 2) {
          r.skip(wire);
          break;
        }
        endpoint.serviceName = r.string() || undefined;
        break;
      case 2: {
        const b = wire === 2 ? r.bytes() : (r.skip(wire), undefined);
        if (b && b.length === 4) endpoint.ipv4 = bytesToIpv4(b);
        else if (b && b.length > 0) sink.repaired(`${field}.ipv4 has ${b.length} bytes; ignored`);
        break;
      }
      case 3: {
        const b = wire === 2 ? r.bytes() : (r.skip(wire), undefined);
        if (b && b.length === 16) endpoint.ipv6 = bytesToIpv6(b);
        else if (b && b.length > 0) sink.repaired(`${field}.ipv6 has ${b.length} bytes; ignored`);
        break;
      }
      case 4: {
        const port = wire === 0 ? r.varint() : (r.skip(wire), 0);
        if (port > 0 && port <= 65535) endpoint.port = port;
        else if (port !== 0) sink.repaired(`${field}.port ${port} is not a port; ignored`);
        break;
      }
      default:
        r.skip(wire);
    }
  }
  if (endpoint.serviceName === undefined) delete endpoint.serviceName;
  return Object.keys(endpoint).length > 0 ? endpoint : undefined;
}

function readAnnotation(reader: ProtoReader, sink: IssueSink): ZipkinAnnotation | undefined {
  const [start, end] = reader.delimited();
  const r = new ProtoReader(reader.buffer, start, end);
  let timestamp = 0;
  let value: string | undefined;
  while (!r.done) {
    const key = r.varint();
    if (key === ((1 << 3) | 1)) timestamp = r.fixed64();
    else if (key === ((2 << 3) | 2)) value = r.string();
    else r.skip(key & 7);
  }
  if (timestamp <= 0 || value === undefined) {
    sink.repaired('incomplete annotation (needs timestamp and value); ignored');
    return undefined;
  }
  return { timestamp, value };
}

function readTag(reader: ProtoReader, tags: Record<string, string>): void {
  const [start, end] = reader.delimited();
  const r = new ProtoReader(reader.buffer, start, end);
  let key = '';
  let value = '';
  while (!r.done) {
    const k = r.varint();
    if (k === ((1 << 3) | 2)) key = r.string();
    else if (k === ((2 << 3) | 2)) value = r.string();
    else r.skip(k & 7);
  }
  tags[key] = value;
}

function hexId(bytes: Buffer | undefined, field: string, lengths: number[]): string | undefined {
  if (bytes === undefined || bytes.length === 0) return undefined;
  if (!lengths.includes(bytes.length)) throw new InvalidSpan(`${field} has ${bytes.length} bytes, expected ${lengths.join(' or ')}`);
  return bytes.toString('hex');
}

function readSpan(reader: ProtoReader, sink: IssueSink): ZipkinSpan {
  const [start, end] = reader.delimited();
  const r = new ProtoReader(reader.buffer, start, end);
  let traceId: Buffer | undefined;
  let id: Buffer | undefined;
  let parentId: Buffer | undefined;
  const rest: Omit<ZipkinSpan, 'traceId' | 'id'> = {};
  const annotations: ZipkinAnnotation[] = [];
  const tags: Record<string, string> = {};
  let tagCount = 0;
  while (!r.done) {
    const key = r.varint();
    const wire = key & 7;
    const field = key >>> 3;
    if (wire !== (field === 4 || field === 7 || field === 12 || field === 13 ? 0 : field === 6 ? 1 : 2)) {
      r.skip(wire);
      continue;
    }
    switch (field) {
      case 1: traceId = r.bytes(); break;
      case 2: parentId = r.bytes(); break;
      case 3: id = r.bytes(); break;
      case 4: {
        const k = r.varint();
        if (KINDS[k]) rest.kind = KINDS[k];
        else if (k !== 0) sink.repaired(`unknown kind ${k}; treated as a local span`);
        break;
      }
      case 5: rest.name = r.string() || undefined; break;
      case 6: {
        const t = r.fixed64();
        if (t > 0 && t <= Number.MAX_SAFE_INTEGER) rest.timestamp = t;
        break;
      }
      case 7: {
        const d = r.varint();
        if (d > 0 && d <= Number.MAX_SAFE_INTEGER) rest.duration = d;
        break;
      }
      case 8: rest.localEndpoint = readEndpoint(r, 'local_endpoint', sink); break;
      case 9: rest.remoteEndpoint = readEndpoint(r, 'remote_endpoint', sink); break;
      case 10: {
        const a = readAnnotation(r, sink);
        if (a) annotations.push(a);
        break;
      }
      case 11: readTag(r, tags); tagCount++; break;
      case 12: rest.debug = r.varint() !== 0 || undefined; break;
      case 13: rest.shared = r.varint() !== 0 || undefined; break;
      default: r.skip(wire);
    }
  }
  const trace = hexId(traceId, 'trace_id', [8, 16]);
  const span = hexId(id, 'id', [8]);
  if (trace === undefined || /^0+$/.test(trace)) throw new InvalidSpan('trace_id is missing or all zeros');
  if (span === undefined || /^0+$/.test(span)) throw new InvalidSpan('id is missing or all zeros');
  const out: ZipkinSpan = { traceId: trace.length === 32 && trace.startsWith('0000000000000000') ? trace.slice(16) : trace, id: span };
  const parent = hexId(parentId, 'parent_id', [8]);
  if (parent !== undefined && !/^0+$/.test(parent) && parent !== span) out.parentId = parent;
  if (rest.name !== undefined) out.name = rest.name;
  if (rest.kind !== undefined) out.kind = rest.kind;
  if (rest.timestamp !== undefined) out.timestamp = rest.timestamp;
  if (rest.duration !== undefined) out.duration = rest.duration;
  if (rest.debug) out.debug = true;
  if (rest.shared && rest.kind !== 'CLIENT') out.shared = true;
  if (rest.localEndpoint) out.localEndpoint = rest.localEndpoint;
  if (rest.remoteEndpoint) out.remoteEndpoint = rest.remoteEndpoint;
  if (annotations.length > 0) out.annotations = annotations;
  if (tagCount > 0) out.tags = tags;
  return out;
}

/** zipkin.proto3 `ListOfSpans` → canonical spans. Accepts 8- and 16-byte trace ids (the Collector rejects 8). */
export function decodeProto3(body: Buffer, options: DecodeOptions = {}): DecodeResult {
  const sink = new IssueSink(options.strict === true);
  const spans: ZipkinSpan[] = [];
  const reader = new ProtoReader(body);
  let index = 0;
  while (!reader.done) {
    const key = reader.varint();
    if (key !== ((1 << 3) | 2)) throw new ZipkinDecodeError(`Expected a PROTO3 encoded list (field 1), got key ${key}`);
    sink.index = index++;
    const before = reader.pos;
    try {
      spans.push(readSpan(reader, sink));
    } catch (err) {
      if (!(err instanceof InvalidSpan)) throw err;
      // readSpan consumed the whole delimited span before validating it, so the list stays in sync.
      if (reader.pos === before) throw err;
      sink.dropped(err.message);
    }
  }
  return { format: 'proto3', spans, issues: sink.issues };
}
