import { trace, type Tracer } from '@opentelemetry/api';

export const INSTRUMENTATION_NAME = '@polytrace/instrument';
export const INSTRUMENTATION_VERSION = '0.1.0';

/**
 * Looked up on every call rather than cached: the global provider can be registered (or replaced)
 * after a library module is loaded, and the API's lookup is a cheap map hit once an SDK is present.
 */
export function defaultTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
}
