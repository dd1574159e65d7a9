/** `otlp.link.N` tags (the OTel Collector's Zipkin form of span links) → OTel links. */
import * as assert from 'node:assert';
import { TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { encodeZipkinPayload } from '@polytrace/exporter-zipkin';
import { parseLinkTag } from '@polytrace/zipkin-bridge';
import { startBridge, type RunningBridge } from './helpers';

const LT = '0102030405060708090a0b0c0d0e0f10';
const LS = '0102030405060708';

describe('zipkin bridge: otlp.link.N tags become links', () => {
  let b: RunningBridge;
  before(async () => {
    b = await startBridge();
  });
  after(async () => {
    await b.close();
  });

  it('parses the Collector form, including a tracestate with `|` and 64-bit trace ids', () => {
    const link = parseLinkTag(`${LT}|${LS}|vendor=a|{"attr1":"value1","attr2":123,"arr":["x","y"]}|2`);
    assert.ok(link);
    assert.deepStrictEqual([link.context.traceId, link.context.spanId, link.context.traceFlags], [LT, LS, TraceFlags.NONE]);
    assert.strictEqual(link.context.traceState?.serialize(), 'vendor=a');
    assert.deepStrictEqual(link.attributes, { attr1: 'value1', attr2: 123, arr: ['x', 'y'] });
    assert.strictEqual(link.droppedAttributesCount, 2);
    const noState = parseLinkTag(`${LS}|${LS}||{}|0`);
    assert.deepStrictEqual([noState?.context.traceId, noState?.context.traceState, noState?.attributes, noState?.droppedAttributesCount], [LS.padStart(32, '0'), undefined, {}, undefined]);
    const barInState = parseLinkTag(`${LT}|${LS}|k=a|b|{"x":true}|0`);
    assert.deepStrictEqual(barInState?.attributes, { x: true });
    for (const bad of ['', '|i|n|v|a|l|i|d|', `${LT}|${LS}|s|{}`, `${LT}|zz|s|{}|0`, `${LT}|${LS}|s|not json|0`, `${LT}|${LS}|s|[1]|0`, `${LT}|${LS}|s|{}|-1`, `${'0'.repeat(32)}|${LS}||{}|0`]) {
      assert.strictEqual(parseLinkTag(bad), undefined, bad);
    }
  });

  it('turns contiguous otlp.link.N tags into links and keeps malformed ones as attributes', async () => {
    const [span] = await b.spansFor([{
      traceId: 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb', id: 'cccccccccccccccc', name: 'consume', timestamp: 1700000000000000, duration: 5,
      localEndpoint: { serviceName: 'worker' },
      tags: {
        'otlp.link.0': `${LT}|${LS}||{"messaging.operation":"process"}|0`,
        'otlp.link.1': 'garbage',
        'otlp.link.2': `${LT}|0807060504030201|k=v|{}|0`,
        'otlp.link.4': `${LT}|${LS}||{}|0`,
      },
    }]);
    assert.deepStrictEqual(span.links.map((l) => [l.context.spanId, l.attributes]), [[LS, { 'messaging.operation': 'process' }], ['0807060504030201', {}]]);
    assert.deepStrictEqual(span.attributes, { 'otlp.link.1': 'garbage', 'otlp.link.4': `${LT}|${LS}||{}|0` }, 'malformed kept; after a gap not a link (Collector)');
  });

  it('round-trips links: OTel span → our ZipkinExporter encoding → bridge → the same links', async () => {
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t');
    const upstream = tracer.startSpan('produce');
    const linked = { ...upstream.spanContext(), traceState: new TraceState('dd=s:2;o:rum') };
    tracer.startSpan('consume', { links: [{ context: linked, attributes: { 'messaging.batch': true, n: [1, 2] } }, { context: upstream.spanContext() }] }).end();
    upstream.end();
    const original = memory.getFinishedSpans().find((x) => x.name === 'consume');
    assert.ok(original);
    const body = JSON.parse(Buffer.from(encodeZipkinPayload([original]).body).toString('utf8'));
    const [span] = await b.spansFor(body);
    assert.deepStrictEqual(span.links.map((l) => [l.context.traceId, l.context.spanId, l.context.traceState?.serialize(), l.attributes]), [
      [linked.traceId, linked.spanId, 'dd=s:2;o:rum', { 'messaging.batch': true, n: [1, 2] }],
      [linked.traceId, linked.spanId, undefined, {}],
    ]);
    assert.strictEqual(Object.keys(span.attributes).some((k) => k.startsWith('otlp.link.')), false);
  });
});
