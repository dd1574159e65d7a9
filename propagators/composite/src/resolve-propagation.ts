import { isStyleName, type PropagationStyleName } from './styles';

export interface ResolvedPropagation {
  extract: PropagationStyleName[];
  inject: PropagationStyleName[];
  extractFirst: boolean;
  /** From DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH when set and valid. */
  datadogTagsMaxLength?: number;
  /** Human-readable problems with the variables; never thrown. */
  warnings: string[];
}

export interface ResolveOptions {
  /** Names of the configured exporters (`datadog`, `zipkin`, `jaeger`, …): they pick the default styles. */
  exporters: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

// Aliases accepted in the variables. `b3` is the single header everywhere (OTel, dd-trace-js v6+);
// dd-trace-js v5 read DD_TRACE_PROPAGATION_STYLE=b3 as multi — we follow the newer, OTel-consistent meaning.
const ALIASES: Record<string, PropagationStyleName> = {
  'b3 single header': 'b3',
  b3single: 'b3',
  w3c: 'tracecontext',
};

/**
 * Default styles for the chosen exporters: `tracecontext,baggage`, with `datadog` first for the Datadog
 * exporter (dd-trace's own default: proxies rewrite traceparent), `b3multi,b3` after for Zipkin and
 * `jaeger` after for Jaeger, so that choosing an exporter is enough to join that ecosystem's traces.
 */
export function defaultStyles(exporters: readonly string[]): PropagationStyleName[] {
  const names = new Set(exporters.map((e) => e.trim().toLowerCase()));
  const styles: PropagationStyleName[] = [];
  if (names.has('datadog')) styles.push('datadog');
  styles.push('tracecontext', 'baggage');
  if (names.has('zipkin')) styles.push('b3multi', 'b3');
  if (names.has('jaeger')) styles.push('jaeger');
  return styles;
}

/**
 * Propagation styles from the environment. Polytrace's one precedence rule (explicit option > OTEL_* > DD_* >
 * default) holds here too: OTEL_PROPAGATORS, when set, decides both directions and any DD_TRACE_PROPAGATION_STYLE*
 * beside it is ignored with a warning (dd-trace ranks them the other way round; one rule across all variables is
 * easier to reason about). Otherwise DD_TRACE_PROPAGATION_STYLE_EXTRACT / _INJECT override
 * DD_TRACE_PROPAGATION_STYLE; unset → `defaultStyles`.
 * Unknown entries are dropped with a warning; a list left with no valid entry falls back to the default.
 */
const DD_STYLE_VARIABLES = ['DD_TRACE_PROPAGATION_STYLE', 'DD_TRACE_PROPAGATION_STYLE_EXTRACT', 'DD_TRACE_PROPAGATION_STYLE_INJECT'];

export function resolvePropagation(env: Env, options: ResolveOptions): ResolvedPropagation {
  const warnings: string[] = [];
  const defaults = defaultStyles(options.exporters);
  const otel = readStyles(env, 'OTEL_PROPAGATORS', warnings);
  let extract: PropagationStyleName[];
  let inject: PropagationStyleName[];
  if (otel) {
    const shadowed = DD_STYLE_VARIABLES.filter((name) => typeof env[name] === 'string' && env[name]!.trim() !== '');
    if (shadowed.length > 0) warnings.push(`${shadowed.join(', ')} ignored: OTEL_PROPAGATORS is set and takes precedence`);
    extract = otel;
    inject = otel;
  } else {
    const both = readStyles(env, 'DD_TRACE_PROPAGATION_STYLE', warnings);
    extract = readStyles(env, 'DD_TRACE_PROPAGATION_STYLE_EXTRACT', warnings) ?? both ?? defaults;
    inject = readStyles(env, 'DD_TRACE_PROPAGATION_STYLE_INJECT', warnings) ?? both ?? defaults;
  }

  const resolved: ResolvedPropagation = {
    extract,
    inject,
    extractFirst: readBoolean(env, 'DD_TRACE_PROPAGATION_EXTRACT_FIRST', warnings) ?? false,
    warnings,
  };
  const maxLength = readNonNegativeInteger(env, 'DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH', warnings);
  if (maxLength !== undefined) resolved.datadogTagsMaxLength = maxLength;
  return resolved;
}

/** `undefined` when the variable is unset/blank or held nothing usable (then the caller's fallback applies). */
function readStyles(env: Env, name: string, warnings: string[]): PropagationStyleName[] | undefined {
  const raw = env[name];
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const styles: PropagationStyleName[] = [];
  const invalid: string[] = [];
  for (const entry of raw.split(',')) {
    const token = entry.trim().toLowerCase();
    if (token === '') continue;
    const style = ALIASES[token] ?? (isStyleName(token) ? token : undefined);
    if (style === undefined) invalid.push(entry.trim());
    else if (!styles.includes(style)) styles.push(style);
  }
  if (invalid.length > 0) warnings.push(`${name}: ignoring unsupported propagation style(s) ${invalid.map((s) => JSON.stringify(s)).join(', ')}`);
  if (styles.length === 0) {
    warnings.push(`${name}=${JSON.stringify(raw)} names no supported style; using the next setting or the default`);
    return undefined;
  }
  if (styles.includes('none')) {
    if (styles.length > 1) warnings.push(`${name}: "none" combined with other styles is ignored`);
    const rest = styles.filter((s) => s !== 'none');
    return rest.length > 0 ? rest : [];
  }
  return styles;
}

function readBoolean(env: Env, name: string, warnings: string[]): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  warnings.push(`${name}=${JSON.stringify(env[name])} is not a boolean; using false`);
  return undefined;
}

function readNonNegativeInteger(env: Env, name: string, warnings: string[]): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^[0-9]{1,9}$/.test(raw)) return Number(raw);
  warnings.push(`${name}=${JSON.stringify(env[name])} is not a non-negative integer; using the default`);
  return undefined;
}
