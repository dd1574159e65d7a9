import { context, trace, type Span, type SpanOptions } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator, type ReadableSpan, type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { DatadogEncoder, type DatadogEncoderOptions } from '@polytrace/exporter-datadog';
import { decodeTracePayload, type CapturedSpan } from '../../../test/support/datadog-agent';

/** Records finished spans from a real OTel SDK tracer. */
export class SpanFactory {
  readonly memory = new InMemorySpanExporter();
  readonly provider: BasicTracerProvider;

  constructor(options: { service?: string; resource?: Record<string, string>; idGenerator?: IdGenerator; sampler?: Sampler } = {}) {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.service ?? 'checkout', ...options.resource }),
      spanProcessors: [new SimpleSpanProcessor(this.memory)],
      idGenerator: options.idGenerator,
      sampler: options.sampler,
    });
  }

  tracer(scope = 'test-scope') {
    return this.provider.getTracer(scope);
  }

  /** Starts and ends a span, optionally as a child of `parent`; `body` may decorate it before it ends. */
  span(name: string, options: SpanOptions = {}, parent?: Span, body?: (s: Span) => void): Span {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    const span = this.tracer().startSpan(name, options, ctx);
    body?.(span);
    span.end();
    return span;
  }

  finished(): ReadableSpan[] {
    return this.memory.getFinishedSpans();
  }
}

/** Encodes with the public encoder and decodes like the capture agent; asserts the agent would accept it. */
export function roundTrip(spans: readonly ReadableSpan[], options: DatadogEncoderOptions = {}): CapturedSpan[][] {
  const encoder = new DatadogEncoder(options);
  const traces: CapturedSpan[][] = [];
  for (const payload of encoder.encode(spans)) {
    const decoded = decodeTracePayload(payload.body, options.protocol ?? '0.4');
    if (decoded.violations.length > 0) throw new Error(`agent would object: ${decoded.violations.join('; ')}`);
    traces.push(...decoded.traces);
  }
  return traces;
}

/** Fixed ids so tests can state the expected wire values. */
export class FixedIds implements IdGenerator {
  constructor(private traceId: string, private spanIds: string[]) {}
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanIds.shift() ?? '00000000000000ff';
  }
}
