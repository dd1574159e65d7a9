import { InvalidSpan, IssueSink, type DecodeOptions, type DecodeResult } from './decode-result';
import { readParentId, readSpanId, readTraceId } from './ids';
import { isObject, readAnnotation, readBoolean, readEndpoint, readMicros, readText } from './json-fields';
import { parseJsonList, readList } from './json-v2-decoder';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './model';

interface V1Annotation extends ZipkinAnnotation {
  endpoint?: ZipkinEndpoint;
}

interface V1Binary {
  key: string;
  value: string;
  address: boolean;
  endpoint?: ZipkinEndpoint;
}

const CORE = new Set(['cs', 'cr', 'sr', 'ss', 'ms', 'ws', 'mr', 'wr']);
const ADDRESS_KINDS: Record<string, readonly ZipkinKind[]> = { sa: ['CLIENT'], ca: ['SERVER'], ma: ['PRODUCER', 'CONSUMER'] };

function readBinaryAnnotations(value: unknown, sink: IssueSink): V1Binary[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    sink.repaired('binaryAnnotations was not an array; ignored');
    return [];
  }
  const out: V1Binary[] = [];
  value.forEach((b, i) => {
    const field = `binaryAnnotations[${i}]`;
    if (!isObject(b) || typeof b.key !== 'string') {
      sink.repaired(`${field} has no key; ignored`);
      return;
    }
    const endpoint = readEndpoint(`${field}.endpoint`, b.endpoint, sink);
    const address = b.key in ADDRESS_KINDS;
    // zipkin-js writes address annotations as `"value": true`; zipkin-ruby as "1". Zipkin checks only the key.
    if (address) out.push({ key: b.key, value: '', address, endpoint });
    else {
      const text = readText(`${field}.value`, b.value, sink);
      if (text !== undefined) out.push({ key: b.key, value: text, address, endpoint });
    }
  });
  return out;
}

function sameService(a: ZipkinEndpoint | undefined, b: ZipkinEndpoint | undefined): boolean {
  return (a?.serviceName ?? '').toLowerCase() === (b?.serviceName ?? '').toLowerCase();
}

/**
 * One v1 span → one or more v2 spans, following Zipkin's V1SpanConverter: a span holding both client and server
 * annotations splits into a CLIENT and a `shared` SERVER span, address annotations become remote endpoints, and
 * each annotation or tag goes to the span of its endpoint's service.
 */
export function readJsonV1Span(value: unknown, sink: IssueSink): ZipkinSpan[] {
  if (!isObject(value)) throw new InvalidSpan('not a span object');
  const traceId = readTraceId(value.traceId, sink);
  const id = readSpanId('id', value.id, sink);
  const parentId = readParentId(value.parentId, id, sink);
  const name = readText('name', value.name, sink);
  const timestamp = readMicros('timestamp', value.timestamp, sink);
  const duration = readMicros('duration', value.duration, sink);
  const debug = readBoolean('debug', value.debug, sink);

  const annotations: V1Annotation[] = [];
  if (Array.isArray(value.annotations)) {
    value.annotations.forEach((a, i) => {
      const annotation = readAnnotation(`annotations[${i}]`, a, sink);
      if (annotation) annotations.push({ ...annotation, endpoint: readEndpoint(`annotations[${i}].endpoint`, isObject(a) ? a.endpoint : undefined, sink) });
    });
  }
  const binaries = readBinaryAnnotations(value.binaryAnnotations, sink);

  const spans: ZipkinSpan[] = [];
  const newSpan = (kind: ZipkinKind | undefined, endpoint: ZipkinEndpoint | undefined): ZipkinSpan => {
    const span: ZipkinSpan = { traceId, id };
    if (parentId !== undefined) span.parentId = parentId;
    if (name) span.name = name;
    if (kind) span.kind = kind;
    if (debug) span.debug = true;
    if (endpoint) span.localEndpoint = endpoint;
    spans.push(span);
    return span;
  };
  const forEndpoint = (endpoint: ZipkinEndpoint | undefined): ZipkinSpan => {
    if (spans.length === 0) return newSpan(undefined, endpoint);
    if (endpoint === undefined) return spans[0];
    const match = spans.find((s) => sameService(s.localEndpoint, endpoint));
    if (match) return match;
    if (spans[0].localEndpoint === undefined) {
      spans[0].localEndpoint = endpoint;
      return spans[0];
    }
    return newSpan(undefined, endpoint);
  };

  const core: Partial<Record<string, V1Annotation>> = {};
  for (const a of annotations) if (CORE.has(a.value) && core[a.value] === undefined) core[a.value] = a;
  const { cs, cr, sr, ss, ms, ws, mr, wr } = core;
  const timed = (kind: ZipkinKind, begin: V1Annotation | undefined, end: V1Annotation | undefined): ZipkinSpan => {
    const span = newSpan(kind, (begin ?? end)?.endpoint);
    if (begin) {
      span.timestamp = begin.timestamp;
      if (end && end.timestamp > begin.timestamp) span.duration = end.timestamp - begin.timestamp;
    }
    return span;
  };
  if (cs || cr) timed('CLIENT', cs, cr);
  if (sr || ss) {
    const server = timed('SERVER', sr, ss);
    // A server half next to a client half, or one reported without its own timestamp, joined the caller's span.
    if (cs || cr || timestamp === undefined) server.shared = true;
  }
  if (ms || ws) timed('PRODUCER', ms, ws);
  if (mr || wr) timed('CONSUMER', wr ?? mr, wr ? mr : undefined);

  for (const a of annotations) {
    if (CORE.has(a.value)) continue;
    const span = forEndpoint(a.endpoint);
    (span.annotations ??= []).push({ timestamp: a.timestamp, value: a.value });
  }
  for (const b of binaries) {
    if (b.address) {
      if (!b.endpoint) continue;
      const span = spans.find((s) => s.kind !== undefined && ADDRESS_KINDS[b.key].includes(s.kind)) ?? forEndpoint(undefined);
      span.remoteEndpoint = b.endpoint;
      continue;
    }
    if (b.key === 'lc' && b.value === '') continue;
    const span = forEndpoint(b.endpoint);
    (span.tags ??= {})[b.key] = b.value;
  }
  const first = spans.length > 0 ? spans[0] : newSpan(undefined, undefined);
  // The span-level timestamp/duration belong to whoever started the span: the first (client or only) half.
  if (timestamp !== undefined) first.timestamp = timestamp;
  if (duration !== undefined) first.duration = duration;
  return spans;
}

export function decodeJsonV1(text: string, options: DecodeOptions = {}): DecodeResult {
  const sink = new IssueSink(options.strict === true);
  const spans = readList(parseJsonList(text, 'JSON_V1'), sink, readJsonV1Span);
  return { format: 'json-v1', spans, issues: sink.issues };
}
