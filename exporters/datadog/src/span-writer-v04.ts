/**
 * `/v0.4/traces` payload: `array<array<map>>` with string keys (specs/datadog.md §2.3), written straight from
 * OTel `ReadableSpan`s with no intermediate Datadog span. Per span: the attributes are routed into `SpanTags`,
 * the mapper adds its tags and fields, then the span is written item by item against the template of the
 * previous span of the same shape (see span-template.ts); ids and times, unique per span, close the map (the
 * agent reads map keys in any order). Nothing here depends on the payload, so every cached encoding (keys,
 * repeating values, names, shared tag blocks, templates) is a standalone copy kept across payloads.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { routeAttributesTo as routeAttributesToFn, KeyTable, type KeyInfo } from './attribute-keys';
import * as chunkEncoder from './chunk-encoder';
import type { ChunkEncoder } from './chunk-encoder';
import { EncodedStrings, MAX_CACHED_STRING_LENGTH } from './encoded-strings';
import { MsgpackWriter, writeHex64 as writeHex64Fn } from './msgpack-writer';
import type { SpanMapper, TraceInfo } from './span-mapper';
import { SpanTags } from './span-tags';
import { SpanTemplate } from './span-template';
import type { TagBlock } from './tag-block';

// Bound once at load: per-span calls then skip module-namespace getters (CJS interop of the sources).
const writeHrTimeNanos = chunkEncoder.writeHrTimeNanos;
const writeHex64 = writeHex64Fn;
const routeAttributesTo = routeAttributesToFn;

function encodeKey(key: string): Uint8Array {
  const w = new MsgpackWriter(64);
  w.str(key);
  return w.toBuffer();
}

const K_NAME = encodeKey('name');
const K_RESOURCE = encodeKey('resource');
const K_SERVICE = encodeKey('service');
const K_TYPE = encodeKey('type');
const K_META = encodeKey('meta');
const K_METRICS = encodeKey('metrics');
/** The fixed tail `trace_id: u64, span_id: u64, parent_id: u64|0, error: 0|1, start:` (then `start`'s value). */
const K_TRACE_ID_U64 = Buffer.concat([encodeKey('trace_id'), Buffer.of(0xcf)]);
const K_SPAN_ID_U64 = Buffer.concat([encodeKey('span_id'), Buffer.of(0xcf)]);
const K_PARENT_ID = encodeKey('parent_id');
const K_PARENT_ID_U64 = Buffer.concat([K_PARENT_ID, Buffer.of(0xcf)]);
const K_ERROR = encodeKey('error');
const K_START = encodeKey('start');
const K_DURATION = encodeKey('duration');
const TAIL_MAX = K_TRACE_ID_U64.length + K_SPAN_ID_U64.length + K_PARENT_ID_U64.length + 24 + K_ERROR.length + 1 + K_START.length;

// Item identities of the template (see span-template.ts) besides tag keys (KeyInfo; chunk tags: the key string)
// and shared blocks (TagBlock).
const HEAD = { item: 'map header + meta header' };
const METRICS_HEAD = { item: 'metrics header' };
const NAME = { item: 'name' };
const RESOURCE = { item: 'resource' };
const SERVICE = { item: 'service' };
const TYPE = { item: 'type' };
const NONE: readonly string[] = [];

function put(b: Buffer, p: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) b[p++] = bytes[i];
  return p;
}

export class V04SpanWriter implements ChunkEncoder {
  private readonly w = new MsgpackWriter(1024 * 1024);
  private readonly mapper: SpanMapper;
  private readonly keys = new KeyTable();
  private readonly tags = new SpanTags(this.keys);
  private readonly strings = new EncodedStrings();
  private readonly templates = new WeakMap<TagBlock, SpanTemplate>();
  private chunks = 0;
  private chunkHeaderAt = 0;
  private chunkSpans = 0;
  private lastTraceId = '';
  private readonly lastTraceIdBytes = Buffer.alloc(8);
  // Template cursor: the template in use, the next item, the pending run of template bytes to copy, and the
  // current span's items (they become the template if any item differed).
  private tpl = new SpanTemplate();
  private item = 0;
  private runFrom = 0;
  private runTo = 0;
  private spanStart = 0;
  private changed = false;
  private nextIds: unknown[] = [];
  private nextValues: unknown[] = [];
  private nextEnds: number[] = [];

  constructor(mapper: SpanMapper) {
    this.mapper = mapper;
    this.beginPayload();
  }

  beginPayload(): void {
    this.w.reset();
    this.chunks = 0;
    this.w.array32Placeholder();
  }

  beginChunk(): void {
    this.chunkHeaderAt = this.w.array32Placeholder();
    this.chunkSpans = 0;
  }

  endChunk(): void {
    if (this.chunkSpans === 0) {
      this.w.pos = this.chunkHeaderAt; // never send an empty chunk
      return;
    }
    this.w.patchCount32(this.chunkHeaderAt, this.chunkSpans);
    this.chunks++;
  }

  size(): number {
    return this.w.pos;
  }

  mark(): number {
    return this.w.pos;
  }

  rollback(mark: number): void {
    this.w.pos = mark; // cached encodings and templates are copies, not views into the payload
    this.chunkSpans--;
  }

  finish(): Uint8Array {
    this.w.patchCount32(0, this.chunks);
    return this.w.detach();
  }

  get chunkCount(): number {
    return this.chunks;
  }

  writeSpan(span: ReadableSpan, trace: TraceInfo, first: boolean): void {
    const w = this.w;
    const mapper = this.mapper;
    const tags = this.tags;
    this.chunkSpans++;
    const res = mapper.resourceOf(span);
    const block = mapper.sharedMetaBlock(res, span.kind, span.instrumentationScope?.name ?? '');
    const sem = mapper.sem;
    sem.reset();
    tags.clear();
    const attributes = span.attributes;
    routeAttributesTo(attributes, Object.keys(attributes), sem, this.keys, tags);
    const f = mapper.completeSpan(span, trace, res, block, tags);
    const chunkMeta = first ? trace.chunkMeta : NONE;
    const sharedMeta = f.sharedMeta;
    const sharedMetrics = f.sharedMetrics;
    const metaCount = tags.metaCount + sharedMeta.pairs + (chunkMeta.length >> 1);
    const metricCount = tags.metricCount + sharedMetrics.pairs;

    this.beginTemplate(block);
    if (!this.same(HEAD, f.type ? metaCount : -1 - metaCount)) {
      w.byte(f.type ? 0x8c : 0x8b); // fixmap of 12 fields, 11 without `type`
      w.bytes(K_META);
      w.mapHeader(metaCount);
    }
    this.done();
    const metaKeys = tags.metaKeys;
    const metaValues = tags.metaValues;
    for (let i = 0; i < tags.metaCount; i++) {
      const key = metaKeys[i];
      const value = metaValues[i];
      if (!this.same(key, value)) this.metaPair(key, value);
      this.done();
    }
    if (!this.same(sharedMeta, sharedMeta)) this.block(sharedMeta, false);
    this.done();
    for (let i = 0; i < chunkMeta.length; i += 2) {
      if (!this.same(chunkMeta[i], chunkMeta[i + 1])) {
        this.string(chunkMeta[i]);
        this.string(chunkMeta[i + 1]);
      }
      this.done();
    }
    if (!this.same(METRICS_HEAD, metricCount)) {
      w.bytes(K_METRICS);
      w.mapHeader(metricCount);
    }
    this.done();
    const metricKeys = tags.metricKeys;
    const metricValues = tags.metricValues;
    for (let i = 0; i < tags.metricCount; i++) {
      const key = metricKeys[i];
      const value = metricValues[i];
      if (!this.same(key, value)) this.metricPair(key, value);
      this.done();
    }
    if (!this.same(sharedMetrics, sharedMetrics)) this.block(sharedMetrics, true);
    this.done();
    this.field(NAME, K_NAME, f.name);
    this.field(RESOURCE, K_RESOURCE, f.resource);
    this.field(SERVICE, K_SERVICE, f.service);
    if (f.type) this.field(TYPE, K_TYPE, f.type);
    this.endTemplate();

    this.writeTail(f.traceId, f.spanId, f.parentId, f.error);
    writeHrTimeNanos(w, f.start);
    w.bytes(K_DURATION);
    w.uint(f.durationNs);
  }

  private field(id: object, key: Uint8Array, value: string): void {
    if (!this.same(id, value)) {
      this.w.bytes(key);
      this.string(value);
    }
    this.done();
  }

  // ---- template cursor (see span-template.ts) ----

  private beginTemplate(shape: TagBlock): void {
    let tpl = this.templates.get(shape);
    if (tpl === undefined) {
      tpl = new SpanTemplate();
      this.templates.set(shape, tpl);
    }
    this.tpl = tpl;
    this.item = 0;
    this.runFrom = 0;
    this.runTo = 0;
    this.changed = false;
    this.spanStart = this.w.pos;
  }

  /**
   * True if the next item equals the template's at this position: its bytes join the pending copy. Otherwise
   * the caller writes the item itself.
   */
  private same(id: unknown, value: unknown): boolean {
    const i = this.item;
    const tpl = this.tpl;
    this.nextIds[i] = id;
    this.nextValues[i] = value;
    if (i < tpl.count && tpl.ids[i] === id && tpl.values[i] === value) {
      const from = i === 0 ? 0 : tpl.ends[i - 1];
      if (from !== this.runTo) {
        this.flushRun();
        this.runFrom = from;
      }
      this.runTo = tpl.ends[i];
      return true;
    }
    this.flushRun();
    this.changed = true;
    return false;
  }

  /** Closes the current item (written or pending). */
  private done(): void {
    this.nextEnds[this.item++] = this.w.pos - this.spanStart + (this.runTo - this.runFrom);
  }

  private flushRun(): void {
    if (this.runTo !== this.runFrom) {
      this.w.bytes(this.tpl.bytes.subarray(this.runFrom, this.runTo));
    }
    this.runFrom = this.runTo = 0;
  }

  private endTemplate(): void {
    this.flushRun();
    const tpl = this.tpl;
    if (!this.changed && this.item === tpl.count) return;
    // this span becomes the template: its bytes and items
    const w = this.w;
    const length = w.pos - this.spanStart;
    if (tpl.bytes.length < length) tpl.bytes = new Uint8Array(Math.max(length, tpl.bytes.length * 2));
    tpl.bytes.set(w.buf.subarray(this.spanStart, w.pos));
    const ids = tpl.ids;
    const values = tpl.values;
    const ends = tpl.ends;
    tpl.ids = this.nextIds;
    tpl.values = this.nextValues;
    tpl.ends = this.nextEnds;
    tpl.count = this.item;
    this.nextIds = ids;
    this.nextValues = values;
    this.nextEnds = ends;
  }

  // ---- items written afresh ----

  /** ids, `error` and the `start` key in one reservation (their sizes are fixed). */
  private writeTail(traceId: string, spanId: string, parentId: string, error: number): void {
    const w = this.w;
    w.reserve(TAIL_MAX);
    const b = w.buf;
    let p = put(b, w.pos, K_TRACE_ID_U64);
    if (traceId !== this.lastTraceId) {
      // every span of a chunk repeats the trace id: decode its low 64 bits once
      writeHex64(this.lastTraceIdBytes, 0, traceId, 16);
      this.lastTraceId = traceId;
    }
    const id = this.lastTraceIdBytes;
    for (let i = 0; i < 8; i++) b[p++] = id[i];
    p = put(b, p, K_SPAN_ID_U64);
    p = writeHex64(b, p, spanId, 0);
    if (parentId) {
      p = put(b, p, K_PARENT_ID_U64);
      p = writeHex64(b, p, parentId, 0);
    } else {
      p = put(b, p, K_PARENT_ID);
      b[p++] = 0;
    }
    p = put(b, p, K_ERROR);
    b[p++] = error;
    w.pos = put(b, p, K_START);
  }

  private metaPair(key: KeyInfo, value: string): void {
    if (value === key.lastValue) {
      this.w.bytes(key.lastPair);
      return;
    }
    const values = key.values;
    if (values !== undefined) {
      const pair = values[value];
      if (pair !== undefined) {
        key.lastValue = value;
        key.lastPair = pair;
        this.w.bytes(pair);
        return;
      }
    }
    const w = this.w;
    const start = w.pos;
    w.bytes(key.encodedV04);
    w.str(value);
    if (values !== undefined) key.rememberValue(value, w.buf.subarray(start, w.pos));
  }

  private metricPair(key: KeyInfo, value: number): void {
    const w = this.w;
    w.bytes(key.encodedV04);
    w.number(value);
  }

  /** A shared block is encoded once for its lifetime; spans copy its bytes. */
  private block(block: TagBlock, numericValues: boolean): void {
    if (block.pairs === 0) return;
    const cached = block.encodedV04;
    if (cached !== undefined) {
      this.w.bytes(cached);
      return;
    }
    const w = this.w;
    const start = w.pos;
    const items = block.items;
    for (let i = 0; i < items.length; i += 2) {
      this.string(items[i] as string);
      if (numericValues) w.number(items[i + 1] as number);
      else this.string(items[i + 1] as string);
    }
    block.encodedV04 = new Uint8Array(w.buf.subarray(start, w.pos));
  }

  private string(s: string): void {
    // short strings: encoding beats hashing a fresh string for a cache lookup
    if (s.length < 32 || s.length > MAX_CACHED_STRING_LENGTH) this.w.str(s);
    else this.w.bytes(this.strings.get(s));
  }
}
