import type { Attributes, TextMapPropagator } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { BatchConfig, Env } from './env/read-env-config';
import type { InstrumentationName } from './instrumentations';

export interface TracingOptions {
  /** `service.name`; wins over OTEL_SERVICE_NAME and DD_SERVICE. */
  serviceName?: string;
  /** `service.version`; wins over DD_VERSION. */
  version?: string;
  /** `deployment.environment.name`; wins over DD_ENV. */
  environment?: string;
  /** Extra resource attributes, over OTEL_RESOURCE_ATTRIBUTES and DD_TAGS. */
  resourceAttributes?: Attributes;
  /**
   * Exporter names (`datadog`, `zipkin`, `jaeger`, `otlp`, `console`, `none`, or a registered name)
   * or instances. Several fan out, each behind its own batching processor.
   */
  exporters?: ReadonlyArray<string | SpanExporter>;
  /** Propagation styles (`datadog`, `tracecontext`, `baggage`, `b3`, `b3multi`, `jaeger`, a registered name) or instances. */
  propagators?: ReadonlyArray<string | TextMapPropagator>;
  sampler?: Sampler;
  /** `'auto'` (default): http, undici/fetch, and express/pg/ioredis/redis/amqplib when the app has them. */
  instrumentations?: 'auto' | false | ReadonlyArray<InstrumentationName | Instrumentation>;
  /** Per-exporter batching; over OTEL_BSP_*. */
  batch?: BatchConfig;
  /** Flush on SIGTERM/SIGINT/beforeExit (default true). */
  handleSignals?: boolean;
  /** Upper bound for forceFlush() and shutdown() (default 5000 ms). */
  shutdownTimeoutMillis?: number;
  /** Where configuration variables are read (default `process.env`). */
  env?: Env;
  /** Receives each configuration warning (default: one `polytrace: …` line on stderr). */
  onWarning?: (message: string) => void;
}

export interface Tracing {
  tracerProvider: NodeTracerProvider;
  /** Exports everything ended so far; resolves within shutdownTimeoutMillis. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; idempotent, resolves within shutdownTimeoutMillis. */
  shutdown(): Promise<void>;
}
