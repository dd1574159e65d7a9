import { diag } from '@opentelemetry/api';
import type { ZipkinCompression, ZipkinEncoding } from './span-encoder';

export const DEFAULT_ZIPKIN_ENDPOINT = 'http://localhost:9411/api/v2/spans';

export interface ZipkinEnvConfig {
  url: string;
  timeoutMillis?: number;
  encoding?: ZipkinEncoding;
  compression?: ZipkinCompression;
}

/**
 * `OTEL_EXPORTER_ZIPKIN_ENDPOINT` and `OTEL_EXPORTER_ZIPKIN_TIMEOUT` (OTel spec), plus our
 * `POLYTRACE_ZIPKIN_ENCODING` (`json` | `proto3`) and `POLYTRACE_ZIPKIN_COMPRESSION` (`gzip` | `none`).
 * Invalid values are ignored with a diag warning rather than breaking startup.
 */
export function readZipkinEnv(env: NodeJS.ProcessEnv = process.env): ZipkinEnvConfig {
  const config: ZipkinEnvConfig = { url: env.OTEL_EXPORTER_ZIPKIN_ENDPOINT?.trim() || DEFAULT_ZIPKIN_ENDPOINT };
  const timeout = env.OTEL_EXPORTER_ZIPKIN_TIMEOUT?.trim();
  if (timeout) {
    const ms = Number(timeout);
    if (Number.isFinite(ms) && ms > 0) config.timeoutMillis = ms;
    else diag.warn(`zipkin exporter: ignoring OTEL_EXPORTER_ZIPKIN_TIMEOUT=${timeout} (not a positive number of ms)`);
  }
  const encoding = env.POLYTRACE_ZIPKIN_ENCODING?.trim().toLowerCase();
  if (encoding === 'json' || encoding === 'proto3') config.encoding = encoding;
  else if (encoding === 'protobuf' || encoding === 'proto') config.encoding = 'proto3';
  else if (encoding) diag.warn(`zipkin exporter: ignoring POLYTRACE_ZIPKIN_ENCODING=${encoding} (json or proto3)`);
  const compression = env.POLYTRACE_ZIPKIN_COMPRESSION?.trim().toLowerCase();
  if (compression === 'gzip' || compression === 'none') config.compression = compression;
  else if (compression) diag.warn(`zipkin exporter: ignoring POLYTRACE_ZIPKIN_COMPRESSION=${compression} (gzip or none)`);
  return config;
}
