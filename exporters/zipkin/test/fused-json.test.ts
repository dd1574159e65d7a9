import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type AttributeValue, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { isIPv4, isIPv6 } from 'node:net';
import * as fc from 'fast-check';
import { encodeJsonV2, encodeZipkinPayload, spanToZipkin, type ZipkinEndpoint, type ZipkinMappingOptions } from '@polytrace/exporter-zipkin';

// The JSON fast path (`encodeZipkinPayload`) builds strings, memoises fragments across spans and calls, and takes
// short cuts for SDK-shaped input. Its reference is the model path: `spanToZipkin` then the byte writer that
// `codec-roundtrip.test.ts` proves equal to JSON.stringify. Every input must give the same bytes.

// Strings that exercise escaping: quotes, backslashes, controls, non-ASCII, U+2028, lone and paired surrogates.
const nasty = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019 .:/-_') },
    { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '€', '\u2028', '\ud800', '\udc00', '😀') },
  ),
  maxLength: 8,
});
// Keys that collide with tags the mapping writes itself, feed the endpoints, or are ordinary.
const KEYS = ['otel.status_code', 'error', 'otel.scope.name', 'otel.scope.version', 'otel.library.name', 'otel.library.version',
  'otel.dropped_attributes_count', 'otel.dropped_events_count', 'otel.dropped_links_count', 'otlp.link.0', 'service.version',
  'deployment.environment', 'deployment.environment.name', 'zipkin.debug', 'peer.service', 'net.peer.ip', 'net.peer.port',
  'net.host.ip', 'net.host.port', 'server.address', 'server.port', 'network.peer.address', 'network.peer.port',
  'client.address', 'net.peer.name', 'db.name', 'server.socket.address', 'net.sock.peer.addr', 'http.route', 'a', 'é"\n'];
// Integer-like keys are left out of the byte comparison: a JS object (the model's `tags`) enumerates them first,
// while the wire encoder keeps the attributes' order (as it always did). Both are the same JSON object; the last
// test checks that separately.
const isIndexKey = (k: string): boolean => /^\d+$/.test(k);
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: nasty.filter((k) => !isIndexKey(k)) });
// A small pool of values, so that consecutive spans repeat them (the per-key memo) and also differ.
const value: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.constantFrom('GET', 'db.internal', '10.0.0.1', '::1', 'FE80::1', 'true', '5432', 5432, 80, 0, -1, 1.5, true, false),
  nasty,
  fc.integer({ min: -5, max: 70000 }),
  fc.double({ noNaN: false }),
  fc.array(nasty, { maxLength: 2 }),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.string({ minLength: 250, maxLength: 300 }),
);
const attributes = fc.dictionary(key, value, { maxKeys: 10 }).map((a) => ({ ...a }) as Attributes);
const id = (bytes: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex')) },
    { weight: 1, arbitrary: fc.constantFrom('0'.repeat(16) + 'ABCDEF0123456789', '00000000000000000123456789abcdef', 'B7AD6B7169203331', 'x"y') },
  );
const hrTime: fc.Arbitrary<HrTime> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 1_600_000_000, max: 1_600_000_002 }), fc.integer({ min: 0, max: 999_999_999 })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 5_000_000_000 }), fc.oneof(fc.integer({ min: 0, max: 999 }), fc.constant(999_999_999), fc.constant(1_500_000_000))) },
);

interface SpanShape {
  resource: number;
  scope: number;
  trace: number;
  spanId: string;
  parent: string | undefined;
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  status: { code: SpanStatusCode; message?: string };
  events: { name: string; attributes?: Attributes; time: HrTime }[];
  start: HrTime;
  length: number;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  links: number;
}

const spanShape: fc.Arbitrary<SpanShape> = fc.record({
  resource: fc.nat(2),
  scope: fc.nat(2),
  trace: fc.nat(2),
  spanId: id(8),
  parent: fc.option(fc.constantFrom('b7ad6b7169203331', 'e457b5a2e4d86bd1', 'E457B5A2E4D86BD1'), { nil: undefined }),
  name: fc.oneof(fc.constantFrom('GET /users/:id', 'pg.query:SELECT shop'), nasty),
  kind: fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER),
  attributes,
  status: fc.oneof(fc.constant({ code: SpanStatusCode.UNSET }), fc.constant({ code: SpanStatusCode.OK }), fc.record({ code: fc.constant(SpanStatusCode.ERROR), message: fc.option(nasty, { nil: undefined }) })),
  events: fc.array(fc.record({ name: nasty, attributes: fc.option(attributes, { nil: undefined }), time: hrTime }), { maxLength: 2 }),
  start: hrTime,
  length: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000_000_000 })),
  droppedAttributesCount: fc.nat(2),
  droppedEventsCount: fc.nat(1),
  droppedLinksCount: fc.nat(1),
  links: fc.nat(1),
});

const TRACES = ['0af7651916cd43dd8448eb211c80319c', '000000000000000064fe8b2a57d3eff7', '0AF7651916CD43DD8448EB211C80319C'];

/** Builds spans that share resource, scope and trace objects the way SDK spans of one batch do. */
function toReadableSpans(shapes: SpanShape[], resources: Resource[], scopes: { name: string; version?: string }[]): ReadableSpan[] {
  return shapes.map((s) => {
    const ctx = { traceId: TRACES[s.trace], spanId: s.spanId, traceFlags: TraceFlags.SAMPLED };
    const end: HrTime = [s.start[0] + Math.floor((s.start[1] + s.length) / 1e9), (s.start[1] + s.length) % 1e9];
    return {
      name: s.name, kind: s.kind, spanContext: () => ctx,
      parentSpanContext: s.parent === undefined ? undefined : { traceId: ctx.traceId, spanId: s.parent, traceFlags: TraceFlags.SAMPLED },
      startTime: s.start, endTime: end, duration: [0, s.length], status: s.status, attributes: s.attributes,
      links: Array.from({ length: s.links }, () => ({ context: ctx, attributes: {} })), events: s.events, ended: true,
      resource: resources[s.resource], instrumentationScope: scopes[s.scope],
      droppedAttributesCount: s.droppedAttributesCount, droppedEventsCount: s.droppedEventsCount, droppedLinksCount: s.droppedLinksCount,
    } as ReadableSpan;
  });
}

const resourceAttributes = fc.dictionary(
  fc.constantFrom('service.name', 'service.version', 'deployment.environment', 'deployment.environment.name', 'host.name'),
  fc.oneof(nasty, fc.integer(), fc.constant('')),
  { maxKeys: 4 },
);
const scope = fc.record({ name: fc.oneof(fc.constantFrom('', 'lib', '@opentelemetry/instrumentation-http'), nasty), version: fc.option(fc.oneof(fc.constantFrom('', '1.0'), nasty), { nil: undefined }) });
const options: fc.Arbitrary<ZipkinMappingOptions> = fc.record({
  legacyScopeTags: fc.boolean(),
  annotationFormat: fc.constantFrom(undefined, 'name-json-dropped' as const, 'name' as const),
  resourceTags: fc.option(fc.uniqueArray(fc.constantFrom('service.version', 'host.name', 'deployment.environment', 'a'), { maxLength: 3 }), { nil: undefined }),
  defaultServiceName: fc.option(nasty, { nil: undefined }),
}, { requiredKeys: [] });

function viaModel(spans: ReadableSpan[], mapping: ZipkinMappingOptions): string {
  return encodeJsonV2(spans.map((s) => spanToZipkin(s, mapping))).toString();
}

/** The remote endpoint rules written the obvious way: try each candidate in rank order. */
function referenceRemoteEndpoint(kind: SpanKind, a: Attributes): ZipkinEndpoint | undefined {
  const outgoing = kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER;
  const text = (v: AttributeValue | undefined): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : Array.isArray(v) ? JSON.stringify(v) : String(v));
  const services = outgoing
    ? ['peer.service', 'server.address', 'net.peer.name', 'network.peer.address', 'server.socket.domain', 'server.socket.address', 'net.sock.peer.name', 'net.sock.peer.addr', 'peer.hostname', 'peer.address', 'db.name']
    : ['peer.service'];
  const ips = ['net.peer.ip', 'network.peer.address', 'net.sock.peer.addr', 'server.socket.address', ...(kind === SpanKind.SERVER ? ['client.address'] : [])];
  const ports = ['net.peer.port', 'network.peer.port', 'net.sock.peer.port', 'server.socket.port', ...(outgoing ? ['server.port'] : [])];
  const e: ZipkinEndpoint = {};
  const service = services.map((k) => text(a[k])).find((v) => v);
  if (service !== undefined) e.serviceName = service;
  const ip = ips.map((k) => a[k]).find((v) => typeof v === 'string' && (isIPv4(v) || isIPv6(v))) as string | undefined;
  if (ip !== undefined) e[isIPv4(ip) ? 'ipv4' : 'ipv6'] = ip;
  const port = ports.map((k) => (typeof a[k] === 'string' ? Number(a[k]) : a[k])).find((v) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 65535) as number | undefined;
  if (port !== undefined) e.port = port;
  return Object.keys(e).length > 0 ? e : undefined;
}

describe('fused JSON encoding (OTel spans straight to bytes)', () => {
  it('equals encodeJsonV2(spans.map(spanToZipkin)) byte for byte, whatever the attributes, strings and times', () => {
    fc.assert(
      fc.property(
        fc.array(spanShape, { maxLength: 6 }),
        fc.array(resourceAttributes, { minLength: 3, maxLength: 3 }),
        fc.array(scope, { minLength: 3, maxLength: 3 }),
        options,
        (shapes, resourceAttrs, scopes, mapping) => {
          const spans = toReadableSpans(shapes, resourceAttrs.map((r) => resourceFromAttributes({ ...r })), scopes);
          const fused = Buffer.from(encodeZipkinPayload(spans, mapping).body).toString();
          assert.strictEqual(fused, viaModel(spans, mapping));
          for (const z of JSON.parse(fused) as { tags?: Record<string, string> }[]) {
            assert.ok(Object.values(z.tags ?? {}).every((v) => typeof v === 'string'));
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('stays equal across batches that reuse values, keys and names (memoised fragments never go stale)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(spanShape, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 4 }), fc.array(resourceAttributes, { minLength: 3, maxLength: 3 }), (batches, resourceAttrs) => {
        const resources = resourceAttrs.map((r) => resourceFromAttributes({ ...r }));
        const scopes = [{ name: 'lib', version: '1.0' }, { name: 'other' }, { name: '' }];
        for (const shapes of batches) {
          const spans = toReadableSpans(shapes, resources, scopes);
          assert.strictEqual(Buffer.from(encodeZipkinPayload(spans).body).toString(), viaModel(spans, {}));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stays equal when attribute keys outnumber the key cache', () => {
    const resources = [resourceFromAttributes({ 'service.name': 'svc' })];
    const shapes = Array.from({ length: 60 }, (_, i): SpanShape => ({
      resource: 0, scope: 0, trace: 0, spanId: (i + 1).toString(16).padStart(16, '0'), parent: undefined, name: 'op', kind: SpanKind.INTERNAL,
      attributes: Object.fromEntries(Array.from({ length: 100 }, (_, k) => [`key.${i}.${k}`, k % 2 ? k : `v${k}`])),
      status: { code: SpanStatusCode.UNSET }, events: [], start: [1_600_000_000, i], length: 1000,
      droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0, links: 0,
    }));
    for (let round = 0; round < 2; round++) {
      const spans = toReadableSpans(shapes, resources, [{ name: 'lib' }]);
      assert.strictEqual(Buffer.from(encodeZipkinPayload(spans).body).toString(), viaModel(spans, {}));
    }
  });

  it('picks the remote endpoint as trying the ranked candidates in order would', () => {
    const endpointKeys = ['peer.service', 'server.address', 'net.peer.name', 'network.peer.address', 'db.name', 'net.peer.ip', 'net.sock.peer.addr',
      'server.socket.address', 'client.address', 'net.peer.port', 'network.peer.port', 'server.socket.port', 'server.port'];
    const endpointValue = fc.oneof(fc.constantFrom('10.0.0.1', '::1', 'db.internal', '', '5432', '70000', '0', 'x'), fc.integer({ min: -1, max: 70000 }), fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...endpointKeys), endpointValue, { maxKeys: 8 }), fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER), (attrs, kind) => {
        const [span] = toReadableSpans([{
          resource: 0, scope: 0, trace: 0, spanId: 'b7ad6b7169203331', parent: undefined, name: 'op', kind, attributes: { ...attrs },
          status: { code: SpanStatusCode.UNSET }, events: [], start: [1_600_000_000, 0], length: 1000,
          droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0, links: 0,
        }], [resourceFromAttributes({ 'service.name': 'svc' })], [{ name: '' }]);
        assert.deepStrictEqual(spanToZipkin(span).remoteEndpoint, referenceRemoteEndpoint(kind, attrs));
      }),
      { numRuns: 500 },
    );
  });

  it('writes the remote endpoint the ranked candidates give, in the fused path too', () => {
    const endpointKeys = ['peer.service', 'server.address', 'net.peer.name', 'network.peer.address', 'db.name', 'net.peer.ip', 'net.sock.peer.addr',
      'server.socket.address', 'client.address', 'net.peer.port', 'network.peer.port', 'server.socket.port', 'server.port', 'http.route'];
    const endpointValue = fc.oneof(fc.constantFrom('10.0.0.1', '::1', 'db.internal', '', '5432', '70000', '0', 'x'), fc.integer({ min: -1, max: 70000 }), fc.constant(null));
    const kinds = fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER);
    fc.assert(
      // several spans per batch, so that the encoder's per-position key memo sees key orders change
      fc.property(fc.array(fc.tuple(fc.dictionary(fc.constantFrom(...endpointKeys), endpointValue, { maxKeys: 8 }), kinds), { minLength: 1, maxLength: 4 }), (specs) => {
        const shapes = specs.map(([attrs, kind], i): SpanShape => ({
          resource: 0, scope: 0, trace: 0, spanId: (i + 1).toString(16).padStart(16, '0'), parent: undefined, name: 'op', kind,
          attributes: { ...attrs } as Attributes, status: { code: SpanStatusCode.UNSET }, events: [], start: [1_600_000_000, 0], length: 1000,
          droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0, links: 0,
        }));
        const spans = toReadableSpans(shapes, [resourceFromAttributes({ 'service.name': 'svc' })], [{ name: '' }]);
        const fused = Buffer.from(encodeZipkinPayload(spans).body).toString();
        assert.strictEqual(fused, viaModel(spans, {}));
        const decoded = JSON.parse(fused) as { remoteEndpoint?: ZipkinEndpoint }[];
        specs.forEach(([attrs, kind], i) => {
          const nonNull = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null)) as Attributes;
          assert.deepStrictEqual(decoded[i].remoteEndpoint, referenceRemoteEndpoint(kind, nonNull));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('stays equal over a long stream of server spans whose values cycle (ports past the numeric memo, key order changes)', () => {
    const resources = [resourceFromAttributes({ 'service.name': 'bench', 'service.version': '2' })];
    const scopes = [{ name: '@opentelemetry/instrumentation-http', version: '0.223.0' }];
    const shapes = Array.from({ length: 600 }, (_, i): SpanShape => {
      const attributes: Attributes = {
        'http.request.method': i % 7 === 0 ? 'POST' : 'GET', 'url.scheme': 'http', 'server.address': '127.0.0.1',
        'network.peer.address': i % 5 === 0 ? '::1' : '127.0.0.1', 'network.peer.port': 40000 + ((i * 7) % (i < 300 ? 32 : 97)),
        'network.protocol.version': '1.1', 'url.path': i % 3 === 0 ? `/users/${i}` : '/', 'client.address': '127.0.0.1',
        'server.port': i % 11 === 0 ? Number.NaN : 8080, 'http.response.status_code': i % 13 === 0 ? -0 : 200,
      };
      if (i % 17 === 0) attributes['http.route'] = '/users/:id';
      if (i % 19 === 0) attributes['user_agent.original'] = null as unknown as string;
      // a span whose keys come in another order, and one whose first key's value is an array
      const reordered = i % 23 === 0 ? Object.fromEntries(Object.entries(attributes).reverse()) : attributes;
      if (i % 29 === 0) reordered['http.request.method'] = ['GET', 'HEAD'];
      return {
        resource: 0, scope: 0, trace: i % 3, spanId: (i + 1).toString(16).padStart(16, '0'), parent: i % 2 ? 'b7ad6b7169203331' : undefined,
        name: 'GET', kind: SpanKind.SERVER, attributes: reordered, status: { code: i % 31 === 0 ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
        events: [], start: [1_600_000_000 + (i >> 6), (i * 1_234_567) % 1e9], length: 50_000 + i, droppedAttributesCount: 0,
        droppedEventsCount: 0, droppedLinksCount: 0, links: 0,
      };
    });
    for (let from = 0; from < shapes.length; from += 128) {
      const spans = toReadableSpans(shapes.slice(from, from + 128), resources, scopes);
      assert.strictEqual(Buffer.from(encodeZipkinPayload(spans).body).toString(), viaModel(spans, {}));
    }
  });

  it('stays equal for batch sizes around the spans written per native call (0, 1, 7, 8, 9 … 100 spans)', () => {
    const resources = [resourceFromAttributes({ 'service.name': 'svc' })];
    const shapes = Array.from({ length: 100 }, (_, i): SpanShape => ({
      resource: 0, scope: 0, trace: i % 3, spanId: (i + 1).toString(16).padStart(16, '0'), parent: undefined, name: i % 4 ? 'op' : 'é€😀',
      kind: SpanKind.CLIENT, attributes: { 'server.address': 'db.internal', 'server.port': 5432 + (i % 3), 'db.query.text': `SELECT ${i}` },
      status: { code: SpanStatusCode.UNSET }, events: [], start: [1_600_000_000, i * 1000], length: 1000,
      droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0, links: 0,
    }));
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 63, 100]) {
      const spans = toReadableSpans(shapes.slice(0, n), resources, [{ name: 'lib' }]);
      assert.strictEqual(Buffer.from(encodeZipkinPayload(spans).body).toString(), viaModel(spans, {}), `${n} spans`);
    }
  });

  it('writes integer-like keys in attribute order, as the same JSON object as the model', () => {
    const [span] = toReadableSpans([{
      resource: 0, scope: 0, trace: 0, spanId: 'b7ad6b7169203331', parent: undefined, name: 'op', kind: SpanKind.INTERNAL,
      attributes: { 'http.route': '/a', 7: 'seven', '07': 'not an index' }, status: { code: SpanStatusCode.UNSET }, events: [],
      start: [1_600_000_000, 0], length: 1000, droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0, links: 0,
    }], [resourceFromAttributes({ 'service.name': 'svc', 'service.version': '1' })], [{ name: '' }]);
    const fused = Buffer.from(encodeZipkinPayload([span]).body).toString();
    assert.deepStrictEqual(JSON.parse(fused), JSON.parse(viaModel([span], {})));
    assert.match(fused, /"tags":\{"service\.version":"1","7":"seven","http\.route":"\/a","07":"not an index"\}/);
  });
});
