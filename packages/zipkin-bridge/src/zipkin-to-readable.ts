import { SpanKind, TraceFlags, type Attributes, type HrTime, type Link, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { microsToHrTime, toOtelTraceId, type ZipkinEndpoint, type ZipkinSpan } from '@polytrace/exporter-zipkin';
import { annotationToEvent } from './annotation-event';
import { ResourceCache } from './resource-cache';
import { FIRST_LINK_TAG, linksFromTags } from './span-links';
import { statusFromTags, type StatusTags } from './status';

export interface ConversionOptions {
  /** `service.name` for spans without `localEndpoint.serviceName` (default `unknown_service:zipkin`) */
  defaultServiceName?: string;
  /** instrumentation scope for spans without scope tags (default `@polytrace/zipkin-bridge`) */
  defaultScope?: { name: string; version?: string };
}

const KINDS: Record<string, SpanKind> = {
  CLIENT: SpanKind.CLIENT,
  SERVER: SpanKind.SERVER,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};
const TAG_KINDS: Record<string, SpanKind> = { internal: SpanKind.INTERNAL, client: SpanKind.CLIENT, server: SpanKind.SERVER, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER };

/** Marks a span whose start was invented at receive time (the Collector's key). */
export const ABSENT_START_ATTRIBUTE = 'otel.zipkin.absentField.startTime';

/** Tags that describe the process rather than the operation: they go to the Resource, like the Collector does. */
function isResourceKey(key: string): boolean {
  const dot = key.indexOf('.');
  if (dot < 0) return false;
  switch (key.slice(0, dot)) {
    case 'process': case 'host': case 'os': case 'container': case 'k8s': case 'cloud': case 'deployment': case 'opencensus':
      return true;
    case 'telemetry':
      return key.startsWith('telemetry.sdk.');
    case 'service':
      return key === 'service.version' || key === 'service.namespace' || key === 'service.instance.id';
    default:
      return false;
  }
}

function addEndpoint(attributes: Attributes, endpoint: ZipkinEndpoint | undefined, ipKey: string, portKey: string): void {
  if (endpoint === undefined) return;
  const ip = endpoint.ipv4 ?? endpoint.ipv6;
  if (ip !== undefined && attributes[ipKey] === undefined) attributes[ipKey] = ip;
  if (endpoint.port !== undefined && attributes[portKey] === undefined) attributes[portKey] = endpoint.port;
}

function hrDiff(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1e9;
  }
  return [seconds, nanos];
}

/**
 * Zipkin v2 span → OTel `ReadableSpan` (spec zipkin.md §4.1, §4.5, §4.6). Pure except for `receivedAtMicros`, the
 * fallback start of spans that carry no timing at all. Ids, parent and timing are preserved exactly.
 */
export class ZipkinSpanConverter {
  private readonly resources = new ResourceCache();
  private readonly defaultServiceName: string;
  private readonly defaultScope: { name: string; version?: string };

  constructor(options: ConversionOptions = {}) {
    this.defaultServiceName = options.defaultServiceName ?? 'unknown_service:zipkin';
    this.defaultScope = options.defaultScope ?? { name: '@polytrace/zipkin-bridge' };
  }

  convert(span: ZipkinSpan, receivedAtMicros: number): ReadableSpan {
    const attributes: Attributes = {};
    let resourceExtra: Attributes | undefined;
    const statusTags: StatusTags = {};
    let taggedService: string | undefined;
    let tagKind: SpanKind | undefined;
    let scopeName: string | undefined;
    let scopeVersion: string | undefined;
    let traceState: TraceState | undefined;
    // One pass; the tags with a meaning in OTel are consumed, everything else becomes an attribute.
    const tags = span.tags;
    if (tags !== undefined) {
      for (const key in tags) {
        const value = tags[key];
        switch (key) {
          case 'service.name':
            taggedService = value;
            continue;
          case 'span.kind': {
            const kind = TAG_KINDS[value.toLowerCase()];
            if (kind === undefined) break;
            tagKind = kind;
            continue;
          }
          case 'otel.scope.name':
            scopeName = value;
            continue;
          case 'otel.library.name':
            scopeName ??= value;
            continue;
          case 'otel.scope.version':
            scopeVersion = value;
            continue;
          case 'otel.library.version':
            scopeVersion ??= value;
            continue;
          case 'otel.status_code':
            statusTags.code = value;
            continue;
          case 'otel.status_description':
            statusTags.description = value;
            continue;
          case 'error':
            statusTags.error = value;
            continue;
          case 'w3c.tracestate':
            traceState = new TraceState(value);
            continue;
        }
        if (isResourceKey(key)) (resourceExtra ??= {})[key] = value;
        else attributes[key] = value;
      }
    }
    // OTel links, as the Collector (and OTel→Zipkin exporters that keep links) write them
    const links: Link[] = tags !== undefined && tags[FIRST_LINK_TAG] !== undefined ? linksFromTags(tags, attributes) : [];
    const { status, keep } = statusFromTags(statusTags);
    if (keep.code !== undefined) attributes['otel.status_code'] = keep.code;
    if (keep.error !== undefined) attributes.error = keep.error;

    const serviceName = span.localEndpoint?.serviceName || this.defaultServiceName;
    // localEndpoint is what Zipkin indexes; a disagreeing tag is kept, not allowed to move the span elsewhere
    if (taggedService !== undefined && taggedService !== serviceName) attributes['zipkin.tag.service.name'] = taggedService;
    const kind = span.kind !== undefined ? KINDS[span.kind] : tagKind;
    const instrumentationScope = scopeName ? (scopeVersion ? { name: scopeName, version: scopeVersion } : { name: scopeName }) : this.defaultScope;

    addEndpoint(attributes, span.localEndpoint, 'net.host.ip', 'net.host.port');
    const remoteService = span.remoteEndpoint?.serviceName;
    // OTel spec: remoteEndpoint.serviceName becomes peer.service unless a peer.service tag says otherwise (Z15)
    if (remoteService && attributes['peer.service'] === undefined) attributes['peer.service'] = remoteService;
    addEndpoint(attributes, span.remoteEndpoint, 'net.peer.ip', 'net.peer.port');
    if (span.debug) attributes['zipkin.debug'] = true;

    const events: TimedEvent[] = span.annotations ? span.annotations.map(annotationToEvent) : [];
    let startMicros = span.timestamp;
    let endMicros: number | undefined;
    if (startMicros === undefined && span.annotations && span.annotations.length > 0) {
      // late or partial data (spec §4.5): the annotations bracket the work
      startMicros = Math.min(...span.annotations.map((a) => a.timestamp));
      endMicros = Math.max(...span.annotations.map((a) => a.timestamp));
    }
    if (startMicros === undefined) {
      startMicros = receivedAtMicros;
      attributes[ABSENT_START_ATTRIBUTE] = true;
    }
    if (span.duration !== undefined) endMicros = startMicros + span.duration;
    const startTime = microsToHrTime(startMicros);
    const endTime = microsToHrTime(endMicros ?? startMicros);

    const traceId = toOtelTraceId(span.traceId);
    const ctx: SpanContext = { traceId, spanId: span.id, traceFlags: TraceFlags.SAMPLED, isRemote: false };
    if (traceState) ctx.traceState = traceState;
    const parentSpanContext: SpanContext | undefined = span.parentId
      ? { traceId, spanId: span.parentId, traceFlags: TraceFlags.SAMPLED, isRemote: false }
      : undefined;

    return {
      name: span.name ?? 'unknown',
      kind: kind ?? SpanKind.INTERNAL,
      spanContext: () => ctx,
      parentSpanContext,
      startTime,
      endTime,
      duration: hrDiff(startTime, endTime),
      status,
      attributes,
      links,
      events,
      ended: true,
      resource: this.resources.get(serviceName, resourceExtra),
      instrumentationScope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  }
}
