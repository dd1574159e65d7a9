import type { Attributes } from '@opentelemetry/api';
import { TagType, type JaegerTag } from '../model';

// copied once: import bindings are getter calls under CJS interop, and these run for every attribute
const STRING = TagType.STRING;
const DOUBLE = TagType.DOUBLE;
const BOOL = TagType.BOOL;
const LONG = TagType.LONG;
const BINARY = TagType.BINARY;

/**
 * One OTel attribute value as a typed Jaeger tag (spec §4.1: "Primitive types MUST be represented by the
 * corresponding types of Jaeger tags. Array values MUST be serialized to string like a JSON list"):
 * integers → LONG (not DOUBLE as jaeger-client and the OTel exporter do), other numbers → DOUBLE, booleans → BOOL,
 * strings → STRING, arrays → JSON STRING. Returns undefined for null/undefined values.
 */
export function toTag(key: string, value: unknown): JaegerTag | undefined {
  switch (typeof value) {
    case 'string':
      return { key, vType: STRING, vStr: value };
    case 'number':
      // integers beyond 2^53 are not exact in a double any more; they stay DOUBLE
      return Number.isSafeInteger(value)
        ? { key, vType: LONG, vLong: value }
        : { key, vType: DOUBLE, vDouble: value };
    case 'boolean':
      return { key, vType: BOOL, vBool: value };
    case 'undefined':
      return undefined;
    case 'bigint':
      return { key, vType: STRING, vStr: value.toString() };
    case 'object':
      if (value === null) return undefined;
      if (value instanceof Uint8Array) return { key, vType: BINARY, vBinary: value };
      return { key, vType: STRING, vStr: safeJson(value) };
    default:
      return { key, vType: STRING, vStr: String(value) };
  }
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // cycles, BigInt inside arrays…
  }
}

/** Appends the attributes as tags, skipping keys `skip` says are already represented. */
export function appendAttributeTags(
  out: JaegerTag[],
  attributes: Attributes | undefined,
  skip?: (key: string) => boolean,
): void {
  if (!attributes) return;
  for (const key in attributes) {
    if (skip !== undefined && skip(key)) continue;
    const tag = toTag(key, attributes[key]);
    if (tag !== undefined) out.push(tag);
  }
}

export function stringTag(key: string, vStr: string): JaegerTag {
  return { key, vType: STRING, vStr };
}
export function longTag(key: string, vLong: number): JaegerTag {
  return { key, vType: LONG, vLong };
}
export function boolTag(key: string, vBool: boolean): JaegerTag {
  return { key, vType: BOOL, vBool };
}
