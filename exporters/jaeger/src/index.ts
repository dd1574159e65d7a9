export { JaegerExporter } from './jaeger-exporter';
export { resolveJaegerConfig, type JaegerExporterConfig, type ResolvedJaegerConfig, type ResolvedTarget } from './config';
export { JaegerEncoder, type JaegerEncoderOptions, type JaegerPayload } from './jaeger-encoder';
export type { JaegerClientStats } from './model';
