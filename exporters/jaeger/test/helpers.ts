import type { Attributes, Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { JaegerExporter } from '@polytrace/exporter-jaeger';

/** A real OTel SDK whose ended spans are collected in memory, to be handed to the exporter under test. */
export interface SdkHarness {
  tracer: Tracer;
  finished(): ReadableSpan[];
  shutdown(): Promise<void>;
}

export function sdkHarness(options: { resource?: Attributes; idGenerator?: IdGenerator; scope?: [string, string?] } = {}): SdkHarness {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(options.resource ?? { 'service.name': 'jaeger-test' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
    ...(options.idGenerator ? { idGenerator: options.idGenerator } : {}),
  });
  const [name, version] = options.scope ?? ['test-scope', '1.2.3'];
  return {
    tracer: provider.getTracer(name, version),
    finished: () => memory.getFinishedSpans(),
    shutdown: () => provider.shutdown(),
  };
}

/** Ids handed out in order (then random), to force specific bit patterns onto the wire. */
export function fixedIds(traceIds: string[], spanIds: string[]): IdGenerator {
  const rnd = (n: number): string => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return {
    generateTraceId: () => traceIds.shift() ?? rnd(32),
    generateSpanId: () => spanIds.shift() ?? rnd(16),
  };
}

export function exportSpans(exporter: JaegerExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

export function isSuccess(r: ExportResult): boolean {
  return r.code === ExportResultCode.SUCCESS;
}

/** A span whose attributes make it encode to roughly `bytes` bytes. */
export function bigAttributes(bytes: number): Attributes {
  return { blob: 'x'.repeat(bytes) };
}
