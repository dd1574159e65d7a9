import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Env } from '../env/read-env-config';
import { NamedRegistry } from './named-registry';

export interface ExporterFactoryContext {
  /** The environment startTracing was given (process.env by default). */
  env: Env;
}

/**
 * Creates an exporter for a name in OTEL_TRACES_EXPORTER / `exporters`. Throwing an Error whose
 * message explains the problem is fine: the name is skipped with that message as a warning.
 */
export type ExporterFactory = (context: ExporterFactoryContext) => SpanExporter;

const registry = new NamedRegistry<ExporterFactory>('an exporter');

/** Makes `name` usable in `exporters` and OTEL_TRACES_EXPORTER; replaces a previous registration. */
export function registerExporter(name: string, factory: ExporterFactory): void {
  registry.register(name, factory);
}

export function exporterFactory(name: string): ExporterFactory | undefined {
  return registry.get(name);
}

export function exporterNames(): string[] {
  return registry.names();
}
