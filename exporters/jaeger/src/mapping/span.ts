import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { SpanRefType, ZERO_ID, type JaegerLog, type JaegerSpan, type JaegerSpanRef, type JaegerTag } from '../model';
import { hex16, hrTimeToMicros, traceIdHalves } from './ids';
import { boolTag, longTag, stringTag, toTag } from './tags';

export interface SpanMappingOptions {
  /**
   * Also write the deprecated `otel.library.name`/`otel.library.version` aliases of the scope tags, which the
   * non-OTLP mapping spec asks for "for backward compatibility". Default true.
   */
  legacyLibraryTags?: boolean;
}

// copied once: these run for every span, and import bindings are getter calls under CJS interop
const ERROR = SpanStatusCode.ERROR;
const OK = SpanStatusCode.OK;
const SAMPLED = TraceFlags.SAMPLED;
const FOLLOWS_FROM = SpanRefType.FOLLOWS_FROM;
const ROOT = ZERO_ID;
const KIND_TAG: readonly (string | undefined)[] = [];
(KIND_TAG as (string | undefined)[])[SpanKind.CLIENT] = 'client';
(KIND_TAG as (string | undefined)[])[SpanKind.SERVER] = 'server';
(KIND_TAG as (string | undefined)[])[SpanKind.PRODUCER] = 'producer';
(KIND_TAG as (string | undefined)[])[SpanKind.CONSUMER] = 'consumer';
// INTERNAL: no tag ("SHOULD NOT be translated to a tag")

/** Keys the mapping derives itself; an attribute with such a key is replaced by the derived tag. */
function isDerivedKey(key: string): boolean {
  return key === 'error' || key === 'span.kind' || key === 'w3c.tracestate' || key.startsWith('otel.');
}

/** OTel span → Jaeger Thrift span, per spec §4.1 (see the package README for each rule). */
export function toJaegerSpan(span: ReadableSpan, options: SpanMappingOptions = {}): JaegerSpan {
  const ctx = span.spanContext();
  const [traceIdHigh, traceIdLow] = traceIdHalves(ctx.traceId);
  const parent = span.parentSpanContext;

  const tags: JaegerTag[] = [];
  let clash = false;
  const attributes = span.attributes;
  for (const key in attributes) {
    const tag = toTag(key, attributes[key]);
    if (tag === undefined) continue;
    if (isDerivedKey(key)) clash = true;
    tags.push(tag);
  }
  const firstDerived = tags.length;

  const kind = KIND_TAG[span.kind];
  if (kind !== undefined) tags.push(stringTag('span.kind', kind));
  const status = span.status;
  if (status.code === ERROR) {
    tags.push(stringTag('otel.status_code', 'ERROR'));
    if (status.message) tags.push(stringTag('otel.status_description', status.message));
    tags.push(boolTag('error', true));
  } else if (status.code === OK) {
    tags.push(stringTag('otel.status_code', 'OK'));
  }
  const scope = span.instrumentationScope;
  if (scope && scope.name) {
    tags.push(stringTag('otel.scope.name', scope.name));
    if (scope.version) tags.push(stringTag('otel.scope.version', scope.version));
    if (options.legacyLibraryTags !== false) {
      tags.push(stringTag('otel.library.name', scope.name));
      if (scope.version) tags.push(stringTag('otel.library.version', scope.version));
    }
  }
  if (span.droppedAttributesCount > 0) tags.push(longTag('otel.dropped_attributes_count', span.droppedAttributesCount));
  if (span.droppedEventsCount > 0) tags.push(longTag('otel.dropped_events_count', span.droppedEventsCount));
  if (span.droppedLinksCount > 0) tags.push(longTag('otel.dropped_links_count', span.droppedLinksCount));
  const traceState = ctx.traceState?.serialize();
  if (traceState) tags.push(stringTag('w3c.tracestate', traceState));

  const jaegerSpan: JaegerSpan = {
    traceIdLow,
    traceIdHigh,
    spanId: hex16(ctx.spanId),
    // the parent is Thrift's implicit CHILD_OF reference ("CHILD_OF refs do not have to be explicit")
    parentSpanId: parent ? hex16(parent.spanId) : ROOT,
    operationName: span.name,
    flags: (ctx.traceFlags & SAMPLED) === SAMPLED ? 1 : 0,
    startTime: hrTimeToMicros(span.startTime),
    duration: Math.max(0, hrTimeToMicros(span.duration)),
  };
  if (span.links.length > 0) jaegerSpan.references = span.links.map(toFollowsFrom);
  if (tags.length > 0) jaegerSpan.tags = clash ? withoutShadowedAttributes(tags, firstDerived) : tags;
  if (span.events.length > 0) jaegerSpan.logs = span.events.map(toLog);
  return jaegerSpan;
}

/** Rare path: drop attribute tags whose key the mapping also derived (e.g. an `error` attribute on an ERROR span). */
function withoutShadowedAttributes(tags: JaegerTag[], firstDerived: number): JaegerTag[] {
  const derived = new Set<string>();
  for (let i = firstDerived; i < tags.length; i++) derived.add(tags[i].key);
  return tags.filter((t, i) => i >= firstDerived || !derived.has(t.key));
}

function toFollowsFrom(link: ReadableSpan['links'][number]): JaegerSpanRef {
  const [traceIdHigh, traceIdLow] = traceIdHalves(link.context.traceId);
  return { refType: FOLLOWS_FROM, traceIdLow, traceIdHigh, spanId: hex16(link.context.spanId) };
}

/** Event → Log with an `event` field; an `event` attribute takes precedence over the name (spec §4.1). */
function toLog(event: TimedEvent): JaegerLog {
  const fields: JaegerTag[] = [];
  const attributes = event.attributes;
  if (!attributes || attributes['event'] === undefined) fields.push(stringTag('event', event.name));
  if (attributes) {
    for (const key in attributes) {
      const tag = toTag(key, attributes[key]);
      if (tag !== undefined) fields.push(tag);
    }
  }
  if (event.droppedAttributesCount) fields.push(longTag('otel.dropped_attributes_count', event.droppedAttributesCount));
  return { timestamp: hrTimeToMicros(event.time), fields };
}
