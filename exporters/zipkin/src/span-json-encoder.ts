import { SpanStatusCode, type Attributes, type AttributeValue } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { localEndpoint, remoteEndpoint } from './endpoints';
import { jsonString, KeyFragments, needsEscape } from './json-text';
import type { ZipkinEndpoint } from './model';
import { annotationValue, compactTraceId, consumedByEndpoint, DEBUG_ATTRIBUTE, DEFAULT_RESOURCE_TAGS, KINDS, lowerHex, type ZipkinMappingOptions } from './span-to-zipkin';
import { attributeToTag } from './tag-value';
import { durationMicros, hrTimeToMicros, hrTimeToMicrosText } from './time';

/**
 * OTel spans straight to Zipkin v2 JSON, with the mapping of `spanToZipkin` and byte-identical output to
 * `encodeJsonV2(spans.map(spanToZipkin))` (property-tested), but built as one JS string: V8 appends strings by
 * reference, most values need no escaping (one regex test), fragments that repeat (keys, the resource's local
 * endpoint and tags, the scope's tags, a trace's id) are built once, and a single native UTF-8 conversion ends it.
 */

const TAGS_OPEN = ',"tags":{';

// How an attribute key interacts with the tags the mapping writes itself (see `writeTags`).
const PLAIN = 0;
const DEBUG = 1;
const STATUS_CODE = 2;
const ERROR = 3;
const SCOPE_NAME = 4;
const SCOPE_VERSION = 5;
const LIBRARY_NAME = 6;
const LIBRARY_VERSION = 7;
const DROPPED_ATTRIBUTES = 8;
const DROPPED_EVENTS = 9;
const DROPPED_LINKS = 10;
/** `peer.service`, `net.peer.*`, `net.host.*`: dropped when an endpoint already carries the value. */
const ENDPOINT_TAG = 11;

function roleOf(key: string): number {
  switch (key) {
    case DEBUG_ATTRIBUTE: return DEBUG;
    case 'otel.status_code': return STATUS_CODE;
    case 'error': return ERROR;
    case 'otel.scope.name': return SCOPE_NAME;
    case 'otel.scope.version': return SCOPE_VERSION;
    case 'otel.library.name': return LIBRARY_NAME;
    case 'otel.library.version': return LIBRARY_VERSION;
    case 'otel.dropped_attributes_count': return DROPPED_ATTRIBUTES;
    case 'otel.dropped_events_count': return DROPPED_EVENTS;
    case 'otel.dropped_links_count': return DROPPED_LINKS;
    case 'peer.service': case 'net.peer.ip': case 'net.peer.port': case 'net.host.ip': case 'net.host.port': return ENDPOINT_TAG;
    default: return PLAIN;
  }
}

/** Values longer than this are not memoised, so that the memo never pins large strings. */
const MAX_MEMO_LENGTH = 256;

/** What the encoder keeps per attribute key: its role, its JSON fragments, and its last value's tag. */
class TagKey {
  readonly role: number;
  /** `"key":` */
  readonly prefix: string;
  /** `,"key":` */
  private readonly next: string;
  /** `,"key":"`, for values that need no escaping */
  private readonly nextQuoted: string;
  /**
   * Attribute values repeat from span to span (method, host, port, db system…): the last primitive value's tag,
   * reused as one piece, saves rebuilding (and later flattening) it.
   */
  private lastValue: string | number | boolean | undefined;
  private lastTag = '';

  constructor(key: string, prefix: string) {
    this.role = roleOf(key);
    this.prefix = prefix;
    this.next = `,${prefix}`;
    this.nextQuoted = `,${prefix}"`;
  }

  /** `,"key":"value"` */
  tag(value: AttributeValue): string {
    if (value === this.lastValue) return this.lastTag;
    let tag: string;
    if (typeof value === 'string') {
      tag = needsEscape(value) ? this.next + JSON.stringify(value) : `${this.nextQuoted}${value}"`;
      if (value.length > MAX_MEMO_LENGTH) return tag;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      tag = `${this.nextQuoted}${value}"`;
    } else return this.next + jsonString(attributeToTag(value) as string);
    this.lastValue = value;
    this.lastTag = tag;
    return tag;
  }

  /** `,"tags":{"key":"value"`, for a span's first tag */
  firstTag(value: AttributeValue): string {
    return TAGS_OPEN + this.prefix + jsonString(attributeToTag(value) as string);
  }
}

const KEYS = new KeyFragments<TagKey>((key, prefix) => new TagKey(key, prefix));

function endpointJson(e: ZipkinEndpoint): string {
  let json = '';
  if (e.serviceName !== undefined) json += `,"serviceName":${jsonString(e.serviceName)}`;
  if (e.ipv4 !== undefined) json += `,"ipv4":${jsonString(e.ipv4)}`;
  if (e.ipv6 !== undefined) json += `,"ipv6":${jsonString(e.ipv6)}`;
  if (e.port !== undefined) json += `,"port":${e.port}`;
  return json === '' ? '{}' : `{${json.slice(1)}}`;
}

/** What every span of one resource shares. */
class ResourceFragments {
  readonly serviceName: string;
  /** `,"localEndpoint":{…}` for spans without `net.host.*` attributes. */
  readonly localEndpoint: string;
  readonly tagKeys: string[] = [];
  readonly tagPairs: string[] = [];
  /** All resource tags, comma-separated, for spans that override none of them. */
  readonly allTags: string;

  constructor(resource: Resource, options: ZipkinMappingOptions) {
    const attributes = resource.attributes;
    const service = attributes['service.name'];
    this.serviceName = typeof service === 'string' && service !== '' ? service : options.defaultServiceName ?? 'unknown_service';
    this.localEndpoint = `,"localEndpoint":{"serviceName":${jsonString(this.serviceName)}}`;
    const keys = options.resourceTags ?? DEFAULT_RESOURCE_TAGS;
    for (let i = 0; i < keys.length; i++) {
      const tag = attributeToTag(attributes[keys[i]]);
      if (tag === undefined) continue;
      this.tagKeys.push(keys[i]);
      this.tagPairs.push(`${KEYS.get(keys[i]).prefix}${jsonString(tag)}`);
    }
    this.allTags = this.tagPairs.join(',');
  }
}

/** `"otel.scope.name":…` and friends for one instrumentation scope ('' when it has no name). */
function scopeTags(scope: InstrumentationScope, legacy: boolean): string {
  if (!scope.name) return '';
  const name = jsonString(scope.name);
  const version = scope.version ? jsonString(scope.version) : undefined;
  let json = `"otel.scope.name":${name}`;
  if (version !== undefined) json += `,"otel.scope.version":${version}`;
  if (legacy) {
    json += `,"otel.library.name":${name}`;
    if (version !== undefined) json += `,"otel.library.version":${version}`;
  }
  return json;
}

/** Per-call memo of the last resource, scope and trace seen: a batch usually has one resource and few of each. */
class BatchFragments {
  private resource: Resource | undefined;
  private resourceFragments: ResourceFragments | undefined;
  private scope: InstrumentationScope | undefined;
  private scopeJson = '';
  private traceId: string | undefined;
  private traceHead = '';

  constructor(private readonly options: ZipkinMappingOptions) {}

  forResource(resource: Resource): ResourceFragments {
    if (resource !== this.resource || this.resourceFragments === undefined) {
      this.resource = resource;
      this.resourceFragments = new ResourceFragments(resource, this.options);
    }
    return this.resourceFragments;
  }

  forScope(scope: InstrumentationScope): string {
    if (scope !== this.scope) {
      this.scope = scope;
      this.scopeJson = scopeTags(scope, this.options.legacyScopeTags === true);
    }
    return this.scopeJson;
  }

  /** `{"traceId":"…","id":` */
  head(traceId: string): string {
    if (traceId !== this.traceId) {
      this.traceId = traceId;
      this.traceHead = `{"traceId":${jsonString(compactTraceId(traceId))},"id":`;
    }
    return this.traceHead;
  }
}

/** True when the attribute must not become a tag because the mapping writes that key itself. */
function shadowed(role: number, span: ReadableSpan, droppedLinks: number, legacy: boolean): boolean {
  switch (role) {
    case DEBUG: return true;
    case STATUS_CODE: return span.status.code !== SpanStatusCode.UNSET;
    case ERROR: return span.status.code === SpanStatusCode.ERROR;
    case SCOPE_NAME: return !!span.instrumentationScope.name;
    case SCOPE_VERSION: return !!(span.instrumentationScope.name && span.instrumentationScope.version);
    case LIBRARY_NAME: return legacy && !!span.instrumentationScope.name;
    case LIBRARY_VERSION: return legacy && !!(span.instrumentationScope.name && span.instrumentationScope.version);
    case DROPPED_ATTRIBUTES: return span.droppedAttributesCount > 0;
    case DROPPED_EVENTS: return span.droppedEventsCount > 0;
    case DROPPED_LINKS: return droppedLinks > 0;
    default: return false;
  }
}

function spanJson(span: ReadableSpan, batch: BatchFragments, options: ZipkinMappingOptions): string {
  const ctx = span.spanContext();
  const attributes: Attributes = span.attributes;
  const resource = batch.forResource(span.resource);

  let out = batch.head(ctx.traceId) + jsonString(lowerHex(ctx.spanId));
  const parent = span.parentSpanContext?.spanId;
  if (parent) out += `,"parentId":${jsonString(lowerHex(parent))}`;
  if (span.name !== undefined) out += `,"name":${jsonString(span.name)}`;
  const kind = KINDS[span.kind];
  if (kind !== undefined) out += `,"kind":"${kind}"`;
  const start = span.startTime;
  out += `,"timestamp":${hrTimeToMicrosText(start)},"duration":${durationMicros(hrTimeToMicros(start), span.endTime)}`;
  const debug = attributes[DEBUG_ATTRIBUTE];
  if (debug === true || debug === 'true') out += ',"debug":true';

  let local: ZipkinEndpoint | undefined;
  if (attributes['net.host.ip'] === undefined && attributes['net.host.port'] === undefined) out += resource.localEndpoint;
  else {
    local = localEndpoint(resource.serviceName, attributes);
    out += `,"localEndpoint":${endpointJson(local)}`;
  }
  const remote = remoteEndpoint(span.kind, attributes);
  if (remote !== undefined) out += `,"remoteEndpoint":${endpointJson(remote)}`;

  const events = span.events;
  if (events.length > 0) {
    const format = options.annotationFormat;
    for (let i = 0; i < events.length; i++) {
      out += `${i === 0 ? ',"annotations":[' : ','}{"timestamp":${hrTimeToMicrosText(events[i].time)},"value":${jsonString(annotationValue(events[i], format))}}`;
    }
    out += ']';
  }

  // Tags, in `writeTags` order: resource allow-list, attributes, status, scope, dropped counts.
  let first = true;
  const tagKeys = resource.tagKeys;
  if (tagKeys.length > 0) {
    let overridden = false;
    for (let i = 0; i < tagKeys.length; i++) if (attributes[tagKeys[i]] != null) overridden = true;
    if (!overridden) {
      out += TAGS_OPEN + resource.allTags;
      first = false;
    } else {
      for (let i = 0; i < tagKeys.length; i++) {
        if (attributes[tagKeys[i]] != null) continue;
        out += (first ? TAGS_OPEN : ',') + resource.tagPairs[i];
        first = false;
      }
    }
  }
  const legacy = options.legacyScopeTags === true;
  const droppedLinks = span.droppedLinksCount + span.links.length;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const info = KEYS.get(key);
    if (info.role !== PLAIN) {
      if (info.role === ENDPOINT_TAG) {
        local ??= localEndpoint(resource.serviceName, attributes);
        if (consumedByEndpoint(key, attributeToTag(value) as string, local, remote)) continue;
      } else if (shadowed(info.role, span, droppedLinks, legacy)) continue;
    }
    if (first) {
      out += info.firstTag(value);
      first = false;
    } else out += info.tag(value);
  }
  const status = span.status;
  if (status.code === SpanStatusCode.OK) {
    out += `${first ? TAGS_OPEN : ','}"otel.status_code":"OK"`;
    first = false;
  } else if (status.code === SpanStatusCode.ERROR) {
    out += `${first ? TAGS_OPEN : ','}"otel.status_code":"ERROR","error":${jsonString(status.message ?? '')}`;
    first = false;
  }
  const scope = batch.forScope(span.instrumentationScope);
  if (scope !== '') {
    out += (first ? TAGS_OPEN : ',') + scope;
    first = false;
  }
  if (span.droppedAttributesCount > 0) {
    out += `${first ? TAGS_OPEN : ','}"otel.dropped_attributes_count":"${span.droppedAttributesCount}"`;
    first = false;
  }
  if (span.droppedEventsCount > 0) {
    out += `${first ? TAGS_OPEN : ','}"otel.dropped_events_count":"${span.droppedEventsCount}"`;
    first = false;
  }
  if (droppedLinks > 0) {
    out += `${first ? TAGS_OPEN : ','}"otel.dropped_links_count":"${droppedLinks}"`;
    first = false;
  }
  return first ? `${out}}` : `${out}}}`;
}

/**
 * Zipkin v2 JSON list of the spans, as UTF-8 bytes. Each span's string goes into the buffer on its own: converting
 * one batch-sized rope would first flatten tens of thousands of small pieces into a copy.
 */
export function encodeSpansJsonV2(spans: readonly ReadableSpan[], options: ZipkinMappingOptions = {}): Buffer {
  const batch = new BatchFragments(options);
  let buffer = Buffer.allocUnsafe(spans.length * 1024 + 2);
  buffer[0] = 0x5b;
  let pos = 1;
  for (let i = 0; i < spans.length; i++) {
    const json = spanJson(spans[i], batch, options);
    const worst = json.length * 3 + 2; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (pos + worst > buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buffer.length * 2, pos + worst));
      buffer.copy(bigger, 0, 0, pos);
      buffer = bigger;
    }
    if (i > 0) buffer[pos++] = 0x2c;
    pos += buffer.write(json, pos, 'utf8');
  }
  buffer[pos++] = 0x5d;
  return buffer.subarray(0, pos);
}
