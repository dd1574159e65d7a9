import { isIPv4, isIPv6 } from 'node:net';
import { InvalidSpan, type IssueSink } from './decode-result';
import type { ZipkinAnnotation, ZipkinEndpoint } from './model';

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Epoch/duration microseconds. Integers as Zipkin wants; quoted integers are accepted (so does Zipkin's Gson);
 * fractions are rounded (Zipkin: 400); zero or negative means absent (Zipkin coerces negatives to 0).
 */
export function readMicros(field: string, value: unknown, sink: IssueSink): number | undefined {
  if (value === undefined || value === null) return undefined;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = Number(value);
  else throw new InvalidSpan(`${field} must be an integer number of microseconds`);
  if (!Number.isFinite(n)) throw new InvalidSpan(`${field} must be finite`);
  if (!Number.isInteger(n)) {
    sink.repaired(`${field} ${n} rounded to an integer`);
    n = Math.round(n);
  }
  if (n > Number.MAX_SAFE_INTEGER) throw new InvalidSpan(`${field} ${n} is out of range`);
  return n > 0 ? n : undefined;
}

export function readBoolean(field: string, value: unknown, sink: IssueSink): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') {
    sink.repaired(`${field} was the string ${value}`);
    return value === 'true';
  }
  throw new InvalidSpan(`${field} must be a boolean`);
}

/** Optional text; non-strings are repaired to their JSON text rather than losing the span. */
export function readText(field: string, value: unknown, sink: IssueSink): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  sink.repaired(`${field} was not a string`);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** An endpoint; unusable parts are dropped (Zipkin silently drops unparseable IPs too). */
export function readEndpoint(field: string, value: unknown, sink: IssueSink): ZipkinEndpoint | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    sink.repaired(`${field} was not an object; ignored`);
    return undefined;
  }
  const endpoint: ZipkinEndpoint = {};
  const serviceName = readText(`${field}.serviceName`, value.serviceName, sink);
  if (serviceName) endpoint.serviceName = serviceName;
  if (typeof value.ipv4 === 'string' && isIPv4(value.ipv4)) endpoint.ipv4 = value.ipv4;
  else if (value.ipv4 !== undefined && value.ipv4 !== null) sink.repaired(`${field}.ipv4 is not an IPv4 address; ignored`);
  if (typeof value.ipv6 === 'string' && isIPv6(value.ipv6)) endpoint.ipv6 = value.ipv6.toLowerCase();
  else if (value.ipv6 !== undefined && value.ipv6 !== null) sink.repaired(`${field}.ipv6 is not an IPv6 address; ignored`);
  const port = value.port;
  if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535) endpoint.port = port;
  else if (port !== undefined && port !== null && port !== 0) sink.repaired(`${field}.port ${JSON.stringify(port)} is not a port; ignored`);
  return endpoint.serviceName !== undefined || endpoint.ipv4 !== undefined || endpoint.ipv6 !== undefined || endpoint.port !== undefined
    ? endpoint
    : undefined;
}

/** An annotation, or undefined (with an issue) when it lacks its timestamp or value. */
export function readAnnotation(field: string, value: unknown, sink: IssueSink): ZipkinAnnotation | undefined {
  if (!isObject(value)) {
    sink.repaired(`${field} is not an annotation object; ignored`);
    return undefined;
  }
  let timestamp: number | undefined;
  try {
    timestamp = readMicros(`${field}.timestamp`, value.timestamp, sink);
  } catch (err) {
    if (!(err instanceof InvalidSpan)) throw err;
  }
  const text = readText(`${field}.value`, value.value, sink);
  if (timestamp === undefined || text === undefined) {
    sink.repaired(`${field} is incomplete (needs timestamp and value); ignored`);
    return undefined;
  }
  return { timestamp, value: text };
}

/** Tags: strings as-is; numbers and booleans as their text (Zipkin accepts numbers, rejects booleans). */
export function readTags(field: string, value: unknown, sink: IssueSink): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    sink.repaired(`${field} was not an object; ignored`);
    return undefined;
  }
  const tags: Record<string, string> = {};
  let count = 0;
  for (const key in value) {
    const v = value[key];
    if (typeof v === 'string') tags[key] = v;
    else if (typeof v === 'number') tags[key] = String(v);
    else if (v === null || v === undefined) {
      sink.repaired(`${field}.${key} was null; ignored`);
      continue;
    } else {
      sink.repaired(`${field}.${key} was not a string`);
      tags[key] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    count++;
  }
  return count > 0 ? tags : undefined;
}
