/**
 * `DD_TRACE_SAMPLING_RULES`: a JSON array of `{ service?, name?, resource?, tags?, sample_rate, max_per_second? }`
 * where string fields are globs (`*` any run, `?` one character), matched case-insensitively like dd-trace.
 */
import { diag } from '@opentelemetry/api';

export interface SamplingRule {
  service?: string;
  name?: string;
  resource?: string;
  tags?: Record<string, string>;
  sample_rate: number;
  max_per_second?: number;
}

export interface CompiledRule {
  readonly rule: SamplingRule;
  matches(subject: RuleSubject): boolean;
}

export interface RuleSubject {
  service: string;
  name: string;
  resource: string;
  tags: Readonly<Record<string, unknown>>;
}

export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'is');
}

function isRule(x: unknown): x is SamplingRule {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  const rate = r.sample_rate;
  if (rate !== undefined && (typeof rate !== 'number' || rate < 0 || rate > 1)) return false;
  for (const k of ['service', 'name', 'resource'] as const) if (r[k] !== undefined && typeof r[k] !== 'string') return false;
  if (r.max_per_second !== undefined && typeof r.max_per_second !== 'number') return false;
  return true;
}

/** Parses the env value; invalid JSON or invalid rules are skipped with a diag warning, never thrown. */
export function parseSamplingRules(json: string | undefined): SamplingRule[] {
  if (!json || json.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    diag.warn('DD_TRACE_SAMPLING_RULES is not valid JSON; ignoring it');
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const rules: SamplingRule[] = [];
  for (const r of parsed) {
    if (isRule(r)) rules.push({ ...r, sample_rate: r.sample_rate ?? 1 });
    else diag.warn(`DD_TRACE_SAMPLING_RULES: ignoring invalid rule ${JSON.stringify(r)}`);
  }
  return rules;
}

export function compileRule(rule: SamplingRule): CompiledRule {
  const service = rule.service !== undefined ? globToRegExp(rule.service) : undefined;
  const name = rule.name !== undefined ? globToRegExp(rule.name) : undefined;
  const resource = rule.resource !== undefined ? globToRegExp(rule.resource) : undefined;
  const tags = Object.entries(rule.tags ?? {}).map(([k, v]) => [k, globToRegExp(String(v))] as const);
  return {
    rule,
    matches(s: RuleSubject): boolean {
      if (service && !service.test(s.service)) return false;
      if (name && !name.test(s.name)) return false;
      if (resource && !resource.test(s.resource)) return false;
      for (const [k, re] of tags) {
        const v = s.tags[k];
        if (v === undefined || !re.test(String(v))) return false;
      }
      return true;
    },
  };
}
