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
import { routeAttributesTo as routeAttributesToFn, KeyInfo, KeyTable } from './attribute-keys';
import * as chunkEncoder from './chunk-encoder';
import type { ChunkEncoder } from './chunk-encoder';
import { EncodedStrings, MAX_CACHED_STRING_LENGTH } from './encoded-strings';
import { MsgpackWriter, writeHex64 as writeHex64Fn } from './msgpack-writer';
import type { SpanMapper, TraceInfo } from './span-mapper';
import { SpanTags } from './span-tags';
import { SpanItems, SpanTemplates, type ItemEncoder } from './span-template';
import { TagBlock } from './tag-block';

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

// A span's items (see span-template.ts) are identified by the tag's KeyInfo (meta if its value is a string,
// metrics if a number), the shared TagBlock, the chunk tag's key string, the field's key bytes, or one of these
// two markers for the map headers.
const HEAD = { item: 'map header, meta header' };
const METRICS_HEAD = { item: 'metrics header' };
const NONE: readonly string[] = [];

export class V04SpanWriter implements ChunkEncoder, ItemEncoder {
  private readonly w = new MsgpackWriter(1024 * 1024);
  private readonly mapper: SpanMapper;
  private readonly keys = new KeyTable();
  private readonly tags = new SpanTags(this.keys);
  private readonly strings = new EncodedStrings();
  private readonly shapes = new WeakMap<TagBlock, SpanTemplates>();
  private chunks = 0;
  private chunkHeaderAt = 0;
  private chunkSpans = 0;
  // The tails keep the last trace id (both) and parent id (child tail) decoded in place: every span of a
  // chunk repeats its trace id, and siblings their parent.
  private readonly childTail = new Tail(true);
  private readonly rootTail = new Tail(false);
  private lastTraceId = '';
  private lastParentId = '';
  private readonly items = new SpanItems();
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
    const shape = this.shape(block);
    const sem = mapper.sem;
    sem.reset();
    tags.clear();
    routeAttributesTo(span.attributes, sem, this.keys, shape.keyPlan, tags);
    const f = mapper.completeSpan(span, trace, res, block, tags);
    const chunkMeta = first ? trace.chunkMeta : NONE;
    const sharedMeta = f.sharedMeta;
    const sharedMetrics = f.sharedMetrics;
    const metaCount = tags.metaCount + sharedMeta.pairs + (chunkMeta.length >> 1);
    const metricCount = tags.metricCount + sharedMetrics.pairs;

    // the span as a list of items (see span-template.ts), then written against its template
    const ids = this.items.ids;
    const values = this.items.values;
    ids[0] = HEAD;
    values[0] = f.type ? metaCount : -1 - metaCount;
    let n = 1;
    const metaKeys = tags.metaKeys;
    const metaValues = tags.metaValues;
    for (let i = 0; i < tags.metaCount; i++, n++) {
      ids[n] = metaKeys[i];
      values[n] = metaValues[i];
    }
    ids[n] = sharedMeta;
    values[n++] = sharedMeta;
    for (let i = 0; i < chunkMeta.length; i += 2, n++) {
      ids[n] = chunkMeta[i];
      values[n] = chunkMeta[i + 1];
    }
    ids[n] = METRICS_HEAD;
    values[n++] = metricCount;
    const metricKeys = tags.metricKeys;
    const metricValues = tags.metricValues;
    for (let i = 0; i < tags.metricCount; i++, n++) {
      ids[n] = metricKeys[i];
      values[n] = metricValues[i];
    }
    ids[n] = sharedMetrics;
    values[n++] = sharedMetrics;
    ids[n] = K_NAME;
    values[n++] = f.name;
    ids[n] = K_RESOURCE;
    values[n++] = f.resource;
    ids[n] = K_SERVICE;
    values[n++] = f.service;
    if (f.type) {
      ids[n] = K_TYPE;
      values[n++] = f.type;
    }
    this.items.writeAgainst(this.w, n, shape.select(f.resource, this.generation), this);

    this.writeTail(f.traceId, f.spanId, f.parentId, f.error, f.start, f.durationNs);
  }

  /** Per-shape state; a span's shape is its shared tag block (resource, scope and kind). */
  private shape(block: TagBlock): SpanTemplates {
    let shape = this.shapes.get(block);
    if (shape === undefined) {
      shape = new SpanTemplates();
      this.shapes.set(block, shape);
    }
    return shape;
  }

  /** Writes one item afresh; its kind follows from its identity (see the item list in `writeSpan`). */
  writeItem(id: unknown, value: unknown): void {
    const w = this.w;
    if (id instanceof KeyInfo) {
      if (typeof value === 'string') this.metaPair(id, value);
      else this.metricPair(id, value as number);
    } else if (id instanceof TagBlock) this.block(id);
    else if (typeof id === 'string') {
      this.string(id); // chunk tag
      this.string(value as string);
    } else if (id === HEAD) {
      const count = value as number;
      w.byte(count >= 0 ? 0x8c : 0x8b); // fixmap of 12 fields, 11 without `type`
      w.bytes(K_META);
      w.mapHeader(count >= 0 ? count : -1 - count);
    } else if (id === METRICS_HEAD) {
      w.bytes(K_METRICS);
      w.mapHeader(value as number);
    } else {
      w.bytes(id as Uint8Array); // a field's key
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
  private block(block: TagBlock): void {
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
      const value = items[i + 1];
      if (typeof value === 'number') w.number(value);
      else this.string(value);
    }
    block.encodedV04 = new Uint8Array(w.buf.subarray(start, w.pos));
  }

  private string(s: string): void {
    // short strings: encoding beats hashing a fresh string for a cache lookup
    if (s.length < 32 || s.length > MAX_CACHED_STRING_LENGTH) this.w.str(s);
    else this.w.bytes(this.strings.get(s));
  }
}
