export { DatadogExporter, parseDdTags, type DatadogExporterConfig } from './exporter';
export {
  DatadogSampler, samplerConfigFromEnv, USER_REJECT, AUTO_REJECT, AUTO_KEEP, USER_KEEP, type DatadogSamplerConfig,
} from './sampler';
export type { SamplingRule } from './sampling-rules';
export { AgentRates } from './agent-rates';
export type { AgentInfo } from './agent-info';
export { resolveAgentUrl, DEFAULT_AGENT_SOCKET, DEFAULT_AGENT_URL } from './agent-url';
export {
  DatadogEncoder, DEFAULT_MAX_PAYLOAD_BYTES, type DatadogEncoderOptions, type DatadogPayload, type DatadogProtocol,
} from './payload-encoder';
export { knuthKeep } from './knuth';
