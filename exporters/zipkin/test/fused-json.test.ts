import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as fc from 'fast-check';
import { encodeJsonV2, encodeZipkinPayload, spanToZipkin, type ZipkinMappingOptions } from '@polytrace/exporter-zipkin';

// Keys that collide with tags the mapping writes itself, plus ordinary ones.
const KEYS = ['otel.status_code', 'error', 'otel.scope.name', 'otel.scope.version', 'otel.library.name', 'otel.library.version',
  'otel.dropped_attributes_count', 'otel.dropped_links_count', 'service.version', 'deployment.environment', 'zipkin.debug',
  'peer.service', 'net.peer.ip', 'net.peer.port', 'net.host.ip', 'net.host.port', 'server.address', 'server.port', 'http.route', 'a', 'é"\n'];
const value = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 70000 }), fc.boolean(), fc.constantFrom('10.0.0.1', '::1', 'true'), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }));
const attributes = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 }).map((a) => ({ ...a }) as Attributes);

const readableSpan: fc.Arbitrary<ReadableSpan> = fc
  .record({
    attributes,
    resource: fc.dictionary(fc.constantFrom('service.name', 'service.version', 'deployment.environment', 'host.name'), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    kind: fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER),
    status: fc.oneof(fc.constant({ code: SpanStatusCode.UNSET }), fc.constant({ code: SpanStatusCode.OK }), fc.record({ code: fc.constant(SpanStatusCode.ERROR), message: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }) })),
    scope: fc.record({ name: fc.constantFrom('', 'lib'), version: fc.option(fc.constantFrom('', '1.0'), { nil: undefined }) }),
    events: fc.array(fc.record({ name: fc.string({ maxLength: 4 }), attributes: fc.option(attributes, { nil: undefined }) }), { maxLength: 2 }),
    droppedAttributesCount: fc.nat(2),
    droppedLinksCount: fc.nat(1),
    start: fc.integer({ min: 1, max: 2 ** 31 }),
    nanos: fc.integer({ min: 0, max: 999_999_999 }),
  })
  .map((r) => {
    const ctx = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    return {
      name: 'op', kind: r.kind, spanContext: () => ctx, startTime: [r.start, r.nanos], endTime: [r.start + 1, 0], duration: [1, 0],
      status: r.status, attributes: r.attributes, links: [], events: r.events.map((e) => ({ ...e, time: [r.start, 5] as [number, number] })),
      ended: true, resource: resourceFromAttributes({ ...r.resource }), instrumentationScope: r.scope,
      droppedAttributesCount: r.droppedAttributesCount, droppedEventsCount: 0, droppedLinksCount: r.droppedLinksCount,
    } as ReadableSpan;
  });

describe('fused JSON encoding (OTel spans straight to bytes)', () => {
  it('equals encodeJsonV2(spans.map(spanToZipkin)) byte for byte, whatever the attributes collide with', () => {
    fc.assert(
      fc.property(fc.array(readableSpan, { maxLength: 3 }), fc.boolean(), (spans, legacyScopeTags) => {
        const options: ZipkinMappingOptions = { legacyScopeTags };
        const fused = Buffer.from(encodeZipkinPayload(spans, options).body);
        const viaModel = encodeJsonV2(spans.map((s) => spanToZipkin(s, options)));
        assert.strictEqual(fused.toString(), viaModel.toString());
        for (const z of JSON.parse(fused.toString()) as { tags?: Record<string, string> }[]) {
          assert.ok(Object.values(z.tags ?? {}).every((v) => typeof v === 'string'));
        }
      }),
      { numRuns: 400 },
    );
  });
});
