import { BasicTracerProvider, AlwaysOffSampler, AlwaysOnSampler, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { EncodedPayload } from '@polytrace/exporter-base';

const sampledTracer = new BasicTracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('exporter-base-test');

/** Real SDK spans (ended, not attached to any processor). */
export function makeSpans(count: number, namePrefix = 'span', attributeBytes = 0): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const padding = attributeBytes > 0 ? 'x'.repeat(attributeBytes) : undefined;
  for (let i = 0; i < count; i++) {
    const span = sampledTracer.startSpan(`${namePrefix}-${i}`);
    if (padding !== undefined) span.setAttribute('padding', padding);
    span.end();
    spans.push(span as unknown as ReadableSpan);
  }
  return spans;
}

/** A minimal pure encoder: JSON array of span names (so the server side can check exactly which spans arrived). */
export function jsonEncoder(spans: readonly ReadableSpan[]): EncodedPayload {
  const body = Buffer.from(JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes }))));
  return { body, spans, headers: { 'Content-Type': 'application/json' } };
}

/** span names the server received in 2xx-answered requests, in order */
export function namesIn(bodies: readonly Buffer[]): string[] {
  return bodies.flatMap((b) => (JSON.parse(b.toString('utf8')) as { name: string }[]).map((s) => s.name));
}

export { AlwaysOffSampler };

/** Fails the suite if any promise rejection goes unhandled while it runs. */
export function detectUnhandledRejections(): { check(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  before(() => {
    process.on('unhandledRejection', listener);
  });
  after(() => {
    process.off('unhandledRejection', listener);
  });
  return {
    check(): void {
      if (seen.length > 0) throw new Error(`unhandled rejection(s): ${seen.map(String).join('; ')}`);
    },
  };
}
