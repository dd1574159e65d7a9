/**
 * The hot path (OTel span straight to Thrift bytes) must produce exactly the bytes of the reference mapping
 * (`toJaegerSpan` → model → `writeSpan`), for arbitrary spans, and those bytes must decode with Apache Thrift.
 */
import * as assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, type AttributeValue, type Attributes, type HrTime } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as fc from 'fast-check';
import { decodeBatch } from '../../../test/support/jaeger-agent';
import { encodeCollectorBatch } from '../src/collector-bodies';
import { encodeOtelSpans, encodeProcess, encodeSpans } from '../src/span-list';
import { toJaegerSpan } from '../src/mapping/span';

const hex = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const hrTime: fc.Arbitrary<HrTime> = fc.tuple(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 999_999_999 }));
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('error', 'span.kind', 'otel.status_code', 'otel.scope.name', 'w3c.tracestate', 'event', 'http.status_code'),
);
const value: fc.Arbitrary<AttributeValue | undefined | null> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53, -(2 ** 53) - 2, 2 ** 60, -0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }),
  fc.array(fc.double(), { maxLength: 3 }),
  fc.array(fc.boolean(), { maxLength: 3 }),
  fc.constantFrom(undefined, null),
);
const attributes: fc.Arbitrary<Attributes> = fc.dictionary(key, value, { maxKeys: 8 }) as fc.Arbitrary<Attributes>;

const resource = resourceFromAttributes({ 'service.name': 'prop' });

const span: fc.Arbitrary<ReadableSpan> = fc
  .record({
    name: fc.string({ unit: 'grapheme', maxLength: 30 }),
    kind: fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER),
    traceId: fc.oneof(hex(32), hex(16)),
    spanId: hex(16),
    parent: fc.option(hex(16), { nil: undefined }),
    flags: fc.integer({ min: 0, max: 3 }),
    traceState: fc.option(fc.constantFrom('a=1', 'vendor=x,other=y'), { nil: undefined }),
    start: hrTime,
    duration: hrTime,
    status: fc.record({
      code: fc.constantFrom(SpanStatusCode.UNSET, SpanStatusCode.OK, SpanStatusCode.ERROR),
      message: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    }),
    attributes,
    events: fc.array(fc.record({ name: fc.string({ maxLength: 10 }), time: hrTime, attributes: fc.option(attributes, { nil: undefined }), droppedAttributesCount: fc.option(fc.nat(5), { nil: undefined }) }), { maxLength: 3 }),
    links: fc.array(fc.record({ context: fc.record({ traceId: hex(32), spanId: hex(16), traceFlags: fc.constant(1) }) }), { maxLength: 2 }),
    scope: fc.record({ name: fc.string({ maxLength: 10 }), version: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }) }),
    dropped: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)),
  })
  .map((r): ReadableSpan => ({
    name: r.name,
    kind: r.kind,
    spanContext: () => ({ traceId: r.traceId, spanId: r.spanId, traceFlags: r.flags, ...(r.traceState ? { traceState: new TraceState(r.traceState) } : {}) }),
    parentSpanContext: r.parent ? { traceId: r.traceId, spanId: r.parent, traceFlags: r.flags } : undefined,
    startTime: r.start,
    endTime: r.start,
    duration: r.duration,
    status: r.status,
    attributes: r.attributes,
    links: r.links,
    events: r.events,
    ended: true,
    resource,
    instrumentationScope: r.scope,
    droppedAttributesCount: r.dropped[0],
    droppedEventsCount: r.dropped[1],
    droppedLinksCount: r.dropped[2],
  }));

describe('fused OTel → Thrift encoding', () => {
  for (const protocol of ['compact', 'binary'] as const) {
    for (const legacyLibraryTags of [true, false]) {
      it(`equals the reference mapping byte for byte (${protocol}, legacyLibraryTags=${legacyLibraryTags})`, () => {
        fc.assert(
          fc.property(fc.array(span, { minLength: 1, maxLength: 5 }), (spans) => {
            const fused = encodeOtelSpans(protocol, spans, { legacyLibraryTags });
            const reference = encodeSpans(protocol, spans.map((s) => toJaegerSpan(s, { legacyLibraryTags })));
            assert.deepEqual(Array.from(fused.offsets), Array.from(reference.offsets));
            const end = fused.offsets[spans.length];
            assert.equal(Buffer.from(fused.bytes.subarray(0, end)).toString('hex'), Buffer.from(reference.bytes.subarray(0, end)).toString('hex'));
          }),
          { numRuns: 150 },
        );
      });
    }
  }

  it('produces batches Apache Thrift decodes back to the same ids and names', () => {
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 5 }), (spans) => {
        const encoded = encodeOtelSpans('binary', spans);
        const batch = decodeBatch(Buffer.from(encodeCollectorBatch(encoded, encodeProcess('binary', { serviceName: 'p' }))));
        assert.equal(batch.spans.length, spans.length);
        batch.spans.forEach((decoded, i) => {
          const ctx = spans[i].spanContext();
          assert.equal(decoded.operationName, spans[i].name);
          assert.equal(BigInt.asUintN(64, decoded.spanId).toString(16).padStart(16, '0'), ctx.spanId);
          assert.equal(BigInt.asUintN(64, decoded.traceIdLow).toString(16).padStart(16, '0'), ctx.traceId.padStart(32, '0').slice(16));
          assert.equal(decoded.flags, ctx.traceFlags & 1);
        });
      }),
      { numRuns: 100 },
    );
  });
});
