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
      // almost every key needs nothing: one cached lookup per key instead of two set lookups and two prefix tests
      if (ruleFor(key) === Rule.None) continue;
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

const enum Rule {
  None,
  Url,
  Query,
  SecretHeader,
}

/** Attribute keys come from a small fixed vocabulary, so their rule is cached (bounded, for odd dynamic keys). */
const RULE_CACHE_LIMIT = 4096;
const rules = new Map<string, Rule>();

function ruleFor(key: string): Rule {
  let rule = rules.get(key);
  if (rule === undefined) {
    rule = classify(key);
    if (rules.size < RULE_CACHE_LIMIT) rules.set(key, rule);
  }
  return rule;
}

function classify(key: string): Rule {
  if (URL_ATTRIBUTES.has(key)) return Rule.Url;
  if (QUERY_ATTRIBUTES.has(key)) return Rule.Query;
  for (const prefix of HEADER_PREFIXES) {
    if (key.startsWith(prefix) && isSensitiveHeader(key.slice(prefix.length))) return Rule.SecretHeader;
  }
  return Rule.None;
}

/** Returns an equal value when nothing needs redacting. */
export function redactAttribute(key: string, value: AttributeValue): AttributeValue {
  switch (ruleFor(key)) {
    case Rule.Url:
      return typeof value === 'string' ? redactUrl(value) : value;
    case Rule.Query:
      return typeof value === 'string' ? redactQuery(value) : value;
    case Rule.SecretHeader:
      return Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
    case Rule.None:
      return value;
  }
}
