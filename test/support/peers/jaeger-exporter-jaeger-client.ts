/**
 * In-process jaeger-client 3.19 (the archived Node Jaeger tracer), typed just enough for the Jaeger exporter's
 * interop tests. jaeger-client ships no type declarations.
 */

export interface JcSpanContext {
  traceIdStr: string;
  spanIdStr: string;
  parentIdStr: string | null;
  isSampled(): boolean;
  toString(): string;
}
export interface JcSpan {
  context(): JcSpanContext;
  setTag(key: string, value: unknown): JcSpan;
  log(fields: Record<string, unknown>, timestampMs?: number): JcSpan;
  finish(finishTimeMs?: number): void;
}
export interface JcReference {
  type(): string;
  referencedContext(): JcSpanContext;
}
export interface JcTracer {
  startSpan(
    name: string,
    options?: {
      childOf?: JcSpanContext | JcSpan;
      references?: JcReference[];
      tags?: Record<string, unknown>;
      startTime?: number;
    },
  ): JcSpan;
  inject(ctx: JcSpanContext, format: string, carrier: Record<string, string>): void;
  extract(format: string, carrier: Record<string, string | string[] | undefined>): JcSpanContext | null;
  close(cb?: () => void): void;
}
interface JaegerClientModule {
  initTracer(config: Record<string, unknown>, options?: Record<string, unknown>): JcTracer;
}
interface OpentracingModule {
  FORMAT_HTTP_HEADERS: string;
  followsFrom(ctx: JcSpanContext): JcReference;
  childOf(ctx: JcSpanContext): JcReference;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jaegerClient = require('jaeger-client') as JaegerClientModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const opentracing = require('opentracing') as OpentracingModule;

const quietLogger = { info: (): void => undefined, error: (): void => undefined };

export interface JcTracerOptions {
  serviceName: string;
  /** UDP (binary protocol, jaeger-client's only UDP encoding) to this agent port. */
  agentPort?: number;
  /** Or HTTP to this collector URL. */
  collectorEndpoint?: string;
  tags?: Record<string, unknown>;
  traceId128bit?: boolean;
  /** Collects jaeger-client's own error log lines (e.g. send failures). */
  errors?: string[];
}

/** A jaeger-client tracer with a const sampler (no remote sampling polls) reporting to the given agent/collector. */
export function createJaegerClientTracer(o: JcTracerOptions): JcTracer {
  const reporter: Record<string, unknown> = { flushIntervalMs: 50 };
  if (o.collectorEndpoint) reporter.collectorEndpoint = o.collectorEndpoint;
  else reporter.agentHost = '127.0.0.1';
  if (o.agentPort) reporter.agentPort = o.agentPort;
  const logger = o.errors ? { info: (): void => undefined, error: (m: string): void => void o.errors?.push(m) } : quietLogger;
  return jaegerClient.initTracer(
    { serviceName: o.serviceName, sampler: { type: 'const', param: 1 }, reporter },
    { logger, tags: o.tags ?? {}, traceId128bit: o.traceId128bit ?? false },
  );
}

export function closeTracer(t: JcTracer): Promise<void> {
  return new Promise((resolve) => t.close(() => resolve()));
}
