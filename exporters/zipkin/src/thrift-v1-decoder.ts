import { IssueSink, ZipkinDecodeError, type DecodeOptions, type DecodeResult } from './decode-result';
import { bytesToIpv6 } from './ip';
import { readJsonV1Span } from './json-v1-decoder';
import { readList } from './json-v2-decoder';
import { ThriftReader, TType } from './thrift-reader';

/** zipkinCore.thrift AnnotationType */
const BOOL = 0, BYTES = 1, I16 = 2, I32 = 3, I64 = 4, DOUBLE = 5, STRING = 6;

type Fields = Record<string, unknown>;

/** Reads a struct's fields with `onField`; a field `onField` does not consume (returns false) is skipped. */
function readStruct(r: ThriftReader, onField: (id: number, type: number) => boolean): void {
  for (let type = r.byte(); type !== TType.STOP; type = r.byte()) {
    const id = r.i16();
    if (!onField(id, type)) r.skip(type);
  }
}

/** Endpoint → the v1 JSON endpoint shape the v1 converter takes (`ipv4: 0`, empty names: absent). */
function readEndpoint(r: ThriftReader): Fields {
  const e: Fields = {};
  readStruct(r, (id, type) => {
    if (id === 1 && type === TType.I32) {
      const ip = r.i32();
      if (ip !== 0) e.ipv4 = `${(ip >>> 24) & 255}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
    } else if (id === 2 && type === TType.I16) {
      const port = r.i16() & 0xffff; // Zipkin stores ports in a signed i16
      if (port !== 0) e.port = port;
    } else if (id === 3 && type === TType.STRING) {
      const name = r.string();
      if (name !== '') e.serviceName = name;
    } else if (id === 4 && type === TType.STRING) {
      const b = r.binary();
      if (b.length === 16) e.ipv6 = bytesToIpv6(b);
    } else return false;
    return true;
  });
  return e;
}

function readAnnotation(r: ThriftReader): Fields {
  const a: Fields = {};
  readStruct(r, (id, type) => {
    if (id === 1 && type === TType.I64) a.timestamp = r.i64Micros();
    else if (id === 2 && type === TType.STRING) a.value = r.string();
    else if (id === 3 && type === TType.STRUCT) a.endpoint = readEndpoint(r);
    else return false;
    return true;
  });
  return a;
}

/** A typed binary annotation value → text (v2 tags are strings); BOOL `true` stays a boolean for address keys. */
function binaryValue(value: Buffer, type: number): unknown {
  switch (type) {
    case BOOL: return value.length === 1 ? value[0] !== 0 : undefined;
    case STRING: return value.toString('utf8');
    case I16: return value.length === 2 ? String(value.readInt16BE(0)) : undefined;
    case I32: return value.length === 4 ? String(value.readInt32BE(0)) : undefined;
    case I64: return value.length === 8 ? value.readBigInt64BE(0).toString() : undefined;
    case DOUBLE: return value.length === 8 ? String(value.readDoubleBE(0)) : undefined;
    case BYTES: return value.toString('base64');
    default: return undefined;
  }
}

function readBinaryAnnotation(r: ThriftReader): Fields {
  const b: Fields = {};
  let raw: Buffer | undefined;
  let type = STRING;
  readStruct(r, (id, t) => {
    if (id === 1 && t === TType.STRING) b.key = r.string();
    else if (id === 2 && t === TType.STRING) raw = r.binary();
    else if (id === 3 && t === TType.I32) type = r.i32();
    else if (id === 4 && t === TType.STRUCT) b.endpoint = readEndpoint(r);
    else return false;
    return true;
  });
  if (raw !== undefined) {
    const value = binaryValue(raw, type);
    // non-address booleans become "true"/"false" tags like the v1 JSON reader's numbers
    b.value = typeof value === 'boolean' && b.key !== 'sa' && b.key !== 'ca' && b.key !== 'ma' ? String(value) : value;
  }
  return b;
}

function readThriftList<T>(r: ThriftReader, type: number, read: (r: ThriftReader) => T): T[] | undefined {
  if (type !== TType.LIST) return undefined;
  const { type: elementType, size } = r.listBegin();
  const out: T[] = [];
  for (let i = 0; i < size; i++) {
    if (elementType === TType.STRUCT) out.push(read(r));
    else r.skip(elementType);
  }
  return out;
}

/** One zipkinCore.thrift Span → the v1 JSON shape (hex ids, µs numbers), converted by the v1 JSON reader. */
function readSpan(r: ThriftReader): Fields {
  const s: Fields = {};
  let traceIdHigh: string | undefined;
  readStruct(r, (id, type) => {
    if (type === TType.I64 && (id === 1 || id === 4 || id === 5 || id === 12)) {
      const hex = r.i64Hex();
      if (id === 1) s.traceId = hex;
      else if (id === 4) s.id = hex;
      else if (id === 5) s.parentId = hex;
      else traceIdHigh = hex;
    } else if (type === TType.I64 && id === 10) s.timestamp = r.i64Micros();
    else if (type === TType.I64 && id === 11) s.duration = r.i64Micros();
    else if (type === TType.STRING && id === 3) s.name = r.string();
    else if (type === TType.BOOL && id === 9) s.debug = r.byte() !== 0;
    else if (id === 6) {
      const list = readThriftList(r, type, readAnnotation);
      if (list === undefined) return false;
      s.annotations = list;
    } else if (id === 8) {
      const list = readThriftList(r, type, readBinaryAnnotation);
      if (list === undefined) return false;
      s.binaryAnnotations = list;
    } else return false;
    return true;
  });
  if (typeof s.traceId === 'string' && traceIdHigh !== undefined && traceIdHigh !== '0000000000000000') s.traceId = traceIdHigh + s.traceId;
  return s;
}

/**
 * Zipkin v1 Thrift (`POST /api/v1/spans`, `application/x-thrift`): a TBinaryProtocol `list<Span>` of
 * zipkinCore.thrift → canonical v2 spans through the same v1→v2 conversion as v1 JSON. Structural damage (truncated,
 * not a list of structs, absurd lengths) fails the whole body with ZipkinDecodeError, as nothing after it can be
 * located; a span that is whole but invalid (zero ids…) is dropped like in the JSON decoders.
 */
export function decodeThriftV1(body: Buffer, options: DecodeOptions = {}): DecodeResult {
  const sink = new IssueSink(options.strict === true);
  if (body.length === 0) return { format: 'thrift-v1', spans: [], issues: [] };
  const r = new ThriftReader(body);
  const { type, size } = r.listBegin();
  if (type !== TType.STRUCT) throw new ZipkinDecodeError(`Expected a THRIFT encoded list of spans, got a list of type ${type}`);
  const raw: Fields[] = [];
  for (let i = 0; i < size; i++) raw.push(readSpan(r));
  if (r.remaining > 0) throw new ZipkinDecodeError(`Malformed THRIFT list: ${r.remaining} bytes after the last span`);
  const spans = readList(raw, sink, readJsonV1Span);
  return { format: 'thrift-v1', spans, issues: sink.issues };
}
