/**
 * `/v0.5/traces` payload: `[stringTable, traces]`, each span a 12-element array whose strings are indices into
 * the table (specs/datadog.md §2.4), written straight from OTel `ReadableSpan`s. `""` is always index 0.
 * Indices use the smallest uint width (the agent reads any), which is where most of v0.5's size advantage
 * comes from. A span's meta, metrics and type are written as items against the template of the previous span
 * of the same shape and resource (see span-template.ts). Indices belong to one payload, so cached ones and the
 * templates are stamped with the payload's epoch (which a rollback also renews).
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { routeAttributesTo as routeAttributesToFn, KeyInfo, KeyTable } from './attribute-keys';
import * as chunkEncoder from './chunk-encoder';
import type { ChunkEncoder } from './chunk-encoder';
import { MsgpackWriter, writeHex64 as writeHex64Fn } from './msgpack-writer';
import type { SpanMapper, TraceInfo } from './span-mapper';
import { SpanTags } from './span-tags';
import { SpanItems, SpanTemplates, type ItemEncoder } from './span-template';
import { TagBlock } from './tag-block';

// Bound once at load: per-span calls then skip module-namespace getters (CJS interop of the sources).
const writeHrTimeNanos = chunkEncoder.writeHrTimeNanos;
const nextEpoch = chunkEncoder.nextEpoch;
const writeHex64 = writeHex64Fn;
const routeAttributesTo = routeAttributesToFn;
const NONE: readonly string[] = [];
// Item identities besides KeyInfo (a tag), TagBlock (shared tags) and the chunk tag's key string.
const META_HEAD = { item: 'meta header' };
const METRICS_HEAD = { item: 'metrics header' };
const TYPE = { item: 'type' };

export class V05SpanWriter implements ChunkEncoder, ItemEncoder {
  private readonly w = new MsgpackWriter(1024 * 1024);
  private readonly table = new MsgpackWriter(256 * 1024);
  private readonly mapper: SpanMapper;
  private readonly keys = new KeyTable();
  private readonly tags = new SpanTags(this.keys);
  private readonly shapes = new WeakMap<TagBlock, SpanTemplates>();
  private readonly items = new SpanItems();
  // A null-prototype object, not a Map: measured ~25% faster lookups for this mix of strings (dd-trace does the same).
  private indices: Record<string, number | undefined> = Object.create(null) as Record<string, number | undefined>;
  /** Table entries in index order, so a rollback can forget the ones it added. */
  private readonly entries: string[] = [];
  private epoch = 0;
  private chunks = 0;
  private lastTraceId = '';
  private readonly lastTraceIdBytes = Buffer.alloc(8);
  private chunkHeaderAt = 0;
  private chunkSpans = 0;
  private markTableSize = 0;
  private markTablePos = 0;

  constructor(mapper: SpanMapper) {
    this.mapper = mapper;
    this.beginPayload();
  }

  beginPayload(): void {
    this.w.reset();
    this.table.reset();
    this.indices = Object.create(null) as Record<string, number | undefined>;
    this.entries.length = 0;
    this.epoch = nextEpoch();
    this.chunks = 0;
    this.w.array32Placeholder();
    this.index('');
  }

  beginChunk(): void {
    this.chunkHeaderAt = this.w.array32Placeholder();
    this.chunkSpans = 0;
  }

  endChunk(): void {
    if (this.chunkSpans === 0) {
      this.w.pos = this.chunkHeaderAt;
      return;
    }
    this.w.patchCount32(this.chunkHeaderAt, this.chunkSpans);
    this.chunks++;
  }

  size(): number {
    // 0x92 + table array32 header + table + traces (its own array32 header included)
    return 1 + 5 + this.table.pos + this.w.pos;
  }

  mark(): number {
    this.markTableSize = this.entries.length;
    this.markTablePos = this.table.pos;
    return this.w.pos;
  }

  rollback(mark: number): void {
    this.w.pos = mark;
    this.chunkSpans--;
    for (let i = this.markTableSize; i < this.entries.length; i++) this.indices[this.entries[i]] = undefined;
    this.entries.length = this.markTableSize;
    this.table.pos = this.markTablePos;
    this.epoch = nextEpoch(); // cached indices may name entries just removed
  }

  finish(): Uint8Array {
    this.w.patchCount32(0, this.chunks);
    const out = Buffer.allocUnsafe(this.size());
    out[0] = 0x92;
    out[1] = 0xdd;
    out.writeUInt32BE(this.entries.length, 2);
    this.table.buf.copy(out, 6, 0, this.table.pos);
    this.w.buf.copy(out, 6 + this.table.pos, 0, this.w.pos);
    return out;
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

    const w = this.w;
    w.reserve(1);
    w.buf[w.pos++] = 0x9c;
    w.uint(this.index(f.service));
    w.uint(this.index(f.name));
    w.uint(this.index(f.resource));
    w.reserve(9);
    w.buf[w.pos] = 0xcf;
    w.pos = this.traceIdBytes(w.buf, w.pos + 1, f.traceId);
    w.u64Hex(f.spanId);
    if (f.parentId) w.u64Hex(f.parentId);
    else w.byte(0);
    writeHrTimeNanos(w, f.start);
    w.uint(f.durationNs);
    w.byte(f.error);

    // meta, metrics and type as items against the shape's template (see span-template.ts)
    const chunkMeta = first ? trace.chunkMeta : NONE;
    const sharedMeta = f.sharedMeta;
    const sharedMetrics = f.sharedMetrics;
    const ids = this.items.ids;
    const values = this.items.values;
    ids[0] = META_HEAD;
    values[0] = tags.metaCount + sharedMeta.pairs + (chunkMeta.length >> 1);
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
    values[n++] = tags.metricCount + sharedMetrics.pairs;
    const metricKeys = tags.metricKeys;
    const metricValues = tags.metricValues;
    for (let i = 0; i < tags.metricCount; i++, n++) {
      ids[n] = metricKeys[i];
      values[n] = metricValues[i];
    }
    ids[n] = sharedMetrics;
    values[n++] = sharedMetrics;
    ids[n] = TYPE;
    values[n++] = f.type;
    this.items.writeAgainst(w, n, shape.select(f.resource, this.epoch), this);
  }

  /** Writes one item afresh; its kind follows from its identity (see the item list in `writeSpan`). */
  writeItem(id: unknown, value: unknown): void {
    const w = this.w;
    if (id instanceof KeyInfo) {
      w.uint(this.keyIndex(id));
      if (typeof value === 'string') w.uint(this.valueIndex(id, value));
      else w.number(value as number);
    } else if (id instanceof TagBlock) this.block(id);
    else if (typeof id === 'string') {
      w.uint(this.index(id)); // chunk tag
      w.uint(this.index(value as string));
    } else if (id === TYPE) w.uint(this.index(value as string));
    else w.mapHeader(value as number); // META_HEAD, METRICS_HEAD
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

  /** A meta value's table index, remembered per key for the next span (`keyIndex` cleared it if stale). */
  private valueIndex(key: KeyInfo, value: string): number {
    if (value === key.lastValueV05) return key.lastIndexV05;
    const index = this.index(value);
    key.lastValueV05 = value;
    key.lastIndexV05 = index;
    return index;
  }

  /** The key's table index in this payload (also forgets a last value cached for an older payload). */
  private keyIndex(key: KeyInfo): number {
    if (key.epochV05 !== this.epoch) {
      key.epochV05 = this.epoch;
      key.keyIndexV05 = this.index(key.key);
      key.lastValueV05 = undefined;
    }
    return key.keyIndexV05;
  }

  /** Encodes a shared block's indices once per payload; later spans copy its bytes. */
  private block(block: TagBlock): void {
    if (block.pairs === 0) return;
    const w = this.w;
    if (block.epochV05 === this.epoch && block.encodedV05 !== undefined) {
      w.bytes(block.encodedV05);
      return;
    }
    const start = w.pos;
    const items = block.items;
    for (let i = 0; i < items.length; i += 2) {
      w.uint(this.index(items[i] as string));
      const value = items[i + 1];
      if (typeof value === 'number') w.number(value);
      else w.uint(this.index(value));
    }
    block.encodedV05 = new Uint8Array(w.buf.subarray(start, w.pos));
    block.epochV05 = this.epoch;
  }

  /** The low 64 bits of a trace id, decoded once per trace (every span of a chunk repeats them). */
  private traceIdBytes(b: Buffer, p: number, traceId: string): number {
    if (traceId !== this.lastTraceId) {
      writeHex64(this.lastTraceIdBytes, 0, traceId, 16);
      this.lastTraceId = traceId;
    }
    const id = this.lastTraceIdBytes;
    for (let i = 0; i < 8; i++) b[p + i] = id[i];
    return p + 8;
  }

  private index(s: string): number {
    let i = this.indices[s];
    if (i === undefined) {
      i = this.entries.length;
      this.indices[s] = i;
      this.entries.push(s);
      this.table.str(s);
    }
    return i;
  }
}
