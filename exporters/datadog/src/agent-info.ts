/** What `GET /info` tells us (specs/datadog.md §2.9); only the parts the exporter acts on. */
export interface AgentInfo {
  /** Trace endpoints the agent lists, e.g. `/v0.4/traces`; undefined when `/info` was unavailable. */
  endpoints?: readonly string[];
  /** `config.max_request_bytes`: payloads above it get 413. */
  maxRequestBytes?: number;
}

/** Parses an `/info` body; anything malformed yields `{}` (the exporter then keeps its defaults). */
export function parseAgentInfo(body: string): AgentInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const info: AgentInfo = {};
  const endpoints = (parsed as { endpoints?: unknown }).endpoints;
  if (Array.isArray(endpoints)) info.endpoints = endpoints.filter((e): e is string => typeof e === 'string');
  const max = (parsed as { config?: { max_request_bytes?: unknown } }).config?.max_request_bytes;
  if (typeof max === 'number' && Number.isFinite(max) && max > 0) info.maxRequestBytes = max;
  return info;
}
