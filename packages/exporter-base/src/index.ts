export { PolytraceSpanProcessor, type ProcessorStats } from './span-processor';
export { resolveProcessorConfig, type PolytraceSpanProcessorConfig } from './processor-config';
export { RetryingExporter, type RetryingExporterOptions } from './retrying-exporter';
export { HttpTransport, type HttpTransportOptions, type HttpRequestOptions } from './http-transport';
export { UdpTransport, type UdpTransportOptions } from './udp-transport';
export { parseHttpEndpoint, type HttpEndpoint } from './endpoint';
export { parseRetryAfter, type RetryOptions } from './retry-policy';
export { emptyStats } from './stats';
export {
  DROP_REASONS,
  isPolytraceExporter,
  isSamplerProvider,
  type DropReason,
  type EncodedPayload,
  type ExporterStats,
  type PolytraceExporter,
  type SamplerProvider,
  type SendOptions,
  type SpanEncoder,
  type Transport,
  type TransportResponse,
} from './types';
