import { SpanStatusCode, type AttributeValue, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as endpoints from './endpoints';
import * as fragments from './json-fragments';
import type { BatchFragments } from './json-fragments';
import * as text from './json-text';
import type { ZipkinEndpoint } from './model';
import type { TagKey } from './tag-keys';
import * as linkTagsModule from './link-tags';
import * as mapping from './span-to-zipkin';
import type { ZipkinMappingOptions } from './span-to-zipkin';
import * as tagKeys from './tag-keys';
import * as tagValue from './tag-value';
import * as time from './time';

// Imported functions and constants used per span or per tag are bound once to local constants: tsx, which runs the
// tests and benchmarks from source, compiles each use of an imported name into a chain of getters that cost this
// hot path ~15% (the compiled dist/ is unaffected either way).
const { localEndpoint } = endpoints;
const { endpointJson, KIND_JSON } = fragments;
const { jsonString } = text;
const { annotationValue, consumedByEndpoint, DEBUG_ATTRIBUTE } = mapping;
const { ENDPOINT_TAG, LINK_TAG, PLAIN, shadowed, TAGS_OPEN, tagKey } = tagKeys;
const { linkTagKey, linkTagValue, writtenLinks } = linkTagsModule;
const { attributeToTag } = tagValue;
const { hrTimeToMicrosText } = time;

/**
 * OTel spans straight to Zipkin v2 JSON with the mapping of `spanToZipkin`, byte-identical to the model path
 * `encodeJsonV2(spans.map(spanToZipkin))` (property-tested; integer-like tag keys aside, which a JS object reorders),
 * but built as one JS string per span: V8 concatenates by reference, most values need no escaping (one regex test),
 * fragments that repeat (keys, values, the resource's endpoint and tags, the scope's tags, ids, names) are built
 * once (as flat strings: see `flat`), and one native UTF-8 write per eight spans ends them.
 */

/** The tags of an OK status, first or after others. */
const STATUS_OK_FIRST = `${TAGS_OPEN}"otel.status_code":"OK"`;
const STATUS_OK_NEXT = ',"otel.status_code":"OK"';

/** Per attribute of the span being written, in order: its key's memo and its value (reused from span to span). */
const spanKeys: TagKey[] = [];
const spanValues: Array<AttributeValue | undefined> = [];
const remoteBuilder = new endpoints.RemoteEndpointBuilder();

function spanJson(span: ReadableSpan, batch: BatchFragments, options: ZipkinMappingOptions): string {
  const ctx = span.spanContext();
  const attributes: Attributes = span.attributes;
  const resource = batch.forResource(span.resource);

  let out = batch.ids(ctx.traceId, ctx.spanId);
  const parent = span.parentSpanContext?.spanId;
  if (parent) out += batch.parent(parent);
  if (span.name !== undefined) out += batch.name(span.name);
  out += (KIND_JSON[span.kind] ?? '') + batch.timing(span.startTime, span.endTime);
  const debug = attributes[DEBUG_ATTRIBUTE];
  if (debug === true || debug === 'true') out += ',"debug":true';

  let local: ZipkinEndpoint | undefined;
  if (attributes['net.host.ip'] === undefined && attributes['net.host.port'] === undefined) out += resource.localEndpoint;
  else {
    local = localEndpoint(resource.serviceName, attributes);
    out += `,"localEndpoint":${endpointJson(local)}`;
  }
  // One pass over the attributes: their keys' memo (position by position, as the previous span had them) and the
  // remote endpoint's candidates; the tags are written from these arrays below.
  remoteBuilder.start(span.kind);
  let count = 0;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    let info = spanKeys[count];
    if (info === undefined || info.key !== key) info = spanKeys[count] = tagKey(key);
    if (info.remoteRoles !== 0) remoteBuilder.add(info.remoteRoles, value);
    spanValues[count++] = value;
  }
  const remote = remoteBuilder.finish();
  if (remote !== undefined) out += batch.remoteEndpoint(remote);

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
      out += resource.allTagsFirst;
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
  const links = span.links;
  const linkTags = writtenLinks(links);
  const droppedLinks = span.droppedLinksCount + links.length - linkTags;
  for (let a = 0; a < count; a++) {
    const info = spanKeys[a];
    const value = spanValues[a] as AttributeValue;
    spanValues[a] = undefined; // not pinned past this span
    if (info.role !== PLAIN) {
      if (info.role === LINK_TAG) {
        if (linkTags > 0) continue;
      } else
      if (info.role === ENDPOINT_TAG) {
        local ??= localEndpoint(resource.serviceName, attributes);
        if (consumedByEndpoint(info.key, attributeToTag(value) as string, local, remote)) continue;
      } else if (shadowed(info.role, span, droppedLinks, legacy)) continue;
    }
    if (first) {
      out += info.firstTag(value);
      first = false;
    } else out += info.tag(value);
  }
  for (let i = 0; i < linkTags; i++) {
    out += `${first ? TAGS_OPEN : ','}"${linkTagKey(i)}":${jsonString(linkTagValue(links[i]))}`;
    first = false;
  }
  const status = span.status;
  if (status.code === SpanStatusCode.OK) {
    out += first ? STATUS_OK_FIRST : STATUS_OK_NEXT;
    first = false;
  } else if (status.code === SpanStatusCode.ERROR) {
    out += `${first ? TAGS_OPEN : ','}"otel.status_code":"ERROR","error":${jsonString(status.message ?? '')}`;
    first = false;
  }
  const scope = batch.scopeTags(span.instrumentationScope, first);
  if (scope !== '') {
    out += scope;
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

/** Spans converted to UTF-8 per native write (a power of two). */
const SPANS_PER_WRITE = 8;

/** Bytes per span of the previous batch, to size the next buffer right the first time. */
let expectedSpanBytes = 1024;

/**
 * Zipkin v2 JSON list of the spans, as UTF-8 bytes, written a few spans at a time (`SPANS_PER_WRITE`): converting
 * one batch-sized rope would first flatten tens of thousands of small pieces into a copy, and one native call per
 * span costs its fixed overhead 512 times a batch.
 */
export function encodeSpansJsonV2(spans: readonly ReadableSpan[], options: ZipkinMappingOptions = {}): Buffer {
  const batch = new fragments.BatchFragments(options);
  let buffer = Buffer.allocUnsafe(Math.ceil(spans.length * expectedSpanBytes * 1.125) + 4096);
  buffer[0] = 0x5b;
  let pos = 1;
  let pending = '';
  for (let i = 0; i < spans.length; i++) {
    const json = spanJson(spans[i], batch, options);
    pending = pending === '' ? json : `${pending},${json}`;
    // A few spans per native write: each call has a fixed cost, and a group's pieces are still few to flatten.
    if ((i & (SPANS_PER_WRITE - 1)) !== SPANS_PER_WRITE - 1 && i !== spans.length - 1) continue;
    const worst = pending.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (pos + worst + 1 > buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buffer.length * 2, pos + worst + 1));
      buffer.copy(bigger, 0, 0, pos);
      buffer = bigger;
    }
    if (i >= SPANS_PER_WRITE) buffer[pos++] = 0x2c;
    pos += buffer.write(pending, pos, 'utf8');
    pending = '';
  }
  buffer[pos++] = 0x5d;
  if (spans.length > 0) expectedSpanBytes = Math.min(65536, Math.max(64, pos / spans.length));
  // A body may wait in a retry queue: it must not pin much more memory than its own size.
  return pos < buffer.length * 0.75 ? Buffer.from(buffer.subarray(0, pos)) : buffer.subarray(0, pos);
}
