import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Env } from './env/read-env-config';
import { exporterFactory, exporterNames } from './registry/exporter-registry';
import { normaliseName } from './registry/named-registry';

export interface ResolvedExporters {
  exporters: SpanExporter[];
  /** Names for choosing default propagation styles, including those of instances we recognise. */
  names: string[];
}

/** Known classes passed as instances still pick their backend's default propagation. */
const NAME_BY_CLASS: Record<string, string> = {
  DatadogExporter: 'datadog',
  ZipkinExporter: 'zipkin',
  JaegerExporter: 'jaeger',
  OTLPTraceExporter: 'otlp',
  ConsoleWaterfallExporter: 'console',
};

export function resolveExporters(specs: ReadonlyArray<string | SpanExporter>, env: Env, warnings: string[]): ResolvedExporters {
  const exporters: SpanExporter[] = [];
  const names: string[] = [];
  for (const spec of specs) {
    if (typeof spec !== 'string') {
      exporters.push(spec);
      const name = NAME_BY_CLASS[spec.constructor.name];
      if (name !== undefined) names.push(name);
      continue;
    }
    const name = normaliseName(spec);
    if (name === 'none') continue;
    const factory = exporterFactory(name);
    if (factory === undefined) {
      warnings.push(`exporter '${spec}' is unknown; accepted: ${[...exporterNames(), 'none'].join(', ')}, or a name given to registerExporter().`);
      continue;
    }
    try {
      exporters.push(factory({ env }));
      names.push(name);
    } catch (error) {
      warnings.push(error instanceof Error ? error.message : `exporter '${name}' failed to start: ${String(error)}`);
    }
  }
  return { exporters, names };
}
