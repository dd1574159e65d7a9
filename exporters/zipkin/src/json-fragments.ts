import { SpanKind, type HrTime } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import * as text from './json-text';
import type { ZipkinEndpoint } from './model';
import * as mapping from './span-to-zipkin';
import type { ZipkinMappingOptions } from './span-to-zipkin';
import * as tagKeys from './tag-keys';
import * as tagValue from './tag-value';
import * as time from './time';

// Imported functions and constants used per span or per tag are bound once to local constants: tsx, which runs the
// tests and benchmarks from source, compiles each use of an imported name into a chain of getters that cost the
// hot path ~15% (the compiled dist/ is unaffected either way).
const { flat, jsonString } = text;
const { compactTraceId, DEFAULT_RESOURCE_TAGS, lowerHex } = mapping;
const { TAGS_OPEN, tagKey } = tagKeys;
const { attributeToTag } = tagValue;
const { durationMicros, hrTimeToMicros, isPlainEpochTime, microsOfSecondText } = time;

/**
 * JSON fragments that repeat from span to span, built once: per resource (local endpoint, allow-listed tags), per
 * scope (its tags), and, within one batch, the last trace id, parent id, remote endpoint, seconds, and span names.
 */

/** `,"kind":…` per SpanKind (as `KINDS`); INTERNAL is a local span, without kind. */
export const KIND_JSON: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: '',
  [SpanKind.SERVER]: ',"kind":"SERVER"',
  [SpanKind.CLIENT]: ',"kind":"CLIENT"',
  [SpanKind.PRODUCER]: ',"kind":"PRODUCER"',
  [SpanKind.CONSUMER]: ',"kind":"CONSUMER"',
};

/** 1 for the ASCII characters an id written as is must not contain: upper-case letters, `"`, backslash, controls. */
const NOT_AS_IS = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) NOT_AS_IS[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) NOT_AS_IS[c] = 1;
NOT_AS_IS[0x22] = 1;
NOT_AS_IS[0x5c] = 1;

/**
 * The JSON literal of a span or trace id: the id itself in quotes when it is lower-case and needs no escaping
 * (always, from the SDK). A table lookup per character, not comparisons: on random hex those branches mispredict.
 */
export function idLiteral(id: string): string {
  return isPlainId(id) ? `"${id}"` : jsonString(lowerHex(id));
}

/** True when the id can be written as is between quotes (no upper-case letter, nothing to escape). */
function isPlainId(id: string): boolean {
  let bad = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    bad |= c < 128 ? NOT_AS_IS[c] : 1;
  }
  return bad === 0;
}

const ZERO_HIGH_HALF = '0000000000000000';

export function endpointJson(e: ZipkinEndpoint): string {
  let json = '';
  if (e.serviceName !== undefined) json += `,"serviceName":${jsonString(e.serviceName)}`;
  if (e.ipv4 !== undefined) json += `,"ipv4":${jsonString(e.ipv4)}`;
  if (e.ipv6 !== undefined) json += `,"ipv6":${jsonString(e.ipv6)}`;
  if (e.port !== undefined) json += `,"port":${e.port}`;
  return json === '' ? '{}' : `{${json.slice(1)}}`;
}

/** What every span of one resource shares. */
export class ResourceFragments {
  readonly serviceName: string;
  /** `,"localEndpoint":{…}` for spans without `net.host.*` attributes. */
  readonly localEndpoint: string;
  readonly tagKeys: string[] = [];
  readonly tagPairs: string[] = [];
  /** All resource tags, comma-separated, for spans that override none of them. */
  readonly allTags: string;
  /** `,"tags":{` and `allTags`: a span's first tags when it overrides none of them. */
  readonly allTagsFirst: string;

  constructor(resource: Resource, options: ZipkinMappingOptions) {
    const attributes = resource.attributes;
    const service = attributes['service.name'];
    this.serviceName = typeof service === 'string' && service !== '' ? service : options.defaultServiceName ?? 'unknown_service';
    this.localEndpoint = flat(`,"localEndpoint":{"serviceName":${jsonString(this.serviceName)}}`);
    const keys = options.resourceTags ?? DEFAULT_RESOURCE_TAGS;
    for (let i = 0; i < keys.length; i++) {
      const tag = attributeToTag(attributes[keys[i]]);
      if (tag === undefined) continue;
      this.tagKeys.push(keys[i]);
      this.tagPairs.push(flat(`${tagKey(keys[i]).prefix}${jsonString(tag)}`));
    }
    this.allTags = flat(this.tagPairs.join(','));
    this.allTagsFirst = flat(TAGS_OPEN + this.allTags);
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

const MAX_NAMES = 256;
const MAX_REMOTES = 256;

function sameEndpoint(a: ZipkinEndpoint, b: ZipkinEndpoint): boolean {
  return a.port === b.port && a.ipv4 === b.ipv4 && a.ipv6 === b.ipv6 && a.serviceName === b.serviceName;
}

/** One encode call's memo (the options are fixed within it): a batch usually has one resource and few of everything. */
export class BatchFragments {
  private resource: Resource | undefined;
  private resourceFragments: ResourceFragments | undefined;
  private scope: InstrumentationScope | undefined;
  private scopeJson = '';
  private scopeFirst = '';
  private scopeNext = '';
  private traceId: string | undefined;
  private traceHead = '';
  private remote: ZipkinEndpoint | undefined;
  private remoteJson = '';
  private readonly remotesByPort = new Map<number, { endpoint: ZipkinEndpoint; json: string }>();
  private parentId: string | undefined;
  private parentJson = '';
  /** Span names are low-cardinality by convention: `,"name":"…"` per name, bounded. */
  private readonly names = new Map<string, string>();
  private seconds = -1;
  private secondsJson = '';

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
      this.scopeJson = flat(scopeTags(scope, this.options.legacyScopeTags === true));
      this.scopeFirst = this.scopeJson === '' ? '' : flat(TAGS_OPEN + this.scopeJson);
      this.scopeNext = this.scopeJson === '' ? '' : flat(`,${this.scopeJson}`);
    }
    return this.scopeJson;
  }

  /** The scope's tags as the span's first tags (`,"tags":{…`) or after others (`,…`); '' when it has none. */
  scopeTags(scope: InstrumentationScope, first: boolean): string {
    if (scope !== this.scope) this.forScope(scope);
    return first ? this.scopeFirst : this.scopeNext;
  }

  /**
   * `{"traceId":"…","id":"…"`. One scan per id decides that it is written as is (always, from the SDK), and the
   * pieces are as few as possible: the span's UTF-8 write walks each one.
   */
  ids(traceId: string, spanId: string): string {
    if (traceId !== this.traceId) {
      this.traceId = traceId;
      if (isPlainId(traceId)) {
        const id = traceId.length === 32 && traceId.charCodeAt(0) === 0x30 && traceId.startsWith(ZERO_HIGH_HALF) ? traceId.slice(16) : traceId;
        this.traceHead = `{"traceId":"${id}","id":"`;
      } else this.traceHead = `{"traceId":${idLiteral(compactTraceId(traceId))},"id":"`;
    }
    if (isPlainId(spanId)) return `${this.traceHead}${spanId}"`;
    return this.traceHead.slice(0, -1) + idLiteral(spanId);
  }

  /** `,"name":"…"` */
  name(name: string): string {
    let json = this.names.get(name);
    if (json === undefined) {
      if (this.names.size >= MAX_NAMES) this.names.clear();
      json = flat(`,"name":${jsonString(name)}`);
      this.names.set(name, json);
    }
    return json;
  }

  /** `,"timestamp":…,"duration":…`, reusing the text of the seconds, which consecutive spans share. */
  timing(start: HrTime, end: HrTime): string {
    const duration = durationMicros(hrTimeToMicros(start), end);
    if (!isPlainEpochTime(start)) return `,"timestamp":${hrTimeToMicros(start)},"duration":${duration}`;
    if (start[0] !== this.seconds) {
      this.seconds = start[0];
      this.secondsJson = flat(`,"timestamp":${start[0]}`);
    }
    return `${this.secondsJson}${microsOfSecondText(start[1])},"duration":${duration}`;
  }

  /** `,"parentId":"…"`; siblings end one after the other, so consecutive spans often share the parent. */
  parent(parentId: string): string {
    if (parentId !== this.parentId) {
      this.parentId = parentId;
      this.parentJson = isPlainId(parentId) ? `,"parentId":"${parentId}"` : `,"parentId":${idLiteral(parentId)}`;
    }
    return this.parentJson;
  }

  /**
   * `,"remoteEndpoint":{…}`; consecutive spans often call the same peer, and a server's spans come from a few
   * keep-alive connections (same address, a handful of ports), remembered by port.
   */
  remoteEndpoint(e: ZipkinEndpoint): string {
    const last = this.remote;
    if (last !== undefined && sameEndpoint(e, last)) return this.remoteJson;
    const port = e.port ?? -1;
    const known = this.remotesByPort.get(port);
    if (known !== undefined && sameEndpoint(e, known.endpoint)) {
      this.remote = known.endpoint;
      this.remoteJson = known.json;
      return known.json;
    }
    this.remote = e;
    this.remoteJson = flat(`,"remoteEndpoint":${endpointJson(e)}`);
    if (this.remotesByPort.size >= MAX_REMOTES) this.remotesByPort.clear();
    this.remotesByPort.set(port, { endpoint: e, json: this.remoteJson });
    return this.remoteJson;
  }
}
