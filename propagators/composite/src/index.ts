export { createPropagator } from './create-propagator';
export { MultiStylePropagator, TERMINATED_CONTEXT_REASON } from './multi-style-propagator';
export type { PropagatorOptions } from './multi-style-propagator';
export { resolvePropagation, defaultStyles } from './resolve-propagation';
export type { ResolvedPropagation, ResolveOptions } from './resolve-propagation';
export { STYLE_NAMES } from './styles';
export type { PropagationStyle, PropagationStyleName } from './styles';
export { EXTRACTED_LINKS_KEY, ExtractedLinksProcessor, getExtractedLinks } from './extracted-links';
export { PropagatedDecisionSampler, ZIPKIN_DEBUG_ATTRIBUTE, JAEGER_DEBUG_ID_ATTRIBUTE } from './propagated-decision-sampler';
