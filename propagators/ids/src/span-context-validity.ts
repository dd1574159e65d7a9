import type { SpanContext } from '@opentelemetry/api';
import * as hexClassModule from './hex-class';

// Bound once (see wire-ids.ts).
const { hexClass, isZeroId, NOT_HEX } = hexClassModule;

/** What `isSpanContextValid` of @opentelemetry/api answers for a string id: `width` hex digits of either case, not all zeros. */
function isValidId(id: unknown, width: 32 | 16): boolean {
  return typeof id === 'string' && id.length === width && hexClass(id, 0, width) !== NOT_HEX && !isZeroId(id, width);
}

/**
 * `isSpanContextValid`, remembered for the last ids it accepted: a span that calls several services, or sends
 * several messages, injects the same ids each time. One pair only, so a miss costs two string comparisons.
 */
export class SpanContextValidity {
  private traceId: unknown = undefined;
  private spanId: unknown = undefined;

  isValid(spanContext: SpanContext): boolean {
    const { traceId, spanId } = spanContext;
    if (traceId === this.traceId && spanId === this.spanId) return true;
    if (!isValidId(traceId, 32) || !isValidId(spanId, 16)) return false;
    this.traceId = traceId;
    this.spanId = spanId;
    return true;
  }
}
