export {
  JaegerPropagator,
  UBER_TRACE_ID_HEADER,
  UBER_BAGGAGE_HEADER_PREFIX,
  JAEGER_DEBUG_ID_HEADER,
  JAEGER_BAGGAGE_HEADER,
} from './jaeger-propagator';
export type { JaegerPropagatorConfig } from './jaeger-propagator';
export { JAEGER_DEBUG_FLAG_KEY, JAEGER_DEBUG_ID_KEY, getJaegerDebugId, isJaegerDebug } from './context-keys';
