/**
 * Length limits the agent enforces (specs/datadog.md §2.8, `traceutil/truncate.go`). Truncating here keeps
 * payloads small and makes the result predictable instead of leaving it to the agent.
 */
export const MAX_NAME_LENGTH = 100;
export const MAX_SERVICE_LENGTH = 100;
export const MAX_TYPE_LENGTH = 100;
export const MAX_RESOURCE_LENGTH = 5000;
export const MAX_META_KEY_LENGTH = 200;
export const MAX_META_VALUE_LENGTH = 25000;

export function truncate(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max);
}

/** Meta values get dd-trace's `...` marker so a reader can tell the value was cut. */
export function truncateMetaValue(value: string): string {
  return value.length <= MAX_META_VALUE_LENGTH ? value : value.slice(0, MAX_META_VALUE_LENGTH) + '...';
}
