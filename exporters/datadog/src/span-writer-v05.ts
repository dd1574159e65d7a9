/**
 * `/v0.5/traces` payload: `[stringTable, traces]`, each span a 12-element array whose strings are indices into
 * the table (specs/datadog.md §2.4), written straight from OTel `ReadableSpan`s. `""` is always index 0.
 * Indices use the smallest uint width (the agent reads any), which is where most of v0.5's size advantage
 * comes from. Indices belong to one payload, so cached ones are stamped with the payload's epoch.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { routeAttributesTo as routeAttributesToFn, KeyPlan, KeyTable, type KeyInfo } from './attribute-keys';
import * as chunkEncoder from './chunk-encoder';
import type { ChunkEncoder } from './chunk-encoder';
import { FULL, HexIdIndex, NOT_FOUND, NOT_HEX } from './hex-id-index';
import { MsgpackWriter, writeHex64 as writeHex64Fn } from './msgpack-writer';
import type { SpanMapper, TraceInfo } from './span-mapper';
import { SpanTags } from './span-tags';
import type { TagBlock } from './tag-block';

// Bound once at load: per-span calls then skip module-namespace getters (CJS interop of the sources).
const writeHrTimeNanos = chunkEncoder.writeHrTimeNanos;
const nextEpoch = chunkEncoder.nextEpoch;
const writeHex64 = writeHex64Fn;
const routeAttributesTo = routeAttributesToFn;
const NONE: readonly string[] = [];
const TID = '_dd.p.tid';
const PARENT_ID = '_dd.parent_id';

export class V05SpanWriter implements ChunkEncoder {
  private readonly w = new MsgpackWriter(1024 * 1024);
  private readonly table = new MsgpackWriter(256 * 1024);
  private readonly mapper: SpanMapper;
  private readonly keys = new KeyTable();
  private readonly tags = new SpanTags(this.keys);
  /** The attribute keys of each shape (shared tag block), see KeyPlan. */
  private readonly plans = new WeakMap<TagBlock, KeyPlan>();
  // A null-prototype object, not a Map: measured ~25% faster lookups for this mix of strings (dd-trace does the same).
  private indices: Record<string, number | undefined> = Object.create(null) as Record<string, number | undefined>;
  /** Table entries in index order, so a rollback can forget the ones it added. */
  private readonly entries: string[] = [];
  private readonly hexIds = new HexIdIndex();
  private epoch = 0;
  private chunks = 0;
  private lastTraceId = '';
  private readonly lastTraceIdBytes = Buffer.alloc(8);
  private chunkHeaderAt = 0;
  private chunkSpans = 0;
  private markTableSize = 0;
  private markTablePos = 0;
  // The span fields that repeat span after span (same string objects): their index without a table lookup.
  // Reset with the table (beginPayload, rollback).
  private lastService = '';
  private lastServiceIndex = -1;
  private lastName = '';
  private lastNameIndex = -1;
  private lastResource = '';
  private lastResourceIndex = -1;
  private lastType = '';
  private lastTypeIndex = -1;

  constructor(mapper: SpanMapper) {
    this.mapper = mapper;
    this.beginPayload();
  }

  beginPayload(): void {
    this.w.reset();
    this.table.reset();
    this.indices = Object.create(null) as Record<string, number | undefined>;
    this.entries.length = 0;
    this.hexIds.clear();
    this.epoch = nextEpoch();
    this.chunks = 0;
    this.forgetFieldIndices();
    this.w.array32Placeholder();
    this.index('');
  }

  private forgetFieldIndices(): void {
    this.lastServiceIndex = -1;
    this.lastNameIndex = -1;
    this.lastResourceIndex = -1;
    this.lastTypeIndex = -1;
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
    const indices = this.indices;
    const entries = this.entries;
    for (let i = this.markTableSize; i < entries.length; i++) {
      // entries appended by hexIndex() were never in `indices`: do not add their keys now
      if (indices[entries[i]] === i) indices[entries[i]] = undefined;
    }
    entries.length = this.markTableSize;
    this.table.pos = this.markTablePos;
    this.epoch = nextEpoch(); // cached indices may name entries just removed
    this.forgetFieldIndices();
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
    const sem = mapper.sem;
    sem.reset();
    tags.clear();
    let plan = this.plans.get(block);
    if (plan === undefined) this.plans.set(block, (plan = new KeyPlan()));
    routeAttributesTo(span.attributes, sem, this.keys, plan, tags);
    const f = mapper.completeSpan(span, trace, res, block, tags);

    const w = this.w;
    w.reserve(1);
    w.buf[w.pos++] = 0x9c;
    if (f.service !== this.lastService || this.lastServiceIndex < 0) {
      this.lastService = f.service;
      this.lastServiceIndex = this.index(f.service);
    }
    w.uint(this.lastServiceIndex);
    if (f.name !== this.lastName || this.lastNameIndex < 0) {
      this.lastName = f.name;
      this.lastNameIndex = this.index(f.name);
    }
    w.uint(this.lastNameIndex);
    if (f.resource !== this.lastResource || this.lastResourceIndex < 0) {
      this.lastResource = f.resource;
      this.lastResourceIndex = this.index(f.resource);
    }
    w.uint(this.lastResourceIndex);
    w.reserve(9);
    w.buf[w.pos] = 0xcf;
    w.pos = this.traceIdBytes(w.buf, w.pos + 1, f.traceId);
    w.u64Hex(f.spanId);
    if (f.parentId) w.u64Hex(f.parentId);
    else w.byte(0);
    writeHrTimeNanos(w, f.start);
    w.uint(f.durationNs);
    w.byte(f.error);

    const chunkMeta = first ? trace.chunkMeta : NONE;
    w.mapHeader(tags.metaCount + f.sharedMeta.pairs + (chunkMeta.length >> 1));
    const metaKeys = tags.metaKeys;
    const metaValues = tags.metaValues;
    for (let i = 0; i < tags.metaCount; i++) this.metaPair(metaKeys[i], metaValues[i]);
    this.block(f.sharedMeta, false);
    for (let i = 0; i < chunkMeta.length; i += 2) {
      const key = chunkMeta[i];
      w.uint(this.index(key));
      // a fresh string per trace: found by its 64-bit value rather than hashed into `indices`
      w.uint(key === TID || key === PARENT_ID ? this.hexIndex(chunkMeta[i + 1]) : this.index(chunkMeta[i + 1]));
    }

    w.mapHeader(tags.metricCount + f.sharedMetrics.pairs);
    const metricKeys = tags.metricKeys;
    const metricValues = tags.metricValues;
    for (let i = 0; i < tags.metricCount; i++) {
      w.uint(this.keyIndex(metricKeys[i]));
      w.number(metricValues[i]);
    }
    this.block(f.sharedMetrics, true);
    if (f.type !== this.lastType || this.lastTypeIndex < 0) {
      this.lastType = f.type;
      this.lastTypeIndex = this.index(f.type);
    }
    w.uint(this.lastTypeIndex);
  }

  private metaPair(key: KeyInfo, value: string): void {
    const w = this.w;
    w.uint(this.keyIndex(key));
    if (value === key.lastValueV05) w.uint(key.lastIndexV05); // keyIndex() cleared it if stale
    else {
      const index = this.index(value);
      key.lastValueV05 = value;
      key.lastIndexV05 = index;
      w.uint(index);
    }
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
  private block(block: TagBlock, numericValues: boolean): void {
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
      if (numericValues) w.number(items[i + 1] as number);
      else w.uint(this.index(items[i + 1] as string));
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
      if (s.length === 16) {
        // a value hexIndex() may have added (each string goes in the table once), or may look for later
        const found = this.hexIds.get(s);
        if (found >= 0 && found < this.entries.length && this.entries[found] === s) {
          this.indices[s] = found;
          return found;
        }
        i = this.entries.length;
        if (found !== NOT_HEX && found !== FULL) this.hexIds.set(i);
      } else i = this.entries.length;
      this.indices[s] = i;
      this.entries.push(s);
      this.table.str(s);
    }
    return i;
  }

  /** `index()` for a value that is usually 16 hex digits, without hashing it when it is. */
  private hexIndex(s: string): number {
    const found = this.hexIds.get(s);
    if (found >= 0) {
      // an entry a rollback removed (or reused) is stale: append the value again
      if (found < this.entries.length && this.entries[found] === s) return found;
    } else if (found !== NOT_FOUND) return this.index(s); // not hex, or the id table is full: the map decides
    const i = this.entries.length;
    this.entries.push(s);
    this.table.str(s);
    this.hexIds.set(i);
    return i;
  }
}
