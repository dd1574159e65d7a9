import * as assert from 'node:assert';
import * as fc from 'fast-check';
import { spanToZipkin, type ZipkinEndpoint, type ZipkinSpan } from '@polytrace/exporter-zipkin';
import { ZipkinSpanConverter } from '@polytrace/zipkin-bridge';

const hex = (bytes: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex')).filter((s) => !/^0+$/.test(s));
const traceId = fc.oneof(hex(8), hex(16).filter((s) => !s.startsWith('0000000000000000')));
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 10 });
const ip = fc.oneof(fc.record({ ipv4: fc.ipV4() }), fc.record({ ipv6: fc.constantFrom('2001:db8::1', '::1', 'fe80::1:2') }), fc.constant({}));
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

function endpoint(serviceName: string | undefined, addr: { ipv4?: string; ipv6?: string }, p: number | undefined): ZipkinEndpoint | undefined {
  const e: ZipkinEndpoint = {};
  if (serviceName !== undefined) e.serviceName = serviceName;
  Object.assign(e, addr);
  if (p !== undefined) e.port = p;
  return Object.keys(e).length > 0 ? e : undefined;
}

/** Zipkin spans whose every field has an OTel home, so the round trip must be exact. */
const span: fc.Arbitrary<ZipkinSpan> = fc
  .record({
    traceId,
    id: hex(8),
    parentId: fc.option(hex(8), { nil: undefined }),
    name: text,
    kind: fc.option(fc.constantFrom('CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER' as const), { nil: undefined }),
    timestamp: fc.integer({ min: 1, max: 2 ** 52 }),
    duration: fc.integer({ min: 1, max: 2 ** 36 }),
    debug: fc.boolean(),
    service: text,
    localAddr: ip,
    localPort: port,
    remoteService: fc.option(text, { nil: undefined }),
    remoteAddr: ip,
    remotePort: port,
    annotations: fc.array(fc.record({ timestamp: fc.integer({ min: 1, max: 2 ** 52 }), value: fc.string({ maxLength: 10 }).filter((v) => !v.includes('|')) }), { maxLength: 3 }),
    tags: fc.dictionary(fc.string({ maxLength: 6 }).map((k) => `app.${k}`), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
    status: fc.constantFrom<Record<string, string>>({}, { 'otel.status_code': 'OK' }, { 'otel.status_code': 'ERROR', error: '' }, { 'otel.status_code': 'ERROR', error: 'boom' }),
    scope: fc.constantFrom<Record<string, string>>({ 'otel.scope.name': 'lib' }, { 'otel.scope.name': 'lib', 'otel.scope.version': '1.2' }),
  })
  .map((r) => {
    const s: ZipkinSpan = { traceId: r.traceId, id: r.id };
    if (r.parentId !== undefined && r.parentId !== r.id) s.parentId = r.parentId;
    s.name = r.name;
    if (r.kind) s.kind = r.kind;
    s.timestamp = r.timestamp;
    s.duration = r.duration;
    if (r.debug) s.debug = true;
    s.localEndpoint = endpoint(r.service, r.localAddr, r.localPort);
    const remote = endpoint(r.remoteService, r.remoteAddr, r.remotePort);
    if (remote) s.remoteEndpoint = remote;
    if (r.annotations.length > 0) s.annotations = r.annotations;
    s.tags = { ...r.tags, ...r.status, ...r.scope };
    return JSON.parse(JSON.stringify(s)) as ZipkinSpan;
  });

describe('zipkin bridge ∘ zipkin exporter', () => {
  it('Zipkin → ReadableSpan → Zipkin is the identity on spans with an OTel home for every field', () => {
    const converter = new ZipkinSpanConverter();
    fc.assert(
      fc.property(span, (z) => {
        const back = spanToZipkin(converter.convert(z, 1), { resourceTags: [] });
        assert.deepStrictEqual(JSON.parse(JSON.stringify(back)), z);
      }),
      { numRuns: 400 },
    );
  });
});
