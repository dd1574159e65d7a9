/**
 * The encoder's fast paths against slower, independent references: whole-Tag templates against
 * the field-by-field `writeTag`, the unrolled i64 varint against a BigInt zigzag oracle, and the streaming datagram
 * packer (spans encoded straight into datagram-sized chunks) against packing a fully encoded span list.
 */
import * as assert from 'node:assert/strict';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as fc from 'fast-check';
import { JaegerEncoder } from '@polytrace/exporter-jaeger';
import { decodeEmitBatch } from '../../../test/support/jaeger-agent';
import { encodeAgentDatagrams } from '../src/agent-datagrams';
import { toJaegerProcess } from '../src/mapping/process';
import { TagType, type JaegerTag } from '../src/model';
import { ScopeTagsCache } from '../src/scope-tags';
import { toJaegerSpan } from '../src/mapping/span';
import { encodeOtelSpans, encodeProcess, encodeSpans } from '../src/span-list';
import { writeTag } from '../src/thrift/jaeger-structs';
import type { ThriftWriter } from '../src/thrift/thrift-writer';
import { createWriter } from '../src/thrift/writers';
import { bigAttributes, sdkHarness } from './helpers';

const PROTOCOLS = ['compact', 'binary'] as const;

function viaTemplate(w: ThriftWriter, t: JaegerTag): void {
  switch (t.vType) {
    case TagType.STRING:
      return w.tagString(t.key, t.vStr);
    case TagType.DOUBLE:
      return w.tagDouble(t.key, t.vDouble);
    case TagType.BOOL:
      return w.tagBool(t.key, t.vBool);
    case TagType.LONG:
      return w.tagLong(t.key, t.vLong);
    case TagType.BINARY:
      return w.tagBinary(t.key, t.vBinary);
  }
}

const key = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('http.request.method', 'é✓', ''));
const tag: fc.Arbitrary<JaegerTag> = fc.oneof(
  fc.record({ key, vType: fc.constant(TagType.STRING), vStr: fc.string({ unit: 'grapheme', maxLength: 300 }) }),
  fc.record({ key, vType: fc.constant(TagType.DOUBLE), vDouble: fc.double() }),
  fc.record({ key, vType: fc.constant(TagType.BOOL), vBool: fc.boolean() }),
  fc.record({ key, vType: fc.constant(TagType.LONG), vLong: fc.maxSafeInteger() }),
  fc.record({ key, vType: fc.constant(TagType.BINARY), vBinary: fc.uint8Array({ maxLength: 200 }) }),
) as fc.Arbitrary<JaegerTag>;

/** Zigzag + LEB128 of a signed 64-bit value, straight from the spec, on BigInt. */
function zigzagVarint(v: bigint): string {
  let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (u > 0x7fn) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return Buffer.from(out).toString('hex');
}

describe('encoder fast paths', () => {
  for (const protocol of PROTOCOLS) {
    it(`whole-Tag templates equal the field-by-field Tag (${protocol})`, () => {
      const fast = createWriter(protocol);
      fc.assert(
        fc.property(fc.array(tag, { minLength: 1, maxLength: 6 }), (tags) => {
          const reference = createWriter(protocol);
          fast.reset();
          for (const t of [...tags, ...tags]) {
            writeTag(reference, t);
            viaTemplate(fast, t);
          }
          assert.equal(Buffer.from(fast.slice()).toString('hex'), Buffer.from(reference.slice()).toString('hex'));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('compact i64 varints equal the BigInt zigzag oracle (ids, times, boundaries)', () => {
    const edges = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (let b = 0; b < 64; b++) edges.push(2n ** BigInt(b) - 1n, 2n ** BigInt(b), -(2n ** BigInt(b)), -(2n ** BigInt(b)) - 1n);
    const check = (v: bigint): void => {
      const s = BigInt.asIntN(64, v);
      const hex = BigInt.asUintN(64, s).toString(16).padStart(16, '0');
      const w = createWriter('compact');
      w.structBegin();
      w.fieldI64Hex(1, hex);
      assert.equal(Buffer.from(w.slice(1)).toString('hex'), zigzagVarint(s), hex);
      const u = BigInt.asUintN(64, s);
      const halves = createWriter('compact');
      halves.structBegin();
      halves.fieldI64(1, Number(u >> 32n) | 0, Number(u & 0xffffffffn) | 0); // a signed low half gives the same bits
      assert.equal(Buffer.from(halves.slice(1)).toString('hex'), zigzagVarint(s), `${hex} (halves)`);
      if (s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER)) {
        const n = createWriter('compact');
        n.structBegin();
        n.fieldI64Number(1, Number(s));
        assert.equal(Buffer.from(n.slice(1)).toString('hex'), zigzagVarint(s), `${s} (number)`);
      }
    };
    for (const v of edges) check(BigInt.asIntN(64, v));
  });

  for (const protocol of PROTOCOLS) {
    it(`the streaming packer cuts the same datagrams as packing the whole encoded list (${protocol})`, async () => {
      const sdk = sdkHarness({ resource: { 'service.name': 'packer' } });
      try {
        for (let i = 0; i < 300; i++) {
          // one oversized span in the middle, and sizes varying enough to end datagrams at every kind of boundary
          const attributes = i === 137 ? bigAttributes(3_000) : { 'db.statement': 'q'.repeat((i * 53) % 400), n: i };
          sdk.tracer.startSpan(`op-${i % 7}`, { kind: SpanKind.CLIENT, attributes }).end();
        }
        const spans: ReadableSpan[] = sdk.finished();
        for (const max of [1_200, 2_000, 9_216]) {
          const target = protocol === 'compact' ? 'agent-compact' : 'agent-binary';
          const encoder = new JaegerEncoder({ target, maxPayloadBytes: max });
          const streamed = encoder.encode(spans);
          const processBytes = encodeProcess(protocol, toJaegerProcess(spans[0].resource, {}));
          const listed = encodeAgentDatagrams(encodeOtelSpans(protocol, spans), { protocol, processBytes, maxPacketSize: max, firstSeqNo: 1 });
          const sent = streamed.filter((p) => !p.tooLarge);
          assert.equal(sent.length, listed.datagrams.length, `max ${max}`);
          sent.forEach((p, k) => {
            assert.equal(Buffer.from(p.body).toString('hex'), Buffer.from(listed.datagrams[k].bytes).toString('hex'), `max ${max}, datagram ${k}`);
            assert.deepEqual(p.spans, listed.datagrams[k].spanIndexes.map((i) => spans[i]));
            assert.equal(decodeEmitBatch(Buffer.from(p.body), protocol).batch.spans.length, p.spans.length);
          });
          assert.deepEqual(streamed.filter((p) => p.tooLarge).map((p) => spans.indexOf(p.spans[0])), listed.tooLarge);
          assert.deepEqual(listed.tooLarge, max < 3_000 ? [137] : []);
        }
      } finally {
        await sdk.shutdown();
      }
    });
  }

  it('spans sharing trace and parent ids (memoised) encode exactly as the reference mapping does', async () => {
    const sdk = sdkHarness();
    try {
      // two interleaved traces, each a root with children and grandchildren, plus 64-bit and short ids
      const roots = [sdk.tracer.startSpan('root-a'), sdk.tracer.startSpan('root-b')];
      for (let i = 0; i < 12; i++) {
        const parent = roots[i % 2];
        const child = sdk.tracer.startSpan(`child-${i}`, {}, trace.setSpan(context.active(), parent));
        sdk.tracer.startSpan(`grandchild-${i}`, {}, trace.setSpan(context.active(), child)).end();
        child.end();
      }
      for (const r of roots) r.end();
      const real = sdk.finished();
      // the same span seen through other ids (the SDK's getters keep working on the prototype chain)
      const odd = (s: ReadableSpan, traceId: string, parentId: string): ReadableSpan =>
        Object.create(s, {
          spanContext: { value: () => ({ ...s.spanContext(), traceId }) },
          parentSpanContext: { value: { traceId, spanId: parentId, traceFlags: 1 } },
        }) as ReadableSpan;
      // and durations the clock can produce around zero: negative (skew), under 1 µs, exactly 1 µs
      const lasting = (s: ReadableSpan, duration: [number, number]): ReadableSpan => Object.create(s, { duration: { value: duration } }) as ReadableSpan;
      const spans = [
        ...real,
        odd(real[0], 'abc', '12'),
        odd(real[1], 'abc', '12'),
        odd(real[2], 'ffffffffffffffff', '8000000000000000'),
        real[3],
        lasting(real[4], [-1, 0]),
        lasting(real[5], [0, -5_000]),
        lasting(real[6], [0, 999]),
        lasting(real[7], [0, 1_000]),
      ];
      for (const protocol of PROTOCOLS) {
        const fused = encodeOtelSpans(protocol, spans);
        const reference = encodeSpans(protocol, spans.map((s) => toJaegerSpan(s)));
        const end = reference.offsets[spans.length];
        assert.equal(Buffer.from(fused.bytes.subarray(0, end)).toString('hex'), Buffer.from(reference.bytes.subarray(0, end)).toString('hex'), protocol);
      }
    } finally {
      await sdk.shutdown();
    }
  });

  it('encodes a scope once and still follows a scope whose version changes', () => {
    const cache = new ScopeTagsCache('compact', true);
    const scope = { name: 'lib', version: '1.0' };
    const first = cache.get(scope);
    assert.equal(cache.get(scope), first, 'reused');
    assert.equal(first?.count, 4);
    scope.version = '2.0';
    const second = cache.get(scope);
    assert.notEqual(second, first);
    assert.ok(Buffer.from(second!.bytes).includes('2.0'));
    assert.equal(cache.get({ name: '' }), undefined, 'no name, no tags');
  });
});
