/**
 * `/v0.4/traces` payload: `array<array<map>>` with string keys (specs/datadog.md §2.3), written straight from
 * OTel `ReadableSpan`s with no intermediate Datadog span. Per span: the attributes are routed into `SpanTags`,
 * the mapper adds its tags and fields, then the span is written item by item against the template of the
 * previous span of the same shape and resource (see span-template.ts); ids and times, unique per span, close
 * the map (the agent reads map keys in any order). The cached encodings of keys, repeating values, names and
 * shared tag blocks do not depend on the payload and are standalone copies kept across payloads; a template
 * points at a span in the payload being written and is valid for that payload only.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { routeAttributesTo as routeAttributesToFn, KeyTable, type KeyInfo } from './attribute-keys';
import * as chunkEncoder from './chunk-encoder';
import type { ChunkEncoder } from './chunk-encoder';
import { EncodedStrings, MAX_CACHED_STRING_LENGTH } from './encoded-strings';
import { MsgpackWriter, writeHex64 as writeHex64Fn } from './msgpack-writer';
import type { SpanMapper, TraceInfo } from './span-mapper';
import { SpanTags } from './span-tags';
import { SpanTemplate, SpanTemplates } from './span-template';
import type { TagBlock } from './tag-block';

// Bound once at load: per-span calls then skip module-namespace getters (CJS interop of the sources).
const hrTimeNanosAt = chunkEncoder.hrTimeNanosAt;
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
/**
 * The span's closing fields, copied as one block and then filled in: `trace_id: u64, span_id: u64,
 * parent_id: u64 (or 0 for a root), error: 0|1, start: u64, duration:` (the duration's width varies).
 * Mutable: the writer keeps the current trace id and parent id decoded in it.
 */
class Tail {
  readonly bytes: Buffer;
  readonly traceAt: number;
  readonly spanAt: number;
  /** -1 for a root span (`parent_id: 0`). */
  readonly parentAt: number;
  readonly errorAt: number;
  readonly startAt: number;

  constructor(withParent: boolean) {
    const parts: Uint8Array[] = [];
    let at = 0;
    const add = (bytes: Uint8Array): number => {
      parts.push(bytes);
      at += bytes.length;
      return at;
    };
    const u64 = Buffer.alloc(8);
    this.traceAt = add(Buffer.concat([encodeKey('trace_id'), Buffer.of(0xcf)]));
    add(u64);
    this.spanAt = add(Buffer.concat([encodeKey('span_id'), Buffer.of(0xcf)]));
    add(u64);
    if (withParent) {
      this.parentAt = add(Buffer.concat([encodeKey('parent_id'), Buffer.of(0xcf)]));
      add(u64);
    } else {
      this.parentAt = -1;
      add(Buffer.concat([encodeKey('parent_id'), Buffer.of(0)]));
    }
    this.errorAt = add(encodeKey('error'));
    add(Buffer.of(0));
    this.startAt = add(Buffer.concat([encodeKey('start'), Buffer.of(0xcf)]));
    add(u64);
    add(encodeKey('duration'));
    this.bytes = Buffer.concat(parts);
  }
}

// Item kinds of a span (see span-template.ts). An item's identity is the tag's KeyInfo, the chunk tag's key,
// the shared TagBlock, or the field's key bytes; the two map headers have only a value.
const HEAD = 0;
const META = 1;
const META_BLOCK = 2;
const CHUNK_TAG = 3;
const METRICS_HEAD = 4;
const METRIC = 5;
const METRIC_BLOCK = 6;
const FIELD = 7;
const NONE: readonly string[] = [];

export class V04SpanWriter implements ChunkEncoder {
  private readonly w = new MsgpackWriter(1024 * 1024);
  private readonly mapper: SpanMapper;
  private readonly keys = new KeyTable();
  private readonly tags = new SpanTags(this.keys);
  private readonly strings = new EncodedStrings();
  private readonly templates = new WeakMap<TagBlock, SpanTemplates>();
  private chunks = 0;
  private chunkHeaderAt = 0;
  private chunkSpans = 0;
  // The tails keep the last trace id (both) and parent id (child tail) decoded in place: every span of a
  // chunk repeats its trace id, and siblings their parent.
  private readonly childTail = new Tail(true);
  private readonly rootTail = new Tail(false);
  private lastTraceId = '';
  private lastParentId = '';
  // The current span's items, written by index (swapped with a template's when the span becomes one).
  private readonly kinds: number[] = [];
  private ids: unknown[] = [];
  private values: unknown[] = [];
  private ends: number[] = [];
  /** Changes whenever earlier payload bytes stop being there to copy from (new payload, rollback). */
  private generation = 0;

  constructor(mapper: SpanMapper) {
    this.mapper = mapper;
    this.beginPayload();
  }

  beginPayload(): void {
    this.generation++;
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
    this.w.pos = mark; // cached encodings are copies, not views into the payload; templates may be past `mark`
    this.chunkSpans--;
    this.generation++;
  }

  finish(): Uint8Array {
    this.w.patchCount32(0, this.chunks);
    return this.w.detach();
  }

  get chunkCount(): number {
    return this.chunks;
  }

  writeSpan(span: ReadableSpan, trace: TraceInfo, first: boolean): void {
    const mapper = this.mapper;
    const tags = this.tags;
    this.chunkSpans++;
    const res = mapper.resourceOf(span);
    const block = mapper.sharedMetaBlock(res, span.kind, span.instrumentationScope?.name ?? '');
    const sem = mapper.sem;
    sem.reset();
    tags.clear();
    routeAttributesTo(span.attributes, sem, this.keys, tags);
    const f = mapper.completeSpan(span, trace, res, block, tags);
    const chunkMeta = first ? trace.chunkMeta : NONE;
    const sharedMeta = f.sharedMeta;
    const sharedMetrics = f.sharedMetrics;
    const metaCount = tags.metaCount + sharedMeta.pairs + (chunkMeta.length >> 1);
    const metricCount = tags.metricCount + sharedMetrics.pairs;

    // the span as a list of items (see span-template.ts), then written against its template
    const kinds = this.kinds;
    const ids = this.ids;
    const values = this.values;
    kinds[0] = HEAD;
    ids[0] = HEAD;
    values[0] = f.type ? metaCount : -1 - metaCount;
    let n = 1;
    const metaKeys = tags.metaKeys;
    const metaValues = tags.metaValues;
    for (let i = 0; i < tags.metaCount; i++, n++) {
      kinds[n] = META;
      ids[n] = metaKeys[i];
      values[n] = metaValues[i];
    }
    kinds[n] = META_BLOCK;
    ids[n] = sharedMeta;
    values[n++] = sharedMeta;
    for (let i = 0; i < chunkMeta.length; i += 2, n++) {
      kinds[n] = CHUNK_TAG;
      ids[n] = chunkMeta[i];
      values[n] = chunkMeta[i + 1];
    }
    kinds[n] = METRICS_HEAD;
    ids[n] = METRICS_HEAD;
    values[n++] = metricCount;
    const metricKeys = tags.metricKeys;
    const metricValues = tags.metricValues;
    for (let i = 0; i < tags.metricCount; i++, n++) {
      kinds[n] = METRIC;
      ids[n] = metricKeys[i];
      values[n] = metricValues[i];
    }
    kinds[n] = METRIC_BLOCK;
    ids[n] = sharedMetrics;
    values[n++] = sharedMetrics;
    kinds[n] = FIELD;
    ids[n] = K_NAME;
    values[n++] = f.name;
    kinds[n] = FIELD;
    ids[n] = K_RESOURCE;
    values[n++] = f.resource;
    kinds[n] = FIELD;
    ids[n] = K_SERVICE;
    values[n++] = f.service;
    if (f.type) {
      kinds[n] = FIELD;
      ids[n] = K_TYPE;
      values[n++] = f.type;
    }
    this.writeItems(n, this.template(block, f.resource));

    this.writeTail(f.traceId, f.spanId, f.parentId, f.error, f.start, f.durationNs);
  }

  private template(shape: TagBlock, resource: string): SpanTemplate {
    let templates = this.templates.get(shape);
    if (templates === undefined) {
      templates = new SpanTemplates();
      this.templates.set(shape, templates);
    }
    return templates.select(resource, this.generation);
  }

  /**
   * Writes the `n` items gathered in kinds/ids/values: runs of items equal to the template's at the same
   * position are copied from the template span's bytes in one go, the others are written afresh. If any
   * differed, this span becomes the template. Plain locals in one loop: this runs for every item of every span.
   */
  private writeItems(n: number, tpl: SpanTemplate): void {
    const w = this.w;
    const ids = this.ids;
    const values = this.values;
    const ends = this.ends;
    const tplIds = tpl.ids;
    const tplValues = tpl.values;
    const tplEnds = tpl.ends;
    const count = tpl.count;
    const at = tpl.at;
    const spanStart = w.pos;
    let runFrom = 0;
    let runTo = 0;
    let changed = n !== count;
    for (let i = 0; i < n; i++) {
      if (i < count && tplIds[i] === ids[i] && tplValues[i] === values[i]) {
        const from = i === 0 ? 0 : tplEnds[i - 1];
        if (from !== runTo) {
          if (runTo !== runFrom) w.copyWithin(at + runFrom, at + runTo);
          runFrom = from;
        }
        runTo = tplEnds[i];
      } else {
        if (runTo !== runFrom) w.copyWithin(at + runFrom, at + runTo);
        runFrom = runTo = 0;
        changed = true;
        this.writeItem(this.kinds[i], ids[i], values[i]);
      }
      ends[i] = w.pos - spanStart + (runTo - runFrom);
    }
    if (runTo !== runFrom) w.copyWithin(at + runFrom, at + runTo);
    if (!changed) return;
    // this span becomes the template: swap the item arrays
    tpl.at = spanStart;
    tpl.count = n;
    tpl.ids = ids;
    tpl.values = values;
    tpl.ends = ends;
    this.ids = tplIds;
    this.values = tplValues;
    this.ends = tplEnds;
  }

  private writeItem(kind: number, id: unknown, value: unknown): void {
    const w = this.w;
    switch (kind) {
      case HEAD: {
        const count = value as number;
        w.byte(count >= 0 ? 0x8c : 0x8b); // fixmap of 12 fields, 11 without `type`
        w.bytes(K_META);
        w.mapHeader(count >= 0 ? count : -1 - count);
        break;
      }
      case META: this.metaPair(id as KeyInfo, value as string); break;
      case META_BLOCK: this.block(id as TagBlock, false); break;
      case CHUNK_TAG:
        this.string(id as string);
        this.string(value as string);
        break;
      case METRICS_HEAD:
        w.bytes(K_METRICS);
        w.mapHeader(value as number);
        break;
      case METRIC: this.metricPair(id as KeyInfo, value as number); break;
      case METRIC_BLOCK: this.block(id as TagBlock, true); break;
      default:
        w.bytes(id as Uint8Array);
        this.string(value as string);
    }
  }

  // ---- items written afresh ----

  /** ids, `error`, `start` and `duration`: the tail block copied, then the per-span values written into it. */
  private writeTail(traceId: string, spanId: string, parentId: string, error: number, start: readonly [number, number], durationNs: number): void {
    const w = this.w;
    if (traceId !== this.lastTraceId) {
      writeHex64(this.childTail.bytes, this.childTail.traceAt, traceId, 16);
      writeHex64(this.rootTail.bytes, this.rootTail.traceAt, traceId, 16);
      this.lastTraceId = traceId;
    }
    let tail = this.rootTail;
    if (parentId) {
      tail = this.childTail;
      if (parentId !== this.lastParentId) {
        writeHex64(tail.bytes, tail.parentAt, parentId, 0);
        this.lastParentId = parentId;
      }
    }
    const bytes = tail.bytes;
    w.reserve(bytes.length + 9);
    const b = w.buf;
    const p = w.pos;
    b.set(bytes, p);
    writeHex64(b, p + tail.spanAt, spanId, 0);
    b[p + tail.errorAt] = error;
    hrTimeNanosAt(b, p + tail.startAt, start);
    w.pos = p + bytes.length;
    w.uint(durationNs);
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
