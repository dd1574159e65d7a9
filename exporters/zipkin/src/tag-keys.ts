import { SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as endpoints from './endpoints';
import * as text from './json-text';
import { isLinkTagKey } from './link-tags';
import { DEBUG_ATTRIBUTE } from './span-to-zipkin';
import * as tagValue from './tag-value';

// Imported functions and constants used per span or per tag are bound once to local constants: tsx, which runs the
// tests and benchmarks from source, compiles each use of an imported name into a chain of getters that cost the
// hot path ~15% (the compiled dist/ is unaffected either way).
const { flat, jsonString, needsEscape } = text;
const { attributeToTag } = tagValue;
const { remoteRoles } = endpoints;

/** Opens a span's tags object (the first tag follows without a comma). */
export const TAGS_OPEN = ',"tags":{';

// How an attribute key interacts with the tags the mapping writes itself (see `writeTags`).
export const PLAIN = 0;
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
export const ENDPOINT_TAG = 11;
/** `otlp.link.*`: dropped when the span has links, which the mapping writes under those keys. */
export const LINK_TAG = 12;

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
    default: return isLinkTagKey(key) ? LINK_TAG : PLAIN;
  }
}

/** Values longer than this are not memoised, so that the memo never pins large strings. */
const MAX_MEMO_LENGTH = 256;
/**
 * Numeric values a key has had, beyond the last two: ports and sizes take more values than two, but few (a server's
 * keep-alive connections). Bounded per key; cleared when full.
 */
const MAX_RECENT_NUMBERS = 64;

/**
 * What the encoder keeps per attribute key: its role, its JSON fragments, and the tags of its recent values. Every
 * memoised fragment is flat (`flat`): the span's UTF-8 write then copies it as one piece.
 */
export class TagKey {
  readonly key: string;
  readonly role: number;
  /** What the key contributes to the remote endpoint (`remoteRoles`; 0 for most keys). */
  readonly remoteRoles: number;
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
  private previousValue: string | number | boolean | undefined;
  private previousTag = '';
  /** Tags of numeric values seen before the last two (created on the first miss). */
  private recentNumbers: Map<number, string> | undefined;
  /** The first tag of a span (`,"tags":{"key":"value"`) for the last value: a span's first key rarely changes. */
  private firstValue: string | number | boolean | undefined;
  private firstTagJson = '';

  constructor(key: string, prefix: string) {
    this.key = key;
    this.role = roleOf(key);
    this.remoteRoles = remoteRoles(key);
    this.prefix = prefix;
    this.next = flat(`,${prefix}`);
    this.nextQuoted = flat(`,${prefix}"`);
  }

  /** `,"key":"value"` */
  tag(value: AttributeValue): string {
    if (value === this.lastValue) return this.lastTag;
    // Two entries: a key such as `server.address` often alternates between two kinds of span.
    if (value === this.previousValue) return this.previousTag;
    let tag: string | undefined;
    if (typeof value === 'string') {
      tag = needsEscape(value) ? this.next + JSON.stringify(value) : `${this.nextQuoted}${value}"`;
      if (value.length > MAX_MEMO_LENGTH) return tag;
      tag = flat(tag);
    } else if (typeof value === 'number') {
      let recent = this.recentNumbers;
      if (recent === undefined) recent = this.recentNumbers = new Map();
      tag = recent.get(value);
      if (tag === undefined) {
        tag = flat(`${this.nextQuoted}${value}"`);
        if (recent.size >= MAX_RECENT_NUMBERS) recent.clear();
        recent.set(value, tag);
      }
    } else if (typeof value === 'boolean') {
      tag = flat(`${this.nextQuoted}${value}"`);
    } else return this.next + jsonString(attributeToTag(value) as string);
    this.previousValue = this.lastValue;
    this.previousTag = this.lastTag;
    this.lastValue = value;
    this.lastTag = tag;
    return tag;
  }

  /** `,"tags":{"key":"value"`, for a span's first tag */
  firstTag(value: AttributeValue): string {
    if (value === this.firstValue) return this.firstTagJson;
    const tag = TAGS_OPEN + this.prefix + jsonString(attributeToTag(value) as string);
    if (Array.isArray(value) || (typeof value === 'string' && value.length > MAX_MEMO_LENGTH)) return tag;
    this.firstValue = value as string | number | boolean;
    this.firstTagJson = flat(tag);
    return this.firstTagJson;
  }
}

const KEYS = new text.KeyFragments<TagKey>((key, prefix) => new TagKey(key, prefix));

/** The memoised `TagKey` of an attribute key. */
export function tagKey(key: string): TagKey {
  return KEYS.get(key);
}

/** True when the attribute must not become a tag because the mapping writes that key itself. */
export function shadowed(role: number, span: ReadableSpan, droppedLinks: number, legacy: boolean): boolean {
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

