import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';

export const INSTRUMENTATION_NAME = '@polytrace/instrument';
export const INSTRUMENTATION_VERSION = '0.1.0';

let cachedProvider: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;

/**
 * The tracer from the global provider, cached per provider: registering an SDK later is still seen
 * (the API's proxy tracer delegates once one exists), and `trace.disable()` swaps the global
 * provider object, which invalidates the cache.
 */
export function defaultTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (provider !== cachedProvider || cachedTracer === undefined) {
    cachedProvider = provider;
    cachedTracer = provider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  }
  return cachedTracer;
}
