import type { AttributeValue, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { REDACTED, isSensitiveHeader, redactQuery, redactUrl } from './redact';

/** Attributes that hold a URL or a path with its query, across HTTP/undici/fetch semconv versions. */
const URL_ATTRIBUTES = new Set(['url.full', 'url.original', 'http.url', 'http.target', 'db.connection_string', 'messaging.url']);
const QUERY_ATTRIBUTES = new Set(['url.query']);
const HEADER_PREFIXES = ['http.request.header.', 'http.response.header.'];

/**
 * Runs in `onEnding`, while the span is still writable and before any exporter's processor sees it
 * in `onEnd`: one place that covers every instrumentation (http, undici, express…) and manual spans.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _context: Context): void {}

  onEnding(span: Span): void {
    const attributes = span.attributes;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined) continue;
      const redacted = redactAttribute(key, value);
      if (redacted !== value) span.setAttribute(key, redacted);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Returns an equal value when nothing needs redacting. */
export function redactAttribute(key: string, value: AttributeValue): AttributeValue {
  if (typeof value === 'string') {
    if (URL_ATTRIBUTES.has(key)) return redactUrl(value);
    if (QUERY_ATTRIBUTES.has(key)) return redactQuery(value);
  }
  for (const prefix of HEADER_PREFIXES) {
    if (key.startsWith(prefix) && isSensitiveHeader(key.slice(prefix.length))) {
      return Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
    }
  }
  return value;
}
