import { InvalidSpan, IssueSink, ZipkinDecodeError, type DecodeOptions, type DecodeResult } from './decode-result';
import { readParentId, readSpanId, readTraceId } from './ids';
import { isObject, readAnnotation, readBoolean, readEndpoint, readMicros, readTags, readText } from './json-fields';
import { ZIPKIN_KINDS, type ZipkinAnnotation, type ZipkinKind, type ZipkinSpan } from './model';

function readKind(value: unknown, sink: IssueSink): ZipkinKind | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    if (value === 'CLIENT' || value === 'SERVER' || value === 'PRODUCER' || value === 'CONSUMER') return value;
    const upper = value.toUpperCase() as ZipkinKind;
    if (ZIPKIN_KINDS.includes(upper)) {
      if (upper !== value) sink.repaired(`kind ${value} upper-cased`);
      return upper;
    }
  }
  sink.repaired(`unknown kind ${JSON.stringify(value)}; treated as a local span`);
  return undefined;
}

/** One untrusted v2 JSON span → canonical model. Throws InvalidSpan when it cannot be kept. */
export function readJsonV2Span(value: unknown, sink: IssueSink): ZipkinSpan {
  if (!isObject(value)) throw new InvalidSpan('not a span object');
  const traceId = readTraceId(value.traceId, sink);
  const id = readSpanId('id', value.id, sink);
  const span: ZipkinSpan = { traceId, id };
  const parentId = readParentId(value.parentId, id, sink);
  if (parentId !== undefined) span.parentId = parentId;
  const name = readText('name', value.name, sink);
  if (name) span.name = name;
  const kind = readKind(value.kind, sink);
  if (kind) span.kind = kind;
  const timestamp = readMicros('timestamp', value.timestamp, sink);
  if (timestamp !== undefined) span.timestamp = timestamp;
  const duration = readMicros('duration', value.duration, sink);
  if (duration !== undefined) span.duration = duration;
  if (readBoolean('debug', value.debug, sink)) span.debug = true;
  // Zipkin removes `shared` from CLIENT spans: a client never joins someone else's span.
  if (readBoolean('shared', value.shared, sink) && kind !== 'CLIENT') span.shared = true;
  const local = readEndpoint('localEndpoint', value.localEndpoint, sink);
  if (local) span.localEndpoint = local;
  const remote = readEndpoint('remoteEndpoint', value.remoteEndpoint, sink);
  if (remote) span.remoteEndpoint = remote;
  if (Array.isArray(value.annotations)) {
    const annotations: ZipkinAnnotation[] = [];
    value.annotations.forEach((a, i) => {
      const annotation = readAnnotation(`annotations[${i}]`, a, sink);
      if (annotation) annotations.push(annotation);
    });
    if (annotations.length > 0) span.annotations = annotations;
  } else if (value.annotations !== undefined && value.annotations !== null) sink.repaired('annotations was not an array; ignored');
  const tags = readTags('tags', value.tags, sink);
  if (tags) span.tags = tags;
  return span;
}

/** Parses a JSON list; anything but an array of spans is a ZipkinDecodeError (400). */
export function parseJsonList(text: string, expected: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ZipkinDecodeError(`Malformed ${expected} list: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ZipkinDecodeError(`Expected a ${expected} encoded list`);
  return parsed;
}

/** Reads each element with `read` (one span, or several for v1), dropping (and recording) the ones it rejects. */
export function readList(list: unknown[], sink: IssueSink, read: (value: unknown, sink: IssueSink) => ZipkinSpan | ZipkinSpan[]): ZipkinSpan[] {
  const out: ZipkinSpan[] = [];
  for (let i = 0; i < list.length; i++) {
    sink.index = i;
    try {
      const spans = read(list[i], sink);
      if (Array.isArray(spans)) for (const span of spans) out.push(span);
      else out.push(spans);
    } catch (err) {
      if (!(err instanceof InvalidSpan)) throw err;
      sink.dropped(err.message);
    }
  }
  return out;
}

export function decodeJsonV2(text: string, options: DecodeOptions = {}): DecodeResult {
  const sink = new IssueSink(options.strict === true);
  const spans = readList(parseJsonList(text, 'JSON_V2'), sink, readJsonV2Span);
  return { format: 'json-v2', spans, issues: sink.issues };
}
