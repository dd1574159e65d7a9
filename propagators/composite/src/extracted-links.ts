import { createContextKey, trace, type Context, type Link, type Span } from '@opentelemetry/api';

/**
 * How a propagator hands span links to the span being started: OTel's `extract` can only return a
 * Context, and instrumentations (http, express…) start the server span without asking us for links.
 * So `createPropagator` stores the links in the extracted context under this key, and
 * `ExtractedLinksProcessor` (a SpanProcessor, registered by `@polytrace/node`) adds them, on start,
 * to the first local span whose parent is that remote context.
 */
export const EXTRACTED_LINKS_KEY = createContextKey('polytrace.propagation.extracted-links');

/** Links recorded by extraction in `context` (e.g. `terminated_context` ones), or `[]`. */
export function getExtractedLinks(context: Context): Link[] {
  const value = context.getValue(EXTRACTED_LINKS_KEY);
  return Array.isArray(value) ? (value as Link[]) : [];
}

export function setExtractedLinks(context: Context, links: Link[]): Context {
  return links.length === 0 ? context : context.setValue(EXTRACTED_LINKS_KEY, links);
}

/**
 * Adds the links from the parent context to the local root span. Only a span whose parent span
 * context is the remote one gets them; its descendants share the context value but have a local parent.
 * Structurally a `SpanProcessor` of `@opentelemetry/sdk-trace-base` (no dependency on the SDK needed).
 */
export class ExtractedLinksProcessor {
  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpanContext(parentContext);
    if (parent === undefined || parent.isRemote !== true) return;
    const links = getExtractedLinks(parentContext);
    if (links.length > 0) span.addLinks(links);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
