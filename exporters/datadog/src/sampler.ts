/**
 * An OTel `Sampler` that decides like a Datadog tracer (specs/datadog.md §1.9, §2.11):
 * - children follow the propagated priority (tracestate `dd` member, else the sampled flag);
 * - roots: manual `sampling.priority`/`manual.keep`/`manual.drop`, then `DD_TRACE_SAMPLING_RULES` and
 *   `DD_TRACE_SAMPLE_RATE` (USER_KEEP/USER_REJECT, rate-limited), else the agent's `rate_by_service`
 *   (AUTO_KEEP/AUTO_REJECT);
 * - a drop is `RECORD`, never `NOT_RECORD`: the Datadog exporter still ships those traces with priority ≤ 0
 *   because the agent computes APM metrics from every trace. Other exporters never see them.
 * The decision is stored in the tracestate (`s:` priority, `t.dm:` decision maker) so that children, the
 * propagators and the exporter all read the same thing.
 */
import {
  trace, SpanKind, type Attributes, type Context, type Link, type SpanContext, type TraceState,
} from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { getDatadogState, setDatadogState, type DatadogState } from '@polytrace/propagator-datadog';
import type { AgentRates } from './agent-rates';
import { knuthKeep } from './knuth';
import { operationName, resourceName } from './naming';
import { RateLimiter } from './rate-limiter';
import { semanticsOf } from './semantics';
import { compileRule, parseSamplingRules, type CompiledRule, type SamplingRule } from './sampling-rules';

/** Sampling priorities (dd-trace `ext/priority`). */
export const USER_REJECT = -1;
export const AUTO_REJECT = 0;
export const AUTO_KEEP = 1;
export const USER_KEEP = 2;

/** Decision makers, written as `_dd.p.dm = -<n>`. */
const MECHANISM_DEFAULT = 0;
const MECHANISM_AGENT_RATE = 1;
const MECHANISM_RULE = 3;
const MECHANISM_MANUAL = 4;

export interface DatadogSamplerConfig {
  /** `DD_TRACE_SAMPLE_RATE`: catch-all rule after `rules`. */
  sampleRate?: number;
  /** `DD_TRACE_SAMPLING_RULES`. */
  rules?: SamplingRule[];
  /** `DD_TRACE_RATE_LIMIT`: traces/s kept by rules (default 100; negative = unlimited). */
  rateLimit?: number;
  /** Service used for rule matching and the `rate_by_service` key (DD_SERVICE); may be a getter. */
  service?: string | (() => string | undefined);
  /** DD_ENV, for the `rate_by_service` key. */
  env?: string;
  /** The agent's rates; the `DatadogExporter` passes the table it keeps up to date. */
  rates?: AgentRates;
  /** Clock for the rate limiter (tests). */
  now?: () => number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads `DD_TRACE_SAMPLE_RATE`, `DD_TRACE_SAMPLING_RULES`, `DD_TRACE_RATE_LIMIT`, `DD_SERVICE`, `DD_ENV`. */
export function samplerConfigFromEnv(env: Env = process.env): DatadogSamplerConfig {
  const config: DatadogSamplerConfig = {};
  const rate = Number(env.DD_TRACE_SAMPLE_RATE);
  if (env.DD_TRACE_SAMPLE_RATE !== undefined && env.DD_TRACE_SAMPLE_RATE.trim() !== '' && rate >= 0 && rate <= 1) {
    config.sampleRate = rate;
  }
  const rules = parseSamplingRules(env.DD_TRACE_SAMPLING_RULES);
  if (rules.length > 0) config.rules = rules;
  const limit = Number(env.DD_TRACE_RATE_LIMIT);
  if (env.DD_TRACE_RATE_LIMIT !== undefined && env.DD_TRACE_RATE_LIMIT.trim() !== '' && Number.isFinite(limit)) {
    config.rateLimit = limit;
  }
  const service = env.DD_SERVICE ?? env.OTEL_SERVICE_NAME;
  if (service) config.service = service;
  if (env.DD_ENV) config.env = env.DD_ENV;
  return config;
}

interface Rule {
  compiled: CompiledRule;
  limiter: RateLimiter;
}

export class DatadogSampler implements Sampler {
  private readonly rules: Rule[];
  private readonly config: DatadogSamplerConfig;

  constructor(config: DatadogSamplerConfig = samplerConfigFromEnv()) {
    this.config = config;
    const shared = new RateLimiter(config.rateLimit ?? 100, config.now);
    const all = [...(config.rules ?? [])];
    if (config.sampleRate !== undefined) all.push({ sample_rate: config.sampleRate });
    this.rules = all.map((rule) => ({
      compiled: compileRule(rule),
      limiter: rule.max_per_second !== undefined ? new RateLimiter(rule.max_per_second, config.now) : shared,
    }));
  }

  shouldSample(
    context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, _links: Link[],
  ): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (parent && trace.isSpanContextValid(parent)) return this.followParent(parent);
    return this.sampleRoot(traceId, spanName, spanKind, attributes);
  }

  toString(): string {
    return 'DatadogSampler';
  }

  private followParent(parent: SpanContext): SamplingResult {
    const traceState = parent.traceState as TraceState | undefined;
    const state = getDatadogState(traceState);
    const sampled = (parent.traceFlags & 1) === 1;
    if (state.priority !== undefined && state.priority > 0 === sampled) {
      return { decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.RECORD, traceState };
    }
    // No priority (or one that contradicts the flag): the W3C flag decides, as in the priority/flag table.
    const next: DatadogState = { ...state, priority: sampled ? AUTO_KEEP : AUTO_REJECT };
    if (!sampled) delete next.tags['_dd.p.dm'];
    return {
      decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.RECORD,
      traceState: setDatadogState(traceState, next),
    };
  }

  private sampleRoot(traceId: string, spanName: string, kind: SpanKind, attributes: Attributes): SamplingResult {
    const manual = manualPriority(attributes);
    if (manual !== undefined) return decide(manual, MECHANISM_MANUAL, undefined);
    const service = this.service() ?? '';
    if (this.rules.length > 0) {
      const sem = semanticsOf(attributes);
      const subject = {
        service: typeof attributes['service.name'] === 'string' ? attributes['service.name'] : service,
        name: operationName(sem, kind),
        resource: resourceName(sem, kind, spanName),
        tags: attributes,
      };
      for (const { compiled, limiter } of this.rules) {
        if (!compiled.matches(subject)) continue;
        const rate = compiled.rule.sample_rate;
        const extra: Attributes = { '_dd.rule_psr': rate };
        if (!knuthKeep(traceId, rate)) return decide(USER_REJECT, MECHANISM_RULE, extra);
        const allowed = limiter.isAllowed();
        extra['_dd.limit_psr'] = limiter.effectiveRate();
        return decide(allowed ? USER_KEEP : USER_REJECT, MECHANISM_RULE, extra);
      }
    }
    const agentRate = this.config.rates?.rateFor(service, this.config.env ?? '');
    if (agentRate === undefined) return decide(AUTO_KEEP, MECHANISM_DEFAULT, undefined);
    const keep = knuthKeep(traceId, agentRate);
    return decide(keep ? AUTO_KEEP : AUTO_REJECT, MECHANISM_AGENT_RATE, { '_dd.agent_psr': agentRate });
  }

  private service(): string | undefined {
    const s = this.config.service;
    return typeof s === 'function' ? s() : s;
  }
}

/** dd-trace's manual overrides: `sampling.priority`, `manual.keep`, `manual.drop` attributes at span start. */
function manualPriority(attributes: Attributes): number | undefined {
  if (attributes['manual.drop'] !== undefined && attributes['manual.drop'] !== false) return USER_REJECT;
  if (attributes['manual.keep'] !== undefined && attributes['manual.keep'] !== false) return USER_KEEP;
  const p = attributes['sampling.priority'];
  if (typeof p === 'number' && Number.isInteger(p)) return p > 0 ? USER_KEEP : USER_REJECT;
  return undefined;
}

/**
 * A root's tracestate depends only on (priority, decision maker), and tracestates are immutable: one per pair,
 * shared by every root that decided alike (its memoised `dd` member then serves every injection, too).
 * Priorities come from this file only (-1…2) and mechanisms are 0…4, so the cache holds at most 20 entries.
 */
const rootTraceStates = new Map<number, TraceState>();

function rootTraceState(priority: number, mechanism: number): TraceState {
  const key = priority * 8 + mechanism;
  let traceState = rootTraceStates.get(key);
  if (traceState === undefined) {
    const tags: Record<string, string> = {};
    // `_dd.p.dm` only accompanies a keep decision (dd-trace `#addDecisionMaker`).
    if (priority > 0) tags['_dd.p.dm'] = `-${mechanism}`;
    traceState = setDatadogState(undefined, { priority, tags });
    rootTraceStates.set(key, traceState);
  }
  return traceState;
}

function decide(priority: number, mechanism: number, attributes: Attributes | undefined): SamplingResult {
  return {
    decision: priority > 0 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.RECORD,
    attributes,
    traceState: rootTraceState(priority, mechanism),
  };
}
