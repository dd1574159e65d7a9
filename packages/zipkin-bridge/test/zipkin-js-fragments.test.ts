/**
 * The real zipkin-js 0.22 (BatchRecorder, Tracer) produces the fragments of spec §4.4/§4.5; each logged span is
 * POSTed on its own, in the order zipkin-js reported it, so "earlier POST" is exactly what zipkin-js would do.
 */
import * as assert from 'node:assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as zipkin from 'zipkin';
import { LATE_FRAGMENT_ATTRIBUTE, serverSpanId } from '@polytrace/zipkin-bridge';
import { postAccepted, startBridge, until, type RunningBridge } from './helpers';

interface Captured {
  tracer: zipkin.Tracer;
  logged: string[];
}

function zipkinJs(serviceName: string, timeoutMicros?: number): Captured {
  const logged: string[] = [];
  const logger = { logSpan: (span: zipkin.model.Span) => logged.push(zipkin.jsonEncoder.JSON_V2.encode(span)) };
  const recorder = new zipkin.BatchRecorder(timeoutMicros === undefined ? { logger } : { logger, timeout: timeoutMicros });
  return { tracer: new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder, localServiceName: serviceName }), logged };
}

async function postEach(b: RunningBridge, logged: string[]): Promise<void> {
  for (const span of logged.splice(0)) {
    await postAccepted(b, `[${span}]`);
  }
}

const byId = (spans: ReadableSpan[], id: string): ReadableSpan[] => spans.filter((s) => s.spanContext().spanId === id);

describe('zipkin bridge: fragments produced by the real zipkin-js', () => {
  let b: RunningBridge;
  afterEach(async () => {
    await b.close();
  });

  it('a span zipkin-js flushed unfinished (zipkin-js.flush) gets its duration from its late `finish` report', async () => {
    b = await startBridge();
    const { tracer, logged } = zipkinJs('js-client', 1);
    const id = tracer.createRootId(new zipkin.option.Some(true));
    tracer.letId(id, () => {
      tracer.recordServiceName('js-client');
      tracer.recordRpc('get /slow');
      tracer.recordAnnotation(new zipkin.Annotation.ClientSend());
    });
    await until(() => logged.length === 1); // BatchRecorder's once-a-second timeout sweep
    assert.match(logged[0], /zipkin-js\.flush/);
    await postEach(b, logged);
    tracer.letId(id, () => tracer.recordAnnotation(new zipkin.Annotation.ClientRecv()));
    assert.strictEqual(logged.length, 1);
    assert.doesNotMatch(logged[0], /"timestamp":\d+,"duration"|localEndpoint/, 'zipkin-js reports the end without start or service');
    await postEach(b, logged);

    const [flushed, finished] = byId(b.memory.getFinishedSpans(), id.spanId);
    assert.deepStrictEqual(flushed.endTime, flushed.startTime, 'exported at once with end = start');
    assert.deepStrictEqual(finished.startTime, flushed.startTime);
    assert.ok(finished.endTime[0] * 1e9 + finished.endTime[1] > finished.startTime[0] * 1e9 + finished.startTime[1], 'the late end gives it a duration');
    assert.deepStrictEqual([finished.name, finished.resource.attributes['service.name'], finished.attributes[LATE_FRAGMENT_ATTRIBUTE]], ['get /slow', 'js-client', 'true']);
  });

  it('a zipkin-js server that joined its caller\'s span id: its child, reported first, is re-parented onto the server', async () => {
    b = await startBridge();
    const { tracer, logged } = zipkinJs('js-server');
    const serve = (traceId: string, callerSpanId: string): string => {
      const incoming = new zipkin.TraceId({ traceId, spanId: callerSpanId, sampled: new zipkin.option.Some(true) });
      // join() is missing from zipkin's type declarations
      const joined = (tracer as unknown as { join(id: zipkin.TraceId): zipkin.TraceId }).join(incoming);
      let childId = '';
      tracer.letId(joined, () => {
        tracer.recordServiceName('js-server');
        tracer.recordRpc('handle');
        tracer.recordAnnotation(new zipkin.Annotation.ServerRecv());
        tracer.local('load', () => {
          childId = tracer.id.spanId;
        });
        tracer.recordAnnotation(new zipkin.Annotation.ServerSend());
      });
      return childId;
    };
    // the first shared trace teaches the bridge that js-server joins span ids (holdChildren: 'learned')
    serve('11111111111111111111111111111111', '2222222222222222');
    await postEach(b, logged);
    b.memory.reset();

    const traceId = '33333333333333333333333333333333';
    const caller = '4444444444444444';
    const childId = serve(traceId, caller);
    assert.strictEqual(logged.length, 2);
    assert.match(logged[0], /"name":"load"/, 'zipkin-js reports the child first');
    await postEach(b, logged);
    const spans = b.memory.getFinishedSpans();
    const server = serverSpanId(traceId, caller);
    assert.deepStrictEqual(byId(spans, server).map((s) => s.parentSpanContext?.spanId), [caller]);
    assert.deepStrictEqual(byId(spans, childId).map((s) => s.parentSpanContext?.spanId), [server]);
  });
});
