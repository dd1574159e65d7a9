import assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import {
  amqpHeadersAdapter,
  extractContext,
  injectContext,
  kafkaHeadersAdapter,
  sqsAttributesAdapter,
  withConsumerSpan,
  withSpan,
  type AmqpHeaders,
  type KafkaHeaders,
  type SqsMessageAttributes,
} from '@polytrace/instrument';
import { useRecordingSdk } from './sdk';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('messaging context helpers', () => {
  const sdk = useRecordingSdk();

  it('injects the active context into a plain string map and extracts it back', () => {
    const carrier = withSpan('produce', () => injectContext());
    const producer = sdk.spans()[0];
    const match = TRACEPARENT.exec(carrier.traceparent ?? '');
    assert.ok(match, `traceparent missing: ${JSON.stringify(carrier)}`);
    assert.equal(match[1], producer?.spanContext().traceId);
    assert.equal(match[2], producer?.spanContext().spanId);

    const extracted = trace.getSpanContext(extractContext(carrier, ROOT_CONTEXT));
    assert.equal(extracted?.traceId, producer?.spanContext().traceId);
    assert.equal(extracted?.isRemote, true);
  });

  it('writes SQS message attributes in the SendMessage shape and continues the trace as CONSUMER', () => {
    const attributes: SqsMessageAttributes = { tenant: { DataType: 'String', StringValue: 'acme' } };
    withSpan('send', () => injectContext(attributes, { adapter: sqsAttributesAdapter }), { kind: SpanKind.PRODUCER });
    assert.equal(attributes.traceparent?.DataType, 'String');
    assert.match(attributes.traceparent?.StringValue ?? '', TRACEPARENT);
    assert.equal(attributes.tenant?.StringValue, 'acme', 'existing attributes are kept');

    // The message as a consumer receives it from ReceiveMessage.
    withConsumerSpan({ Body: '{}', MessageAttributes: attributes }, 'process', () => undefined);
    const [producer, consumer] = sdk.spans();
    assert.equal(consumer?.kind, SpanKind.CONSUMER);
    assert.equal(consumer?.spanContext().traceId, producer?.spanContext().traceId);
    assert.equal(consumer?.parentSpanContext?.spanId, producer?.spanContext().spanId);
  });

  it('continues a trace from a Lambda SQS event record (lower-case stringValue)', () => {
    const carrier = withSpan('send', () => injectContext());
    const record = { body: '{}', messageAttributes: { traceparent: { stringValue: carrier.traceparent, dataType: 'String' } } };
    withConsumerSpan(record, 'lambda-handler', () => undefined);
    const [producer, consumer] = sdk.spans();
    assert.equal(consumer?.parentSpanContext?.spanId, producer?.spanContext().spanId);
  });

  it('round-trips through amqplib-style message properties.headers', async () => {
    const headers: AmqpHeaders = { 'x-retry': 2 };
    withSpan('publish', () => injectContext(headers, { adapter: amqpHeadersAdapter }));
    assert.equal(typeof headers.traceparent, 'string');
    const result = await withConsumerSpan({ content: Buffer.from('hi'), properties: { headers } }, 'consume', async () => 'ok', {
      resource: 'orders queue',
    });
    assert.equal(result, 'ok');
    const [producer, consumer] = sdk.spans();
    assert.equal(consumer?.parentSpanContext?.spanId, producer?.spanContext().spanId);
    assert.equal(consumer?.attributes['resource.name'], 'orders queue');
  });

  it('writes Kafka headers as Buffers and reads Buffer headers (any case) back', () => {
    const headers: KafkaHeaders = {};
    withSpan('kafka-send', () => injectContext(headers, { adapter: kafkaHeadersAdapter }));
    assert.ok(Buffer.isBuffer(headers.traceparent));
    // A broker or client that changed the header case must not break the trace.
    const received: KafkaHeaders = { TraceParent: headers.traceparent };
    withConsumerSpan({ key: null, value: Buffer.from('v'), headers: received }, 'kafka-consume', () => undefined);
    const [producer, consumer] = sdk.spans();
    assert.equal(consumer?.parentSpanContext?.spanId, producer?.spanContext().spanId);
  });

  it('starts a new root CONSUMER span for garbage or missing carriers instead of throwing', () => {
    for (const message of [undefined, null, 'text', 42, { headers: { traceparent: 17 } }, { MessageAttributes: { traceparent: {} } }]) {
      withConsumerSpan(message, 'orphan', () => undefined);
    }
    const spans = sdk.spans();
    assert.equal(spans.length, 6);
    for (const span of spans) {
      assert.equal(span.parentSpanContext, undefined);
      assert.equal(span.kind, SpanKind.CONSUMER);
    }
    assert.equal(trace.getSpanContext(extractContext(null, ROOT_CONTEXT)), undefined);
  });
});
