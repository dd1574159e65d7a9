/**
 * The agent's `rate_by_service` table (specs/datadog.md §2.6), shared between the exporter (which reads every
 * trace response) and the sampler (which looks up `service:X,env:Y`, falling back to `service:,env:`).
 */
export const DEFAULT_RATE_KEY = 'service:,env:';

export class AgentRates {
  private rates = new Map<string, number>();
  private received = false;
  private lastBody: string | undefined;
  // The sampler asks for the same service/env on every root: build its key once.
  private lastService = '';
  private lastEnv = '';
  private lastKey = 'service:,env:';

  /** Replaces the whole table from a trace-endpoint response body; ignores anything malformed. */
  updateFromResponse(body: string): void {
    // The agent answers every payload, mostly with the same table: parse only what changed.
    if (body === this.lastBody) return;
    this.lastBody = body;
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
    if (service !== this.lastService || env !== this.lastEnv) {
      this.lastKey = `service:${service},env:${env}`;
      this.lastService = service;
      this.lastEnv = env;
    }
    return this.rates.get(this.lastKey) ?? this.rates.get(DEFAULT_RATE_KEY);
  }
}
