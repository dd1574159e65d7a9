import type { Span } from '@opentelemetry/api';

/**
 * Datadog's "resource" (the normalised operation, e.g. `GET /users/:id`) expressed as a plain span
 * attribute, so library code stays vendor-neutral; each exporter maps it to its backend's notion.
 */
export const RESOURCE_NAME_ATTRIBUTE = 'resource.name';

export function setResource(span: Span, name: string): Span {
  return span.setAttribute(RESOURCE_NAME_ATTRIBUTE, name);
}
