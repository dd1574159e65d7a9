import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { registerExporter } from './exporter-registry';

type ExporterClass = new () => SpanExporter;

/**
 * Built-ins are registered by name only; each factory `require`s its package when chosen, so picking
 * `zipkin` never loads the Datadog code (nor its msgpack encoder), and a package still in progress
 * only matters to the user who picks it.
 */
export function registerBuiltinExporters(): void {
  registerExporter('console', () => {
    const { ConsoleWaterfallExporter } = require('@polytrace/exporter-console') as typeof import('@polytrace/exporter-console');
    return new ConsoleWaterfallExporter();
  });
  registerExporter('otlp', () => {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  });
  registerExporter('datadog', () => new (exporterClass('datadog', '@polytrace/exporter-datadog', 'DatadogExporter'))());
  registerExporter('zipkin', () => new (exporterClass('zipkin', '@polytrace/exporter-zipkin', 'ZipkinExporter'))());
  registerExporter('jaeger', () => new (exporterClass('jaeger', '@polytrace/exporter-jaeger', 'JaegerExporter'))());
}

function exporterClass(name: string, packageName: string, className: string): ExporterClass {
  let loaded: Record<string, unknown>;
  try {
    loaded = require(packageName) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`exporter '${name}' is not available: ${packageName} could not be loaded (${(error as Error).message})`);
  }
  const candidate = loaded[className];
  if (typeof candidate !== 'function') throw new Error(`exporter '${name}' is not available yet`);
  return candidate as ExporterClass;
}
