import { context, trace, type Context, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * A local (not globally registered) provider sending every ended span straight to `exporter`, with
 * explicit start/end times so waterfalls are deterministic without sleeping.
 */
export function localTracer(exporter: SpanExporter, serviceName = 'checkout') {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test');
  const t0 = Date.now();
  return {
    provider,
    /** Starts a span `startMs` after t0 under `parent` (a span or a context). */
    start(name: string, startMs: number, parent?: Span | Context, attributes: Record<string, string> = {}): Span {
      const ctx = parent === undefined ? context.active() : 'spanContext' in parent ? contextWith(parent) : parent;
      return tracer.startSpan(name, { startTime: t0 + startMs, attributes, root: parent === undefined }, ctx);
    },
    end(span: Span, endMs: number): void {
      span.end(t0 + endMs);
    },
  };
}

function contextWith(span: Span): Context {
  return trace.setSpan(context.active(), span);
}

/** Collects writes; `isTTY`/`columns` mimic a terminal when asked. */
export class CapturedOutput {
  text = '';
  constructor(readonly isTTY = false, readonly columns?: number) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
