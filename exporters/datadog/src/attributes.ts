/**
 * OTel attributes → Datadog `meta` (strings) and `metrics` (numbers), plus events and links in the JSON meta
 * forms the agent accepts on both protocols (specs/datadog.md §2.5).
 */
import type { Attributes, AttributeValue, HrTime, Link } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import * as limits from './limits';
import * as semantics from './semantics';
import type { Semantics } from './semantics';
import type { TagSink } from './datadog-span';

// Bound once at load: per-attribute code then skips module-namespace getters (CJS interop of the sources).
const MAX_KEY = limits.MAX_META_KEY_LENGTH;
const MAX_VALUE = limits.MAX_META_VALUE_LENGTH;
const truncateMetaValue = limits.truncateMetaValue;
const slotIndex = semantics.slotIndex;
const assignSlot = semantics.assignSlot;
const HTTP_STATUS_CODE_SLOT = semantics.HTTP_STATUS_CODE_SLOT;

/** Renders any attribute value as a string: booleans `true`/`false`, arrays as JSON. */
export function stringifyAttribute(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return safeJson(value);
  return String(value);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

/**
 * One pass over a span's attributes: each goes to meta (strings; booleans/arrays stringified) or metrics
 * (finite numbers; NaN/±Infinity, which the agent rejects, become strings), and the semantic-convention ones are
 * also recorded in `sem`. Reserved attributes only set `sem` (they become span fields). This is the reference
 * routing; the payload writers inline the same rules with their byte caches.
 */
export function routeAttributes(attributes: Attributes, sem: Semantics, out: TagSink): void {
  // Object.keys + index loop: measured ~4x faster than for-in over the SDK's attribute objects
  const keys = Object.keys(attributes);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const slot = slotIndex(key);
    if (slot !== undefined && assignSlot(sem, slot, value)) continue;
    const k = key.length > MAX_KEY ? key.slice(0, MAX_KEY) : key;
    if (typeof value === 'string') out.addMeta(k, value.length > MAX_VALUE ? truncateMetaValue(value) : value);
    else if (typeof value === 'number' && Number.isFinite(value)) {
      if (slot === HTTP_STATUS_CODE_SLOT) out.addMeta(k, String(value)); // dd-trace's form: a string tag
      else out.addMetric(k, value);
    } else out.addMeta(k, truncateMetaValue(stringifyAttribute(value)));
  }
}

/** Nanoseconds since the epoch as a decimal string (exact: it does not fit a double). */
export function hrTimeToNanosString(t: HrTime): string {
  const nanos = String(t[1]);
  return t[0] === 0 ? nanos : `${t[0]}${'000000000'.slice(nanos.length)}${nanos}`;
}

function stringAttributes(attributes: Attributes | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!attributes) return out;
  for (const key in attributes) {
    const v = attributes[key];
    if (v !== undefined && v !== null) out[key] = stringifyAttribute(v);
  }
  return out;
}

/** meta `events`: dd-trace's JSON form `[{name, time_unix_nano, attributes}]`. */
export function eventsJson(events: readonly TimedEvent[]): string {
  const parts: string[] = [];
  for (const e of events) {
    const attrs = e.attributes && Object.keys(e.attributes).length > 0 ? `,"attributes":${safeJson(e.attributes)}` : '';
    parts.push(`{"name":${JSON.stringify(e.name)},"time_unix_nano":${hrTimeToNanosString(e.time)}${attrs}}`);
  }
  return truncateMetaValue(`[${parts.join(',')}]`);
}

/** meta `_dd.span_links`: dd-trace's JSON form. */
export function spanLinksJson(links: readonly Link[]): string {
  const out = links.map((l) => {
    const link: Record<string, unknown> = { trace_id: l.context.traceId, span_id: l.context.spanId };
    const attrs = stringAttributes(l.attributes);
    if (Object.keys(attrs).length > 0) link.attributes = attrs;
    link.flags = l.context.traceFlags & 1;
    const ts = l.context.traceState?.serialize();
    if (ts) link.tracestate = ts;
    return link;
  });
  return truncateMetaValue(safeJson(out));
}
