import type { Link } from '@opentelemetry/api';

/**
 * Zipkin has no links. Like the OTel Collector, each link becomes a tag `otlp.link.<i>` (contiguous from 0, at most
 * 128) whose value is `traceId|spanId|tracestate|{json attributes}|droppedAttributesCount`; @polytrace/zipkin-bridge
 * and the Collector turn them back into links. Links past the 128th are counted in `otel.dropped_links_count`.
 */
const LINK_TAG_PREFIX = 'otlp.link.';
export const MAX_LINK_TAGS = 128;

const KEYS: string[] = Array.from({ length: MAX_LINK_TAGS }, (_, i) => LINK_TAG_PREFIX + i);

/** `otlp.link.<i>` for i < MAX_LINK_TAGS. */
export function linkTagKey(i: number): string {
  return KEYS[i];
}

export function linkTagValue(link: Link): string {
  const ctx = link.context;
  const traceState = ctx.traceState?.serialize() ?? '';
  return `${ctx.traceId}|${ctx.spanId}|${traceState}|${JSON.stringify(link.attributes ?? {})}|${link.droppedAttributesCount ?? 0}`;
}

/** Links written as tags, and those counted as dropped (past the cap) on top of the span's own dropped count. */
export function writtenLinks(links: readonly Link[]): number {
  return links.length < MAX_LINK_TAGS ? links.length : MAX_LINK_TAGS;
}

/** An attribute with this key would collide with a link tag the mapping writes itself. */
export function isLinkTagKey(key: string): boolean {
  return key.startsWith(LINK_TAG_PREFIX);
}
