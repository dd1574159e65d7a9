import * as assert from 'node:assert/strict';
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type AttributeValue, type Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as fc from 'fast-check';
import { DatadogEncoder, type DatadogProtocol } from '@polytrace/exporter-datadog';
import { decodeTracePayload, type CapturedSpan } from '../../../test/support/datadog-agent';
// The readable reference mapping (ReadableSpan → DatadogSpan object) lives inside this package only.
import type { DatadogSpan } from '../src/datadog-span';
import { SpanMapper } from '../src/span-mapper';
import { SpanFactory } from './helpers';

/** What the agent would see of one span, in a form both sides can be compared in. */
interface Comparable {
  trace_id: bigint;
  span_id: bigint;
  parent_id: bigint;
  service: string;
  name: string;
  resource: string;
  type: string;
  error: number;
  start: bigint;
  duration: bigint;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

function fromReference(s: DatadogSpan, chunkFirst: boolean): Comparable {
  const meta: Record<string, string> = {};
  const metrics: Record<string, number> = {};
  // the encoders' order (attributes and added tags, shared tags, chunk tags): a repeated key's last value wins
  for (let i = 0; i < s.metaLength; i += 2) meta[s.meta[i]] = s.meta[i + 1];
  for (let i = 0; i < s.sharedMeta.length; i += 2) meta[s.sharedMeta[i]] = s.sharedMeta[i + 1];
  if (chunkFirst) for (let i = 0; i < s.chunkMeta.length; i += 2) meta[s.chunkMeta[i]] = s.chunkMeta[i + 1];
  // -0 goes on the wire as the integer 0 (the agent has no use for the sign of a zero)
  for (let i = 0; i < s.metricsLength; i += 2) metrics[s.metrics[i] as string] = (s.metrics[i + 1] as number) + 0;
  for (let i = 0; i < s.sharedMetrics.length; i += 2) metrics[s.sharedMetrics[i] as string] = s.sharedMetrics[i + 1] as number;
  return {
    trace_id: BigInt(`0x${s.traceId.slice(-16)}`),
    span_id: BigInt(`0x${s.spanId}`),
    parent_id: s.parentId ? BigInt(`0x${s.parentId}`) : 0n,
    service: s.service,
    name: s.name,
    resource: s.resource,
    type: s.type,
    error: s.error,
    start: BigInt(s.start[0]) * 1_000_000_000n + BigInt(s.start[1]),
    duration: BigInt(s.durationNs),
    meta,
    metrics,
  };
}

function fromWire(s: CapturedSpan): Comparable {
  return {
    trace_id: s.trace_id, span_id: s.span_id, parent_id: s.parent_id, service: s.service, name: s.name,
    resource: s.resource, type: s.type ?? '', error: s.error, start: s.start, duration: s.duration,
    meta: s.meta, metrics: s.metrics,
  };
}

/** The reference mapping of every span, by span id (each with its trace's chunk tags, to use on chunk-first spans). */
function reference(spans: readonly ReadableSpan[]): Map<bigint, DatadogSpan> {
  const mapper = new SpanMapper({ env: 'test' });
  const groups = new Map<string, ReadableSpan[]>();
  for (const s of spans) {
    const id = s.spanContext().traceId;
    const group = groups.get(id);
    if (group) group.push(s);
    else groups.set(id, [s]);
  }
  const byId = new Map<bigint, DatadogSpan>();
  for (const group of groups.values()) for (const s of mapper.mapTrace(group)) byId.set(BigInt(`0x${s.spanId}`), s);
  return byId;
}

/**
 * Encodes, decodes every payload, and returns what was decoded next to what the reference mapping says those same
 * spans, in those same chunks, should be (chunk tags on the first span of each chunk).
 */
function compare(encoder: DatadogEncoder, spans: readonly ReadableSpan[], protocol: DatadogProtocol, limit: number): { actual: Comparable[]; expected: Comparable[] } {
  const byId = reference(spans);
  const actual: Comparable[] = [];
  const expected: Comparable[] = [];
  for (const payload of encoder.encode(spans)) {
    const { traces, violations } = decodeTracePayload(payload.body, protocol);
    assert.deepEqual(violations, []);
    assert.ok(payload.body.byteLength <= limit || payload.spans.length === 1, 'over the limit with more than one span');
    for (const chunk of traces) {
      chunk.forEach((s, i) => {
        actual.push(fromWire(s));
        const ref = byId.get(s.span_id);
        assert.ok(ref, `span ${s.span_id} is not one of the input spans`);
        expected.push(fromReference(ref, i === 0));
      });
    }
  }
  assert.equal(actual.length, spans.length, 'every span exactly once');
  return { actual, expected };
}

// Few distinct keys and values, so spans repeat the way real ones do and the caches and templates get used.
const KEYS = [
  'http.request.method', 'http.route', 'http.response.status_code', 'url.path', 'url.full', 'server.address',
  'server.port', 'user_agent.original', 'db.system.name', 'db.system', 'db.query.text', 'db.operation.name',
  'messaging.system', 'messaging.operation', 'rpc.system', 'resource.name', 'operation.name', 'service.name',
  'span.type', 'env', 'version', 'component', 'analytics.event', 'custom.tag', 'custom.count', 'http.status_code',
];
const value: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.constantFrom('GET', 'POST', '/users/:id', 'postgresql', 'redis', 'SELECT 1', 'shop', 'kafka', 'grpc', 'x', ''),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom(200, 404, 5432, 0, -1, 2 ** 40, 1.5),
  fc.double(),
  fc.boolean(),
  fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }),
);
const attributes: fc.Arbitrary<Attributes> = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 5 })), value, { maxKeys: 8 });

interface SpanSpec {
  trace: number;
  childOfPrevious: boolean;
  kind: SpanKind;
  scope: string;
  name: string;
  attributes: Attributes;
  status: SpanStatusCode;
  exception: boolean;
  link: boolean;
}
const spec: fc.Arbitrary<SpanSpec> = fc.record({
  trace: fc.nat(3),
  childOfPrevious: fc.boolean(),
  kind: fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER),
  scope: fc.constantFrom('@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-pg', 'app'),
  name: fc.constantFrom('GET /users/:id', 'pg.query', 'work'),
  attributes,
  status: fc.constantFrom(SpanStatusCode.UNSET, SpanStatusCode.OK, SpanStatusCode.ERROR),
  exception: fc.boolean(),
  link: fc.boolean(),
});

/** Real SDK spans for the specs, each spec used `repeat` times (repeats are what the fast path caches). */
function makeSpans(factories: SpanFactory[], specs: SpanSpec[], repeat: number): ReadableSpan[] {
  for (const f of factories) f.memory.reset();
  for (let r = 0; r < repeat; r++) {
    const last = new Map<number, Span>();
    specs.forEach((s, i) => {
      const f = factories[i % factories.length];
      const parent = s.childOfPrevious ? last.get(s.trace) : undefined;
      const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
      const span = f.tracer(s.scope).startSpan(s.name, { kind: s.kind, attributes: s.attributes }, ctx);
      if (s.exception) span.recordException(new RangeError(`bad ${i}`));
      if (s.link) span.addLink({ context: span.spanContext(), attributes: { why: 'retry' } });
      span.setStatus({ code: s.status, message: s.status === SpanStatusCode.ERROR ? 'failed' : undefined });
      span.end();
      if (!parent) last.set(s.trace, span);
    });
  }
  return factories.flatMap((f) => f.finished());
}

describe('DatadogEncoder fast path vs the reference mapping (property)', () => {
  for (const protocol of ['0.4', '0.5'] as const) {
    it(`v${protocol}: every span decodes to what the reference mapping produces, with warm caches and split payloads`, () => {
      const factories = [
        new SpanFactory({ resource: { 'deployment.environment.name': 'prod', 'service.version': '1.0' } }),
        new SpanFactory({ service: 'other', resource: { 'db.system.name': 'mysql' } }),
      ];
      // one encoder per limit across all runs: caches and templates carry over from run to run and payload to payload
      const limits = [1 << 30, 20_000, 4_000, 1_500];
      const encoders = limits.map((maxPayloadBytes) => new DatadogEncoder({ protocol, env: 'test', maxPayloadBytes }));
      fc.assert(
        fc.property(fc.array(spec, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 3 }), fc.nat(limits.length - 1), (specs, repeat, which) => {
          const spans = makeSpans(factories, specs, repeat);
          // small limits split traces across payloads, which also rolls spans back
          for (let pass = 0; pass < 2; pass++) {
            const { actual, expected } = compare(encoders[which], spans, protocol, limits[which]);
            assert.deepStrictEqual(actual, expected, pass === 0 ? 'first encoding differs' : 'second encoding (warm caches) differs');
          }
        }),
        { numRuns: 80 },
      );
    });
  }
});
