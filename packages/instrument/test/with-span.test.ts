import assert from 'node:assert/strict';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { setResource, withSpan, RESOURCE_NAME_ATTRIBUTE } from '@polytrace/instrument';
import { useRecordingSdk } from './sdk';

describe('withSpan', () => {
  const sdk = useRecordingSdk();

  it('runs a sync function in an active span, returns its value and ends the span', () => {
    const result = withSpan('sync-work', (span) => {
      assert.equal(trace.getActiveSpan(), span);
      return 42;
    });
    assert.equal(result, 42);
    const [span] = sdk.spans();
    assert.equal(span?.name, 'sync-work');
    assert.equal(span?.status.code, SpanStatusCode.UNSET);
  });

  it('keeps the span active across awaits and ends it when the promise resolves', async () => {
    const result = await withSpan('async-work', async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(trace.getActiveSpan(), span);
      assert.equal(sdk.spans().length, 0, 'span must not end before the promise settles');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(sdk.spans().map((s) => s.name), ['async-work']);
  });

  it('records a sync throw as ERROR with an exception event and rethrows the same error', () => {
    const boom = new TypeError('boom');
    assert.throws(() => withSpan('fails', () => { throw boom; }), (e) => e === boom);
    const [span] = sdk.spans();
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.status.message, 'boom');
    const event = span?.events.find((e) => e.name === 'exception');
    assert.equal(event?.attributes?.['exception.type'], 'TypeError');
  });

  it('records a rejection, including a non-Error value, and rejects with it', async () => {
    await assert.rejects(withSpan('rejects', async () => { throw 'plain string'; }), (e) => e === 'plain string');
    const [span] = sdk.spans();
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.status.message, 'plain string');
    assert.equal(span?.events[0]?.attributes?.['exception.message'], 'plain string');
  });

  it('nests children under the active span', () => {
    withSpan('parent', () => withSpan('child', () => undefined));
    const byName = new Map(sdk.spans().map((s) => [s.name, s]));
    const parent = byName.get('parent');
    const child = byName.get('child');
    assert.equal(child?.parentSpanContext?.spanId, parent?.spanContext().spanId);
    assert.equal(child?.spanContext().traceId, parent?.spanContext().traceId);
  });

  it('writes the resource option and setResource as resource.name', () => {
    withSpan('query', (span) => setResource(span, 'SELECT users'), { attributes: { a: 1 } });
    withSpan('route', () => undefined, { resource: 'GET /users/:id' });
    const [query, route] = sdk.spans();
    assert.equal(query?.attributes[RESOURCE_NAME_ATTRIBUTE], 'SELECT users');
    assert.equal(query?.attributes.a, 1);
    assert.equal(route?.attributes['resource.name'], 'GET /users/:id');
  });
});
