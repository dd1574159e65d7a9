export { B3Propagator, B3_SINGLE_HEADER, B3_TRACE_ID_HEADER, B3_SPAN_ID_HEADER, B3_SAMPLED_HEADER, B3_FLAGS_HEADER } from './b3-propagator';
export type { B3PropagatorConfig, B3InjectEncoding, B3ExtractEncoding } from './b3-propagator';
export type { B3SamplingState } from './b3-state';
export {
  B3_DEBUG_FLAG_KEY,
  B3_SAMPLING_DEFERRED,
  B3_SAMPLING_DECISION_KEY,
  getB3SamplingOverride,
  isB3Debug,
} from './context-keys';
