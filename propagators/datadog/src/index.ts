export { getDatadogState, setDatadogState } from './datadog-state';
export type { DatadogState } from './datadog-state';
