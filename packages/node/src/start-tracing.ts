import { context, propagation, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ExtractedLinksProcessor } from '@polytrace/propagation';
import { EndedSpanCounter } from './ended-span-counter';
import { readEnvConfig, type Env, type EnvConfig } from './env/read-env-config';
import { resolveExporters } from './exporters';
import { autoInstrumentations, INSTRUMENTATION_NAMES, type InstrumentationName } from './instrumentations';
import type { Tracing, TracingOptions } from './options';
import { buildPropagator } from './propagator';
import { RedactingSpanProcessor } from './redaction/redacting-span-processor';
import { registerBuiltinExporters } from './registry/builtin-exporters';
import { exporterNames } from './registry/exporter-registry';
import { chooseSampler } from './sampler';
import { installShutdownHooks } from './shutdown-hooks';
import { createExportProcessor } from './span-processors';

registerBuiltinExporters();

let active: Tracing | undefined;

/**
 * Starts tracing for the application: builds the tracer provider from options over environment,
 * registers it, the context manager and the propagator globally, and enables instrumentations.
 * Calling it again while started returns the running instance (with a warning).
 */
export function startTracing(options: TracingOptions = {}): Tracing {
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`polytrace: ${message}\n`));
  if (active !== undefined) {
    warn('startTracing() called again; returning the tracing already started.');
    return active;
  }
  const env = options.env ?? process.env;
  const warnings: string[] = [];
  const { config, warnings: envWarnings } = readEnvConfig(env, {
    exporterNames: exporterNames(),
    instrumentationNames: INSTRUMENTATION_NAMES,
  });
  warnings.push(...envWarnings);
  const timeoutMillis = options.shutdownTimeoutMillis ?? 5000;

  if (config.disabled) {
    warnings.forEach((w) => warn(w));
    const tracerProvider = new NodeTracerProvider();
    return { tracerProvider, forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
  }

  const { exporters, names } = resolveExporters(options.exporters ?? defaultExporters(config), env, warnings);
  const endedSpans = new EndedSpanCounter();
  const batch = { ...config.batch, ...options.batch };
  const tracerProvider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes(resourceAttributes(options, config))),
    sampler: chooseSampler(options.sampler, config.sampler, exporters, config.datadogSampleRate),
    spanProcessors: [
      new ExtractedLinksProcessor(),
      new RedactingSpanProcessor(),
      endedSpans,
      ...exporters.map((e) => createExportProcessor(e, batch)),
    ],
  });
  const propagator = buildPropagator(options.propagators, env, names, warnings);

  const registered = {
    tracer: trace.setGlobalTracerProvider(tracerProvider),
    context: context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()),
    propagator: propagation.setGlobalPropagator(propagator),
  };
  if (!registered.tracer || !registered.context || !registered.propagator) {
    warnings.push('another OpenTelemetry SDK is already registered globally; Polytrace only registered what was free.');
  }
  const disableInstrumentations = registerInstrumentations({
    tracerProvider,
    instrumentations: chooseInstrumentations(options.instrumentations, config, httpServerChoice(env)),
  });
  warnings.forEach((w) => warn(w));

  let shutdownPromise: Promise<void> | undefined;
  const forceFlush = (): Promise<void> => withTimeout(tracerProvider.forceFlush(), timeoutMillis);
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= withTimeout(tracerProvider.shutdown(), timeoutMillis).finally(() => {
      removeHooks();
      disableInstrumentations();
      if (registered.tracer) trace.disable();
      if (registered.context) context.disable();
      if (registered.propagator) propagation.disable();
      if (active === tracing) active = undefined;
    });
    return shutdownPromise;
  };
  const removeHooks =
    options.handleSignals === false
      ? () => undefined
      : installShutdownHooks({ flush: forceFlush, shutdown, hasPendingWork: () => endedSpans.take() > 0 });

  const tracing: Tracing = { tracerProvider, forceFlush, shutdown };
  active = tracing;
  return tracing;
}

/** Console for a first run; Datadog when the app already has a DD agent configured. */
function defaultExporters(config: EnvConfig): string[] {
  return config.exporters ?? (config.datadogAgentConfigured ? ['datadog'] : ['console']);
}

function resourceAttributes(options: TracingOptions, config: EnvConfig): Attributes {
  const attributes: Attributes = { ...config.resourceAttributes, ...options.resourceAttributes };
  const serviceName = options.serviceName ?? config.serviceName;
  const version = options.version ?? config.version;
  const environment = options.environment ?? config.environment;
  if (serviceName !== undefined) attributes['service.name'] = serviceName;
  if (version !== undefined) attributes['service.version'] = version;
  if (environment !== undefined) attributes['deployment.environment.name'] = environment;
  return attributes;
}

/** POLYTRACE_HTTP_SERVER_INSTRUMENTATION=stock traces incoming requests with instrumentation-http itself (for comparison). */
function httpServerChoice(env: Env): 'polytrace' | 'stock' {
  return env.POLYTRACE_HTTP_SERVER_INSTRUMENTATION?.trim().toLowerCase() === 'stock' ? 'stock' : 'polytrace';
}

function chooseInstrumentations(choice: TracingOptions['instrumentations'], config: EnvConfig, httpServer: 'polytrace' | 'stock'): Instrumentation[] {
  if (choice === false) return [];
  if (choice === undefined || choice === 'auto') {
    return autoInstrumentations({ enabled: config.enabledInstrumentations, disabled: config.disabledInstrumentations, httpServer });
  }
  const names = choice.filter((c): c is InstrumentationName => typeof c === 'string');
  const instances = choice.filter((c): c is Instrumentation => typeof c !== 'string');
  // Named explicitly: load them even if the module is not resolvable from here.
  return [...(names.length > 0 ? autoInstrumentations({ enabled: names, resolvePaths: [], force: true, httpServer }) : []), ...instances];
}

/** Resolves when `promise` settles or after `millis`, whichever is first; never rejects. */
function withTimeout(promise: Promise<void>, millis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, millis);
    timer.unref();
  });
  return Promise.race([promise.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
