/** `POST /api/v1/spans` with `application/x-thrift`, as a zipkin-js + zipkin-encoder-thrift reporter sends it. */
import * as assert from 'node:assert';
import { SpanKind } from '@opentelemetry/api';
import * as zipkin from 'zipkin';
import { startBridge, type RunningBridge } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const thriftEncoder = require('zipkin-encoder-thrift') as { encode(span: zipkin.model.Span): Buffer };

function thriftBody(): Buffer {
  const structs: Buffer[] = [];
  const recorder = new zipkin.BatchRecorder({ logger: { logSpan: (span: zipkin.model.Span) => structs.push(Buffer.from(thriftEncoder.encode(span))) } });
  const tracer = new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder, localServiceName: 'legacy' });
  tracer.scoped(() => {
    tracer.setId(tracer.createRootId(new zipkin.option.Some(true)));
    tracer.recordServiceName('legacy');
    tracer.recordRpc('get /old');
    tracer.recordAnnotation(new zipkin.Annotation.ClientSend());
    tracer.recordBinary('http.path', '/old');
    tracer.recordAnnotation(new zipkin.Annotation.ClientRecv());
  });
  const header = Buffer.from([12, 0, 0, 0, structs.length]);
  return Buffer.concat([header, ...structs]);
}

describe('zipkin bridge: v1 Thrift', () => {
  let b: RunningBridge;
  before(async () => {
    b = await startBridge();
  });
  after(async () => {
    await b.close();
  });

  it('accepts a TBinary list<Span> on /api/v1/spans and exports the spans', async () => {
    b.memory.reset();
    const res = await b.post('/api/v1/spans', thriftBody(), { 'content-type': 'application/x-thrift' });
    assert.strictEqual(res.status, 202, res.text);
    await b.bridge.forceFlush();
    const [span] = b.memory.getFinishedSpans();
    assert.deepStrictEqual([span.name, span.kind, span.resource.attributes['service.name'], span.attributes['http.path']], ['get /old', SpanKind.CLIENT, 'legacy', '/old']);
  });

  it('answers 400 to garbage, truncated Thrift and Thrift on the v2 path, exporting nothing', async () => {
    b.memory.reset();
    const body = thriftBody();
    for (const [path, bad] of [['/api/v1/spans', Buffer.from('garbage!')], ['/api/v1/spans', body.subarray(0, body.length - 3)], ['/api/v2/spans', body]] as const) {
      const res = await b.post(path, bad, { 'content-type': 'application/x-thrift' });
      assert.strictEqual(res.status, 400, `${path} ${res.text}`);
      assert.match(res.text, /THRIFT|Thrift/);
    }
    await b.bridge.forceFlush();
    assert.deepStrictEqual(b.memory.getFinishedSpans(), []);
  });
});
