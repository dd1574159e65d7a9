import { diag } from '@opentelemetry/api';

export interface PolytraceSpanProcessorConfig {
  /** spans waiting for export; past it new spans are dropped and counted (OTEL_BSP_MAX_QUEUE_SIZE, default 2048) */
  maxQueueSize?: number;
  /** spans per `export()` call (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, default 512) */
  maxExportBatchSize?: number;
  /** longest a span waits before a partial batch is exported (OTEL_BSP_SCHEDULE_DELAY, default 5000 ms) */
  scheduledDelayMillis?: number;
  /** an export not finished after this frees its slot; also bounds forceFlush/shutdown (OTEL_BSP_EXPORT_TIMEOUT, default 30000 ms) */
  exportTimeoutMillis?: number;
  /**
   * exports in flight at once (default 16). OTel's BatchSpanProcessor allows one, which caps throughput at one
   * batch per round trip; a few in parallel keep the queue draining at high span rates.
   */
  maxConcurrentExports?: number;
  /** diag summary interval for the processor's own drops (default 60 s, 0 = only at shutdown) */
  diagIntervalMillis?: number;
}

export type ResolvedProcessorConfig = Required<PolytraceSpanProcessorConfig>;

type Env = Readonly<Record<string, string | undefined>>;

function positiveInt(value: number | undefined, envName: string, env: Env, fallback: number, allowZero = false): number {
  if (value !== undefined && Number.isFinite(value) && (value > 0 || (allowZero && value === 0))) return Math.floor(value);
  const raw = env[envName];
  if (raw !== undefined && raw.trim() !== '') {
    const parsed = Number(raw);
    if (Number.isFinite(parsed) && (parsed > 0 || (allowZero && parsed === 0))) return Math.floor(parsed);
    diag.warn(`polytrace: ignoring invalid ${envName}=${JSON.stringify(raw)}, using ${fallback}`);
  }
  return fallback;
}

/** Explicit config wins, then the OTEL_BSP_* variables, then OTel's defaults. */
export function resolveProcessorConfig(config: PolytraceSpanProcessorConfig = {}, env: Env = process.env): ResolvedProcessorConfig {
  const maxQueueSize = positiveInt(config.maxQueueSize, 'OTEL_BSP_MAX_QUEUE_SIZE', env, 2048);
  let maxExportBatchSize = positiveInt(config.maxExportBatchSize, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', env, 512);
  if (maxExportBatchSize > maxQueueSize) {
    diag.warn('polytrace: maxExportBatchSize > maxQueueSize, using maxQueueSize');
    maxExportBatchSize = maxQueueSize;
  }
  return {
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMillis: positiveInt(config.scheduledDelayMillis, 'OTEL_BSP_SCHEDULE_DELAY', env, 5000, true),
    exportTimeoutMillis: positiveInt(config.exportTimeoutMillis, 'OTEL_BSP_EXPORT_TIMEOUT', env, 30000),
    maxConcurrentExports: positiveInt(config.maxConcurrentExports, 'POLYTRACE_BSP_MAX_CONCURRENT_EXPORTS', env, 16),
    diagIntervalMillis: config.diagIntervalMillis !== undefined && config.diagIntervalMillis >= 0 ? config.diagIntervalMillis : 60_000,
  };
}
