/**
 * Per-attribute-key state the payload writers keep across spans and payloads: the key's semantic slot, its
 * truncated form and encoding, and the encodings of its recent values. Most attributes repeat (a server's
 * `http.request.method`, a pool's `db.namespace`), so a span's tag usually costs one comparison and one copy.
 * Everything is bounded: a table of at most MAX_KEYS keys, at most MAX_VALUES_PER_KEY cached values per key.
 */
import type { Attributes } from '@opentelemetry/api';
import { stringifyAttribute } from './attributes';
import * as limits from './limits';
import { MsgpackWriter } from './msgpack-writer';
import * as semantics from './semantics';
import type { Semantics } from './semantics';

// Bound once at load: per-attribute code then skips module-namespace getters (CJS interop of the sources).
const MAX_KEY = limits.MAX_META_KEY_LENGTH;
const MAX_VALUE = limits.MAX_META_VALUE_LENGTH;
const truncateMetaValue = limits.truncateMetaValue;
const slotIndex = semantics.slotIndex;
const assignSlot = semantics.assignSlot;
const HTTP_STATUS_CODE_SLOT = semantics.HTTP_STATUS_CODE_SLOT;
const hasOwn = Object.prototype.hasOwnProperty;

const MAX_KEYS = 2048;
/** A key with more distinct values than this is high-cardinality (ids, paths): its values are not cached. */
const MAX_VALUES_PER_KEY = 16;
/** Longer values are encoded every time: caching them would cost more memory than it saves time. */
export const MAX_CACHED_VALUE_LENGTH = 128;

const scratch = new MsgpackWriter(1024);

/** The msgpack encoding of `s` as a standalone copy (not a view into a payload). */
export function encodeString(s: string): Uint8Array {
  scratch.reset();
  scratch.str(s);
  return scratch.toBuffer();
}

const NO_BYTES = new Uint8Array(0);

export class KeyInfo {
  /** The key as sent (truncated to the agent's limit). */
  readonly key: string;
  /** Semantic slot (see semantics.ts), or -1. */
  readonly slot: number;
  readonly encodedV04: Uint8Array;
  /** v0.4: the last string value and its key+value encoding. */
  lastValue: string | undefined = undefined;
  lastPair: Uint8Array = NO_BYTES;
  /** v0.4: encodings of up to MAX_VALUES_PER_KEY values; undefined once the key proved high-cardinality. */
  values: Record<string, Uint8Array | undefined> | undefined = Object.create(null) as Record<string, Uint8Array | undefined>;
  valueCount = 0;
  /** v0.5: string-table indices of the key and of its last value, valid in payload `epochV05` only. */
  epochV05 = -1;
  keyIndexV05 = 0;
  lastValueV05: string | undefined = undefined;
  lastIndexV05 = 0;

  constructor(key: string) {
    const slot = slotIndex(key);
    this.slot = slot === undefined ? -1 : slot;
    this.key = key.length > MAX_KEY ? key.slice(0, MAX_KEY) : key;
    this.encodedV04 = encodeString(this.key);
  }

  /** v0.4: remembers the encoding of `value` just written (the pair's bytes, copied). */
  rememberValue(value: string, pair: Uint8Array): void {
    const values = this.values;
    if (values === undefined || value.length > MAX_CACHED_VALUE_LENGTH) return;
    if (this.valueCount >= MAX_VALUES_PER_KEY) {
      this.values = undefined;
      return;
    }
    const copy = new Uint8Array(pair);
    values[value] = copy;
    this.valueCount++;
    this.lastValue = value;
    this.lastPair = copy;
  }
}

export class KeyTable {
  private keys: Record<string, KeyInfo | undefined> = Object.create(null) as Record<string, KeyInfo | undefined>;
  private count = 0;

  get(key: string): KeyInfo {
    let info = this.keys[key];
    if (info === undefined) {
      info = new KeyInfo(key);
      // past the bound (generated keys), infos are per use: correct, just uncached
      if (this.count < MAX_KEYS) {
        this.keys[key] = info;
        this.count++;
      }
    }
    return info;
  }
}

/**
 * The attribute keys of the previous span of a shape, in order, with their infos: spans of one shape mostly
 * carry the same keys in the same order, so routing compares pointers instead of looking keys up.
 */
export class KeyPlan {
  readonly keys: string[] = [];
  readonly infos: KeyInfo[] = [];
}

/** Where routed attributes go: a payload writer. */
export interface AttributeWriter {
  metaTag(key: KeyInfo, value: string): void;
  metricTag(key: KeyInfo, value: number): void;
}

/**
 * The reference routing rules (`routeAttributes` in attributes.ts) over the attributes, with the
 * per-key state from `table`: strings to meta (booleans/arrays stringified), finite numbers to metrics
 * (`http.status_code` stays a string tag, NaN/±Infinity become strings), semantic attributes recorded in `sem`
 * and reserved ones kept out of the tags.
 */
export function routeAttributesTo(attributes: Attributes, sem: Semantics, table: KeyTable, plan: KeyPlan, out: AttributeWriter): void {
  const planKeys = plan.keys;
  const planInfos = plan.infos;
  let j = 0;
  // for-in, not Object.keys: over the SDK's fast-mode attribute objects V8 turns `attributes[key]` into a
  // field load by index here (measured ~3x faster than Object.keys + keyed loads, and no array per span)
  for (const key in attributes) {
    // own keys only, like Object.keys (V8 folds this check away for the keys for-in itself enumerates)
    if (!hasOwn.call(attributes, key)) continue;
    let info: KeyInfo;
    if (j < planKeys.length && planKeys[j] === key) info = planInfos[j];
    else {
      info = table.get(key);
      planKeys[j] = key;
      planInfos[j] = info;
    }
    j++;
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const slot = info.slot;
    if (slot >= 0 && assignSlot(sem, slot, value)) continue;
    if (typeof value === 'string') out.metaTag(info, value.length > MAX_VALUE ? truncateMetaValue(value) : value);
    else if (typeof value === 'number' && Number.isFinite(value)) {
      if (slot === HTTP_STATUS_CODE_SLOT) out.metaTag(info, String(value)); // dd-trace's form: a string tag
      else out.metricTag(info, value);
    } else out.metaTag(info, truncateMetaValue(stringifyAttribute(value)));
  }
}
