import * as assert from 'node:assert';
import * as fc from 'fast-check';
import * as protobuf from 'protobufjs';
import {
  decodeJsonV2,
  decodeProto3,
  decodeZipkin,
  encodeJsonV2,
  encodeProto3,
  ZipkinDecodeError,
  type ZipkinEndpoint,
  type ZipkinSpan,
} from '@polytrace/exporter-zipkin';

// protobufjs is the independent reference for the wire format (zipkin.proto, spec zipkin.md §2.2).
const root = protobuf.parse(`syntax = "proto3";
  message Endpoint { string service_name = 1; bytes ipv4 = 2; bytes ipv6 = 3; int32 port = 4; }
  message Annotation { fixed64 timestamp = 1; string value = 2; }
  message Span {
    bytes trace_id = 1; bytes parent_id = 2; bytes id = 3; int32 kind = 4; string name = 5; fixed64 timestamp = 6;
    uint64 duration = 7; Endpoint local_endpoint = 8; Endpoint remote_endpoint = 9; repeated Annotation annotations = 10;
    map<string, string> tags = 11; bool debug = 12; bool shared = 13;
  }
  message ListOfSpans { repeated Span spans = 1; }`).root;
const ListOfSpans = root.lookupType('ListOfSpans');
const KIND_NUMBER = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } as const;

const hex = (bytes: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const hexString = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength, maxLength });
const nonZero = (s: string): boolean => !/^0+$/.test(s);
const traceId = fc.oneof(hex(8).filter(nonZero), hex(16).filter((s) => !s.startsWith('0000000000000000')));
const spanId = hex(8).filter(nonZero);
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const micros = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const ipv6 = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => {
    // RFC 5952 canonical text, written independently of the package's formatter
    let best = -1;
    let bestLength = 1;
    for (let i = 0; i < 8; i++) {
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLength) [best, bestLength] = [i, j - i];
    }
    const h = groups.map((g) => g.toString(16));
    return best < 0 ? h.join(':') : `${h.slice(0, best).join(':')}::${h.slice(best + bestLength).join(':')}`;
  });

/** Built in the decoders' field order so that the JSON text can be compared byte for byte. */
const endpoint: fc.Arbitrary<ZipkinEndpoint> = fc
  .record({ serviceName: text, ipv4: fc.ipV4(), ipv6, port: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: [] })
  .filter((e) => Object.keys(e).length > 0)
  .map((e) => {
    const out: ZipkinEndpoint = {};
    if (e.serviceName !== undefined) out.serviceName = e.serviceName;
    if (e.ipv4 !== undefined) out.ipv4 = e.ipv4;
    if (e.ipv6 !== undefined) out.ipv6 = e.ipv6;
    if (e.port !== undefined) out.port = e.port;
    return out;
  });

const canonicalSpan: fc.Arbitrary<ZipkinSpan> = fc
  .record(
    {
      traceId,
      id: spanId,
      parentId: spanId,
      name: text,
      kind: fc.constantFrom('CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER' as const),
      timestamp: micros,
      duration: fc.integer({ min: 1, max: 2 ** 40 }),
      debug: fc.constant(true),
      shared: fc.constant(true),
      localEndpoint: endpoint,
      remoteEndpoint: endpoint,
      annotations: fc.array(fc.record({ timestamp: micros, value: fc.string({ unit: 'binary', maxLength: 12 }) }), { minLength: 1, maxLength: 3 }),
      tags: fc
        .dictionary(fc.string({ unit: 'binary', maxLength: 8 }).filter((k) => k !== '__proto__'), fc.string({ unit: 'binary', maxLength: 12 }), { minKeys: 1, maxKeys: 4 }),
    },
    { requiredKeys: ['traceId', 'id'] },
  )
  .map((r) => {
    const s: ZipkinSpan = { traceId: r.traceId, id: r.id };
    if (r.parentId !== undefined && r.parentId !== r.id) s.parentId = r.parentId;
    if (r.name !== undefined) s.name = r.name;
    if (r.kind !== undefined) s.kind = r.kind;
    if (r.timestamp !== undefined) s.timestamp = r.timestamp;
    if (r.duration !== undefined) s.duration = r.duration;
    if (r.debug) s.debug = true;
    if (r.shared && r.kind !== 'CLIENT') s.shared = true;
    if (r.localEndpoint) s.localEndpoint = r.localEndpoint;
    if (r.remoteEndpoint) s.remoteEndpoint = r.remoteEndpoint;
    if (r.annotations) s.annotations = r.annotations;
    if (r.tags) s.tags = r.tags;
    return s;
  });
// fast-check may build null-prototype objects; the wire model only ever has plain ones.
const spans = fc.array(canonicalSpan, { maxLength: 5 }).map((ys) => JSON.parse(JSON.stringify(ys)) as ZipkinSpan[]);

/** The reference (protobufjs) view of a canonical span. */
function referenceObject(s: ZipkinSpan): Record<string, unknown> {
  const ep = (e: ZipkinEndpoint | undefined): Record<string, unknown> | undefined =>
    e && {
      serviceName: e.serviceName,
      ipv4: e.ipv4 ? Buffer.from(e.ipv4.split('.').map(Number)) : undefined,
      ipv6: e.ipv6 ? referenceIpv6(e.ipv6) : undefined,
      port: e.port,
    };
  return {
    traceId: Buffer.from(s.traceId, 'hex'),
    parentId: s.parentId ? Buffer.from(s.parentId, 'hex') : undefined,
    id: Buffer.from(s.id, 'hex'),
    kind: s.kind ? KIND_NUMBER[s.kind] : undefined,
    name: s.name,
    timestamp: s.timestamp,
    duration: s.duration,
    localEndpoint: ep(s.localEndpoint),
    remoteEndpoint: ep(s.remoteEndpoint),
    annotations: s.annotations,
    tags: s.tags,
    debug: s.debug,
    shared: s.shared,
  };
}

function referenceIpv6(textual: string): Buffer {
  const [l, r] = textual.includes('::') ? textual.split('::') : [textual, undefined];
  const left = l ? l.split(':') : [];
  const right = r ? r.split(':') : [];
  const groups = r === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.from(groups.map((g) => g.padStart(4, '0')).join(''), 'hex');
}

describe('Zipkin codecs: round-trip properties', () => {
  it('JSON v2: decode(encode(y)) = y and encode(decode(x)) = x', () => {
    fc.assert(
      fc.property(spans, (y) => {
        const x = encodeJsonV2(y);
        assert.ok(x.equals(Buffer.from(JSON.stringify(y))), 'the hand-written writer is byte-identical to JSON.stringify');
        const decoded = decodeJsonV2(x.toString(), { strict: true });
        assert.deepStrictEqual(decoded.spans, y);
        assert.deepStrictEqual(decoded.issues, []);
        assert.ok(encodeJsonV2(decoded.spans).equals(x));
      }),
      { numRuns: 300 },
    );
  });

  it('JSON v2 writes any string like JSON.stringify, lone surrogates and control characters included', () => {
    const nasty = fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0x2f }), fc.integer({ min: 0xd7f0, max: 0xe010 }), fc.constantFrom(0x22, 0x5c, 0x2028)).map((c) => String.fromCharCode(c)), maxLength: 8 });
    fc.assert(
      fc.property(canonicalSpan, nasty, nasty, (y, name, tag) => {
        const fields = ['traceId', 'id', 'parentId', 'name', 'kind', 'timestamp', 'duration', 'debug', 'shared', 'localEndpoint', 'remoteEndpoint', 'annotations', 'tags'] as const;
        const withStrings: Record<string, unknown> = { ...y, name, tags: { [tag]: name } };
        const span = Object.fromEntries(fields.filter((f) => withStrings[f] !== undefined).map((f) => [f, withStrings[f]])) as unknown as ZipkinSpan;
        assert.strictEqual(encodeJsonV2([span]).toString('hex'), Buffer.from(JSON.stringify([span])).toString('hex'));
        assert.deepStrictEqual(decodeJsonV2(encodeJsonV2([span]).toString()).spans[0].tags, span.tags);
      }),
      { numRuns: 300 },
    );
  });

  it('proto3: decode(encode(y)) = y and encode(decode(x)) = x, byte for byte', () => {
    fc.assert(
      fc.property(spans, (y) => {
        const x = encodeProto3(y);
        const decoded = decodeProto3(x, { strict: true });
        assert.deepStrictEqual(decoded.spans, y);
        assert.ok(encodeProto3(decoded.spans).equals(x));
      }),
      { numRuns: 300 },
    );
  });

  it('proto3 agrees with protobufjs in both directions', () => {
    fc.assert(
      fc.property(spans, (y) => {
        const ours = encodeProto3(y);
        const theirs = ListOfSpans.toObject(ListOfSpans.decode(ours), { longs: Number, bytes: Buffer }) as { spans?: Record<string, unknown>[] };
        const expected = y.map(referenceObject).map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);
        assert.deepStrictEqual((theirs.spans ?? []).map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>), expected);

        const reference = Buffer.from(ListOfSpans.encode(ListOfSpans.fromObject({ spans: y.map(referenceObject) })).finish());
        assert.deepStrictEqual(decodeZipkin(reference, { api: 'v2', contentType: 'application/x-protobuf', strict: true }).spans, y);
      }),
      { numRuns: 200 },
    );
  });

  it('decoding is idempotent on non-canonical input: decode(encode(decode(x))) = decode(x)', () => {
    const loose = fc.record({
      traceId: fc.oneof(hexString(1, 33), fc.string(), fc.integer()),
      id: fc.oneof(hexString(1, 17), fc.constant(null)),
      parentId: fc.oneof(hexString(0, 16), fc.constant('0000000000000000')),
      kind: fc.oneof(fc.constantFrom('client', 'Server', 'PRODUCER', 'bogus'), fc.integer()),
      timestamp: fc.oneof(fc.double(), fc.integer(), fc.constant('1700000000000000'), fc.constant(null)),
      duration: fc.oneof(fc.double({ min: -10, max: 1e9 }), fc.integer({ min: -5, max: 100 })),
      tags: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
      annotations: fc.oneof(fc.array(fc.record({ timestamp: fc.jsonValue(), value: fc.jsonValue() }, { requiredKeys: [] })), fc.jsonValue()),
      localEndpoint: fc.oneof(fc.record({ serviceName: fc.jsonValue(), ipv4: fc.oneof(fc.ipV4(), fc.string()), port: fc.jsonValue() }, { requiredKeys: [] }), fc.jsonValue()),
      shared: fc.oneof(fc.boolean(), fc.constant('true'), fc.jsonValue()),
    }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(loose, { maxLength: 4 }), (x) => {
        const once = decodeJsonV2(JSON.stringify(x)).spans;
        assert.deepStrictEqual(decodeJsonV2(encodeJsonV2(once).toString()).spans, once);
        assert.deepStrictEqual(decodeProto3(encodeProto3(once)).spans, once);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but ZipkinDecodeError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('v1', 'v2' as const), fc.constantFrom(undefined, 'application/json', 'application/x-protobuf'), (bytes, api, contentType) => {
        try {
          decodeZipkin(Buffer.from(bytes), { api, contentType });
        } catch (err) {
          assert.ok(err instanceof ZipkinDecodeError, String(err));
        }
      }),
      { numRuns: 500 },
    );
  });
});
