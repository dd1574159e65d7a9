import type { TextMapPropagator } from '@opentelemetry/api';
import { normaliseName } from './exporter-registry';

/** Creates a propagator for a name in OTEL_PROPAGATORS / `propagators`. */
export type PropagatorFactory = () => TextMapPropagator;

const factories = new Map<string, PropagatorFactory>();

/**
 * Makes `name` usable in `propagators`, OTEL_PROPAGATORS and DD_TRACE_PROPAGATION_STYLE*. A registered
 * name takes precedence over a built-in style of the same name.
 */
export function registerPropagator(name: string, factory: PropagatorFactory): void {
  const key = normaliseName(name);
  if (key === '' || key === 'none') throw new Error(`polytrace: '${name}' cannot be used as a propagator name`);
  factories.set(key, factory);
}

export function propagatorFactory(name: string): PropagatorFactory | undefined {
  return factories.get(normaliseName(name));
}

export function propagatorNames(): string[] {
  return [...factories.keys()];
}
