import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export type ExporterName = 'datadog' | 'zipkin' | 'jaeger' | 'otlp' | 'console';

/** package and export name of each exporter; required lazily so the bridge pulls in only what is configured */
const EXPORTERS: Record<ExporterName, { module: string; className: string }> = {
  datadog: { module: '@polytrace/exporter-datadog', className: 'DatadogExporter' },
  zipkin: { module: '@polytrace/exporter-zipkin', className: 'ZipkinExporter' },
  jaeger: { module: '@polytrace/exporter-jaeger', className: 'JaegerExporter' },
  otlp: { module: '@opentelemetry/exporter-trace-otlp-http', className: 'OTLPTraceExporter' },
  console: { module: '@polytrace/exporter-console', className: 'ConsoleWaterfallExporter' },
};

export function isExporterName(name: string): name is ExporterName {
  return Object.prototype.hasOwnProperty.call(EXPORTERS, name);
}

/** Parses `OTEL_TRACES_EXPORTER` (comma-separated; `none` alone means none). Unknown names are an error. */
export function parseExporterNames(value: string | undefined, fallback: ExporterName = 'otlp'): ExporterName[] {
  const names = (value ?? '').split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  if (names.length === 0) return [fallback];
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.filter((n) => !isExporterName(n));
  if (unknown.length > 0) throw new Error(`OTEL_TRACES_EXPORTER: unknown exporter ${unknown.join(', ')} (use ${Object.keys(EXPORTERS).join(', ')})`);
  return [...new Set(names as ExporterName[])];
}

/** Each exporter reads its own env variables (agent URL, endpoint…) in its zero-argument constructor. */
export function createExporter(name: ExporterName): SpanExporter {
  const { module, className } = EXPORTERS[name];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(module) as Record<string, unknown>;
  const Exporter = loaded[className];
  if (typeof Exporter !== 'function') throw new Error(`${module} does not export ${className}`);
  return new (Exporter as new () => SpanExporter)();
}

/** The exporters `OTEL_TRACES_EXPORTER` selects (default `otlp`), constructed from their own env variables. */
export function createExportersFromEnv(env: NodeJS.ProcessEnv = process.env): SpanExporter[] {
  return parseExporterNames(env.OTEL_TRACES_EXPORTER).map(createExporter);
}
