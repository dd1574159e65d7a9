import { SpanKind, SpanStatusCode, TraceFlags, type AttributeValue, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { hex16, hrTimeToMicros, traceIdHalves } from './mapping/ids';
import type { IdMemo } from './id-memo';
import type { ScopeTagsCache } from './scope-tags';
import type { ThriftWriter } from './thrift/thrift-writer';

/*
 * The hot path: one OTel span straight to Thrift bytes, with no intermediate Jaeger objects. It implements exactly
 * the mapping of `mapping/span.ts` (`toJaegerSpan` + `writeSpan`), which stays the readable reference; a property
 * test checks that both produce identical bytes. A span whose attributes use a key the mapping derives itself
 * (`error`, `span.kind`, `otel.*`, `w3c.tracestate`) is left to the reference path, which de-duplicates them.
 */

// copied once: import bindings are getter calls under CJS interop, and these run for every span or attribute
const FOLLOWS_FROM = 1;
const ERROR = SpanStatusCode.ERROR;
const OK = SpanStatusCode.OK;
const SAMPLED = TraceFlags.SAMPLED;
const KIND_TAG: (string | undefined)[] = [];
KIND_TAG[SpanKind.CLIENT] = 'client';
KIND_TAG[SpanKind.SERVER] = 'server';
KIND_TAG[SpanKind.PRODUCER] = 'producer';
KIND_TAG[SpanKind.CONSUMER] = 'consumer';

function isDerivedKey(key: string): boolean {
  return key === 'error' || key === 'span.kind' || key === 'w3c.tracestate' || key.startsWith('otel.');
}

/** Number of attributes that become tags (null/undefined values are skipped), or -1 if one shadows a derived key. */
function countAttributeTags(attributes: Attributes): number {
  let n = 0;
  for (const key in attributes) {
    const v = attributes[key];
    if (v === undefined || v === null) continue;
    if (isDerivedKey(key)) return -1;
    n++;
  }
  return n;
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Same typing rules as `toTag` (mapping/tags.ts). The value is known not to be null/undefined. */
function writeAttributeTag(w: ThriftWriter, key: string, value: AttributeValue | unknown): void {
  switch (typeof value) {
    case 'string':
      w.tagString(key, value);
      break;
    case 'number':
      if (Number.isSafeInteger(value)) w.tagLong(key, value);
      else w.tagDouble(key, value);
      break;
    case 'boolean':
      w.tagBool(key, value);
      break;
    case 'bigint':
      w.tagString(key, value.toString());
      break;
    case 'object':
      if (value instanceof Uint8Array) w.tagBinary(key, value);
      else w.tagString(key, safeJson(value as object));
      break;
    default:
      w.tagString(key, String(value));
  }
}

function writeAttributeTags(w: ThriftWriter, attributes: Attributes): void {
  for (const key in attributes) {
    const v = attributes[key];
    if (v !== undefined && v !== null) writeAttributeTag(w, key, v);
  }
}

/** Writes `id` as i64 from a 16-hex id string (left-padded when shorter). */
function writeId(w: ThriftWriter, field: number, id: string): void {
  if (id.length === 16) w.fieldI64Hex(field, id, 0);
  else w.fieldI64Hex(field, hex16(id), 0);
}

/** Trace id halves: low → `lowField`, high → `highField`. */
function writeTraceId(w: ThriftWriter, lowField: number, highField: number, traceId: string): void {
  if (traceId.length === 32) {
    w.fieldI64Hex(lowField, traceId, 16);
    w.fieldI64Hex(highField, traceId, 0);
  } else {
    const [high, low] = traceIdHalves(traceId);
    w.fieldI64Hex(lowField, low, 0);
    w.fieldI64Hex(highField, high, 0);
  }
}

function writeLog(w: ThriftWriter, event: TimedEvent): void {
  const attributes = event.attributes;
  const withName = !attributes || attributes['event'] === undefined;
  let count = withName ? 1 : 0;
  if (attributes) {
    for (const key in attributes) {
      const v = attributes[key];
      if (v !== undefined && v !== null) count++;
    }
  }
  const dropped = event.droppedAttributesCount;
  if (dropped) count++;
  w.structBegin();
  w.fieldI64Number(1, hrTimeToMicros(event.time));
  w.fieldStructList(2, count);
  if (withName) w.tagString('event', event.name);
  if (attributes) writeAttributeTags(w, attributes);
  if (dropped) w.tagLong('otel.dropped_attributes_count', dropped);
  w.structEnd();
}

/** What the hot path keeps across spans: encoded scope tags, and the last trace/parent ids parsed. */
export interface SpanWriteCaches {
  readonly scopeTags: ScopeTagsCache;
  readonly ids: IdMemo;
}

/**
 * Writes the Jaeger Thrift `Span` for `span`; returns false, having written nothing, when the span needs the
 * reference path (an attribute shadows a derived key).
 */
export function writeOtelSpan(w: ThriftWriter, span: ReadableSpan, caches: SpanWriteCaches): boolean {
  const attributes = span.attributes;
  const attributeTags = countAttributeTags(attributes);
  if (attributeTags < 0) return false;

  const ctx = span.spanContext();
  const kind = KIND_TAG[span.kind];
  const status = span.status;
  const statusMessage = status.code === ERROR ? status.message : undefined;
  const scopeTags = caches.scopeTags.get(span.instrumentationScope);
  const traceState = ctx.traceState?.serialize();
  const { droppedAttributesCount, droppedEventsCount, droppedLinksCount } = span;

  let tagCount = attributeTags;
  if (kind !== undefined) tagCount++;
  if (status.code === ERROR) tagCount += statusMessage ? 3 : 2;
  else if (status.code === OK) tagCount++;
  if (scopeTags !== undefined) tagCount += scopeTags.count;
  if (droppedAttributesCount > 0) tagCount++;
  if (droppedEventsCount > 0) tagCount++;
  if (droppedLinksCount > 0) tagCount++;
  if (traceState) tagCount++;

  w.structBegin();
  const trace = caches.ids.traceWords(ctx.traceId);
  w.fieldI64(1, trace[2], trace[3]); // traceIdLow
  w.fieldI64(2, trace[0], trace[1]); // traceIdHigh
  writeId(w, 3, ctx.spanId);
  const parent = span.parentSpanContext;
  if (parent) {
    const p = caches.ids.parentWords(parent.spanId);
    w.fieldI64(4, p[0], p[1]);
  } else {
    w.fieldI64(4, 0, 0); // root
  }
  w.fieldString(5, span.name);
  const links = span.links;
  if (links.length > 0) {
    w.fieldStructList(6, links.length);
    for (const link of links) {
      w.structBegin();
      w.fieldI32(1, FOLLOWS_FROM);
      writeTraceId(w, 2, 3, link.context.traceId);
      writeId(w, 4, link.context.spanId);
      w.structEnd();
    }
  }
  w.fieldI32(7, (ctx.traceFlags & SAMPLED) === SAMPLED ? 1 : 0);
  w.fieldI64Number(8, hrTimeToMicros(span.startTime));
  w.fieldI64Number(9, Math.max(0, hrTimeToMicros(span.duration)));
  if (tagCount > 0) {
    w.fieldStructList(10, tagCount);
    writeAttributeTags(w, attributes);
    if (kind !== undefined) w.tagString('span.kind', kind);
    if (status.code === ERROR) {
      w.tagString('otel.status_code', 'ERROR');
      if (statusMessage) w.tagString('otel.status_description', statusMessage);
      w.tagBool('error', true);
    } else if (status.code === OK) {
      w.tagString('otel.status_code', 'OK');
    }
    if (scopeTags !== undefined) w.rawStruct(scopeTags.bytes); // complete Tag structs, encoded once per scope
    if (droppedAttributesCount > 0) w.tagLong('otel.dropped_attributes_count', droppedAttributesCount);
    if (droppedEventsCount > 0) w.tagLong('otel.dropped_events_count', droppedEventsCount);
    if (droppedLinksCount > 0) w.tagLong('otel.dropped_links_count', droppedLinksCount);
    if (traceState) w.tagString('w3c.tracestate', traceState);
  }
  const events = span.events;
  if (events.length > 0) {
    w.fieldStructList(11, events.length);
    for (const event of events) writeLog(w, event);
  }
  w.structEnd();
  return true;
}
