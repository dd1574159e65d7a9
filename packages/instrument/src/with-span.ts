import { SpanStatusCode, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { RESOURCE_NAME_ATTRIBUTE } from './resource';
import { defaultTracer } from './tracer';

export interface WithSpanOptions extends SpanOptions {
  /** Written as the `resource.name` attribute (Datadog's resource; other exporters keep it as a tag). */
  resource?: string;
  /** Parent context; defaults to the active one. */
  context?: Context;
  /** Tracer to use; defaults to `@polytrace/instrument`'s tracer from the global provider. */
  tracer?: Tracer;
}

/**
 * Runs `fn(span)` inside a new active span. Works for sync and async functions: the span ends when
 * `fn` returns or its promise settles; a throw or rejection is recorded, marks the span ERROR and is
 * rethrown unchanged. Returns exactly what `fn` returns.
 */
export function withSpan<R>(name: string, fn: (span: Span) => R, options?: WithSpanOptions): R {
  const tracer = options?.tracer ?? defaultTracer();
  // The options object goes to the tracer as is (it ignores the extra fields): no copy on the hot path.
  const spanOptions: SpanOptions = options?.resource === undefined ? (options ?? NO_OPTIONS) : withResource(options, options.resource);
  const parent = options?.context;
  // Inline callbacks, not a named local: esbuild/tsx (keepNames) would rename a named closure on every call.
  return parent === undefined
    ? tracer.startActiveSpan(name, spanOptions, (span: Span) => runInSpan(span, fn))
    : tracer.startActiveSpan(name, spanOptions, parent, (span: Span) => runInSpan(span, fn));
}

const NO_OPTIONS: SpanOptions = Object.freeze({});

function withResource(options: SpanOptions, resource: string): SpanOptions {
  return { ...options, attributes: { ...options.attributes, [RESOURCE_NAME_ATTRIBUTE]: resource } };
}

/** Ends the span exactly once, whatever `fn` does. */
function runInSpan<R>(span: Span, fn: (span: Span) => R): R {
  let result: R;
  try {
    result = fn(span);
  } catch (error) {
    failSpan(span, error);
    span.end();
    throw error;
  }
  // A non-recording span (no SDK, or sampled out) needs no bookkeeping: hand back the caller's own
  // value untouched so instrumentation changes nothing observable, not even promise identity.
  if (!isThenable(result) || !span.isRecording()) {
    span.end();
    return result;
  }
  return result.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      failSpan(span, error);
      span.end();
      throw error;
    },
  ) as R;
}

function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    const message = String(error);
    span.recordException(message);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
