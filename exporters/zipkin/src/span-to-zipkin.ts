import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import * as endpoints from './endpoints';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './model';
import * as tagValue from './tag-value';
import { isLinkTagKey, linkTagKey, linkTagValue, writtenLinks } from './link-tags';
import * as time from './time';

// Bound once: under tsx (tests and benchmarks run from source) each use of an imported name is a chain of getters.
const { localEndpoint, remoteEndpoint } = endpoints;
const { attributeToTag } = tagValue;
const { durationMicros, hrTimeToMicros } = time;

export interface ZipkinMappingOptions {
  /** `localEndpoint.serviceName` when the resource has no `service.name` (default `unknown_service`). */
  defaultServiceName?: string;
  /**
   * How events with attributes become annotations: `'name-json-dropped'` (default) writes `name|{json}|dropped`,
   * the form the OTel Collector and our bridge parse back into attributes; `'name'` writes the bare name.
   */
  annotationFormat?: 'name-json-dropped' | 'name';
  /** Also write the deprecated `otel.library.name/version` scope tags the Collector's receiver reads (default false). */
  legacyScopeTags?: boolean;
  /** Resource attributes copied into every span's tags (span attributes win). Default: version and environment. */
  resourceTags?: readonly string[];
}

export const DEFAULT_RESOURCE_TAGS: readonly string[] = ['service.version', 'deployment.environment', 'deployment.environment.name'];

export const KINDS: Record<SpanKind, ZipkinKind | undefined> = {
  [SpanKind.INTERNAL]: undefined,
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** Written by the bridge (or a processor that knows B3 debug) to ask Zipkin to keep the span. */
export const DEBUG_ATTRIBUTE = 'zipkin.debug';

/** Ids from the SDK are lower-case already; only convert (a runtime call) when they are not. */
export function lowerHex(id: string): string {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 65 && c <= 90) return id.toLowerCase();
  }
  return id;
}

export function compactTraceId(traceId: string): string {
  const lower = lowerHex(traceId);
  return lower.length === 32 && lower.startsWith('0000000000000000') ? lower.slice(16) : lower;
}

/** An event's annotation text: its name, or `name|{json}|dropped` when it has attributes (Collector form). */
export function annotationValue(event: TimedEvent, format: ZipkinMappingOptions['annotationFormat']): string {
  const attrs = event.attributes;
  if (format === 'name' || attrs === undefined) return event.name;
  for (const _ in attrs) return `${event.name}|${JSON.stringify(attrs)}|${event.droppedAttributesCount ?? 0}`;
  return event.name;
}

function annotation(event: TimedEvent, format: ZipkinMappingOptions['annotationFormat']): ZipkinAnnotation {
  return { timestamp: hrTimeToMicros(event.time), value: annotationValue(event, format) };
}

/** True when the endpoint carries the value this endpoint-tag had, so the tag would only duplicate it. */
export function consumedByEndpoint(key: string, tag: string, local: ZipkinEndpoint, remote: ZipkinEndpoint | undefined): boolean {
  switch (key) {
    case 'peer.service':
      return remote?.serviceName === tag;
    case 'net.peer.ip':
      return remote !== undefined && (remote.ipv4 === tag || remote.ipv6 === tag);
    case 'net.peer.port':
      return remote?.port !== undefined && String(remote.port) === tag;
    case 'net.host.ip':
      return local.ipv4 === tag || local.ipv6 === tag;
    case 'net.host.port':
      return local.port !== undefined && String(local.port) === tag;
    default:
      return false;
  }
}

function isEndpointTag(key: string): boolean {
  return key === 'peer.service' || key === 'net.peer.ip' || key === 'net.peer.port' || key === 'net.host.ip' || key === 'net.host.port';
}

/** Receives a span's tags one by one, each key at most once, in wire order. */
export interface TagSink {
  tag(key: string, value: string): void;
}

/** The span without its tags, plus what the tag enumeration needs. */
export interface MappedSpan {
  zipkin: ZipkinSpan;
  local: ZipkinEndpoint;
  remote: ZipkinEndpoint | undefined;
}

/** Everything but the tags (spec zipkin.md §3.2). */
export function mapSpanHead(span: ReadableSpan, options: ZipkinMappingOptions): MappedSpan {
  const ctx = span.spanContext();
  const attributes: Attributes = span.attributes;
  const resourceService = span.resource.attributes['service.name'];
  const serviceName = typeof resourceService === 'string' && resourceService !== '' ? resourceService : options.defaultServiceName ?? 'unknown_service';

  const zipkin: ZipkinSpan = { traceId: compactTraceId(ctx.traceId), id: lowerHex(ctx.spanId) };
  const parent = span.parentSpanContext?.spanId;
  if (parent) zipkin.parentId = lowerHex(parent);
  zipkin.name = span.name;
  const kind = KINDS[span.kind];
  if (kind !== undefined) zipkin.kind = kind;
  zipkin.timestamp = hrTimeToMicros(span.startTime);
  zipkin.duration = durationMicros(zipkin.timestamp, span.endTime);
  if (attributes[DEBUG_ATTRIBUTE] === true || attributes[DEBUG_ATTRIBUTE] === 'true') zipkin.debug = true;
  const local = localEndpoint(serviceName, attributes);
  zipkin.localEndpoint = local;
  const remote = remoteEndpoint(span.kind, attributes);
  if (remote !== undefined) zipkin.remoteEndpoint = remote;
  const events = span.events;
  if (events.length > 0) {
    const format = options.annotationFormat;
    const annotations: ZipkinAnnotation[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) annotations[i] = annotation(events[i], format);
    zipkin.annotations = annotations;
  }
  return { zipkin, local, remote };
}

/**
 * Enumerates the tags of a span: allow-listed resource attributes, span attributes (as strings; arrays as JSON),
 * status, scope and dropped counts. A key is emitted once: span attributes win over resource attributes, and the
 * status/scope/count tags win over same-named attributes, so building an object or writing JSON gives equal output.
 */
export function writeTags(span: ReadableSpan, mapped: MappedSpan, options: ZipkinMappingOptions, sink: TagSink): void {
  const attributes: Attributes = span.attributes;
  const resourceAttributes = span.resource.attributes;
  const resourceTags = options.resourceTags ?? DEFAULT_RESOURCE_TAGS;
  for (let i = 0; i < resourceTags.length; i++) {
    const key = resourceTags[i];
    if (attributeToTag(attributes[key]) !== undefined) continue;
    const tag = attributeToTag(resourceAttributes[key]);
    if (tag !== undefined) sink.tag(key, tag);
  }
  const status = span.status;
  const scope = span.instrumentationScope;
  const legacy = options.legacyScopeTags === true;
  const links = span.links;
  const linkTags = writtenLinks(links);
  const droppedLinks = span.droppedLinksCount + links.length - linkTags;
  for (const key in attributes) {
    if (linkTags > 0 && isLinkTagKey(key)) continue;
    switch (key) {
      case DEBUG_ATTRIBUTE:
        continue;
      case 'otel.status_code':
        if (status.code !== SpanStatusCode.UNSET) continue;
        break;
      case 'error':
        if (status.code === SpanStatusCode.ERROR) continue;
        break;
      case 'otel.scope.name':
        if (scope.name) continue;
        break;
      case 'otel.scope.version':
        if (scope.name && scope.version) continue;
        break;
      case 'otel.library.name':
        if (legacy && scope.name) continue;
        break;
      case 'otel.library.version':
        if (legacy && scope.name && scope.version) continue;
        break;
      case 'otel.dropped_attributes_count':
        if (span.droppedAttributesCount > 0) continue;
        break;
      case 'otel.dropped_events_count':
        if (span.droppedEventsCount > 0) continue;
        break;
      case 'otel.dropped_links_count':
        if (droppedLinks > 0) continue;
        break;
    }
    const tag = attributeToTag(attributes[key]);
    if (tag === undefined) continue;
    if (isEndpointTag(key) && consumedByEndpoint(key, tag, mapped.local, mapped.remote)) continue;
    sink.tag(key, tag);
  }
  for (let i = 0; i < linkTags; i++) sink.tag(linkTagKey(i), linkTagValue(links[i]));
  if (status.code === SpanStatusCode.OK) sink.tag('otel.status_code', 'OK');
  else if (status.code === SpanStatusCode.ERROR) {
    sink.tag('otel.status_code', 'ERROR');
    // Zipkin shows a span as failed only when `error` is present; the OTel spec allows an empty value.
    sink.tag('error', status.message ?? '');
  }
  if (scope.name) {
    sink.tag('otel.scope.name', scope.name);
    if (scope.version) sink.tag('otel.scope.version', scope.version);
    if (legacy) {
      sink.tag('otel.library.name', scope.name);
      if (scope.version) sink.tag('otel.library.version', scope.version);
    }
  }
  if (span.droppedAttributesCount > 0) sink.tag('otel.dropped_attributes_count', String(span.droppedAttributesCount));
  if (span.droppedEventsCount > 0) sink.tag('otel.dropped_events_count', String(span.droppedEventsCount));
  // Links past the tag cap: counted so that nothing disappears silently.
  if (droppedLinks > 0) sink.tag('otel.dropped_links_count', String(droppedLinks));
}

class ObjectTagSink implements TagSink {
  tags: Record<string, string> | undefined;
  tag(key: string, value: string): void {
    (this.tags ??= {})[key] = value;
  }
}

/**
 * One OTel span to the Zipkin v2 model (spec zipkin.md §3.2). Pure and total: any ReadableSpan maps to a span a
 * Zipkin server accepts.
 */
export function spanToZipkin(span: ReadableSpan, options: ZipkinMappingOptions = {}): ZipkinSpan {
  const mapped = mapSpanHead(span, options);
  const sink = new ObjectTagSink();
  writeTags(span, mapped, options, sink);
  if (sink.tags !== undefined) mapped.zipkin.tags = sink.tags;
  return mapped.zipkin;
}
