import { TraceFlags, type Attributes, type Link } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { linkTagKey, MAX_LINK_TAGS } from '@polytrace/exporter-zipkin';
import { toAttributeValue } from './annotation-event';

/** The tag of the first link (`otlp.link.0` … `otlp.link.127`, contiguous: the Collector's form, as our exporter writes it). */
export const FIRST_LINK_TAG = linkTagKey(0);

const HEX16 = /^[0-9a-f]{16}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/**
 * `traceId|spanId|tracestate|{json attributes}|droppedAttributesCount`, the Collector's form, → a Link; undefined
 * when the value does not have that form (the caller keeps it as an attribute; the Collector fails the batch).
 * The tracestate may itself contain `|`, so the attributes are found as the first `|{…}|n` tail that parses.
 */
export function parseLinkTag(value: string): Link | undefined {
  const first = value.indexOf('|');
  const second = first < 0 ? -1 : value.indexOf('|', first + 1);
  const last = value.lastIndexOf('|');
  if (first < 0 || second < 0 || last <= second) return undefined;
  let traceId = value.slice(0, first).toLowerCase();
  const spanId = value.slice(first + 1, second).toLowerCase();
  if (HEX16.test(traceId)) traceId = traceId.padStart(32, '0');
  if (!HEX32.test(traceId) || !HEX16.test(spanId) || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  const droppedText = value.slice(last + 1);
  if (!/^\d{1,9}$/.test(droppedText)) return undefined;
  const middle = value.slice(second + 1, last);
  for (let bar = middle.indexOf('|{'); bar >= 0; bar = middle.indexOf('|{', bar + 1)) {
    const attributes = parseAttributes(middle.slice(bar + 1));
    if (attributes === undefined) continue;
    // the flags are not in the tag: NONE rather than an invented SAMPLED
    const link: Link = { context: { traceId, spanId, traceFlags: TraceFlags.NONE }, attributes };
    if (bar > 0) link.context.traceState = new TraceState(middle.slice(0, bar));
    const dropped = Number(droppedText);
    if (dropped > 0) link.droppedAttributesCount = dropped;
    return link;
  }
  return undefined;
}

function parseAttributes(text: string): Attributes | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const attributes: Attributes = {};
    for (const [k, v] of Object.entries(parsed)) if (v !== null && v !== undefined) attributes[k] = toAttributeValue(v);
    return attributes;
  } catch {
    return undefined;
  }
}

/**
 * Links from a span's tags: `otlp.link.0` up to the first missing index (at most 128). Parsed tags are removed
 * from `attributes`; malformed ones stay there as plain attributes.
 */
export function linksFromTags(tags: Record<string, string>, attributes: Attributes): Link[] {
  const links: Link[] = [];
  for (let i = 0; i < MAX_LINK_TAGS; i++) {
    const key = linkTagKey(i);
    const value = tags[key];
    if (value === undefined) break;
    const link = parseLinkTag(value);
    if (link === undefined) continue;
    links.push(link);
    delete attributes[key];
  }
  return links;
}
