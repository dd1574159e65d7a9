import type { AttributeValue } from '@opentelemetry/api';

/**
 * Zipkin tags are strings. Scalars use their JS text; arrays are JSON (`["a","b"]`, the OTel spec's rule for
 * non-OTLP exporters) rather than OTel JS's `a,b`, so that `["a,b"]` and `["a","b"]` stay distinguishable.
 */
export function attributeToTag(value: AttributeValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}
