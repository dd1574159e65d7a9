/**
 * The agent's `rate_by_service` table (specs/datadog.md §2.6), shared between the exporter (which reads every
 * trace response) and the sampler (which looks up `service:X,env:Y`, falling back to `service:,env:`).
 */
export const DEFAULT_RATE_KEY = 'service:,env:';

export class AgentRates {
  private rates = new Map<string, number>();
  private received = false;

  /** Replaces the whole table from a trace-endpoint response body; ignores anything malformed. */
  updateFromResponse(body: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    const table = (parsed as { rate_by_service?: unknown } | null)?.rate_by_service;
    if (typeof table !== 'object' || table === null) return;
    const next = new Map<string, number>();
    for (const [key, value] of Object.entries(table as Record<string, unknown>)) {
      if (typeof value === 'number' && value >= 0 && value <= 1) next.set(key, value);
    }
    this.rates = next;
    this.received = true;
  }

  /** The agent's rate for this service/env, or undefined before the agent sent one. */
  rateFor(service: string, env: string): number | undefined {
    if (!this.received) return undefined;
    return this.rates.get(`service:${service},env:${env}`) ?? this.rates.get(DEFAULT_RATE_KEY);
  }
}
