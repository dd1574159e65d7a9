import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PolytraceSpanProcessor } from '@polytrace/exporter-base';
import type { BatchConfig } from './env/read-env-config';

/** One batching processor per exporter, so a slow or failing backend never holds up the others. */
export function createExportProcessor(exporter: SpanExporter, batch: BatchConfig): SpanProcessor {
  return new PolytraceSpanProcessor(exporter, batch);
}
