import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Env } from '../env/read-env-config';

export interface ExporterFactoryContext {
  /** The environment startTracing was given (process.env by default). */
  env: Env;
}

/**
 * Creates an exporter for a name in OTEL_TRACES_EXPORTER / `exporters`. Throwing an Error whose
 * message explains the problem is fine: the name is skipped with that message as a warning.
 */
export type ExporterFactory = (context: ExporterFactoryContext) => SpanExporter;

const factories = new Map<string, ExporterFactory>();

/** Makes `name` usable in `exporters` and OTEL_TRACES_EXPORTER; replaces a previous registration. */
export function registerExporter(name: string, factory: ExporterFactory): void {
  const key = normaliseName(name);
  if (key === '' || key === 'none') throw new Error(`polytrace: '${name}' cannot be used as an exporter name`);
  factories.set(key, factory);
}

export function exporterFactory(name: string): ExporterFactory | undefined {
  return factories.get(normaliseName(name));
}

export function exporterNames(): string[] {
  return [...factories.keys()];
}

export function normaliseName(name: string): string {
  return name.trim().toLowerCase();
}
