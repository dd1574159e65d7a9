import type { TextMapPropagator } from '@opentelemetry/api';
import { NamedRegistry } from './named-registry';

/** Creates a propagator for a name in OTEL_PROPAGATORS / `propagators`. */
export type PropagatorFactory = () => TextMapPropagator;

const registry = new NamedRegistry<PropagatorFactory>('a propagator');

/**
 * Makes `name` usable in `propagators`, OTEL_PROPAGATORS and DD_TRACE_PROPAGATION_STYLE*. A registered
 * name takes precedence over a built-in style of the same name.
 */
export function registerPropagator(name: string, factory: PropagatorFactory): void {
  registry.register(name, factory);
}

export function propagatorFactory(name: string): PropagatorFactory | undefined {
  return registry.get(name);
}

export function propagatorNames(): string[] {
  return registry.names();
}
