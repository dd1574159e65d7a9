import type { TextMapGetter } from '@opentelemetry/api';

/**
 * Header readers tolerant of whatever a carrier holds: arrays (duplicated headers), non-strings,
 * getters that throw. Anything that is not a string reads as absent.
 */

/** Last value of a possibly repeated header (dd-trace-js `readLastText`). */
export function readLast<C>(getter: TextMapGetter<C>, carrier: C, key: string): string | undefined {
  const value = safeGet(getter, carrier, key);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0) {
    const last: unknown = value[value.length - 1];
    return typeof last === 'string' ? last : undefined;
  }
  return undefined;
}

/** A header that must appear exactly once (traceparent): an array of two or more is invalid. */
export function readUnique<C>(getter: TextMapGetter<C>, carrier: C, key: string): string | undefined {
  const value = safeGet(getter, carrier, key);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1) {
    const only: unknown = value[0];
    return typeof only === 'string' ? only : undefined;
  }
  return undefined;
}

/** A list header whose repetitions concatenate (x-datadog-tags, tracestate). */
export function readJoined<C>(getter: TextMapGetter<C>, carrier: C, key: string, maxLength: number): string | undefined {
  const value = safeGet(getter, carrier, key);
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  let joined = '';
  for (let i = 0; i < value.length; i++) {
    const part: unknown = value[i];
    if (typeof part !== 'string') return undefined;
    joined = i === 0 ? part : `${joined},${part}`;
    // Refuse to build an unbounded string from a hostile number of repetitions.
    if (joined.length > maxLength) return joined.slice(0, maxLength + 1);
  }
  return joined;
}

function safeGet<C>(getter: TextMapGetter<C>, carrier: C, key: string): unknown {
  try {
    return getter.get(carrier, key);
  } catch {
    return undefined;
  }
}
