import type { TextMapPropagator } from '@opentelemetry/api';
import { createPropagator, resolvePropagation, STYLE_NAMES, type PropagationStyle, type PropagationStyleName } from '@polytrace/propagation';
import type { Env } from './env/read-env-config';
import { propagatorFactory, propagatorNames } from './registry/propagator-registry';

export type PropagatorSpec = string | TextMapPropagator;

/**
 * The global propagator. Explicit `propagators` win; otherwise the environment, read by
 * `@polytrace/propagation` (DD_TRACE_PROPAGATION_STYLE* and OTEL_PROPAGATORS, defaults by exporter),
 * except that an OTEL_PROPAGATORS naming a registered third-party propagator is resolved here,
 * since only this package knows the registry.
 */
export function buildPropagator(
  explicit: readonly PropagatorSpec[] | undefined,
  env: Env,
  exporterNames: readonly string[],
  warnings: string[],
): TextMapPropagator {
  if (explicit !== undefined) {
    const styles = toStyles(explicit, 'propagators option', warnings);
    return createPropagator({ extract: styles, inject: styles });
  }
  const otelList = env.OTEL_PROPAGATORS?.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const usesRegistered = otelList?.some((name) => propagatorFactory(name) !== undefined) ?? false;
  const ddStyleSet = ['DD_TRACE_PROPAGATION_STYLE', 'DD_TRACE_PROPAGATION_STYLE_EXTRACT', 'DD_TRACE_PROPAGATION_STYLE_INJECT'].some(
    (name) => (env[name]?.trim() ?? '') !== '',
  );
  if (otelList !== undefined && usesRegistered && !ddStyleSet) {
    const styles = toStyles(otelList, 'OTEL_PROPAGATORS', warnings);
    return createPropagator({ extract: styles, inject: styles });
  }
  const resolved = resolvePropagation(env, { exporters: exporterNames });
  warnings.push(...resolved.warnings);
  return createPropagator(resolved);
}

function toStyles(specs: readonly PropagatorSpec[], source: string, warnings: string[]): PropagationStyle[] {
  const styles: PropagationStyle[] = [];
  const unknown: string[] = [];
  for (const spec of specs) {
    if (typeof spec !== 'string') {
      styles.push(spec);
      continue;
    }
    const name = spec.trim().toLowerCase();
    const factory = propagatorFactory(name);
    if (factory !== undefined) styles.push(factory());
    else if (name === 'w3c') styles.push('tracecontext');
    else if ((STYLE_NAMES as readonly string[]).includes(name)) styles.push(name as PropagationStyleName);
    else unknown.push(spec);
  }
  if (unknown.length > 0) {
    warnings.push(
      `${source}: ignoring unknown propagator${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `'${n}'`).join(', ')}; ` +
        `accepted: ${[...STYLE_NAMES, ...propagatorNames()].join(', ')}.`,
    );
  }
  return styles.filter((s) => s !== 'none');
}
