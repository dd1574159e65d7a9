import type { TextMapPropagator } from '@opentelemetry/api';
import { MultiStylePropagator, type PropagatorOptions } from './multi-style-propagator';

/** The propagator for the given styles (see `MultiStylePropagator`); `resolvePropagation(env)`'s result fits as is. */
export function createPropagator(options: PropagatorOptions = {}): TextMapPropagator {
  return new MultiStylePropagator(options);
}
