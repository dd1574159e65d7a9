export { startTracing } from './start-tracing';
export type { Tracing, TracingOptions } from './options';
export { registerExporter, type ExporterFactory, type ExporterFactoryContext } from './registry/exporter-registry';
export { registerPropagator, type PropagatorFactory } from './registry/propagator-registry';
export { readEnvConfig, SAMPLER_NAMES, type Env, type EnvConfig, type EnvReadOptions, type SamplerConfig, type SamplerName, type BatchConfig } from './env/read-env-config';
export { INSTRUMENTATION_NAMES, type InstrumentationName } from './instrumentations';
export { RedactingSpanProcessor } from './redaction/redacting-span-processor';
export { redactUrl, redactQuery, isSensitiveParam, isSensitiveHeader, REDACTED } from './redaction/redact';
